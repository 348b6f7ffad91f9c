/** A writable text sink: `process.stdout`, `process.stderr`, or a test buffer. */
export interface TextSink {
  write(chunk: string): unknown;
  /** True when the sink is an interactive terminal (progress is shown only then). */
  readonly isTTY?: boolean;
}

/** What a command may touch of the outside world. Injected so tests never use globals. */
export interface CliIO {
  /** Results: human text, or one JSON document with `--json`. */
  readonly stdout: TextSink;
  /** Diagnostics and progress (progress only when this is a TTY). */
  readonly stderr: TextSink;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Standard input, for commands that stream (redact, backup). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Working directory (defaults to `process.cwd()`). */
  readonly cwd?: string;
}

/**
 * Exit codes of the `palisade` command.
 * 0: success. 1: findings or a verification failure. 2: usage error.
 */
export const EXIT: Readonly<{ OK: 0; FINDINGS: 1; USAGE: 2 }> = Object.freeze({
  OK: 0,
  FINDINGS: 1,
  USAGE: 2,
});

/** Writes a progress line to stderr only when stderr is a TTY. */
export function progress(io: CliIO, line: string): void {
  if (io.stderr.isTTY === true) io.stderr.write(`\r\x1b[2K${line}`);
}

/** Writes one JSON document to stdout (the `--json` convention). */
export function writeJson(io: CliIO, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

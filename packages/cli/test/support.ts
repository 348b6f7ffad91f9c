import type { CliIO } from '@palisade/cli';

/** An in-memory CliIO: what the command wrote, as strings. */
export interface CapturedIO extends CliIO {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIO(
  options: { tty?: boolean; env?: Record<string, string> } = {},
): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: options.tty ?? false },
    stderr: { write: (s: string) => (err += s), isTTY: options.tty ?? false },
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}

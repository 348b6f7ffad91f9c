import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import {
  createEgressTransform,
  type Policy,
  type PolicyInput,
  parsePolicy,
  prepareEgress,
  RedactionError,
} from '@palisade/redaction';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const usage = `Usage: palisade redact [--mode off|redacted|full] [--policy <file.json>]
                       [--format text|json|ndjson] [--scope <feature>] [files...]

Prints what may leave this device under a privacy policy. Reads the files (or
standard input when none are given) and streams them to standard output.
  off       nothing may leave: refuses with exit 1 (the default).
  redacted  never-leave files (.env*, keys, credentials, secrets/**) are skipped;
            secrets and PII become typed placeholders (<secret:rule-id#1>);
            home directories and your user name are masked.
  full      needs a recorded, unexpired consent in the policy covering --scope
            (default "context"); PII and paths leave, credentials still do not.
--mode overrides the policy's mode. --format json prints one JSON document
(whole files, not streamed); ndjson prints one {"file","line","text"} per line.`;

type Format = 'text' | 'json' | 'ndjson';

async function loadPolicy(
  io: CliIO,
  file: string | undefined,
  mode: string | undefined,
): Promise<Policy> {
  let input: Record<string, unknown> = {};
  if (file !== undefined) {
    let raw: string;
    try {
      raw = await readFile(resolve(io.cwd ?? process.cwd(), file), 'utf8');
    } catch (e) {
      throw new UsageError(
        `cannot read policy file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new UsageError(`policy file ${file} must hold a JSON object`);
      }
      input = parsed as Record<string, unknown>;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`policy file ${file} is not valid JSON`);
    }
  }
  return parsePolicy(mode === undefined ? input : ({ ...input, mode } as PolicyInput));
}

function pipeThrough(
  source: Readable | NodeJS.ReadableStream,
  transform: Transform,
  onText: (s: string) => void,
): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    transform.on('data', (chunk: Buffer | string) => onText(chunk.toString()));
    transform.on('end', () => resolvePromise());
    transform.on('error', reject);
    source.on('error', reject);
    source.pipe(transform);
  });
}

/** Splits streamed text into lines for ndjson output. */
function lineEmitter(io: CliIO, file: string): { push(s: string): void; end(): void } {
  let buf = '';
  let n = 0;
  const emit = (text: string): void => {
    n += 1;
    io.stdout.write(`${JSON.stringify({ file, line: n, text })}\n`);
  };
  return {
    push(s) {
      buf += s;
      let nl = buf.indexOf('\n');
      while (nl !== -1) {
        emit(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
    },
    end() {
      if (buf.length > 0) emit(buf);
      buf = '';
    },
  };
}

/**
 * `palisade redact`: stream files or stdin to stdout as they may leave the
 * device under a privacy policy (`off` refuses; `redacted` drops never-leave
 * files and replaces secrets, PII and home paths; `full` needs consent and
 * still replaces credentials).
 */
export const redactCommand: Command = {
  name: 'redact',
  summary: 'Show what may leave this device under a privacy policy (off, redacted, full)',
  usage,
  async run(args, io, flags): Promise<number> {
    const parsed: {
      values: {
        mode?: string | undefined;
        policy?: string | undefined;
        format?: string | undefined;
        scope?: string | undefined;
      };
      positionals: string[];
    } = parseCommandArgs({
      args: [...args],
      options: {
        mode: { type: 'string' },
        policy: { type: 'string' },
        format: { type: 'string' },
        scope: { type: 'string' },
      },
      allowPositionals: true,
    });
    const { mode, format: fmt, scope } = parsed.values;
    if (mode !== undefined && mode !== 'off' && mode !== 'redacted' && mode !== 'full') {
      throw new UsageError('--mode must be off, redacted or full');
    }
    const format: Format = flags.json ? 'json' : ((fmt ?? 'text') as Format);
    if (format !== 'text' && format !== 'json' && format !== 'ndjson') {
      throw new UsageError('--format must be text, json or ndjson');
    }
    const files = parsed.positionals;
    if (files.length === 0 && io.stdin === undefined) {
      throw new UsageError('no input: pass files or pipe text to standard input');
    }

    const policy = await loadPolicy(io, parsed.values.policy, mode);
    const options = scope === undefined ? {} : { scope };
    try {
      // Checks the mode and the consent before anything is read.
      prepareEgress(policy, {}, options);
    } catch (e) {
      if (RedactionError.isInstance(e) && e.code === 'ERR_REDACTION_EGRESS_DISABLED') {
        io.stderr.write(
          'palisade redact: privacy mode is off, so nothing may leave this device (ERR_REDACTION_EGRESS_DISABLED).\n' +
            'Use --mode redacted, or a policy with mode "full" and a recorded consent.\n',
        );
        return EXIT.FINDINGS;
      }
      if (RedactionError.isInstance(e) && e.code === 'ERR_REDACTION_CONSENT_REQUIRED') {
        io.stderr.write(`palisade redact: ${e.message} (${e.code}).\n`);
        return EXIT.FINDINGS;
      }
      throw e;
    }

    const cwd = io.cwd ?? process.cwd();
    let failed = false;
    const isDropped = (path: string): boolean =>
      prepareEgress(policy, { files: [{ path, content: '' }] }, options).dropped.length > 0;

    if (format === 'json') {
      const context: Array<{ path: string; content: string }> = [];
      const unreadable: string[] = [];
      if (files.length === 0 && io.stdin !== undefined) {
        let text = '';
        for await (const chunk of io.stdin)
          text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        context.push({ path: '-', content: text });
      }
      for (const file of files) {
        if (isDropped(file)) {
          context.push({ path: file, content: '' });
          continue;
        }
        try {
          context.push({ path: file, content: await readFile(resolve(cwd, file), 'utf8') });
        } catch (e) {
          unreadable.push(file);
          io.stderr.write(
            `palisade redact: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}\n`,
          );
        }
      }
      const out = prepareEgress(policy, { files: context }, options);
      writeJson(io, {
        mode: out.mode,
        files: out.files.map((f) => ({
          path: f.path,
          content: f.content,
          redactions: f.replaced.length,
        })),
        dropped: out.dropped.map((d) => ({ path: d.path, reason: d.reason })),
        unreadable,
        redactions: out.redactions,
      });
      return unreadable.length > 0 ? EXIT.FINDINGS : EXIT.OK;
    }

    const run = async (name: string, source: Readable | NodeJS.ReadableStream): Promise<void> => {
      const transform = createEgressTransform(policy, options);
      if (format === 'ndjson') {
        const lines = lineEmitter(io, name);
        await pipeThrough(source, transform, (s) => lines.push(s));
        lines.end();
      } else {
        await pipeThrough(source, transform, (s) => io.stdout.write(s));
      }
    };

    if (files.length === 0 && io.stdin !== undefined) {
      await run('-', io.stdin);
      return EXIT.OK;
    }
    for (const file of files) {
      if (isDropped(file)) {
        if (format === 'ndjson')
          io.stdout.write(`${JSON.stringify({ file, dropped: 'never-leave' })}\n`);
        io.stderr.write(
          `palisade redact: skipped ${file}: the policy says it never leaves this device\n`,
        );
        continue;
      }
      try {
        await run(file, createReadStream(resolve(cwd, file)));
      } catch (e) {
        failed = true;
        io.stderr.write(
          `palisade redact: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}\n`,
        );
      }
    }
    return failed ? EXIT.FINDINGS : EXIT.OK;
  },
};

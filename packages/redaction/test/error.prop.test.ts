import { Writable } from 'node:stream';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import pino from 'pino';
import { expect } from 'vitest';
import {
  createLogRedactor,
  parsePolicy,
  prepareEgress,
  redactObject,
  sanitizeError,
  toClientError,
} from '../src/index.ts';
import { arbPlanted } from './arbitraries.ts';

function everythingShown(e: unknown): string {
  const err = e as Error;
  return [
    String(err),
    err.stack,
    err.message,
    JSON.stringify(err),
    JSON.stringify({ ...err }),
  ].join('\n');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

test.prop([arbPlanted(), arbPlanted()])(
  'no error or log record produced by the package contains a secret it was given',
  (a, b) => {
    const secrets = [a.secret, b.secret];
    const shown: string[] = [];

    // Errors the package throws itself, given secrets in bad input.
    shown.push(everythingShown(thrown(() => parsePolicy({ mode: a.secret }))));
    shown.push(
      everythingShown(
        thrown(() => parsePolicy({ consent: { grantedBy: a.line, grantedAt: b.secret } })),
      ),
    );
    shown.push(
      everythingShown(
        thrown(() => parsePolicy({ customRules: [{ id: a.secret, pattern: `(${b.secret}` }] })),
      ),
    );
    shown.push(everythingShown(thrown(() => prepareEgress(parsePolicy(), { messages: [a.line] }))));
    shown.push(
      everythingShown(
        thrown(() =>
          prepareEgress(parsePolicy({ mode: 'full' }), { messages: [a.line] }, { scope: b.secret }),
        ),
      ),
    );
    shown.push(everythingShown(thrown(() => redactObject({}, { paths: [`x[${a.secret}]`] }))));

    // Errors the package sanitizes.
    const cause = new Error(b.line);
    const err = Object.assign(new Error(`failed: ${a.line}`, { cause }), {
      detail: b.line,
      token: a.secret,
    });
    const agg = new AggregateError([err, new Error(a.line)], `several: ${b.line}`);
    const safe = sanitizeError(agg);
    const safeErr = sanitizeError(err);
    shown.push(everythingShown(safe), everythingShown(safeErr), everythingShown(safeErr.cause));
    shown.push(everythingShown((safe as AggregateError).errors[0]));
    shown.push(everythingShown(((safe as AggregateError).errors[0] as Error).cause));
    shown.push(JSON.stringify(toClientError(err)));

    // Log records written by a real pino logger through the hook.
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _e, cb): void {
        out += chunk.toString();
        cb();
      },
    });
    const r = createLogRedactor();
    const logger = pino({ hooks: { logMethod: r.logMethod }, formatters: { log: r.log } }, sink);
    logger.info({ user: { password: a.secret }, note: b.line }, a.line);
    logger.error(err);
    logger.info({ auth: { password: b.secret } }, `user typed ${b.secret}`);
    logger.warn({ err: agg }, 'with %s and %o', b.line, { x: a.line });
    shown.push(out);

    const all = shown.join('\n');
    for (const s of secrets) {
      expect(shown.findIndex((x) => x.includes(s))).toBe(-1);
      expect(all).not.toContain(s);
    }
  },
);

test.prop([fc.string()])('sanitizeError never throws, whatever is thrown', (s) => {
  for (const v of [s, { s }, [s], Symbol('x'), 1n, undefined]) {
    expect(sanitizeError(v)).toBeInstanceOf(Error);
  }
});

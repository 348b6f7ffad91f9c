import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogRedactor } from '../src/index.ts';
import { githubToken } from './arbitraries.ts';

const AWS = 'AKIAZ7ROTATEME2345QQ';
const GH = githubToken('R4nd0mB0dyOfThirtyCharsXYZ0123');

function memoryLogger(redactorOptions?: Parameters<typeof createLogRedactor>[0]): {
  logger: pino.Logger;
  lines: () => Array<Record<string, unknown>>;
  raw: () => string;
} {
  let buf = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb): void {
      buf += chunk.toString();
      cb();
    },
  });
  const r = createLogRedactor(redactorOptions);
  const logger = pino(
    { base: null, timestamp: false, hooks: { logMethod: r.logMethod }, formatters: { log: r.log } },
    sink,
  );
  return {
    logger,
    raw: () => buf,
    lines: () =>
      buf
        .trim()
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogRedactor with a real pino logger', () => {
  it('redacts the merging object by key and by value, and the message and its format arguments', () => {
    const { logger, lines, raw } = memoryLogger({ paths: ['req.headers["x-custom"]'] });
    logger.info(
      { req: { headers: { authorization: `Bearer ${GH}`, 'x-custom': 'c' } }, note: `key ${AWS}` },
      'calling with %s',
      AWS,
    );
    logger.warn(`plain message with ${GH}`);
    expect(raw()).not.toContain(AWS);
    expect(raw()).not.toContain(GH);
    const [first, second] = lines();
    expect(first).toMatchObject({
      level: 30,
      req: { headers: { authorization: '[REDACTED]', 'x-custom': '[REDACTED]' } },
      note: 'key <secret:aws-access-key-id#1>',
      msg: 'calling with <secret:aws-access-key-id#1>',
    });
    expect(second?.['msg']).toMatch(/^plain message with <secret:github-pat#\d+>$/);
  });

  it('replaces a value logged under a sensitive key where the message repeats it', () => {
    const { logger, raw } = memoryLogger();
    const pw = 'opensesame-42-zebra';
    logger.info({ user: 'u1', password: pw }, `user u1 typed ${pw}`);
    logger.info({ apiKey: pw }, 'retrying with %s', pw);
    expect(raw()).not.toContain(pw);
    expect(raw()).toContain('user u1 typed <secret:sensitive-key#1>');
  });

  it('redacts an Error logged through pino, including its stack and cause', () => {
    const { logger, raw, lines } = memoryLogger();
    const err = new Error(`refused ${AWS}`, { cause: new Error(`inner ${GH}`) });
    logger.error(err);
    logger.error({ err }, 'failed');
    expect(raw()).not.toContain(AWS);
    expect(raw()).not.toContain(GH);
    const [first] = lines();
    expect(first?.['msg']).toBe('refused <secret:aws-access-key-id#1>');
    expect(String((first?.['err'] as { stack?: string } | undefined)?.stack)).toContain('<secret:');
    expect(err.message).toBe(`refused ${AWS}`);
  });
});

import { describe, expect, it } from 'vitest';
import { RedactionError, sanitizeError, toClientError } from '../src/index.ts';

const AWS = 'AKIAZ7ROTATEME2345QQ';

class HttpError extends Error {
  status = 500;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HttpError';
  }
}

describe('sanitizeError', () => {
  it('sanitizes message, stack, cause chain and own props without changing the original', () => {
    const cause = new Error(`connect postgres://app:pgS3cretPassw0rd42@db/app failed`);
    const err = new HttpError(`upstream rejected ${AWS}`, { cause });
    Object.assign(err, { headers: { authorization: 'Bearer zzz' }, file: '/home/alice/x.ts' });
    const safe = sanitizeError(err, { maskPaths: { usernames: [] } });
    expect(safe).toBeInstanceOf(HttpError);
    expect(safe).not.toBe(err);
    expect(safe.message).toBe('upstream rejected <secret:aws-access-key-id#1>');
    expect(safe.stack).not.toContain(AWS);
    expect((safe.cause as Error).message).not.toContain('pgS3cretPassw0rd42');
    expect(safe).toMatchObject({
      status: 500,
      headers: { authorization: '[REDACTED]' },
      file: '/home/<user>/x.ts',
    });
    expect(err.message).toBe(`upstream rejected ${AWS}`);
  });

  it('sanitizes AggregateError members and handles a cause cycle', () => {
    const a = new Error(`one ${AWS}`);
    const b = new Error('two', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const agg = new AggregateError([a, b], 'many');
    const safe = sanitizeError(agg) as AggregateError;
    expect((safe.errors[0] as Error).message).toBe('one <secret:aws-access-key-id#1>');
    expect(((safe.errors[1] as Error).cause as Error).cause).toBe(safe.errors[1]);
  });

  it('sanitizes a stack exposed as an accessor (as some engine versions do)', () => {
    const err = new Error('plain');
    Object.defineProperty(err, 'stack', {
      get: () => `Error: plain\n    at login (/srv/app.js:1:1) key=${AWS}`,
      configurable: true,
    });
    const safe = sanitizeError(err);
    expect(safe.stack).toContain('<secret:aws-access-key-id#1>');
    expect(safe.stack).not.toContain(AWS);
    expect(JSON.stringify(toClientError(err).record)).not.toContain(AWS);
  });

  it('turns a thrown non-Error into an Error without leaking it', () => {
    expect(sanitizeError(`bad ${AWS}`).message).toBe('bad <secret:aws-access-key-id#1>');
    expect(sanitizeError({ token: AWS }).message).toBe('a non-Error value was thrown (object)');
    expect(sanitizeError(null).message).toBe('null was thrown');
  });
});

describe('toClientError', () => {
  it('gives the client only a generic error with a correlation id and keeps a sanitized record for the server', () => {
    const err = Object.assign(
      new Error(`token ${AWS} rejected`, { cause: new Error(`k=${AWS}`) }),
      {
        code: 'E_UPSTREAM',
      },
    );
    const { response, record } = toClientError(err, { correlationId: 'req-42' });
    expect(response).toEqual({ error: 'internal_error', correlationId: 'req-42' });
    expect(record).toMatchObject({
      correlationId: 'req-42',
      name: 'Error',
      code: 'E_UPSTREAM',
      message: 'token <secret:aws-access-key-id#1> rejected',
      cause: { name: 'Error', message: 'k=<secret:aws-access-key-id#1>' },
    });
    expect(JSON.stringify(record)).not.toContain(AWS);
    expect(toClientError(err).response.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => toClientError(err, { correlationId: 'bad id\n' })).toThrow(TypeError);
  });
});

describe('RedactionError', () => {
  it('serialises to name, code and message only', () => {
    const e = new RedactionError('ERR_REDACTION_EGRESS_DISABLED', 'off', { cause: new Error(AWS) });
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'RedactionError',
      code: 'ERR_REDACTION_EGRESS_DISABLED',
      message: 'off',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createObjectRedactor, redactObject } from '../src/index.ts';

const AWS = 'AKIAZ7ROTATEME2345QQ';

class Session {
  user = 'u1';
  token = 'opaque-session-value';
  note = `key ${AWS}`;
  greet(): string {
    return `hi ${this.user}`;
  }
}

describe('redactObject', () => {
  it('censors values under sensitive key names at any depth, case-insensitively', () => {
    const input = {
      password: 'hunter2',
      Authorization: 'Bearer abc',
      nested: { client_secret: 'x', Cookie: 'sid=1', apiKey: 'k', 'x-api-key': 'k2' },
      access_token: 'abc',
      usage: { total_tokens: 812, max_tokens: 1000 },
      tokenizer: 'cl100k',
      pin: 1234,
      secretEnabled: true,
      password_hint: null,
    };
    expect(redactObject(input, { scanValues: false })).toEqual({
      password: '[REDACTED]',
      Authorization: '[REDACTED]',
      nested: {
        client_secret: '[REDACTED]',
        Cookie: '[REDACTED]',
        apiKey: '[REDACTED]',
        'x-api-key': '[REDACTED]',
      },
      access_token: '[REDACTED]',
      usage: { total_tokens: 812, max_tokens: 1000 },
      tokenizer: 'cl100k',
      pin: '[REDACTED]',
      secretEnabled: true,
      password_hint: null,
    });
  });

  it('replaces a value censored under a sensitive key wherever else it appears in the same object', () => {
    const pw = 'correct horse battery';
    const out = redactObject({
      msg: `login failed, user typed "${pw}"`,
      body: { password: pw },
      echo: [pw],
    });
    expect(JSON.stringify(out)).not.toContain(pw);
    expect(out.body.password).toBe('[REDACTED]');
    expect(out.msg).toBe('login failed, user typed "<secret:sensitive-key#1>"');
    expect(out.echo).toEqual(['<secret:sensitive-key#1>']);
    // Key-path mode alone (no value scanning) leaves other strings untouched.
    expect(redactObject({ msg: pw, password: pw }, { scanValues: false }).msg).toBe(pw);
  });

  it('replaces a censored value in every string copied before its key was reached: entries, Map values, Error messages, Set members and bytes', () => {
    const pw = 'plum-Vortex-7731';
    const visible = (v: unknown): string =>
      JSON.stringify(v, (_k, x: unknown) => {
        if (x instanceof Map || x instanceof Set) return [...x];
        if (x instanceof Error) return { message: x.message, stack: x.stack };
        if (x instanceof Uint8Array) return Buffer.from(x).toString();
        return x;
      });
    // Copies that can be replaced in place (redacted again after the walk).
    const inPlace = JSON.parse(
      `{"__proto__": "proto ${pw}", "list": ["list ${pw}"], "creds": {"password": "${pw}"}}`,
    ) as Record<string, unknown>;
    inPlace['map'] = new Map<unknown, unknown>([['m', `map ${pw}`]]);
    inPlace['err'] = new Error(`error ${pw}`);
    inPlace['z'] = { password: pw };
    const a = redactObject({ first: inPlace, later: { token: pw } });
    expect(visible(a)).not.toContain(pw);
    expect(Object.getPrototypeOf(a.first)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(a.first, '__proto__')?.value).toBe(
      'proto <secret:sensitive-key#1>',
    );
    expect((a.first['map'] as Map<string, string>).get('m')).toBe('map <secret:sensitive-key#1>');
    expect((a.first['err'] as Error).message).toBe('error <secret:sensitive-key#1>');
    // Copies that cannot be (a Set member, bytes): the walk is done again.
    const b = redactObject({
      tags: new Set([`set ${pw}`]),
      bytes: Buffer.from(`bytes ${pw}`),
      num: new Map([[1, `num ${pw}`]]),
      list: [`list ${pw}`],
      creds: { password: pw },
    });
    expect(visible(b)).not.toContain(pw);
    expect([...b.tags]).toEqual(['set <secret:sensitive-key#1>']);
    expect(b.bytes.toString()).toBe('bytes <secret:sensitive-key#1>');
    expect(b.num.get(1)).toBe('num <secret:sensitive-key#1>');
    expect(b.list).toEqual(['list <secret:sensitive-key#1>']);
  });

  it('a compiled redactor still replaces a censored value inside a string it has already seen clean', () => {
    const redact = createObjectRedactor();
    const note = 'deploy finished with zq9-Xv4!pLm8 in the logs';
    // First call: nothing in the note is a secret on its own.
    expect(redact({ note })).toEqual({ note });
    // Second call: the same note now repeats a value censored under `password`.
    const out = redact({ password: 'zq9-Xv4!pLm8', note });
    expect(out.password).toBe('[REDACTED]');
    expect(out.note).not.toContain('zq9-Xv4!pLm8');
    // Third call: clean again, so the note is returned unchanged.
    expect(redact({ note })).toEqual({ note });
  });

  it('keeps an own __proto__ key as an own property instead of changing the copy prototype', () => {
    const input = JSON.parse('{"__proto__": {"isAdmin": true, "token": "abc"}, "a": 1}') as Record<
      string,
      unknown
    >;
    const out = redactObject(input, { scanValues: false });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({
      isAdmin: true,
      token: '[REDACTED]',
    });
  });

  it('censors pino-style paths: dotted, wildcard, bracketed and indexed', () => {
    const input = {
      req: { headers: { authorization: 'a', 'x-forwarded-for': '1.2.3.4', host: 'h' } },
      users: [
        { name: 'n1', ssn: '1' },
        { name: 'n2', ssn: '2' },
      ],
      a: { x: { b: 1, c: 2 }, y: { b: 3 } },
      list: ['p', 'q'],
      m: new Map([['k', { deep: 'v' }]]),
    };
    const out = createObjectRedactor({
      keys: [],
      scanValues: false,
      censor: '***',
      paths: ['req.headers["x-forwarded-for"]', 'users[*].ssn', 'a.*.b', 'list[1]', 'm.k.deep'],
    })(input);
    expect(out).toEqual({
      req: { headers: { authorization: 'a', 'x-forwarded-for': '***', host: 'h' } },
      users: [
        { name: 'n1', ssn: '***' },
        { name: 'n2', ssn: '***' },
      ],
      a: { x: { b: '***', c: 2 }, y: { b: '***' } },
      list: ['p', '***'],
      m: new Map([['k', { deep: '***' }]]),
    });
  });

  it('rejects malformed paths and options with TypeError or RangeError', () => {
    expect(() => redactObject({}, { paths: ['a[b]'] })).toThrow(TypeError);
    expect(() => redactObject({}, { paths: [''] })).toThrow(TypeError);
    expect(() => redactObject({}, { paths: ['a[0'] })).toThrow(TypeError);
    expect(() => redactObject({}, { maxDepth: 0 })).toThrow(RangeError);
    expect(() => redactObject({}, { keys: [5 as never] })).toThrow(TypeError);
  });

  it('scans string values and replaces secrets with typed placeholders', () => {
    const out = redactObject({ msg: `uploading with ${AWS}`, list: [`x ${AWS}`] });
    expect(out).toEqual({
      msg: 'uploading with <secret:aws-access-key-id#1>',
      list: ['x <secret:aws-access-key-id#1>'],
    });
  });

  it('keeps cycles, Maps, Sets, Dates, typed arrays and Buffers with their shape', () => {
    const buf = Buffer.from(`token ${AWS}`);
    const floats = new Float64Array([1.5, 2.5]);
    const input: Record<string, unknown> = {
      map: new Map<unknown, unknown>([
        ['password', 'p'],
        [1, `v ${AWS}`],
      ]),
      set: new Set([`s ${AWS}`, 2]),
      when: new Date(0),
      buf,
      bytes: new Uint8Array([0xff, 0xfe, 0x00]),
      floats,
      ab: new ArrayBuffer(4),
    };
    input['self'] = input;
    const out = redactObject(input) as typeof input;
    expect(out['self']).toBe(out);
    expect(out['map']).toEqual(
      new Map<unknown, unknown>([
        ['password', '[REDACTED]'],
        [1, 'v <secret:aws-access-key-id#1>'],
      ]),
    );
    expect(out['set']).toEqual(new Set(['s <secret:aws-access-key-id#1>', 2]));
    expect(out['when']).toEqual(new Date(0));
    expect(out['when']).not.toBe(input['when']);
    expect(Buffer.isBuffer(out['buf'])).toBe(true);
    expect((out['buf'] as Buffer).toString()).toBe('token <secret:aws-access-key-id#1>');
    expect(buf.toString()).toBe(`token ${AWS}`);
    expect(out['bytes']).toEqual(new Uint8Array([0xff, 0xfe, 0x00]));
    expect(out['floats']).toBeInstanceOf(Float64Array);
    expect(out['floats']).not.toBe(floats);
    expect(out['ab']).toBeInstanceOf(ArrayBuffer);
  });

  it('keeps class instances on their prototype and redacts their own fields', () => {
    const s = new Session();
    const out = redactObject(s);
    expect(out).toBeInstanceOf(Session);
    expect(out.greet()).toBe('hi u1');
    expect(out.token).toBe('[REDACTED]');
    expect(out.note).toBe('key <secret:aws-access-key-id#1>');
    expect(s.token).toBe('opaque-session-value');
  });

  it('redacts Errors: message, stack, cause chain, AggregateError errors and own props', () => {
    const root = new Error(`db refused key ${AWS}`);
    const agg = new AggregateError([new TypeError(`bad ${AWS}`)], `many ${AWS}`, { cause: root });
    Object.assign(agg, { code: 'E_X', password: 'p', detail: `d ${AWS}` });
    const out = redactObject({ err: agg }).err;
    expect(out).toBeInstanceOf(AggregateError);
    expect(out.message).toBe('many <secret:aws-access-key-id#1>');
    expect(out.stack).not.toContain(AWS);
    expect(out.stack).toContain('<secret:aws-access-key-id#1>');
    expect((out.cause as Error).message).toBe('db refused key <secret:aws-access-key-id#1>');
    expect(out.errors[0]).toBeInstanceOf(TypeError);
    expect((out.errors[0] as Error).message).toBe('bad <secret:aws-access-key-id#1>');
    expect(out).toMatchObject({
      code: 'E_X',
      password: '[REDACTED]',
      detail: 'd <secret:aws-access-key-id#1>',
    });
    expect(agg.message).toBe(`many ${AWS}`);
  });

  it('truncates values nested deeper than maxDepth instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const out = redactObject(deep, { maxDepth: 3 }) as { d: { d: { d: unknown } } };
    // Depth counts from the root (0): values at depth 4 and below are cut.
    expect(out.d.d.d).toEqual({ d: '[Truncated]' });
    expect(() => redactObject(deep)).not.toThrow();
  });
});

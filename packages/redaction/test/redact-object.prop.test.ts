import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import { redactObject } from '../src/index.ts';
import { arbLogObject, arbPassword, arbPlanted } from './arbitraries.ts';

/** The shape of a value: its types and keys, ignoring string contents. */
function shape(v: unknown, seen = new Set<unknown>()): unknown {
  if (typeof v === 'string') return 'string';
  if (typeof v !== 'object' || v === null) return v;
  if (seen.has(v)) return '[cycle]';
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => shape(x, seen));
  if (v instanceof Map) return ['Map', [...v].map(([k, x]) => [k, shape(x, seen)])];
  if (v instanceof Set) return ['Set', v.size];
  if (ArrayBuffer.isView(v)) return [v.constructor.name];
  return [
    Object.getPrototypeOf(v)?.constructor?.name ?? 'null',
    Object.fromEntries(
      Object.keys(v).map((k) => [k, shape((v as Record<string, unknown>)[k], seen)]),
    ),
  ];
}

// Any JSON-like value with some planted secrets among its strings and a few
// non-JSON containers, keyed by non-sensitive names.
const arbValue = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    arbPlanted().map((p) => p.line),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'msg', 'detail', 'items'), tie('node'), { maxKeys: 4 }),
    fc.array(tie('leaf'), { maxLength: 3 }).map((xs) => new Set(xs)),
    fc.array(fc.tuple(fc.string(), tie('leaf')), { maxLength: 3 }).map((xs) => new Map(xs)),
  ),
})).node;

test.prop([arbValue])('object redaction never mutates its input and preserves shape', (value) => {
  const before = structuredClone(value);
  const out = redactObject(value);
  expect(value).toEqual(before);
  expect(shape(out)).toEqual(shape(value));
  if (typeof value === 'object' && value !== null) expect(out).not.toBe(value);
});

test.prop([arbLogObject()])(
  'a redacted log object contains none of its planted secrets, in key-path or value position',
  ({ value, secrets }) => {
    const before = structuredClone(value);
    const json = JSON.stringify(redactObject(value));
    for (const s of secrets) expect(json).not.toContain(s);
    expect(value).toEqual(before);
  },
);

/** Every string a caller can read from a redacted value, as one text. */
function visibleText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Map || x instanceof Set) return [...x];
    if (x instanceof Error) return { message: x.message, stack: x.stack };
    if (x instanceof Uint8Array) return Buffer.from(x).toString();
    return x;
  });
}

const HOLDERS = ['entry', 'flagged', 'list', 'map', 'set', 'error', 'bytes'] as const;

/** A container of the given kind holding a string that repeats `pw`. */
function holder(kind: (typeof HOLDERS)[number], pw: string): unknown {
  const text = `user typed ${pw} here`;
  switch (kind) {
    case 'entry':
      return text;
    case 'flagged':
      // The scanner flags this one on its own (a generic password).
      return `password=${pw}`;
    case 'list':
      return [1, text];
    case 'map':
      return new Map([['k', text]]);
    case 'set':
      return new Set([text]);
    case 'error':
      return new Error(text);
    case 'bytes':
      return Buffer.from(text);
  }
}

test.prop([
  arbPassword(),
  fc.array(fc.constantFrom(...HOLDERS), { minLength: 1, maxLength: 5 }),
  fc.nat(),
  fc.constantFrom('password', 'client_secret', 'apiKey', 'Authorization'),
])(
  'a value censored under a sensitive key is replaced wherever else it appears, before or after the key',
  (pw, kinds, at, key) => {
    const entries: Array<[string, unknown]> = kinds.map((k, i) => [`h${i}`, holder(k, pw)]);
    entries.splice(at % (entries.length + 1), 0, ['creds', { [key]: pw }]);
    const value = Object.fromEntries(entries);
    const before = visibleText(value);
    const out = redactObject(value);
    expect(visibleText(out)).not.toContain(pw);
    expect(visibleText(value)).toBe(before);
  },
);

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuditLogError, canonicalBytes, canonicalize } from '@palisade/audit-log';
import { describe, expect, it } from 'vitest';

const dir = (p: string): string => fileURLToPath(new URL(`../fixtures/jcs/${p}`, import.meta.url));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return AuditLogError.isInstance(e) ? e.code : 'untyped';
  }
  return undefined;
}

describe('RFC 8785 (JCS) published test data', () => {
  const check = (name: string): void => {
    const input: unknown = JSON.parse(readFileSync(dir(`input/${name}.json`), 'utf8'));
    const expected = readFileSync(dir(`output/${name}.json`));
    const got = canonicalBytes(input, { allowUnsafeIntegers: true });
    expect(Buffer.from(got).equals(expected)).toBe(true);
  };
  it('canonical bytes of cyberphone testdata values.json match the published output byte for byte', () => {
    check('values');
  });
  it('canonical bytes of cyberphone testdata weird.json match the published output byte for byte', () => {
    check('weird');
  });
  it('canonical bytes of cyberphone testdata structures.json match the published output byte for byte', () => {
    check('structures');
  });
  it('canonical bytes of cyberphone testdata unicode.json match the published output byte for byte', () => {
    check('unicode');
  });

  it('integers beyond 2^53 - 1 are rejected by default with ERR_AUDIT_UNSAFE_INTEGER', () => {
    expect(codeOf(() => canonicalize({ n: 1e30 }))).toBe('ERR_AUDIT_UNSAFE_INTEGER');
    expect(codeOf(() => canonicalize({ n: 2 ** 53 }))).toBe('ERR_AUDIT_UNSAFE_INTEGER');
    expect(canonicalize({ n: 2 ** 53 - 1 })).toBe('{"n":9007199254740991}');
    expect(codeOf(() => canonicalize({ n: 10n }))).toBe('ERR_AUDIT_NOT_JSON');
  });

  it('lone surrogates in values and keys are rejected with ERR_AUDIT_LONE_SURROGATE', () => {
    expect(codeOf(() => canonicalize('\ud800'))).toBe('ERR_AUDIT_LONE_SURROGATE');
    expect(codeOf(() => canonicalize('a\udc00b'))).toBe('ERR_AUDIT_LONE_SURROGATE');
    expect(codeOf(() => canonicalize({ '\ud83d': 1 }))).toBe('ERR_AUDIT_LONE_SURROGATE');
    expect(canonicalize('\ud83d\ude02')).toBe('"\ud83d\ude02"');
  });

  it('NUL is escaped (never dropped) and Unicode is never normalised', () => {
    expect(canonicalize('a\u0000b')).toBe('"a\\u0000b"');
    // NFC "é" and NFD "e\u0301" stay different bytes.
    expect(canonicalize('\u00e9')).not.toBe(canonicalize('e\u0301'));
    expect(canonicalize(-0)).toBe('0');
  });

  it('non-JSON values and over-deep nesting get typed errors, never a crash', () => {
    expect(codeOf(() => canonicalize(Number.NaN))).toBe('ERR_AUDIT_NOT_JSON');
    expect(codeOf(() => canonicalize({ a: undefined }))).toBe('ERR_AUDIT_NOT_JSON');
    expect(codeOf(() => canonicalize(new Date(0)))).toBe('ERR_AUDIT_NOT_JSON');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(codeOf(() => canonicalize(deep))).toBe('ERR_AUDIT_TOO_DEEP');
  });
});

import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import { CryptoError, createToken, hashToken, parseToken, verifyToken } from '../src/index.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-';
const arbPrefix = fc.stringMatching(/^[a-z0-9]{0,12}$/).map((s) => `pal${s}`);
const arbSecret = fc.uint8Array({ minLength: 32, maxLength: 32 });

test.prop([arbPrefix, arbSecret])(
  'tokens round-trip: parse and verify accept every issued token',
  (prefix, raw) => {
    const t = createToken({ prefix, randomBytes: () => raw.slice() });
    expect(parseToken(t.token).prefix).toBe(prefix);
    expect(verifyToken(t.token, t.hash)).toBe(true);
    expect(hashToken(t.token).lookupId).toBe(t.lookupId);
  },
);

test.prop([arbPrefix, arbSecret, fc.nat(), fc.constantFrom(...ALPHABET)])(
  'any single-character change of a token is rejected by the checksum or by verification',
  (prefix, raw, at, ch) => {
    const t = createToken({ prefix, randomBytes: () => raw.slice() });
    const i = at % t.token.length;
    fc.pre(t.token[i] !== ch);
    const changed = t.token.slice(0, i) + ch + t.token.slice(i + 1);
    expect(verifyToken(changed, t.hash)).toBe(false);
    let parsed = true;
    try {
      parseToken(changed);
    } catch (e) {
      parsed = false;
      expect(CryptoError.isInstance(e)).toBe(true);
    }
    // CRC-32 detects every burst error of up to 32 bits, so a one-character
    // (8-bit) change anywhere in `<prefix>_<body>` is caught, and a change in
    // the check digits no longer matches the recomputed CRC.
    expect(parsed).toBe(false);
  },
);

test.prop([arbPrefix, arbSecret, fc.nat(), fc.constantFrom(...ALPHABET)])(
  'no token error message, stack or JSON contains the token body',
  (prefix, raw, at, ch) => {
    const t = createToken({ prefix, randomBytes: () => raw.slice() });
    const i = at % t.token.length;
    const changed = t.token.slice(0, i) + ch + t.token.slice(i + 1);
    try {
      parseToken(changed);
    } catch (e) {
      const body = t.token.slice(prefix.length + 1, prefix.length + 44);
      const err = e as Error;
      for (const s of [String(err), err.stack ?? '', JSON.stringify(err)]) {
        expect(s).not.toContain(body.slice(0, 12));
        expect(s).not.toContain(body.slice(-12));
      }
    }
  },
);

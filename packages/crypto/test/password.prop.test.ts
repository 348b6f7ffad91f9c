import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import { hashPassword, verifyPassword } from '../src/index.ts';

// Each run hashes three times; CI uses a small budget unless PALISADE_FC_RUNS raises it.
const ciRuns = (n: number): { numRuns?: number } =>
  process.env.PALISADE_FC_RUNS === undefined ? { numRuns: n } : {};
const arbPolicy = fc.constantFrom(
  { algorithm: 'scrypt', scrypt: { ln: 4, r: 8, p: 1 } } as const,
  { algorithm: 'argon2id', argon2id: { m: 32, t: 1, p: 1 } } as const,
);

test.prop([fc.string({ maxLength: 64 }), fc.string({ maxLength: 64 }), arbPolicy], ciRuns(30))(
  'verifyPassword(p, hashPassword(p)) is true and false for any other password',
  async (pw, other, policy) => {
    fc.pre(pw !== other);
    const phc = await hashPassword(pw, policy);
    expect(await verifyPassword(pw, phc)).toBe(true);
    expect(await verifyPassword(other, phc)).toBe(false);
  },
);

test.prop([fc.string({ minLength: 6, maxLength: 40 }), fc.nat(), arbPolicy], ciRuns(30))(
  'a changed stored hash never verifies and no password error message contains the password',
  async (pw, at, policy) => {
    const phc = await hashPassword(pw, policy);
    const i = phc.lastIndexOf('$') + 1 + (at % (phc.length - phc.lastIndexOf('$') - 1));
    const changed = phc.slice(0, i) + (phc[i] === 'A' ? 'B' : 'A') + phc.slice(i + 1);
    let result: unknown;
    try {
      result = await verifyPassword(pw, changed);
    } catch (e) {
      result = e;
      const err = e as Error;
      for (const s of [String(err), err.stack ?? '', JSON.stringify(err)])
        expect(s).not.toContain(pw);
    }
    expect(result).not.toBe(true);
  },
);

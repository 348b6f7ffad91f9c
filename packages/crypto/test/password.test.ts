import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  verifyPassword,
} from '../src/index.ts';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/=+$/, '');
const FAST_SCRYPT = { algorithm: 'scrypt', scrypt: { ln: 6, r: 8, p: 1 } } as const;
const FAST_ARGON = { algorithm: 'argon2id', argon2id: { m: 64, t: 1, p: 1 } } as const;

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `other:${(e as Error).name}`;
  }
}

describe('password hashing', () => {
  it('writes scrypt as $scrypt$ln=<ln>,r=<r>,p=<p>$<16-byte salt b64>$<32-byte hash b64>, equal to node:crypto scrypt', async () => {
    const phc = await hashPassword('hunter2', FAST_SCRYPT);
    const m = /^\$scrypt\$ln=6,r=8,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/.exec(phc);
    expect(m).not.toBeNull();
    const salt = Buffer.from(m?.[1] as string, 'base64');
    expect(salt.length).toBe(16);
    expect(b64(scryptSync('hunter2', salt, 32, { N: 64, r: 8, p: 1 }))).toBe(m?.[2]);
  });

  it('verifies a hand-built scrypt PHC string computed independently with node:crypto', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const phc = `$scrypt$ln=5,r=4,p=2$${b64(salt)}$${b64(scryptSync('pässwörd', salt, 32, { N: 32, r: 4, p: 2 }))}`;
    expect(await verifyPassword('pässwörd', phc)).toBe(true);
    expect(await verifyPassword('passwörd', phc)).toBe(false);
  });

  it('hashes and verifies with the default scrypt parameters ln=17,r=8,p=1 (tested once)', async () => {
    const phc = await hashPassword('correct horse battery staple');
    expect(phc.startsWith('$scrypt$ln=17,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('correct horse battery staple', phc)).toBe(true);
    expect(needsRehash(phc)).toBe(false);
  });

  it('hashes and verifies with the default argon2id parameters m=19456,t=2,p=1 (tested once)', async () => {
    const phc = await hashPassword('correct horse battery staple', { algorithm: 'argon2id' });
    expect(phc).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(await verifyPassword('correct horse battery staple', phc)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', phc)).toBe(false);
  });

  it('uses a fresh salt per hash', async () => {
    const a = await hashPassword('same', FAST_ARGON);
    const b = await hashPassword('same', FAST_ARGON);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('rejects hostile PHC parameters with ERR_CRYPTO_PHC_LIMIT before allocating anything', async () => {
    const s = 'c29tZXNhbHRzb21lc2FsdA';
    const h = 'CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    expect(codeOf(() => parsePasswordHash(`$argon2id$v=19$m=4194304,t=1,p=1$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_LIMIT',
    );
    expect(codeOf(() => parsePasswordHash(`$argon2id$v=19$m=4096,t=1000000,p=1$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_LIMIT',
    );
    expect(codeOf(() => parsePasswordHash(`$argon2id$v=19$m=4096,t=1,p=64$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_LIMIT',
    );
    expect(codeOf(() => parsePasswordHash(`$scrypt$ln=30,r=8,p=1$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_LIMIT',
    );
    expect(codeOf(() => parsePasswordHash(`$scrypt$ln=19,r=8,p=1$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_LIMIT',
    );
    expect(codeOf(() => parsePasswordHash(`$scrypt$ln=10,r=8,p=1000$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_LIMIT',
    );
    await expect(
      verifyPassword('x', `$argon2id$v=19$m=4194304,t=1,p=1$${s}$${h}`),
    ).rejects.toMatchObject({
      code: 'ERR_CRYPTO_PHC_LIMIT',
    });
    // A caller can lower the limits further.
    expect(
      codeOf(() =>
        parsePasswordHash(`$argon2id$v=19$m=19456,t=2,p=1$${s}$${h}`, { maxMemoryKiB: 8192 }),
      ),
    ).toBe('ERR_CRYPTO_PHC_LIMIT');
  });

  it('rejects malformed and unsupported PHC strings with typed errors', () => {
    const s = 'c29tZXNhbHQ';
    const h = 'CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    for (const bad of [
      '',
      'password',
      `$argon2id$v=19$m=0256,t=2,p=1$${s}$${h}`,
      `$argon2id$v=19$t=2,m=256,p=1$${s}$${h}`,
      `$argon2id$v=19$m=256,t=2,p=1$${s}=$${h}`,
      `$argon2id$v=19$m=256,t=2,p=1$${s}$${h}$`,
      `$argon2id$v=19$m=256,t=2,p=1$${s}$AAAA`,
      `$argon2id$v=19$m=256,t=2,p=1$AAAA$${h}`,
      `$scrypt$ln=10,r=8$${s}$${h}`,
      `$scrypt$ln=10,r=8,p=1$${s}$${h.slice(0, -1)}B`,
      `$${'x'.repeat(600)}`,
    ]) {
      expect(
        codeOf(() => parsePasswordHash(bad)),
        bad,
      ).toBe('ERR_CRYPTO_PHC_MALFORMED');
    }
    expect(codeOf(() => parsePasswordHash(`$argon2id$v=16$m=256,t=2,p=1$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_UNSUPPORTED',
    );
    expect(codeOf(() => parsePasswordHash(`$argon2i$v=19$m=256,t=2,p=1$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_UNSUPPORTED',
    );
    expect(codeOf(() => parsePasswordHash('$2b$10$abcdefghijklmnopqrstuu'))).toBe(
      'ERR_CRYPTO_PHC_UNSUPPORTED',
    );
    expect(codeOf(() => parsePasswordHash(`$bcrypt$x$${s}$${h}`))).toBe(
      'ERR_CRYPTO_PHC_UNSUPPORTED',
    );
  });

  it('needsRehash is true for another algorithm, other costs or short salts, false for the policy itself', async () => {
    const fast = await hashPassword('pw', FAST_SCRYPT);
    expect(needsRehash(fast)).toBe(true);
    expect(needsRehash(fast, FAST_SCRYPT)).toBe(false);
    expect(needsRehash(fast, { algorithm: 'scrypt', scrypt: { ln: 7, r: 8, p: 1 } })).toBe(true);
    expect(needsRehash(fast, FAST_ARGON)).toBe(true);
    const argon = await hashPassword('pw', FAST_ARGON);
    expect(needsRehash(argon, FAST_ARGON)).toBe(false);
    expect(needsRehash(argon, { algorithm: 'argon2id', argon2id: { m: 64, t: 2, p: 1 } })).toBe(
      true,
    );
    expect(
      needsRehash(
        '$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc',
        FAST_ARGON,
      ),
    ).toBe(true);
  });

  it('rejects bad policies and oversized passwords with RangeError / TypeError', async () => {
    await expect(
      hashPassword('x', { algorithm: 'scrypt', scrypt: { ln: 25, r: 8, p: 1 } }),
    ).rejects.toThrow(RangeError);
    await expect(hashPassword('x'.repeat(5000), FAST_SCRYPT)).rejects.toThrow(RangeError);
    // @ts-expect-error not a password
    await expect(hashPassword(42, FAST_SCRYPT)).rejects.toThrow(TypeError);
  });
});

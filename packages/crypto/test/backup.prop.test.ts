import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ageRecipientFromIdentity,
  CryptoError,
  decryptBackup,
  encryptBackup,
  generateAgeIdentity,
} from '../src/index.ts';

const identity = generateAgeIdentity();
const recipient = ageRecipientFromIdentity(identity);
const KIB64 = 64 * 1024;
// Each run encrypts up to 192 KiB: CI uses a smaller budget unless
// PALISADE_FC_RUNS asks for more (the nightly profile).
const ciRuns = (n: number): { numRuns?: number } =>
  process.env.PALISADE_FC_RUNS === undefined ? { numRuns: n } : {};

// Sizes cluster around chunk boundaries, where STREAM bugs live.
const arbSize = fc.oneof(
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: KIB64 - 20, max: KIB64 + 20 }),
  fc.integer({ min: 2 * KIB64 - 3, max: 2 * KIB64 + 3 }),
  fc.integer({ min: 0, max: 3 * KIB64 }),
);

function fill(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

test.prop([arbSize, fc.nat(255)], ciRuns(40))(
  'backups round-trip any size: decryptBackup(encryptBackup(x)) = x',
  async (size, seed) => {
    const plain = fill(size, seed);
    const file = await encryptBackup(plain, { recipients: [recipient] });
    expect(
      Buffer.compare(
        Buffer.from(await decryptBackup(file, { identities: [identity] })),
        Buffer.from(plain),
      ),
    ).toBe(0);
  },
);

test.prop(
  [fc.uint8Array({ minLength: 0, maxLength: 2000 }), fc.nat(), fc.integer({ min: 0, max: 7 })],
  ciRuns(60),
)(
  'any flipped bit anywhere in a backup file makes decryption fail with a typed error',
  async (plain, at, bit) => {
    const file = Buffer.from(await encryptBackup(plain, { recipients: [recipient] }));
    const i = at % file.length;
    file[i] = (file[i] as number) ^ (1 << bit);
    let err: unknown;
    try {
      await decryptBackup(file, { identities: [identity] });
    } catch (e) {
      err = e;
    }
    expect(CryptoError.isInstance(err)).toBe(true);
  },
);

test.prop(
  [fc.uint8Array({ minLength: 8, maxLength: 500 }), fc.string({ minLength: 8, maxLength: 40 })],
  ciRuns(30),
)('no backup error contains identity, passphrase or plaintext bytes', async (plain, pass) => {
  const file = Buffer.from(await encryptBackup(plain, { passphrase: pass, scryptLogN: 4 }));
  const wrongId = generateAgeIdentity();
  const failures: unknown[] = [];
  for (const attempt of [
    () => decryptBackup(file, { passphrase: `${pass}!` }),
    () => decryptBackup(file.subarray(0, file.length - 3), { passphrase: pass }),
    () => decryptBackup(file, { identities: [wrongId] }),
  ]) {
    try {
      await attempt();
    } catch (e) {
      failures.push(e);
    }
  }
  expect(failures).toHaveLength(3);
  const hexPlain = Buffer.from(plain).toString('hex');
  for (const e of failures) {
    const err = e as Error;
    for (const s of [String(err), err.stack ?? '', JSON.stringify(err)]) {
      expect(s).not.toContain(pass);
      expect(s).not.toContain(wrongId);
      expect(s).not.toContain(identity);
      expect(s).not.toContain(hexPlain.slice(0, 16));
    }
  }
});

import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  exportSigningKeySeed,
  generateSigningKey,
  hmacSha256,
  randomBytes,
  sha256,
  sign,
  signingKeyFromSeed,
  signingKeyIdOf,
  timingSafeEqual,
  verifySignature,
} from '../src/index.ts';
import { createNodeBackend } from '../src/internal/backend-node.ts';
import { availableBackends } from '../src/internal/backends.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('primitives', () => {
  it('sha256 matches FIPS 180-4 "abc"', () => {
    expect(toHex(sha256(new TextEncoder().encode('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hmacSha256 matches RFC 4231 case 2', () => {
    const tag = hmacSha256(
      new TextEncoder().encode('Jefe'),
      new TextEncoder().encode('what do ya want for nothing?'),
    );
    expect(toHex(tag)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('timingSafeEqual returns false (does not throw) on a length mismatch', () => {
    expect(timingSafeEqual(new Uint8Array(3), new Uint8Array(4))).toBe(false);
    expect(timingSafeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(timingSafeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(timingSafeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('randomBytes returns plain Uint8Arrays of the asked size', () => {
    const r = randomBytes(33);
    expect(r).toBeInstanceOf(Uint8Array);
    expect(r.length).toBe(33);
    expect(randomBytes(0).length).toBe(0);
    expect(() => randomBytes(-1)).toThrow(RangeError);
  });
});

describe('Ed25519 signing keys', () => {
  // RFC 8032 section 7.1, TEST 1 and TEST 3.
  it('matches RFC 8032 test vectors', () => {
    const k1 = signingKeyFromSeed(
      hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
    );
    expect(toHex(k1.publicKey)).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
    expect(toHex(sign(k1, new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    const k3 = signingKeyFromSeed(
      hex('c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7'),
    );
    const sig = sign(k3, hex('af82'));
    expect(toHex(sig)).toBe(
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
    );
    expect(verifySignature(k3.publicKey, hex('af82'), sig)).toBe(true);
    expect(verifySignature(k3.publicKey, hex('af83'), sig)).toBe(false);
  });

  it('every backend produces the same public key and signature', () => {
    const seed = randomBytes(32);
    const msg = randomBytes(100);
    const outs = availableBackends().map(
      (b) => toHex(b.ed25519PublicKey(seed)) + toHex(b.ed25519Sign(seed, msg)),
    );
    expect(new Set(outs).size).toBe(1);
  });

  it('keyId is a short stable id derived from the public key', () => {
    const seed = randomBytes(32);
    const a = signingKeyFromSeed(seed);
    const b = signingKeyFromSeed(seed);
    expect(a.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(a.keyId).toBe(b.keyId);
    expect(generateSigningKey().keyId).not.toBe(a.keyId);
    expect(signingKeyIdOf(a.publicKey)).toBe(a.keyId);
    expect(() => signingKeyIdOf(new Uint8Array(31))).toThrow(RangeError);
    expect(a.purpose).toBe('signing');
  });

  it('hides the seed from util.inspect, JSON.stringify and String', () => {
    const seed = randomBytes(32);
    const key = signingKeyFromSeed(seed);
    const shown = [
      inspect(key, { showHidden: true, depth: 5 }),
      JSON.stringify(key),
      String(key),
      `${key}`,
    ];
    const needles = [
      toHex(seed),
      Buffer.from(seed).toString('base64'),
      Buffer.from(seed).toString('base64url'),
    ];
    for (const s of shown) {
      for (const n of needles) expect(s).not.toContain(n);
      expect(s).toContain(key.keyId);
    }
    expect(Object.keys(key)).not.toContain('seed');
  });

  it('exportSigningKeySeed round-trips; dispose wipes and later use fails with a stable code', () => {
    const key = generateSigningKey();
    const seed = exportSigningKeySeed(key);
    expect(signingKeyFromSeed(seed).keyId).toBe(key.keyId);
    (key as unknown as Disposable)[Symbol.dispose]();
    try {
      sign(key, new Uint8Array(1));
      expect.unreachable();
    } catch (e) {
      expect(CryptoError.isInstance(e) && e.code).toBe('ERR_CRYPTO_KEY_DESTROYED');
    }
  });

  it('the node backend reuses an imported signing key but never a stale one: a changed or forgotten seed signs with its current bytes', () => {
    const node = createNodeBackend();
    if (node === undefined) throw new Error('node:crypto is required here');
    const msg = new TextEncoder().encode('checkpoint');
    const seedA = Uint8Array.from({ length: 32 }, (_, i) => i);
    const seedB = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const live = seedA.slice();
    const sigA = node.ed25519Sign(live, msg);
    expect(node.ed25519Sign(live, msg)).toEqual(sigA); // cached path, same bytes
    live.set(seedB); // the same array now holds another seed
    const sigB = node.ed25519Sign(live, msg);
    expect(sigB).toEqual(node.ed25519Sign(seedB.slice(), msg));
    expect(node.ed25519Verify(node.ed25519PublicKey(seedB), msg, sigB)).toBe(true);
    expect(node.ed25519Verify(node.ed25519PublicKey(seedA), msg, sigB)).toBe(false);
    node.forgetEd25519Seed?.(live);
    expect(node.ed25519Sign(live, msg)).toEqual(sigB); // re-imported after forgetting
    // Verification with a cached public key still refuses a changed message or signature.
    const pubA = node.ed25519PublicKey(seedA);
    expect(node.ed25519Verify(pubA, msg, sigA)).toBe(true);
    const bad = sigA.slice();
    bad[0] = (bad[0] ?? 0) ^ 1;
    expect(node.ed25519Verify(pubA, msg, bad)).toBe(false);
    expect(node.ed25519Verify(pubA, new TextEncoder().encode('other'), sigA)).toBe(false);
  });

  it('publicKey is a copy: mutating it does not change the key', () => {
    const key = generateSigningKey();
    const pk = key.publicKey;
    pk[0] = (pk[0] ?? 0) ^ 1;
    expect(key.publicKey).not.toEqual(pk);
  });

  it('rejects malformed sizes without throwing', () => {
    const key = generateSigningKey();
    const sig = sign(key, new Uint8Array(0));
    expect(verifySignature(key.publicKey.subarray(0, 31), new Uint8Array(0), sig)).toBe(false);
    expect(verifySignature(key.publicKey, new Uint8Array(0), sig.subarray(0, 63))).toBe(false);
    expect(() => signingKeyFromSeed(new Uint8Array(31))).toThrow(RangeError);
  });
});

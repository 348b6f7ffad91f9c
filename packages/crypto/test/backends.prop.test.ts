// Differential tests: every backend (node:crypto, WebCrypto, @noble) gives
// the same bytes for every primitive, for every input length 0..N (a loop,
// not samples) and for random inputs.
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/internal/backend.ts';
import { availableBackends } from '../src/internal/backends.ts';
import { gcmSivOpen, gcmSivSeal } from '../src/internal/gcm-siv.ts';
import { createSealingMaterial, type SealingMaterial } from '../src/internal/key-material.ts';
import { openWith, sealWith } from '../src/internal/sealed-format.ts';
import { xaesOpen, xaesPrepare, xaesSeal } from '../src/internal/xaes.ts';
import { xchachaOpen, xchachaSeal } from '../src/internal/xchacha.ts';

const backends = availableBackends();
const hex = (b: Uint8Array | undefined): string =>
  b === undefined ? 'undefined' : Buffer.from(b).toString('hex');
const bytes = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 167 + seed * 13 + 7) & 0xff);
const N = 300;

type Prim = (b: Backend, input: Uint8Array, n: number) => Promise<string>;

const key32 = bytes(32, 1);
const key16 = bytes(16, 2);
const iv12 = bytes(12, 3);
const n24 = bytes(24, 4);

const prims: Record<string, Prim> = {
  sha256: async (b, x) => hex(b.sha256(x)),
  hmacSha256: async (b, x) => hex(b.hmacSha256(x.subarray(0, 70), x)),
  hkdfSha256: async (b, x, n) =>
    hex(b.hkdfSha256(x, x.subarray(0, 9), x.subarray(0, 5), Math.min(n, 255 * 32))),
  'aes-256-gcm': async (b, x) => {
    const s = await b.aesGcmSeal(key32, iv12, x.subarray(0, 20), x);
    return hex(s) + hex(await b.aesGcmOpen(key32, iv12, x.subarray(0, 20), s));
  },
  'aes-128-gcm': async (b, x) => hex(await b.aesGcmSeal(key16, iv12, new Uint8Array(0), x)),
  'chacha20-poly1305': async (b, x) => {
    const s = await b.chacha20Poly1305Seal(key32, iv12, x.subarray(0, 13), x);
    return hex(s) + hex(await b.chacha20Poly1305Open(key32, iv12, x.subarray(0, 13), s));
  },
  'xchacha20-poly1305': async (b, x) => {
    const s = await xchachaSeal(b, key32, n24, x.subarray(0, 3), x);
    return hex(s) + hex(await xchachaOpen(b, key32, n24, x.subarray(0, 3), s));
  },
  'xaes-256-gcm': async (b, x) => {
    const k = await xaesPrepare(b, key32);
    const s = await xaesSeal(b, k, n24, x.subarray(0, 33), x);
    return hex(s) + hex(await xaesOpen(b, k, n24, x.subarray(0, 33), s));
  },
  'aes-256-gcm-siv': async (b, x) => {
    const s = await gcmSivSeal(b, key32, iv12, x.subarray(0, 17), x);
    return hex(s) + hex(await gcmSivOpen(b, key32, iv12, x.subarray(0, 17), s));
  },
  'aes block (ecb)': async (b, x) =>
    hex(await b.aes(key32).encryptBlocks(x.subarray(0, x.length - (x.length % 16)))),
  ed25519: async (b, x) => {
    const seed = x.length >= 32 ? x.subarray(0, 32) : key32;
    const sig = b.ed25519Sign(seed, x);
    return (
      hex(b.ed25519PublicKey(seed)) +
      hex(sig) +
      String(b.ed25519Verify(b.ed25519PublicKey(seed), x, sig))
    );
  },
};

describe('backends agree byte for byte', () => {
  it(`runs on ${backends.map((b) => b.name).join(', ')}`, () => {
    expect(backends.map((b) => b.name)).toEqual(['node', 'webcrypto', 'noble']);
  });

  it('every primitive gives the same bytes on every backend for every input length 0..300', async () => {
    for (const [name, prim] of Object.entries(prims)) {
      for (let n = 0; n <= N; n++) {
        const x = bytes(n, n);
        const outs = await Promise.all(backends.map((b) => prim(b, x, n)));
        for (const o of outs) expect(o, `${name} length ${n}`).toBe(outs[0]);
      }
    }
  });

  test.prop([fc.constantFrom(...Object.keys(prims)), fc.uint8Array({ maxLength: 5000 })])(
    'every primitive gives the same bytes on every backend for random inputs',
    async (name, x) => {
      const prim = prims[name] as Prim;
      const outs = await Promise.all(backends.map((b) => prim(b, x, x.length)));
      for (const o of outs) expect(o, name).toBe(outs[0]);
    },
  );

  it('sealed format: deterministic mode is byte-identical on every backend, and any backend opens what any other sealed', async () => {
    const mats = backends.map((b) => createSealingMaterial(b, key32.slice(), undefined, undefined));
    const ctx = bytes(40, 9);
    for (let n = 0; n <= 100; n++) {
      const x = bytes(n, n + 1);
      const det = await Promise.all(
        backends.map((b, i) => sealWith(b, mats[i] as SealingMaterial, x, ctx, 'deterministic')),
      );
      for (const d of det) expect(hex(d)).toBe(hex(det[0]));
      const rnd = await Promise.all(
        backends.map((b, i) => sealWith(b, mats[i] as SealingMaterial, x, ctx, 'random')),
      );
      for (const sealed of [...rnd, det[0] as Uint8Array]) {
        for (const [i, b] of backends.entries())
          expect(hex(await openWith(b, mats[i] as SealingMaterial, sealed, ctx))).toBe(hex(x));
      }
    }
  });

  it('every backend refuses the same out-of-contract sizes with a RangeError', async () => {
    for (const b of backends) {
      await expect(
        b.aesGcmSeal(key32, new Uint8Array(1), new Uint8Array(0), new Uint8Array(0)),
      ).rejects.toThrow(RangeError);
      await expect(
        b.aesGcmOpen(key32, new Uint8Array(16), new Uint8Array(0), new Uint8Array(16)),
      ).rejects.toThrow(RangeError);
      await expect(
        b.aesGcmSeal(new Uint8Array(31), iv12, new Uint8Array(0), new Uint8Array(0)),
      ).rejects.toThrow(RangeError);
      await expect(
        b.chacha20Poly1305Seal(key32, new Uint8Array(8), new Uint8Array(0), new Uint8Array(0)),
      ).rejects.toThrow(RangeError);
      expect(() => b.hkdfSha256(key32, key32, key32, 8161)).toThrow(RangeError);
      // A short tag can never authenticate: the API has no tag-length parameter at all.
      expect(await b.aesGcmOpen(key32, iv12, new Uint8Array(0), new Uint8Array(4))).toBeUndefined();
    }
  });
});

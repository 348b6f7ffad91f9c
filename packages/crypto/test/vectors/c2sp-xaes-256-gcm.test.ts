// XAES-256-GCM vectors from the C2SP specification (c2sp.org/XAES-256-GCM):
// the two worked examples (both branches of the CMAC subkey doubling) and the
// accumulated randomized test over 10,000 iterations.
import { shake128 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/internal/backends.ts';
import { xaesDeriveKey, xaesOpen, xaesPrepare, xaesSeal } from '../../src/internal/xaes.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const worked = [
  {
    key: '01'.repeat(32),
    aad: '',
    kx: 'c8612c9ed53fe43e8e005b828a1631a0bbcb6ab2f46514ec4f439fcfd0fa969b',
    ct: 'ce546ef63c9cc60765923609b33a9a1974e96e52daf2fcf7075e2271',
  },
  {
    key: '03'.repeat(32),
    aad: 'c2sp.org/XAES-256-GCM',
    kx: 'e9c621d4cdd9b11b00a6427ad7e559aeedd66b3857646677748f8ca796cb3fd8',
    ct: '986ec1832593df5443a179437fd083bf3fdb41abd740a21f71eb769d',
  },
];

/** A reader over one SHAKE-128 stream with empty input (the spec's deterministic RNG). */
function shakeStream(): (n: number) => Uint8Array {
  const x = shake128.create({});
  return (n) => (n === 0 ? new Uint8Array(0) : x.xof(n));
}

describe('C2SP XAES-256-GCM', () => {
  for (const b of availableBackends()) {
    describe(`backend ${b.name}`, () => {
      it('matches both worked examples (Kx and ciphertext), and opens them', async () => {
        for (const v of worked) {
          const x = await xaesPrepare(b, hex(v.key));
          const nonce = ascii('ABCDEFGHIJKLMNOPQRSTUVWX');
          expect(toHex(await xaesDeriveKey(x, nonce))).toBe(v.kx);
          const ct = await xaesSeal(b, x, nonce, ascii(v.aad), ascii('XAES-256-GCM'));
          expect(toHex(ct)).toBe(v.ct);
          const pt = await xaesOpen(b, x, nonce, ascii(v.aad), ct);
          expect(pt && new TextDecoder().decode(pt)).toBe('XAES-256-GCM');
        }
      });

      it('matches the accumulated randomized vector over 10,000 iterations', async () => {
        const read = shakeStream();
        expect(toHex(shakeStream()(16))).toBe('7f9c2ba4e88f827d616045507605853e');
        const digest = shake128.create({});
        for (let i = 0; i < 10_000; i++) {
          const key = read(32);
          const nonce = read(24);
          const plaintext = read(read(1)[0] as number);
          const aad = read(read(1)[0] as number);
          const x = await xaesPrepare(b, key);
          const ct = await xaesSeal(b, x, nonce, aad, plaintext);
          digest.update(ct);
          const back = await xaesOpen(b, x, nonce, aad, ct);
          if (back === undefined || toHex(back) !== toHex(plaintext))
            throw new Error(`iteration ${i}`);
        }
        expect(toHex(digest.xof(32))).toBe(
          'e6b9edf2df6cec60c8cbd864e2211b597fb69a529160cd040d56c0c210081939',
        );
      });
    });
  }
});

// RFC 5869 Appendix A, the SHA-256 cases (A.1 - A.3).
import { describe, expect, it } from 'vitest';
import { hkdfSha256 } from '../../src/index.ts';
import { availableBackends, backend } from '../../src/internal/backends.ts';
import { hkdfExpand, hkdfExtract } from '../../src/internal/hkdf-expand.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const range = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => (from + i).toString(16).padStart(2, '0')).join(
    '',
  );

const cases = [
  {
    name: 'A.1 basic',
    ikm: '0b'.repeat(22),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2 longer inputs and outputs',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm: 'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3 zero-length salt and info',
    ikm: '0b'.repeat(22),
    salt: '',
    info: '',
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

describe('RFC 5869 HKDF-SHA-256', () => {
  it('A.1-A.3: the public API, every backend and the cached-PRK path give the RFC PRK and OKM', () => {
    for (const c of cases) {
      expect(toHex(hkdfSha256(hex(c.ikm), hex(c.salt), hex(c.info), c.length))).toBe(c.okm);
      for (const b of availableBackends()) {
        expect(toHex(b.hkdfSha256(hex(c.ikm), hex(c.salt), hex(c.info), c.length))).toBe(c.okm);
      }
      const prk = hkdfExtract(backend(), hex(c.salt), hex(c.ikm));
      expect(toHex(prk)).toBe(c.prk);
      expect(toHex(hkdfExpand(backend(), prk, hex(c.info), c.length))).toBe(c.okm);
    }
  });
});

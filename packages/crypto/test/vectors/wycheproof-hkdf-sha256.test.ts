import { describe, expect, it } from 'vitest';
import { hkdfSha256 } from '../../src/index.ts';
import { availableBackends, backend } from '../../src/internal/backends.ts';
import { hkdfExpand, hkdfExtract } from '../../src/internal/hkdf-expand.ts';
import { allTests, hex, loadWycheproof, newTally, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('hkdf_sha256_test.json');
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

type Hkdf = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) => Uint8Array;

describe('Wycheproof hkdf_sha256', () => {
  const impls: Array<{ name: string; hkdf: Hkdf }> = [
    { name: 'public hkdfSha256', hkdf: hkdfSha256 },
    ...availableBackends().map((b) => ({ name: `backend ${b.name}`, hkdf: b.hkdfSha256 })),
    {
      name: 'internal extract+expand (cached-PRK path)',
      hkdf: (ikm, salt, info, length) =>
        hkdfExpand(backend(), hkdfExtract(backend(), salt, ikm), info, length),
    },
  ];
  it('the public hkdfSha256, every backend and the cached-PRK path pass 100% of hkdf_sha256 (SizeTooLarge refused with a RangeError)', () => {
    for (const impl of impls) {
      const tally = newTally();
      for (const { test } of allTests(file)) {
        const args = [
          hex(test['ikm']),
          hex(test['salt']),
          hex(test['info']),
          test['size'] as number,
        ] as const;
        if (test.result === 'valid') {
          expect(toHex(impl.hkdf(...args)), `${impl.name} tcId ${test.tcId}`).toBe(test['okm']);
          tally.passedValid++;
        } else {
          expect(test.flags).toContain('SizeTooLarge');
          expect(() => impl.hkdf(...args), `${impl.name} tcId ${test.tcId}`).toThrow(RangeError);
          tally.rejectedInvalid++;
        }
      }
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 83, rejectedInvalid: 3, rejectedUnsupported: 0 });
    }
  });
});

import { describe, expect, it } from 'vitest';
import { hmacSha256, timingSafeEqual } from '../../src/index.ts';
import { availableBackends } from '../../src/internal/backends.ts';
import { allTests, hex, loadWycheproof, newTally, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('hmac_sha256_test.json');

// Every vector is in contract: the tag is compared against the first
// tagSize/8 bytes of the full HMAC (truncated-tag groups included).
describe('Wycheproof hmac_sha256', () => {
  const impls = [
    { name: 'public hmacSha256', mac: hmacSha256 },
    ...availableBackends().map((b) => ({ name: `backend ${b.name}`, mac: b.hmacSha256 })),
  ];
  it('the public hmacSha256 and every backend pass 100% of hmac_sha256 (full and truncated tags)', () => {
    for (const impl of impls) {
      const tally = newTally();
      for (const { group, test } of allTests(file)) {
        const tagBytes = (group['tagSize'] as number) / 8;
        const full = impl.mac(hex(test['key']), hex(test['msg']));
        const ok = timingSafeEqual(full.subarray(0, tagBytes), hex(test['tag']));
        expect(ok, `${impl.name} tcId ${test.tcId} ${test.comment}`).toBe(test.result === 'valid');
        if (ok) tally.passedValid++;
        else tally.rejectedInvalid++;
      }
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 66, rejectedInvalid: 108, rejectedUnsupported: 0 });
    }
  });
});

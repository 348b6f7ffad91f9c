import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/internal/backends.ts';
import { runAead } from './aead-runner.ts';
import { loadWycheproof, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('aes_gcm_test.json');

// The contract: AES-128/192/256 keys, exactly 12-byte IVs, 16-byte tags
// (node:crypto alone would accept a 1-byte IV and a 4-byte tag). The 113
// valid vectors with other IV sizes and the 6 invalid empty-IV ones are
// rejected with a RangeError and counted.
describe('Wycheproof aes_gcm', () => {
  for (const b of availableBackends()) {
    it(`backend ${b.name}: 100% of ${file.numberOfTests} vectors checked or rejected as out of contract`, async () => {
      const tally = await runAead(file, {
        seal: (k, iv, aad, m) => b.aesGcmSeal(k, iv, aad, m),
        open: (k, iv, aad, s) => b.aesGcmOpen(k, iv, aad, s),
        inContract: (_k, iv, tag) => iv === 12 && tag === 16,
      });
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 116, rejectedInvalid: 81, rejectedUnsupported: 119 });
    });
  }
});

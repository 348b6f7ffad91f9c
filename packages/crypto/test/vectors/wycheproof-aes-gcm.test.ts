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
  it('every backend (node:crypto, WebCrypto, noble) passes 100% of aes_gcm: 116 valid, 81 invalid rejected, 119 out-of-contract IV sizes refused with a RangeError', async () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['node', 'webcrypto', 'noble']);
    for (const b of availableBackends()) {
      const tally = await runAead(file, {
        seal: (k, iv, aad, m) => b.aesGcmSeal(k, iv, aad, m),
        open: (k, iv, aad, s) => b.aesGcmOpen(k, iv, aad, s),
        inContract: (_k, iv, tag) => iv === 12 && tag === 16,
      });
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 116, rejectedInvalid: 81, rejectedUnsupported: 119 });
    }
  });
});

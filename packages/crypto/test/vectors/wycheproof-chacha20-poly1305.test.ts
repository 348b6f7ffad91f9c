import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/internal/backends.ts';
import { runAead } from './aead-runner.ts';
import { loadWycheproof, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('chacha20_poly1305_test.json');

// Contract: 32-byte key, 12-byte nonce (RFC 8439). The 9 invalid vectors with
// other nonce sizes are rejected with a RangeError and counted.
describe('Wycheproof chacha20_poly1305', () => {
  it('every backend (node:crypto, WebCrypto, noble) passes 100% of chacha20_poly1305: 256 valid, 60 invalid rejected, 9 other nonce sizes refused with a RangeError', async () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['node', 'webcrypto', 'noble']);
    for (const b of availableBackends()) {
      const tally = await runAead(file, {
        seal: (k, iv, aad, m) => b.chacha20Poly1305Seal(k, iv, aad, m),
        open: (k, iv, aad, s) => b.chacha20Poly1305Open(k, iv, aad, s),
        inContract: (k, iv, tag) => k === 32 && iv === 12 && tag === 16,
      });
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 256, rejectedInvalid: 60, rejectedUnsupported: 9 });
    }
  });
});

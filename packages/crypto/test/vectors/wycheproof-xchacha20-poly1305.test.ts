import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/internal/backends.ts';
import { xchachaOpen, xchachaSeal } from '../../src/internal/xchacha.ts';
import { runAead } from './aead-runner.ts';
import { loadWycheproof, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('xchacha20_poly1305_test.json');

// Contract: 32-byte key, 24-byte nonce. The 9 invalid vectors with other
// nonce sizes are rejected with a RangeError and counted.
describe('Wycheproof xchacha20_poly1305 (HChaCha20 + backend ChaCha20-Poly1305)', () => {
  it('every backend (node:crypto, WebCrypto, noble) passes 100% of xchacha20_poly1305: 246 valid, 60 invalid rejected, 9 other nonce sizes refused with a RangeError', async () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['node', 'webcrypto', 'noble']);
    for (const b of availableBackends()) {
      const tally = await runAead(file, {
        seal: (k, iv, aad, m) => xchachaSeal(b, k, iv, aad, m),
        open: (k, iv, aad, s) => xchachaOpen(b, k, iv, aad, s),
        inContract: (k, iv, tag) => k === 32 && iv === 24 && tag === 16,
      });
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 246, rejectedInvalid: 60, rejectedUnsupported: 9 });
    }
  });
});

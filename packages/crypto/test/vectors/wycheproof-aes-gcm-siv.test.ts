import { gcmsiv } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../../src/internal/backends.ts';
import { gcmSivOpen, gcmSivSeal } from '../../src/internal/gcm-siv.ts';
import { runAead } from './aead-runner.ts';
import { loadWycheproof, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('aes_gcm_siv_test.json');

describe('Wycheproof aes_gcm_siv (RFC 8452; native AES block function + POLYVAL)', () => {
  it('every backend (node:crypto, WebCrypto, noble) passes 100% of aes_gcm_siv: 136 valid, 66 invalid rejected', async () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['node', 'webcrypto', 'noble']);
    for (const b of availableBackends()) {
      const tally = await runAead(file, {
        seal: (k, iv, aad, m) => gcmSivSeal(b, k, iv, aad, m),
        open: (k, iv, aad, s) => gcmSivOpen(b, k, iv, aad, s),
        inContract: (k, iv, tag) => (k === 16 || k === 32) && iv === 12 && tag === 16,
      });
      expect(tallyTotal(tally)).toBe(file.numberOfTests);
      expect(tally).toEqual({ passedValid: 136, rejectedInvalid: 66, rejectedUnsupported: 0 });
    }
  });

  it('agrees with @noble/ciphers gcmsiv for every plaintext length 0..200', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const nonce = Uint8Array.from({ length: 12 }, (_, i) => 200 - i);
    const aad = Uint8Array.from({ length: 19 }, (_, i) => i);
    for (const b of availableBackends()) {
      for (let n = 0; n <= 200; n++) {
        const msg = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
        const ours = await gcmSivSeal(b, key, nonce, aad, msg);
        expect(Buffer.from(ours).toString('hex')).toBe(
          Buffer.from(gcmsiv(key, nonce, aad).encrypt(msg)).toString('hex'),
        );
      }
    }
  });
});

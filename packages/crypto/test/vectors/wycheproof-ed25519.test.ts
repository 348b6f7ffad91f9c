import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/index.ts';
import { availableBackends } from '../../src/internal/backends.ts';
import { allTests, hex, loadWycheproof, newTally, tallyTotal } from './wycheproof.ts';

const file = loadWycheproof('ed25519_test.json');

describe('Wycheproof ed25519 (strict RFC 8032 verification)', () => {
  it('public verifySignature passes 100% of the vectors', () => {
    const tally = newTally();
    for (const { group, test } of allTests(file)) {
      const pk = hex((group['publicKey'] as { pk: string }).pk);
      const ok = verifySignature(pk, hex(test['msg']), hex(test['sig']));
      expect(ok, `tcId ${test.tcId}: ${test.comment}`).toBe(test.result === 'valid');
      if (ok) tally.passedValid++;
      else tally.rejectedInvalid++;
    }
    expect(tallyTotal(tally)).toBe(file.numberOfTests);
    expect(tally).toEqual({ passedValid: 88, rejectedInvalid: 63, rejectedUnsupported: 0 });
  });

  it('every backend (node:crypto, WebCrypto, noble) passes 100% of the vectors', () => {
    expect(availableBackends().map((b) => b.name)).toEqual(['node', 'webcrypto', 'noble']);
    for (const b of availableBackends()) {
      let checked = 0;
      for (const { group, test } of allTests(file)) {
        const pk = hex((group['publicKey'] as { pk: string }).pk);
        const ok = b.ed25519Verify(pk, hex(test['msg']), hex(test['sig']));
        expect(ok, `tcId ${test.tcId}: ${test.comment}`).toBe(test.result === 'valid');
        checked++;
      }
      expect(checked).toBe(file.numberOfTests);
    }
  });
});

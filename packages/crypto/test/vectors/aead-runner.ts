// Shared runner for the Wycheproof AEAD files: every test is either checked
// (valid: seal gives exactly ct||tag and open gives msg; invalid: open fails)
// or, when its parameters are outside the API contract, must be rejected
// with a RangeError and is counted as such. Nothing is skipped.
import { expect } from 'vitest';
import { allTests, hex, newTally, type Tally, type WycheproofFile } from './wycheproof.ts';

export interface AeadUnderTest {
  seal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, msg: Uint8Array): Promise<Uint8Array>;
  open(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Promise<Uint8Array | undefined>;
  /** True when the API promises to handle these sizes (in bytes). */
  inContract(keyBytes: number, ivBytes: number, tagBytes: number): boolean;
}

const toHex = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : Buffer.from(b).toString('hex');

export async function runAead(file: WycheproofFile, aead: AeadUnderTest): Promise<Tally> {
  const tally = newTally();
  for (const { group, test } of allTests(file)) {
    const where = `tcId ${test.tcId} (${test.comment}; ${test.flags.join(',')})`;
    const key = hex(test['key']);
    const iv = hex(test['iv']);
    const aad = hex(test['aad']);
    const msg = hex(test['msg']);
    const sealed = new Uint8Array([...hex(test['ct']), ...hex(test['tag'])]);
    const tagBytes = (group['tagSize'] as number) / 8;
    if (!aead.inContract(key.length, iv.length, tagBytes)) {
      await expect(aead.open(key, iv, aad, sealed), where).rejects.toThrow(RangeError);
      await expect(aead.seal(key, iv, aad, msg), where).rejects.toThrow(RangeError);
      tally.rejectedUnsupported++;
      continue;
    }
    const opened = await aead.open(key, iv, aad, sealed);
    if (test.result === 'valid') {
      expect(toHex(await aead.seal(key, iv, aad, msg)), where).toBe(toHex(sealed));
      expect(toHex(opened), where).toBe(toHex(msg));
      tally.passedValid++;
    } else {
      expect(test.result, where).toBe('invalid');
      expect(opened, where).toBeUndefined();
      tally.rejectedInvalid++;
    }
  }
  return tally;
}

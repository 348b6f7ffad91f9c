import { createHmac, hkdfSync } from 'node:crypto';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  deriveExternalKey,
  deriveWorkspaceKey,
  generateMasterKey,
  generateSigningKey,
  masterKeyFromBytes,
  type SealingKey,
} from '../src/index.ts';

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
/** The package's length-prefixed info, written out independently: u32be(len) || utf8 bytes, per part. */
const lp = (...parts: string[]): Buffer =>
  Buffer.concat(parts.flatMap((p) => [u32(Buffer.byteLength(p)), Buffer.from(p)]));

/** RFC 5869 HKDF-Expand for up to 64 bytes, from HMAC-SHA-256 directly. */
function expand(prk: Buffer, info: Buffer, length: number): Buffer {
  const t1 = createHmac('sha256', prk)
    .update(info)
    .update(Buffer.from([1]))
    .digest();
  const t2 = createHmac('sha256', prk)
    .update(t1)
    .update(info)
    .update(Buffer.from([2]))
    .digest();
  return Buffer.concat([t1, t2]).subarray(0, length);
}

const masterBytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const master = masterKeyFromBytes(new Uint8Array(masterBytes));
const purpose = 'palisade/tenancy/sqlite-at-rest/v1';

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `not a CryptoError: ${String(e)}`;
  }
  return undefined;
}

describe('deriveExternalKey', () => {
  it('equals HKDF-Expand of the workspace secret under the external-key/v1 label, computed independently with node:crypto', () => {
    const workspaceSecret = Buffer.from(
      hkdfSync(
        'sha256',
        masterBytes,
        Buffer.from('palisade/crypto/v1/hkdf-extract'),
        lp('palisade/crypto/v1', 'workspace-key/v1', 'docs'),
        32,
      ),
    );
    const info = lp('palisade/crypto/v1', 'external-key/v1', purpose);
    const key = deriveWorkspaceKey(master, 'docs');
    for (const length of [16, 32, 33, 64]) {
      expect(Buffer.from(deriveExternalKey(key, purpose, length)).toString('hex')).toBe(
        expand(workspaceSecret, info, length).toString('hex'),
      );
    }
    expect(deriveExternalKey(key, purpose)).toHaveLength(32);
  });

  test.prop([
    fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}(\/[a-z0-9][a-z0-9._-]{0,20}){0,3}\/v[0-9]{1,3}$/),
    fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}(\/[a-z0-9][a-z0-9._-]{0,20}){0,3}\/v[0-9]{1,3}$/),
    fc
      .string({ minLength: 1, maxLength: 40, unit: 'binary' })
      .filter((s) => !/[\uD800-\uDFFF]/.test(s)),
    fc
      .string({ minLength: 1, maxLength: 40, unit: 'binary' })
      .filter((s) => !/[\uD800-\uDFFF]/.test(s)),
  ])(
    'keys for different purposes, workspaces or master keys differ; the same inputs give the same bytes',
    (p1, p2, w1, w2) => {
      const other = generateMasterKey();
      const hex = (k: SealingKey, p: string): string =>
        Buffer.from(deriveExternalKey(k, p)).toString('hex');
      const a = hex(deriveWorkspaceKey(master, w1), p1);
      expect(hex(deriveWorkspaceKey(master, w1), p1)).toBe(a);
      expect(hex(deriveWorkspaceKey(other, w1), p1)).not.toBe(a);
      if (p1 !== p2) expect(hex(deriveWorkspaceKey(master, w1), p2)).not.toBe(a);
      if (w1 !== w2) expect(hex(deriveWorkspaceKey(master, w2), p1)).not.toBe(a);
    },
  );

  it('refuses malformed purposes and lengths, non-sealing keys and disposed keys with stable codes', () => {
    const key = deriveWorkspaceKey(generateMasterKey(), 'ws');
    for (const bad of [
      '',
      'sqlite',
      'Palisade/x/v1',
      'a//b/v1',
      'a/b/v',
      'a/b/v1/',
      '../v1',
      `${'a'.repeat(260)}/v1`,
      'a\u0000/v1',
    ]) {
      expect(
        code(() => deriveExternalKey(key, bad)),
        JSON.stringify(bad),
      ).toBe('ERR_CRYPTO_INVALID_ARGUMENT');
    }
    for (const bad of [0, 15, 65, 32.5, Number.NaN]) {
      expect(
        code(() => deriveExternalKey(key, purpose, bad)),
        String(bad),
      ).toBe('ERR_CRYPTO_INVALID_ARGUMENT');
    }
    const signing = generateSigningKey() as unknown as SealingKey;
    expect(code(() => deriveExternalKey(signing, purpose))).toBe('ERR_CRYPTO_WRONG_KEY_PURPOSE');
    expect(
      code(() => deriveExternalKey(generateMasterKey() as unknown as SealingKey, purpose)),
    ).toBe('ERR_CRYPTO_WRONG_KEY_PURPOSE');
    key[Symbol.dispose]();
    expect(code(() => deriveExternalKey(key, purpose))).toBe('ERR_CRYPTO_KEY_DESTROYED');
  });
});

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  createToken,
  hashToken,
  isWellFormedToken,
  parseToken,
  TOKEN_PATTERN,
  tokenLookupIdFromHash,
  verifyToken,
} from '../src/index.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function b62(v: bigint, width: number): string {
  let s = '';
  while (v > 0n) {
    s = ALPHABET[Number(v % 62n)] + s;
    v /= 62n;
  }
  return s.padStart(width, '0');
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `other:${String(e)}`;
  }
  return undefined;
}

describe('tokens', () => {
  it('encodes 32 random bytes as <prefix>_<43 base62 chars><6-char base62 CRC-32 of the ASCII head>', () => {
    const raw = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
    const { token } = createToken({ prefix: 'palk', randomBytes: () => raw.slice() });
    const value = BigInt(`0x${Buffer.from(raw).toString('hex')}`);
    const head = `palk_${b62(value, 43)}`;
    expect(token).toBe(head + b62(BigInt(crc32(Buffer.from(head, 'ascii'))), 6));
    expect(TOKEN_PATTERN.test(token)).toBe(true);
  });

  it('encodes the all-zero and all-ones secrets at the fixed width', () => {
    const zero = createToken({ randomBytes: () => new Uint8Array(32) }).token;
    expect(zero.slice(0, 47)).toBe(`pal_${'0'.repeat(43)}`);
    const ones = createToken({ randomBytes: () => new Uint8Array(32).fill(255) }).token;
    expect(ones.length).toBe(4 + 49);
    expect(parseToken(ones).body).toBe(b62(2n ** 256n - 1n, 43));
  });

  it('stores a purpose-labelled SHA-256 hash and a lookup id derived from that hash', () => {
    const t = createToken();
    const expectedHash = createHash('sha256')
      .update('palisade/token/v1/storage-hash\u0000')
      .update(t.token)
      .digest();
    expect(t.hash).toBe(expectedHash.toString('hex'));
    expect(t.hash).not.toBe(createHash('sha256').update(t.token).digest('hex'));
    const expectedLookup = createHash('sha256')
      .update('palisade/token/v1/lookup-id\u0000')
      .update(expectedHash)
      .digest()
      .subarray(0, 16)
      .toString('hex');
    expect(t.lookupId).toBe(expectedLookup);
    expect(tokenLookupIdFromHash(t.hash)).toBe(t.lookupId);
    expect(hashToken(t.token)).toEqual({ lookupId: t.lookupId, hash: t.hash });
    expect(t.hash).not.toContain(t.token.slice(4, 20));
  });

  it('verifies the issued token and rejects another token against the same hash', () => {
    const a = createToken({ prefix: 'palk' });
    const b = createToken({ prefix: 'palk' });
    expect(verifyToken(a.token, a.hash)).toBe(true);
    expect(verifyToken(b.token, a.hash)).toBe(false);
    expect(verifyToken('not a token', a.hash)).toBe(false);
    expect(() => verifyToken(a.token, 'zz')).toThrow(TypeError);
  });

  it('rejects a bad prefix, length, alphabet, out-of-range body and checksum offline with typed errors', () => {
    const { token } = createToken({ prefix: 'pal' });
    const body = token.slice(4);
    expect(codeOf(() => parseToken(`xyz_${body}`))).toBe('ERR_CRYPTO_TOKEN_MALFORMED');
    expect(codeOf(() => parseToken(`palABC_${body}`))).toBe('ERR_CRYPTO_TOKEN_MALFORMED');
    expect(codeOf(() => parseToken(`pal${'a'.repeat(13)}_${body}`))).toBe(
      'ERR_CRYPTO_TOKEN_MALFORMED',
    );
    expect(codeOf(() => parseToken(body))).toBe('ERR_CRYPTO_TOKEN_MALFORMED');
    expect(codeOf(() => parseToken(token.slice(0, -1)))).toBe('ERR_CRYPTO_TOKEN_MALFORMED');
    expect(codeOf(() => parseToken(`${token}0`))).toBe('ERR_CRYPTO_TOKEN_MALFORMED');
    expect(codeOf(() => parseToken(`${token.slice(0, 10)}-${token.slice(11)}`))).toBe(
      'ERR_CRYPTO_TOKEN_MALFORMED',
    );
    const over = `pal_${'z'.repeat(43)}`;
    expect(codeOf(() => parseToken(over + b62(BigInt(crc32(over)), 6)))).toBe(
      'ERR_CRYPTO_TOKEN_MALFORMED',
    );
    const last = token.at(-1) === '0' ? '1' : '0';
    expect(codeOf(() => parseToken(token.slice(0, -1) + last))).toBe('ERR_CRYPTO_TOKEN_CHECKSUM');
    expect(isWellFormedToken(token)).toBe(true);
    expect(isWellFormedToken(42)).toBe(false);
  });

  it('rejects prefixes outside ^pal[a-z0-9]{0,12}$ when issuing', () => {
    expect(() => createToken({ prefix: 'sk' })).toThrow(RangeError);
    expect(() => createToken({ prefix: `pal${'x'.repeat(13)}` })).toThrow(RangeError);
    expect(
      createToken({ prefix: `pal${'x'.repeat(12)}` }).token.startsWith('palxxxxxxxxxxxx_'),
    ).toBe(true);
  });
});

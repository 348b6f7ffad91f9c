import { backend } from './internal/backends.ts';
import { assertBytes } from './internal/bytes.ts';

/**
 * SHA-256 of `data` (FIPS 180-4), on node:crypto where available.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param data - The bytes to hash.
 * @returns The 32-byte digest.
 * @throws TypeError when `data` is not a Uint8Array.
 *
 * @example Hash a token before storing it.
 * ```ts
 * const digest = sha256(new TextEncoder().encode('hello'));
 * ```
 */
export function sha256(data: Uint8Array): Uint8Array {
  assertBytes(data, 'data');
  return backend().sha256(data);
}

/**
 * HMAC-SHA-256 (RFC 2104) of `data` under `key`.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - The MAC key (any length; 32 bytes recommended).
 * @param data - The message.
 * @returns The 32-byte tag. Compare tags with {@link timingSafeEqual}.
 * @throws TypeError when an argument is not a Uint8Array.
 *
 * @example Authenticate a message.
 * ```ts
 * const tag = hmacSha256(randomBytes(32), new TextEncoder().encode('payload'));
 * ```
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  assertBytes(key, 'key');
  assertBytes(data, 'data');
  return backend().hmacSha256(key, data);
}

/**
 * HKDF-SHA-256 (RFC 5869): extract then expand. For keys of this package
 * prefer {@link deriveWorkspaceKey}, which adds domain separation for you.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param ikm - Input keying material.
 * @param salt - Salt (may be empty: RFC 5869 then uses 32 zero bytes).
 * @param info - Context and application-specific information.
 * @param length - Output bytes, 0..8160 (255 x 32).
 * @returns `length` bytes of output keying material.
 * @throws RangeError when `length` is out of range; TypeError for non-bytes.
 *
 * @example Derive a 32-byte subkey.
 * ```ts
 * const okm = hkdfSha256(ikm, salt, new TextEncoder().encode('my-app/v1/subkey'), 32);
 * ```
 */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  assertBytes(ikm, 'ikm');
  assertBytes(salt, 'salt');
  assertBytes(info, 'info');
  return backend().hkdfSha256(ikm, salt, info, length);
}

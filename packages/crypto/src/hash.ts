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

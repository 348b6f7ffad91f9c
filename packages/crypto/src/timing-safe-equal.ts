import { backend } from './internal/backends.ts';
import { assertBytes } from './internal/bytes.ts';

/**
 * Compares two byte arrays in time that depends only on their lengths.
 * Unlike node's `crypto.timingSafeEqual`, a length mismatch returns `false`
 * instead of throwing (lengths are not secret in any use in this package).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param a - First array.
 * @param b - Second array.
 * @returns True when both have the same length and bytes.
 * @throws TypeError when an argument is not a Uint8Array.
 *
 * @example Compare a received MAC with the expected one.
 * ```ts
 * const ok = timingSafeEqual(receivedTag, expectedTag);
 * ```
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a');
  assertBytes(b, 'b');
  if (a.length !== b.length) return false;
  return backend().timingSafeEqual(a, b);
}

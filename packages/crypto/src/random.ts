import { backend } from './internal/backends.ts';

/**
 * Cryptographically secure random bytes from the platform CSPRNG.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param n - How many bytes (a non-negative safe integer).
 * @returns A fresh Uint8Array of `n` random bytes.
 * @throws RangeError when `n` is not a non-negative safe integer.
 *
 * @example Make a 32-byte key.
 * ```ts
 * const key = randomBytes(32);
 * ```
 */
export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError('n must be a non-negative safe integer');
  return backend().randomBytes(n);
}

import { hashLeaf } from './internal/hash.ts';

/**
 * The RFC 9162 leaf hash SHA-256(0x00 || leaf).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param leaf - Leaf bytes (for audit entries: the canonical leaf JSON).
 * @returns 32-byte hash.
 * @throws TypeError if `leaf` is not a Uint8Array.
 * @example
 * ```ts
 * const h = leafHash(new TextEncoder().encode('hello'));
 * ```
 */
export function leafHash(leaf: Uint8Array): Uint8Array {
  if (!(leaf instanceof Uint8Array)) throw new TypeError('leaf must be a Uint8Array');
  return hashLeaf(leaf);
}

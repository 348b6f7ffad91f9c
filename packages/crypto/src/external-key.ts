import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { isWellFormedString } from './internal/encoding.ts';
import { hkdfExpand } from './internal/hkdf-expand.ts';
import { sealingMaterialOf } from './internal/key-material.ts';
import { info, LABEL } from './internal/labels.ts';
import type { SealingKey } from './sealing-key.ts';

/** Longest accepted purpose label (UTF-16 code units). */
const MAX_PURPOSE_LENGTH = 256;
/** A purpose label: versioned, lower-case, `/`-separated words, e.g. `palisade/tenancy/sqlite-at-rest/v1`. */
const PURPOSE = /^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)*\/v[0-9]+$/;

/**
 * Derives raw key bytes from a sealing key for one named purpose outside this
 * package: a cipher that needs its own raw key, such as SQLCipher's page
 * encryption of a workspace's SQLite file. The bytes are
 * `HKDF-Expand(K, info = lp("palisade/crypto/v1", "external-key/v1", purpose), length)`
 * where `K` is the sealing key's 32-byte secret, so they are independent of
 * every key this package uses itself (other labels), of other purposes and of
 * other workspaces, and the same on every call and backend.
 *
 * The caller owns the returned bytes: keep them only as long as needed and
 * `fill(0)` them afterwards (what JS allows; see the README on key hygiene).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - A sealing key, normally a {@link WorkspaceKey}.
 * @param purpose - A versioned purpose label naming the consumer, e.g. `palisade/tenancy/sqlite-at-rest/v1` (lower-case words separated by `/`, ending in `/v<n>`, at most 256 characters).
 * @param length - Output length in bytes, 16..64 (default 32).
 * @returns Fresh key bytes.
 * @throws CryptoError `ERR_CRYPTO_INVALID_ARGUMENT` for a malformed purpose or length; `ERR_CRYPTO_WRONG_KEY_PURPOSE` for a key that is not a sealing key; `ERR_CRYPTO_KEY_DESTROYED` after the key was disposed.
 *
 * @example The raw key of a workspace's encrypted SQLite file.
 * ```ts
 * const raw = deriveExternalKey(deriveWorkspaceKey(master, 'docs'), 'palisade/tenancy/sqlite-at-rest/v1');
 * ```
 */
export function deriveExternalKey(key: SealingKey, purpose: string, length = 32): Uint8Array {
  if (
    !isWellFormedString(purpose) ||
    purpose.length > MAX_PURPOSE_LENGTH ||
    !PURPOSE.test(purpose)
  ) {
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      'purpose must be a versioned label of lower-case words separated by "/", ending in "/v<n>" (at most 256 characters)',
    );
  }
  if (!Number.isInteger(length) || length < 16 || length > 64) {
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      'length must be an integer of 16..64 bytes',
    );
  }
  const m = sealingMaterialOf(key);
  return hkdfExpand(backend(), m.secret, info(LABEL.externalKey, purpose), length);
}

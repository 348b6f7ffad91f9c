import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { assertBytes, toHex } from './internal/bytes.ts';
import { type SealingMaterial, sealingMaterialOf } from './internal/key-material.ts';
import {
  ALG_XAES_256_GCM,
  FORMAT_VERSION,
  openWith,
  parseHeader,
  type SealMode,
  sealWith,
} from './internal/sealed-format.ts';
import { encodeSealContextTransient, type SealContext } from './seal-context.ts';
import type { SealingKey } from './sealing-key.ts';

/** The one message of every open failure (no oracle: never says which check failed). */
export const DECRYPTION_FAILED_MESSAGE = 'decryption failed';

/** The generic error for every open failure. @internal */
export function decryptionFailed(): CryptoError {
  return new CryptoError('ERR_CRYPTO_DECRYPTION_FAILED', DECRYPTION_FAILED_MESSAGE);
}

function checkWorkspace(m: SealingMaterial, context: SealContext): void {
  if (m.workspace !== undefined && context.workspace !== m.workspace) {
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      'the context names a different workspace than the key was derived for',
    );
  }
}

async function sealMode(
  key: SealingKey,
  plaintext: Uint8Array,
  context: SealContext,
  mode: SealMode,
): Promise<Uint8Array> {
  const m = sealingMaterialOf(key);
  assertBytes(plaintext, 'plaintext');
  const ctx = encodeSealContextTransient(context);
  checkWorkspace(m, context);
  return sealWith(backend(), m, plaintext, ctx, mode);
}

/**
 * Seals `plaintext` for `context` with XAES-256-GCM under a random 192-bit
 * nonce (no nonce parameter, no per-key message budget to track). The
 * output is self-describing: format version, algorithm, key id, key
 * commitment, nonce, ciphertext and tag (84 bytes of overhead).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - A {@link WorkspaceKey} (or other sealing key). Signing and master keys are refused.
 * @param plaintext - Bytes to protect (up to about 64 GiB).
 * @param context - Tenant, workspace, purpose and optional record/field, bound as associated data.
 * @returns The sealed bytes.
 * @throws CryptoError `ERR_CRYPTO_WRONG_KEY_PURPOSE` for a non-sealing key; `ERR_CRYPTO_INVALID_ARGUMENT` for a malformed context or one naming another workspace; `ERR_CRYPTO_KEY_DESTROYED` after dispose.
 *
 * @example Seal an integration token for one workspace.
 * ```ts
 * const key = deriveWorkspaceKey(master, 'ws_1');
 * const ctx = { tenant: 'org_1', workspace: 'ws_1', purpose: 'github-token' };
 * const sealed = await seal(key, new TextEncoder().encode('ghp_...'), ctx);
 * const back = await open(key, sealed, ctx);
 * ```
 */
export function seal(
  key: SealingKey,
  plaintext: Uint8Array,
  context: SealContext,
): Promise<Uint8Array> {
  return sealMode(key, plaintext, context, 'random');
}

/**
 * Deterministic sealing with AES-256-GCM-SIV (RFC 8452): the same key,
 * plaintext and context always give the same bytes, so equal values can be
 * found by equality lookups. That is also what it reveals: anyone who sees
 * two outputs learns whether the inputs were equal. Use {@link seal} unless
 * you need the lookup. The nonce is a PRF (HMAC-SHA-256) of the context and
 * plaintext; the format, commitment and context binding are as in `seal`,
 * and {@link open} opens both.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - A sealing key.
 * @param plaintext - Bytes to protect (keep them short: they are processed twice).
 * @param context - Bound as associated data.
 * @returns The sealed bytes (72 bytes of overhead).
 * @throws CryptoError as {@link seal}.
 *
 * @example An email column you can query by equality.
 * ```ts
 * const ctx = { tenant: 'org_1', workspace: 'ws_1', purpose: 'user-email', field: 'email' };
 * const sealed = await sealDeterministic(key, new TextEncoder().encode('a@example.com'), ctx);
 * ```
 */
export function sealDeterministic(
  key: SealingKey,
  plaintext: Uint8Array,
  context: SealContext,
): Promise<Uint8Array> {
  return sealMode(key, plaintext, context, 'deterministic');
}

/**
 * Opens a value made by {@link seal} or {@link sealDeterministic}. Checks the
 * header and the key commitment before decrypting. Every failure (other key,
 * other workspace, tenant, purpose, record or field, any flipped bit,
 * truncation or extension, unknown version) throws the same error with the
 * same message.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - The sealing key.
 * @param sealed - The sealed bytes.
 * @param context - Exactly the context used to seal.
 * @returns The plaintext.
 * @throws CryptoError `ERR_CRYPTO_DECRYPTION_FAILED` for every failure to open; `ERR_CRYPTO_WRONG_KEY_PURPOSE` / `ERR_CRYPTO_INVALID_ARGUMENT` for programming errors (wrong key type, malformed context).
 *
 * @example Open, handling the generic failure.
 * ```ts
 * try { await open(key, sealed, ctx); } catch (e) { if (CryptoError.isInstance(e)) e.code; }
 * ```
 */
export async function open(
  key: SealingKey,
  sealed: Uint8Array,
  context: SealContext,
): Promise<Uint8Array> {
  const m = sealingMaterialOf(key);
  assertBytes(sealed, 'sealed');
  const ctx = encodeSealContextTransient(context);
  if (m.workspace !== undefined && context.workspace !== m.workspace) throw decryptionFailed();
  const opened = openWith(backend(), m, sealed, ctx);
  // No await (one microtask less) when node:crypto opened synchronously.
  const pt = opened instanceof Promise ? await opened : opened;
  if (pt === undefined) throw decryptionFailed();
  return pt;
}

/** Public header fields of a sealed value. */
export interface SealedInfo {
  /** Format version (1). */
  readonly version: number;
  /** `'XAES-256-GCM'` for {@link seal}, `'AES-256-GCM-SIV'` for {@link sealDeterministic}. */
  readonly algorithm: 'XAES-256-GCM' | 'AES-256-GCM-SIV';
  /** True for deterministic values. */
  readonly deterministic: boolean;
  /** The root key id in the header (16 hex chars). */
  readonly keyId: string;
}

/**
 * Reads the public, not yet authenticated, header of a sealed value (to
 * route it to a key or count values per key). Returns undefined for anything
 * that is not a well-formed version-1 sealed value. Opening is still the
 * only proof that the header is genuine.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param sealed - Bytes that may be a sealed value.
 * @returns The header fields, or undefined.
 *
 * @example Which key sealed this?
 * ```ts
 * inspectSealed(sealed)?.keyId;
 * ```
 */
export function inspectSealed(sealed: Uint8Array): SealedInfo | undefined {
  const h = parseHeader(sealed);
  if (h === undefined) return undefined;
  const xaes = h.alg === ALG_XAES_256_GCM;
  return Object.freeze({
    version: FORMAT_VERSION,
    algorithm: xaes ? 'XAES-256-GCM' : 'AES-256-GCM-SIV',
    deterministic: !xaes,
    keyId: toHex(h.keyId),
  });
}

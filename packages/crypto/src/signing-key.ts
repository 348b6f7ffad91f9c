import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { assertBytes, concatBytes, copyBytes, toBase64Url, toHex, utf8 } from './internal/bytes.ts';
import { destroyedError, INSPECT } from './internal/hidden.ts';

/**
 * An Ed25519 signing key (RFC 8032). The seed never leaves the object except
 * through {@link exportSigningKeySeed}: `util.inspect`, `JSON.stringify`,
 * `String()` and error messages show only the purpose and key id.
 *
 * Exported from `@palisade/crypto` (type only; make one with
 * {@link generateSigningKey} or {@link signingKeyFromSeed}).
 */
export interface SigningKey {
  /** Brand: a signing key can only sign (it cannot seal or MAC). */
  readonly purpose: 'signing';
  /** Short stable id derived from the public key: 16 lowercase hex characters. */
  readonly keyId: string;
  /** The 32-byte raw Ed25519 public key (a fresh copy on each read). */
  readonly publicKey: Uint8Array;
}

const KEY_ID_LABEL = utf8('palisade/crypto/v1/key-id/ed25519\0');
const seeds = new WeakMap<object, Uint8Array>();

/**
 * The key id a {@link SigningKey} with this public key has: 16 hex chars of
 * `SHA-256("palisade/crypto/v1/key-id/ed25519\0" || publicKey)`. Lets a
 * verifier that holds only public keys match the `keyId` recorded next to a
 * signature.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param publicKey - 32-byte raw Ed25519 public key.
 * @returns The 16-hex-character key id.
 * @throws RangeError when `publicKey` is not 32 bytes; TypeError when not a Uint8Array.
 *
 * @example Find the key that signed a checkpoint.
 * ```ts
 * const pk = trustedKeys.find((k) => signingKeyIdOf(k) === checkpoint.keyId);
 * ```
 */
export function signingKeyIdOf(publicKey: Uint8Array): string {
  assertBytes(publicKey, 'publicKey');
  if (publicKey.length !== 32) throw new RangeError('Ed25519 public key must be 32 bytes');
  return toHex(backend().sha256(concatBytes(KEY_ID_LABEL, publicKey)).subarray(0, 8));
}

class Ed25519SigningKey implements SigningKey {
  readonly purpose = 'signing' as const;
  readonly keyId: string;
  readonly #publicKey: Uint8Array;

  constructor(seed: Uint8Array) {
    const own = copyBytes(seed);
    this.#publicKey = backend().ed25519PublicKey(own);
    this.keyId = signingKeyIdOf(this.#publicKey);
    seeds.set(this, own);
    Object.freeze(this);
  }

  get publicKey(): Uint8Array {
    return copyBytes(this.#publicKey);
  }

  toString(): string {
    return `SigningKey(${this.keyId})`;
  }

  toJSON(): { purpose: 'signing'; keyId: string; publicKey: string } {
    return { purpose: 'signing', keyId: this.keyId, publicKey: toBase64Url(this.#publicKey) };
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** Wipes the seed held by this object (copies made by the runtime are out of reach). */
  [Symbol.dispose](): void {
    const seed = seeds.get(this);
    if (seed !== undefined) {
      backend().forgetEd25519Seed?.(seed);
      seed.fill(0);
      seeds.delete(this);
    }
  }
}

function seedOf(key: SigningKey): Uint8Array {
  if (!(key instanceof Ed25519SigningKey)) {
    throw new CryptoError(
      'ERR_CRYPTO_WRONG_KEY_PURPOSE',
      'expected a SigningKey from @palisade/crypto',
    );
  }
  const seed = seeds.get(key);
  if (seed === undefined) throw destroyedError('SigningKey');
  return seed;
}

/**
 * Generates a fresh Ed25519 signing key from the platform CSPRNG.
 *
 * Exported from `@palisade/crypto`.
 *
 * @returns A new {@link SigningKey}.
 *
 * @example Sign an audit checkpoint.
 * ```ts
 * const key = generateSigningKey();
 * const sig = sign(key, new TextEncoder().encode('checkpoint'));
 * ```
 */
export function generateSigningKey(): SigningKey {
  const seed = backend().randomBytes(32);
  try {
    return new Ed25519SigningKey(seed);
  } finally {
    seed.fill(0);
  }
}

/**
 * Rebuilds a signing key from its 32-byte RFC 8032 seed (the private key).
 * The seed is copied; the caller may wipe its own copy afterwards.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param seed - 32 bytes.
 * @returns The {@link SigningKey}.
 * @throws RangeError when `seed` is not 32 bytes; TypeError when not a Uint8Array.
 *
 * @example Load a persisted key.
 * ```ts
 * const key = signingKeyFromSeed(seedBytes);
 * ```
 */
export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  assertBytes(seed, 'seed');
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes');
  return new Ed25519SigningKey(seed);
}

/**
 * Returns a copy of the 32-byte seed so the caller can persist it (for
 * example in a KMS or a 0600 file). This is the only way a seed leaves a
 * {@link SigningKey}; wipe the returned array when done.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - A key from this package.
 * @returns The 32-byte seed.
 * @throws CryptoError `ERR_CRYPTO_KEY_DESTROYED` after dispose, `ERR_CRYPTO_WRONG_KEY_PURPOSE` for a foreign object.
 *
 * @example Persist then reload.
 * ```ts
 * const seed = exportSigningKeySeed(key);
 * const again = signingKeyFromSeed(seed);
 * ```
 */
export function exportSigningKeySeed(key: SigningKey): Uint8Array {
  return copyBytes(seedOf(key));
}

/**
 * Signs `message` with Ed25519 (RFC 8032, pure; deterministic).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - The signing key.
 * @param message - The bytes to sign.
 * @returns The 64-byte signature.
 * @throws CryptoError `ERR_CRYPTO_KEY_DESTROYED` after dispose, `ERR_CRYPTO_WRONG_KEY_PURPOSE` for a key that is not a SigningKey.
 *
 * @example Sign and verify.
 * ```ts
 * const sig = sign(key, msg);
 * verifySignature(key.publicKey, msg, sig); // true
 * ```
 */
export function sign(key: SigningKey, message: Uint8Array): Uint8Array {
  assertBytes(message, 'message');
  return backend().ed25519Sign(seedOf(key), message);
}

/**
 * Verifies an Ed25519 signature strictly per RFC 8032: canonical point and
 * scalar encodings only (S < L), 32-byte key and 64-byte signature. Every
 * Wycheproof ed25519 vector passes. Returns false (never throws) for any
 * malformed input of the right types.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param publicKey - 32-byte raw Ed25519 public key.
 * @param message - The signed bytes.
 * @param signature - 64-byte signature.
 * @returns True only for a valid signature.
 * @throws TypeError when an argument is not a Uint8Array.
 *
 * @example Verify a checkpoint signature.
 * ```ts
 * if (!verifySignature(publicKey, msg, sig)) throw new Error('bad signature');
 * ```
 */
export function verifySignature(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  assertBytes(publicKey, 'publicKey');
  assertBytes(message, 'message');
  assertBytes(signature, 'signature');
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  return backend().ed25519Verify(publicKey, message, signature);
}

// The one interface every backend implements. Internal: never re-exported.
//
// Hashing, HMAC, HKDF and Ed25519 are synchronous (they back a synchronous
// public API); AEADs and the AES block function return promises because the
// WebCrypto backend can only offer them asynchronously.

/** Names of the backends. */
export type BackendName = 'node' | 'webcrypto' | 'noble';

/** A prepared AES key for raw block encryption (ECB on whole 16-byte blocks). */
export interface AesBlockCipher {
  /** Encrypts each 16-byte block of `blocks` independently. `blocks.length` is a multiple of 16. */
  encryptBlocks(blocks: Uint8Array): Promise<Uint8Array>;
  /** The same, synchronously, where the backend can (node:crypto). */
  readonly encryptBlocksSync?: (blocks: Uint8Array) => Uint8Array;
}

/** Synchronous AES-GCM, offered by backends that have it (node:crypto) for the hot path. */
export interface SyncAesGcm {
  seal(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    prefix?: Uint8Array,
  ): Uint8Array;
  open(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array | undefined;
}

/**
 * A backend. Every method validates sizes it depends on and throws a
 * RangeError for anything outside the contract (for example a GCM IV that is
 * not 12 bytes). AEAD `open` methods resolve to `undefined` on any
 * authentication failure; they never say why.
 */
export interface Backend {
  readonly name: BackendName;
  /** Present on backends with synchronous AES-GCM; same bytes as the async methods. */
  readonly syncAesGcm?: SyncAesGcm;
  randomBytes(n: number): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  /** RFC 5869; throws a RangeError when `length > 255 * 32`. */
  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** Constant-time comparison of two equal-length arrays. */
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /** Strict RFC 8032 verification (canonical encodings, S < L). */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * Drops (and wipes what JS allows of) anything this backend keeps for
   * `seed`, such as an imported signing key; called before a key is disposed.
   */
  forgetEd25519Seed?(seed: Uint8Array): void;
  /** AES block function with a 16-, 24- or 32-byte key. */
  aes(key: Uint8Array): AesBlockCipher;
  /**
   * AES-GCM (16/24/32-byte key, 12-byte IV, 16-byte tag): returns
   * `prefix || ciphertext || tag` in one allocation (prefix defaults to empty).
   */
  aesGcmSeal(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    prefix?: Uint8Array,
  ): Promise<Uint8Array>;
  aesGcmOpen(
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Promise<Uint8Array | undefined>;
  /** ChaCha20-Poly1305 (RFC 8439: 32-byte key, 12-byte nonce, 16-byte tag). */
  chacha20Poly1305Seal(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
  ): Promise<Uint8Array>;
  chacha20Poly1305Open(
    key: Uint8Array,
    nonce: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Promise<Uint8Array | undefined>;
}

export const GCM_IV_BYTES = 12;
export const TAG_BYTES = 16;
export const HKDF_MAX: number = 255 * 32;

/** Shared argument checks so every backend rejects the same inputs the same way. */
export function checkAesKey(key: Uint8Array): void {
  if (
    !(key instanceof Uint8Array) ||
    (key.length !== 16 && key.length !== 24 && key.length !== 32)
  ) {
    throw new RangeError('AES key must be 16, 24 or 32 bytes');
  }
}

export function checkNonce(nonce: Uint8Array, length: number, name: string): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== length) {
    throw new RangeError(`${name} must be exactly ${length} bytes`);
  }
}

export function checkKey32(key: Uint8Array, name: string): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new RangeError(`${name} must be 32 bytes`);
  }
}

export function checkHkdfLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0 || length > HKDF_MAX) {
    throw new RangeError(`HKDF-SHA-256 output length must be 0..${HKDF_MAX} bytes`);
  }
}

export function checkBlocks(blocks: Uint8Array): void {
  if (!(blocks instanceof Uint8Array) || blocks.length % 16 !== 0) {
    throw new RangeError('AES block input must be a multiple of 16 bytes');
  }
}

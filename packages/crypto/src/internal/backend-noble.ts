// Portable @noble backend: the last resort where neither node:crypto nor
// WebCrypto exists. Its AES uses lookup tables (not constant time), so the
// backend selector never picks it for AES when a native AES exists; the
// WebCrypto backend borrows only its synchronous hashing, HKDF, Ed25519 and
// ChaCha20-Poly1305 (which WebCrypto lacks).

import { ecb, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  type Backend,
  checkAesKey,
  checkBlocks,
  checkHkdfLength,
  checkKey32,
  checkNonce,
  GCM_IV_BYTES,
  TAG_BYTES,
} from './backend.ts';

/** Cryptographically secure random bytes from the platform (globalThis.crypto). */
export function platformRandomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  const out = new Uint8Array(n);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new Error('no secure random source: globalThis.crypto.getRandomValues is missing');
  }
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < n; i += 65536) c.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

/** Constant-time equality for equal-length arrays (no early exit). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Synchronous primitives shared by the noble and WebCrypto backends. */
export const nobleSync: Pick<
  Backend,
  | 'randomBytes'
  | 'sha256'
  | 'hmacSha256'
  | 'hkdfSha256'
  | 'timingSafeEqual'
  | 'ed25519PublicKey'
  | 'ed25519Sign'
  | 'ed25519Verify'
  | 'chacha20Poly1305Seal'
  | 'chacha20Poly1305Open'
> = {
  randomBytes: platformRandomBytes,
  sha256: (data) => sha256(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256(ikm, salt, info, length) {
    checkHkdfLength(length);
    if (length === 0) return new Uint8Array(0);
    return hkdf(sha256, ikm, salt, info, length);
  },
  timingSafeEqual: constantTimeEqual,
  ed25519PublicKey(seed) {
    checkKey32(seed, 'Ed25519 seed');
    return ed25519.getPublicKey(seed);
  },
  ed25519Sign(seed, message) {
    checkKey32(seed, 'Ed25519 seed');
    return ed25519.sign(message, seed);
  },
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      // zip215: false selects strict RFC 8032 (canonical encodings, S < L).
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
  async chacha20Poly1305Seal(key, nonce, aad, plaintext) {
    checkKey32(key, 'ChaCha20-Poly1305 key');
    checkNonce(nonce, 12, 'ChaCha20-Poly1305 nonce');
    return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
  },
  async chacha20Poly1305Open(key, nonce, aad, sealed) {
    checkKey32(key, 'ChaCha20-Poly1305 key');
    checkNonce(nonce, 12, 'ChaCha20-Poly1305 nonce');
    if (sealed.length < TAG_BYTES) return undefined;
    try {
      return chacha20poly1305(key, nonce, aad).decrypt(sealed);
    } catch {
      return undefined;
    }
  },
};

/** `prefix || body` in a fresh array. */
export function withPrefix(prefix: Uint8Array, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/** Builds the all-noble backend. */
export function createNobleBackend(): Backend {
  return {
    name: 'noble',
    ...nobleSync,
    aes(key) {
      checkAesKey(key);
      const k = key.slice();
      return {
        async encryptBlocks(blocks) {
          checkBlocks(blocks);
          return ecb(k, { disablePadding: true }).encrypt(blocks);
        },
      };
    },
    async aesGcmSeal(key, iv, aad, plaintext, prefix) {
      checkAesKey(key);
      checkNonce(iv, GCM_IV_BYTES, 'AES-GCM IV');
      const sealed = gcm(key, iv, aad).encrypt(plaintext);
      return prefix === undefined ? sealed : withPrefix(prefix, sealed);
    },
    async aesGcmOpen(key, iv, aad, sealed) {
      checkAesKey(key);
      checkNonce(iv, GCM_IV_BYTES, 'AES-GCM IV');
      if (sealed.length < TAG_BYTES) return undefined;
      try {
        return gcm(key, iv, aad).decrypt(sealed);
      } catch {
        return undefined;
      }
    },
  };
}

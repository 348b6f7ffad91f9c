// WebCrypto backend for browsers and workers: AES-GCM and the AES block
// function run in the platform's native AES; the synchronous primitives
// (SHA-256, HMAC, HKDF, Ed25519) and ChaCha20-Poly1305, which WebCrypto
// cannot offer synchronously or at all, come from @noble. Browsers' WebCrypto
// may refuse 192-bit AES keys (Chromium does: OperationError); nothing in
// this package uses them, and a refusal is an error, never other bytes.
import type { webcrypto } from 'node:crypto';
import {
  type Backend,
  checkAesKey,
  checkBlocks,
  checkNonce,
  GCM_IV_BYTES,
  TAG_BYTES,
} from './backend.ts';
import { nobleSync, withPrefix } from './backend-noble.ts';

// Type-only: the standard WebCrypto types as @types/node declares them (no DOM lib).
type SubtleCrypto = webcrypto.SubtleCrypto;
type CryptoKey = webcrypto.CryptoKey;

/** The platform SubtleCrypto, or undefined. */
export function loadSubtle(): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto;
  return c?.subtle;
}

// Exact-size ArrayBuffer copies: WebCrypto takes BufferSource.
function buf(data: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(data.length);
  new Uint8Array(out).set(data);
  return out;
}

/** Builds the WebCrypto backend, or undefined when SubtleCrypto is absent. */
export function createWebCryptoBackend(
  subtle: SubtleCrypto | undefined = loadSubtle(),
): Backend | undefined {
  if (subtle === undefined) return undefined;
  const importGcm = (key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> =>
    subtle.importKey('raw', buf(key), { name: 'AES-GCM' }, false, [usage]);
  return {
    name: 'webcrypto',
    ...nobleSync,
    aes(key) {
      checkAesKey(key);
      const cbcKey = subtle.importKey('raw', buf(key), { name: 'AES-CBC' }, false, ['encrypt']);
      return {
        async encryptBlocks(blocks) {
          checkBlocks(blocks);
          const k = await cbcKey;
          // E_K(B) is the first block of AES-CBC with IV = B over one zero block.
          const zero = new ArrayBuffer(16);
          const outs = await Promise.all(
            Array.from({ length: blocks.length / 16 }, (_, i) =>
              subtle.encrypt(
                { name: 'AES-CBC', iv: buf(blocks.subarray(16 * i, 16 * i + 16)) },
                k,
                zero,
              ),
            ),
          );
          const out = new Uint8Array(blocks.length);
          outs.forEach((o: ArrayBuffer, i: number) => {
            out.set(new Uint8Array(o, 0, 16), 16 * i);
          });
          return out;
        },
      };
    },
    async aesGcmSeal(key, iv, aad, plaintext, prefix) {
      checkAesKey(key);
      checkNonce(iv, GCM_IV_BYTES, 'AES-GCM IV');
      const k = await importGcm(key, 'encrypt');
      const out = await subtle.encrypt(
        { name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: TAG_BYTES * 8 },
        k,
        buf(plaintext),
      );
      return prefix === undefined ? new Uint8Array(out) : withPrefix(prefix, new Uint8Array(out));
    },
    async aesGcmOpen(key, iv, aad, sealed) {
      checkAesKey(key);
      checkNonce(iv, GCM_IV_BYTES, 'AES-GCM IV');
      if (sealed.length < TAG_BYTES) return undefined;
      const k = await importGcm(key, 'decrypt');
      try {
        const out = await subtle.decrypt(
          { name: 'AES-GCM', iv: buf(iv), additionalData: buf(aad), tagLength: TAG_BYTES * 8 },
          k,
          buf(sealed),
        );
        return new Uint8Array(out);
      } catch {
        return undefined;
      }
    },
  };
}

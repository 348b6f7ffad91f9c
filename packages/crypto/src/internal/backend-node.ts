// node:crypto backend. Loaded through process.getBuiltinModule so that
// bundles for browsers never see a static `node:crypto` import.
import type * as NodeCrypto from 'node:crypto';
import {
  type AesBlockCipher,
  type Backend,
  checkAesKey,
  checkBlocks,
  checkHkdfLength,
  checkKey32,
  checkNonce,
  GCM_IV_BYTES,
  TAG_BYTES,
} from './backend.ts';
import { LruCache } from './lru.ts';

type NodeCryptoModule = typeof NodeCrypto;

/** node:crypto, or undefined outside Node (>= 20.16 has process.getBuiltinModule). */
export function loadNodeCrypto(): NodeCryptoModule | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    return proc.getBuiltinModule('node:crypto') as NodeCryptoModule | undefined;
  } catch {
    return undefined;
  }
}

// DER prefixes for raw Ed25519 keys (RFC 8410).
const PKCS8_ED25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_ED25519 = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

function view(data: Uint8Array): Uint8Array {
  return data;
}

const EMPTY = new Uint8Array(0);

/**
 * A plain Uint8Array over a Buffer's bytes: no copy when the Buffer owns its
 * whole ArrayBuffer, a copy (and a wipe of the original) when it is a slice
 * of Node's shared pool, so `.buffer` never exposes other data.
 */
function owned(buf: Uint8Array): Uint8Array {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) {
    return new Uint8Array(buf.buffer, 0, buf.length);
  }
  const out = toPlain(buf);
  buf.fill(0);
  return out;
}

function toPlain(buf: Uint8Array): Uint8Array {
  // Buffers may be views into a shared pool; hand out exact-size copies.
  const out = new Uint8Array(buf.length);
  out.set(buf);
  return out;
}

/** Builds the node:crypto backend, or undefined when node:crypto is absent. */
export function createNodeBackend(
  c: NodeCryptoModule | undefined = loadNodeCrypto(),
): Backend | undefined {
  if (c === undefined) return undefined;
  const gcmName = (key: Uint8Array): NodeCrypto.CipherGCMTypes =>
    key.length === 16 ? 'aes-128-gcm' : key.length === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
  const ecbName = (key: Uint8Array): string =>
    key.length === 16 ? 'aes-128-ecb' : key.length === 24 ? 'aes-192-ecb' : 'aes-256-ecb';

  const ed25519Private = (seed: Uint8Array): NodeCrypto.KeyObject => {
    const der = new Uint8Array(48);
    der.set(PKCS8_ED25519);
    der.set(seed, 16);
    try {
      return c.createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' });
    } finally {
      der.fill(0);
    }
  };

  // Imported signing keys, so signing does not re-import the key on every
  // call (createPrivateKey cost more than the signature itself). Keyed by the
  // seed array's identity and checked against a copy of its bytes, so a
  // changed or wiped array never signs with a stale key; a disposed signing
  // key calls forgetEd25519Seed, which zeroes the copy (the KeyObject itself
  // is native memory JS cannot wipe; it goes with garbage collection).
  const privateKeys = new WeakMap<Uint8Array, { seed: Buffer; key: NodeCrypto.KeyObject }>();
  const privateKeyOf = (seed: Uint8Array): NodeCrypto.KeyObject => {
    const hit = privateKeys.get(seed);
    if (hit !== undefined) {
      if (c.timingSafeEqual(hit.seed, view(seed))) return hit.key;
      hit.seed.fill(0);
    }
    const key = ed25519Private(seed);
    privateKeys.set(seed, { seed: Buffer.from(seed), key });
    return key;
  };
  // Public keys are not secret: a bounded LRU map from their bytes to the
  // imported key object (only keys node accepted are kept).
  const publicKeys = new LruCache<string, NodeCrypto.KeyObject>(256);
  const publicKeyOf = (publicKey: Uint8Array): NodeCrypto.KeyObject => {
    const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('latin1');
    const hit = publicKeys.get(id);
    if (hit !== undefined) return hit;
    const der = new Uint8Array(44);
    der.set(SPKI_ED25519);
    der.set(publicKey, 12);
    const key = c.createPublicKey({ key: Buffer.from(der.buffer), format: 'der', type: 'spki' });
    publicKeys.set(id, key);
    return key;
  };

  const gcmSeal = (
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    plaintext: Uint8Array,
    prefix: Uint8Array = EMPTY,
  ): Uint8Array => {
    checkAesKey(key);
    checkNonce(iv, GCM_IV_BYTES, 'AES-GCM IV');
    const cipher = c.createCipheriv(gcmName(key), view(key), view(iv), {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(view(aad));
    const p = prefix.length;
    // Unpooled and not zero-filled: every byte is written below (prefix,
    // ciphertext, tag), and skipping the zeroing matters at 1 MiB.
    const slab = Buffer.allocUnsafeSlow(p + plaintext.length + TAG_BYTES);
    const out = new Uint8Array(slab.buffer, slab.byteOffset, slab.length);
    out.set(prefix, 0);
    const body = cipher.update(view(plaintext));
    out.set(body, p);
    const fin = cipher.final();
    out.set(fin, p + body.length);
    out.set(cipher.getAuthTag(), p + plaintext.length);
    return out;
  };
  const gcmOpen = (
    key: Uint8Array,
    iv: Uint8Array,
    aad: Uint8Array,
    sealed: Uint8Array,
  ): Uint8Array | undefined => {
    checkAesKey(key);
    checkNonce(iv, GCM_IV_BYTES, 'AES-GCM IV');
    if (sealed.length < TAG_BYTES) return undefined;
    const ctLen = sealed.length - TAG_BYTES;
    const decipher = c.createDecipheriv(gcmName(key), view(key), view(iv), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(view(aad));
    decipher.setAuthTag(view(sealed.subarray(ctLen)));
    const body = decipher.update(view(sealed.subarray(0, ctLen)));
    try {
      decipher.final(); // GCM returns no further bytes; throws on a bad tag
    } catch {
      body.fill(0);
      return undefined;
    }
    return owned(body);
  };

  return {
    name: 'node',
    randomBytes(n) {
      // Straight into a plain Uint8Array: no pooled Buffer, no copy.
      return c.randomFillSync(new Uint8Array(n));
    },
    sha256(data) {
      return toPlain(c.createHash('sha256').update(view(data)).digest());
    },
    hmacSha256(key, data) {
      return toPlain(c.createHmac('sha256', view(key)).update(view(data)).digest());
    },
    hkdfSha256(ikm, salt, info, length) {
      checkHkdfLength(length);
      if (length === 0) return new Uint8Array(0);
      return new Uint8Array(c.hkdfSync('sha256', view(ikm), view(salt), view(info), length));
    },
    timingSafeEqual(a, b) {
      return a.length === b.length && c.timingSafeEqual(view(a), view(b));
    },
    ed25519PublicKey(seed) {
      checkKey32(seed, 'Ed25519 seed');
      const spki = c.createPublicKey(ed25519Private(seed)).export({ format: 'der', type: 'spki' });
      return toPlain(spki.subarray(SPKI_ED25519.length));
    },
    ed25519Sign(seed, message) {
      checkKey32(seed, 'Ed25519 seed');
      return toPlain(c.sign(null, view(message), privateKeyOf(seed)));
    },
    ed25519Verify(publicKey, message, signature) {
      if (publicKey.length !== 32 || signature.length !== 64) return false;
      try {
        return c.verify(null, view(message), publicKeyOf(publicKey), view(signature));
      } catch {
        return false;
      }
    },
    forgetEd25519Seed(seed) {
      const hit = privateKeys.get(seed);
      if (hit === undefined) return;
      hit.seed.fill(0);
      privateKeys.delete(seed);
    },
    aes(key): AesBlockCipher {
      checkAesKey(key);
      // A long-lived ECB context without padding: update() on whole blocks
      // returns them at once, so one context serves every call.
      const ecb = c.createCipheriv(ecbName(key), view(key), null).setAutoPadding(false);
      // Internal callers use (and wipe) the sync result at once, so it may
      // be node's Buffer itself; the async form hands out an owned copy.
      const encryptBlocksSync = (blocks: Uint8Array): Uint8Array => {
        checkBlocks(blocks);
        return ecb.update(view(blocks));
      };
      return {
        encryptBlocksSync,
        async encryptBlocks(blocks) {
          return toPlain(encryptBlocksSync(blocks));
        },
      };
    },
    syncAesGcm: { seal: gcmSeal, open: gcmOpen },
    async aesGcmSeal(key, iv, aad, plaintext, prefix) {
      return gcmSeal(key, iv, aad, plaintext, prefix);
    },
    async aesGcmOpen(key, iv, aad, sealed) {
      return gcmOpen(key, iv, aad, sealed);
    },
    async chacha20Poly1305Seal(key, nonce, aad, plaintext) {
      checkKey32(key, 'ChaCha20-Poly1305 key');
      checkNonce(nonce, 12, 'ChaCha20-Poly1305 nonce');
      const cipher = c.createCipheriv('chacha20-poly1305', view(key), view(nonce), {
        authTagLength: TAG_BYTES,
      });
      cipher.setAAD(view(aad), { plaintextLength: plaintext.length });
      const out = new Uint8Array(plaintext.length + TAG_BYTES);
      const body = cipher.update(view(plaintext));
      out.set(body, 0);
      out.set(cipher.final(), body.length);
      out.set(cipher.getAuthTag(), plaintext.length);
      return out;
    },
    async chacha20Poly1305Open(key, nonce, aad, sealed) {
      checkKey32(key, 'ChaCha20-Poly1305 key');
      checkNonce(nonce, 12, 'ChaCha20-Poly1305 nonce');
      if (sealed.length < TAG_BYTES) return undefined;
      const ctLen = sealed.length - TAG_BYTES;
      const decipher = c.createDecipheriv('chacha20-poly1305', view(key), view(nonce), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(view(aad), { plaintextLength: ctLen });
      decipher.setAuthTag(view(sealed.subarray(ctLen)));
      const body = decipher.update(view(sealed.subarray(0, ctLen)));
      try {
        decipher.final();
      } catch {
        body.fill(0);
        return undefined;
      }
      return owned(body);
    },
  };
}

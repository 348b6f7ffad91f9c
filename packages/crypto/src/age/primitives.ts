// node:crypto primitives for the age format: X25519, HKDF-SHA256, ChaCha20-Poly1305, scrypt.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  scrypt,
} from 'node:crypto';

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
// A placeholder public value for JWK import: Node derives the key from `d`
// and ignores `x`. JWK import is about 10x faster than PKCS#8 DER import.
// Whether this Node really ignores `x` is checked once, against DER import;
// if not, every import uses DER.
const PLACEHOLDER_X = Buffer.alloc(32).toString('base64url');
let jwkImportChecked: boolean | undefined;

function derPrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, scalar]),
    format: 'der',
    type: 'pkcs8',
  });
}

function jwkPrivateKey(scalar: Uint8Array): KeyObject {
  const d = Buffer.from(scalar.buffer, scalar.byteOffset, scalar.byteLength).toString('base64url');
  return createPrivateKey({
    key: { kty: 'OKP', crv: 'X25519', d, x: PLACEHOLDER_X },
    format: 'jwk',
  });
}

function jwkImportIsSound(): boolean {
  if (jwkImportChecked === undefined) {
    const probe = new Uint8Array(32).map((_, i) => (i * 29 + 7) & 0xff);
    try {
      jwkImportChecked =
        jwkPrivateKey(probe).export({ format: 'jwk' }).x ===
        derPrivateKey(probe).export({ format: 'jwk' }).x;
    } catch {
      jwkImportChecked = false;
    }
  }
  return jwkImportChecked;
}

export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return jwkImportIsSound() ? jwkPrivateKey(scalar) : derPrivateKey(scalar);
}

/** A fresh X25519 key pair from the OS CSPRNG (for ephemeral shares). */
export function x25519Ephemeral(): KeyObject {
  return generateKeyPairSync('x25519').privateKey;
}

export function x25519PublicKeyObject(point: Uint8Array): KeyObject {
  const x = Buffer.from(point.buffer, point.byteOffset, point.byteLength).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
}

export function x25519PublicFromPrivate(priv: KeyObject): Uint8Array {
  const x = priv.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new TypeError('not an X25519 private key');
  return new Uint8Array(Buffer.from(x, 'base64url'));
}

/** X25519(scalar, point); undefined when the result is all-zero (low-order point). */
export function x25519(priv: KeyObject, point: Uint8Array): Uint8Array | undefined {
  let out: Buffer;
  try {
    out = diffieHellman({ privateKey: priv, publicKey: x25519PublicKeyObject(point) });
  } catch {
    return undefined;
  }
  let acc = 0;
  for (const b of out) acc |= b;
  return acc === 0 ? undefined : new Uint8Array(out);
}

/**
 * HKDF-SHA-256 (RFC 5869) with a 32-byte output: one HMAC to extract, one to
 * expand (T(1) = HMAC(PRK, info || 0x01)). Two HMAC calls are several times
 * faster than `hkdfSync` here, and the result is identical (tested).
 */
export function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  const prk = createHmac('sha256', salt.length === 0 ? ZERO_SALT : salt)
    .update(ikm)
    .digest();
  const okm = createHmac('sha256', prk).update(info).update(ONE).digest();
  prk.fill(0);
  return new Uint8Array(okm.buffer, okm.byteOffset, okm.byteLength);
}

const ZERO_SALT = Buffer.alloc(32);
const ONE = Buffer.from([1]);

export function chachaSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  const a = c.update(plaintext);
  c.final();
  return Buffer.concat([a, c.getAuthTag()]);
}

/** ChaCha20-Poly1305 open; undefined on authentication failure. */
export function chachaOpen(
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
): Buffer | undefined {
  if (sealed.length < 16) return undefined;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  const out = d.update(sealed.subarray(0, sealed.length - 16));
  try {
    d.final();
  } catch {
    out.fill(0);
    return undefined;
  }
  return out;
}

export function scryptAsync(
  password: Uint8Array,
  salt: Uint8Array,
  logN: number,
): Promise<Uint8Array> {
  const N = 2 ** logN;
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      32,
      { N, r: 8, p: 1, maxmem: 128 * N * 8 + 16 * 1024 * 1024 },
      (err, key) => {
        if (err) reject(err);
        else resolve(new Uint8Array(key));
      },
    );
  });
}

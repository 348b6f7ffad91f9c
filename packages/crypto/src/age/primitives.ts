// node:crypto primitives for the age format: X25519, HKDF-SHA256, ChaCha20-Poly1305, scrypt.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type KeyObject,
  scrypt,
} from 'node:crypto';

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

export function x25519PrivateKey(scalar: Uint8Array): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_X25519, scalar]),
    format: 'der',
    type: 'pkcs8',
  });
}

export function x25519PublicKeyObject(point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: 'der', type: 'spki' });
}

export function x25519PublicFromPrivate(priv: KeyObject): Uint8Array {
  const der = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
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

export function hkdf32(ikm: Uint8Array, salt: Uint8Array, info: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));
}

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

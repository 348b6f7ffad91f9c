// Ed25519 over node:crypto (raw 32-byte keys in, raw 64-byte signatures out).
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A private key object from a 32-byte seed, and its raw public key. */
export function keyFromSeed(seed: Uint8Array): { priv: KeyObject; publicKey: Uint8Array } {
  if (seed.length !== 32) throw new TypeError('Ed25519 seed must be 32 bytes');
  const priv = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(priv).export({ format: 'jwk' });
  const publicKey = new Uint8Array(Buffer.from(String(jwk.x), 'base64url'));
  return { priv, publicKey };
}

/** Raw Ed25519 signature. */
export function ed25519Sign(priv: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, priv));
}

const pubCache = new Map<string, KeyObject>();

/** Verifies a raw Ed25519 signature with a raw 32-byte public key. */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const id = Buffer.from(publicKey).toString('hex');
  let key = pubCache.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({
        key: Buffer.concat([SPKI_PREFIX, publicKey]),
        format: 'der',
        type: 'spki',
      });
    } catch {
      return false;
    }
    if (pubCache.size > 256) pubCache.clear();
    pubCache.set(id, key);
  }
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

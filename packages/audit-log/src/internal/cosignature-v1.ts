// C2SP tlog-cosignature, Ed25519 (`cosignature/v1`): the parts both the
// cosigner and the note verifier need. https://c2sp.org/tlog-cosignature
import { verifySignature } from '@palisade/crypto';
import { utf8Encode } from './bytes.ts';
import { keyHashOfType } from './note-keys.ts';

/** Signature type byte of Ed25519 cosignature/v1 keys (key ID and vkey). */
export const ALG_COSIGNATURE_V1 = 0x04;

/** Largest timestamp a cosignature may carry: 2^63 - 1. */
export const MAX_COSIGNATURE_TIME: bigint = (1n << 63n) - 1n;

/**
 * The signed message: "cosignature/v1\n", "time <decimal seconds>\n", then the
 * whole note text (with its final newline, without signature lines).
 */
export function cosignatureMessage(timestamp: bigint, text: Uint8Array): Uint8Array {
  const head = utf8Encode(`cosignature/v1\ntime ${timestamp.toString(10)}\n`);
  const out = new Uint8Array(head.length + text.length);
  out.set(head, 0);
  out.set(text, head.length);
  return out;
}

/** The u64 big-endian timestamp at the start of a timestamped signature. */
export function readTimestamp(sig: Uint8Array): bigint {
  let t = 0n;
  for (let i = 0; i < 8; i++) t = (t << 8n) | BigInt(sig[i] ?? 0);
  return t;
}

/** A verifier of cosignature/v1 signatures by one cosigner (name validated by the caller). */
export function cosignatureVerifier(
  name: string,
  publicKey: Uint8Array,
): {
  readonly name: string;
  readonly keyHash: number;
  readonly publicKey: Uint8Array;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
} {
  const pk = publicKey.slice();
  return Object.freeze({
    name,
    keyHash: keyHashOfType(name, ALG_COSIGNATURE_V1, pk),
    publicKey: pk,
    verify: (message: Uint8Array, signature: Uint8Array): boolean => {
      // timestamped_signature: u64 timestamp || 64-byte Ed25519 signature.
      if (signature.length !== 72) return false;
      const t = readTimestamp(signature);
      if (t > MAX_COSIGNATURE_TIME) return false;
      try {
        return verifySignature(pk, cosignatureMessage(t, message), signature.subarray(8));
      } catch {
        return false;
      }
    },
  });
}

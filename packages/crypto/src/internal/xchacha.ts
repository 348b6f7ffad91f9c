// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 from @noble/ciphers
// derives a subkey, then the backend's ChaCha20-Poly1305 (native on Node)
// carries the message. Internal: never re-exported.
import { hchacha } from '@noble/ciphers/chacha.js';
import type { Backend } from './backend.ts';
import { checkKey32, checkNonce } from './backend.ts';

export const XCHACHA_NONCE_BYTES = 24;
const SIGMA = Uint32Array.of(0x61707865, 0x3320646e, 0x79622d32, 0x6b206574);

function le32(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(bytes.length / 4);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let i = 0; i < out.length; i++) out[i] = dv.getUint32(4 * i, true);
  return out;
}

function subkey(key: Uint8Array, nonce: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const k = le32(key);
  const out = new Uint32Array(8);
  hchacha(SIGMA, k, le32(nonce.subarray(0, 16)), out);
  const sub = new Uint8Array(32);
  const dv = new DataView(sub.buffer);
  for (let i = 0; i < 8; i++) dv.setUint32(4 * i, out[i] as number, true);
  k.fill(0);
  out.fill(0);
  const n = new Uint8Array(12);
  n.set(nonce.subarray(16, 24), 4);
  return { key: sub, nonce: n };
}

export async function xchachaSeal(
  b: Backend,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  checkKey32(key, 'XChaCha20-Poly1305 key');
  checkNonce(nonce, XCHACHA_NONCE_BYTES, 'XChaCha20-Poly1305 nonce');
  const s = subkey(key, nonce);
  try {
    return await b.chacha20Poly1305Seal(s.key, s.nonce, aad, plaintext);
  } finally {
    s.key.fill(0);
  }
}

export async function xchachaOpen(
  b: Backend,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Promise<Uint8Array | undefined> {
  checkKey32(key, 'XChaCha20-Poly1305 key');
  checkNonce(nonce, XCHACHA_NONCE_BYTES, 'XChaCha20-Poly1305 nonce');
  const s = subkey(key, nonce);
  try {
    return await b.chacha20Poly1305Open(s.key, s.nonce, aad, sealed);
  } finally {
    s.key.fill(0);
  }
}

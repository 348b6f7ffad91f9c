// AES-GCM-SIV (RFC 8452) with the AES block function of the backend (native
// AES on Node and in browsers) and POLYVAL from @noble/ciphers. No platform
// ships GCM-SIV, so this composition is the native-AES path. Internal: never
// re-exported.
import { Polyval } from '@noble/ciphers/_polyval.js';
import type { Backend } from './backend.ts';
import { checkAesKey, checkNonce, TAG_BYTES } from './backend.ts';

export const GCM_SIV_NONCE_BYTES = 12;
// RFC 8452 section 6: plaintext and AAD at most 2^36 bytes.
const MAX_INPUT = 2 ** 36;

/** Section 4: per-nonce message-authentication and message-encryption keys. */
async function deriveKeys(
  b: Backend,
  key: Uint8Array,
  nonce: Uint8Array,
): Promise<{ authKey: Uint8Array; encKey: Uint8Array }> {
  const blocks = key.length === 32 ? 6 : 4;
  const input = new Uint8Array(16 * blocks);
  for (let i = 0; i < blocks; i++) {
    input[16 * i] = i; // little-endian 32-bit counter, i < 256
    input.set(nonce, 16 * i + 4);
  }
  const out = await b.aes(key).encryptBlocks(input);
  const authKey = new Uint8Array(16);
  const encKey = new Uint8Array(key.length);
  for (let i = 0; i < blocks; i++) {
    const half = out.subarray(16 * i, 16 * i + 8);
    if (i < 2) authKey.set(half, 8 * i);
    else encKey.set(half, 8 * (i - 2));
  }
  out.fill(0);
  return { authKey, encKey };
}

function lengthBlock(aadLen: number, ptLen: number): Uint8Array {
  const lb = new Uint8Array(16);
  const dv = new DataView(lb.buffer);
  dv.setBigUint64(0, BigInt(aadLen) * 8n, true);
  dv.setBigUint64(8, BigInt(ptLen) * 8n, true);
  return lb;
}

async function tagFor(
  b: Backend,
  authKey: Uint8Array,
  encKey: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<Uint8Array> {
  const s = new Polyval(authKey)
    .update(aad)
    .update(plaintext)
    .update(lengthBlock(aad.length, plaintext.length))
    .digest();
  for (let i = 0; i < 12; i++) s[i] = (s[i] as number) ^ (nonce[i] as number);
  s[15] = (s[15] as number) & 0x7f;
  return b.aes(encKey).encryptBlocks(s);
}

/** AES-CTR as RFC 8452 defines it: the first 32 bits count, little-endian, wrapping. */
async function ctr(
  b: Backend,
  encKey: Uint8Array,
  tag: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const n = Math.ceil(data.length / 16);
  const counters = new Uint8Array(16 * n);
  const first = new DataView(tag.buffer, tag.byteOffset, 16).getUint32(0, true);
  for (let i = 0; i < n; i++) {
    counters.set(tag, 16 * i);
    counters[16 * i + 15] = (tag[15] as number) | 0x80;
    new DataView(counters.buffer).setUint32(16 * i, (first + i) >>> 0, true);
  }
  const stream = n === 0 ? counters : await b.aes(encKey).encryptBlocks(counters);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) ^ (stream[i] as number);
  stream.fill(0);
  return out;
}

function checkArgs(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, len: number): void {
  checkAesKey(key);
  if (key.length === 24) throw new RangeError('AES-GCM-SIV key must be 16 or 32 bytes');
  checkNonce(nonce, GCM_SIV_NONCE_BYTES, 'AES-GCM-SIV nonce');
  if (aad.length > MAX_INPUT || len > MAX_INPUT) throw new RangeError('AES-GCM-SIV input too long');
}

/** AES-GCM-SIV seal: `prefix || ciphertext || tag`. Deterministic for a given (key, nonce, aad, plaintext). */
export async function gcmSivSeal(
  b: Backend,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  prefix: Uint8Array = new Uint8Array(0),
): Promise<Uint8Array> {
  checkArgs(key, nonce, aad, plaintext.length);
  const { authKey, encKey } = await deriveKeys(b, key, nonce);
  try {
    const tag = await tagFor(b, authKey, encKey, nonce, aad, plaintext);
    const ct = await ctr(b, encKey, tag, plaintext);
    const out = new Uint8Array(prefix.length + ct.length + TAG_BYTES);
    out.set(prefix);
    out.set(ct, prefix.length);
    out.set(tag, prefix.length + ct.length);
    return out;
  } finally {
    authKey.fill(0);
    encKey.fill(0);
  }
}

/** AES-GCM-SIV open; undefined on any failure (the plaintext is wiped first). */
export async function gcmSivOpen(
  b: Backend,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Promise<Uint8Array | undefined> {
  checkArgs(key, nonce, aad, Math.max(0, sealed.length - TAG_BYTES));
  if (sealed.length < TAG_BYTES) return undefined;
  const ctLen = sealed.length - TAG_BYTES;
  const tag = sealed.slice(ctLen);
  const { authKey, encKey } = await deriveKeys(b, key, nonce);
  try {
    const pt = await ctr(b, encKey, tag, sealed.subarray(0, ctLen));
    const expected = await tagFor(b, authKey, encKey, nonce, aad, pt);
    if (!b.timingSafeEqual(expected, tag)) {
      pt.fill(0);
      return undefined;
    }
    return pt;
  } finally {
    authKey.fill(0);
    encKey.fill(0);
  }
}

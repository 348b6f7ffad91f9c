// HKDF-Expand (RFC 5869 section 2.3) over the backend's HMAC, so a cached PRK
// costs one HMAC per 32 output bytes. Internal: never re-exported.
import type { Backend } from './backend.ts';
import { checkHkdfLength } from './backend.ts';

/** HKDF-Extract: PRK = HMAC(salt, IKM). */
export function hkdfExtract(b: Backend, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return b.hmacSha256(salt.length === 0 ? new Uint8Array(32) : salt, ikm);
}

/** HKDF-Expand: T(1) || T(2) || ... truncated to `length`. */
export function hkdfExpand(
  b: Backend,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  checkHkdfLength(length);
  const out = new Uint8Array(length);
  const input = new Uint8Array(32 + info.length + 1);
  let prev: Uint8Array = new Uint8Array(0);
  for (let i = 1, off = 0; off < length; i++, off += 32) {
    const start = 32 - prev.length;
    input.set(prev, start);
    input.set(info, 32);
    input[32 + info.length] = i;
    const t = b.hmacSha256(prk, input.subarray(start));
    out.set(t.subarray(0, Math.min(32, length - off)), off);
    prev.fill(0);
    prev = t;
  }
  prev.fill(0);
  input.fill(0);
  return out;
}

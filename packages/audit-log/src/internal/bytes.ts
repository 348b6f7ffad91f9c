import { randomBytes } from 'node:crypto';
// Strict base64 / hex helpers. Strict means: decode(encode(x)) round-trips and
// encode(decode(s)) === s, so one byte string has exactly one text form.

/** Standard base64 with padding. */
export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Decodes canonical padded base64, or returns undefined for any other form. */
export function fromBase64Strict(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined;
  const buf = Buffer.from(s, 'base64');
  // Re-encoding equality rejects every non-canonical form (bad alphabet, padding, spare bits).
  if (buf.toString('base64') !== s) return undefined;
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64_VALUE['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}

/**
 * Decodes canonical padded base64 `s` into `buf` at `offset` and returns the
 * byte count, or -1 for any other form (same acceptance as
 * {@link fromBase64Strict}, without re-encoding): Node's decoder skips
 * characters outside the alphabet and stops at padding, so a canonical string
 * is exactly one whose decoded length is the full length, with no URL-safe
 * characters and zero spare bits.
 */
export function decodeBase64Into(s: string, buf: Buffer, offset: number): number {
  const len = s.length;
  if (len % 4 !== 0) return -1;
  if (len === 0) return 0;
  const pad = s.charCodeAt(len - 1) !== 0x3d ? 0 : s.charCodeAt(len - 2) !== 0x3d ? 1 : 2;
  const n = buf.write(s, offset, 'base64');
  if (n !== (len / 4) * 3 - pad || s.indexOf('-') >= 0 || s.indexOf('_') >= 0) return -1;
  if (pad > 0) {
    const last = B64_VALUE[s.charCodeAt(len - 1 - pad)] ?? -1;
    if (last < 0 || (last & (pad === 1 ? 0x03 : 0x0f)) !== 0) return -1;
  }
  return n;
}

/** Decodes 44-char canonical base64 of a 32-byte hash, or returns undefined. */
export function hashBytesFromBase64(s: string): Uint8Array | undefined {
  if (s.length !== 44 || s.charCodeAt(43) !== 0x3d) return undefined;
  const out = new Uint8Array(32);
  let o = 0;
  for (let i = 0; i < 40; i += 4) {
    const a = B64_VALUE[s.charCodeAt(i)] ?? -1;
    const b = B64_VALUE[s.charCodeAt(i + 1)] ?? -1;
    const c = B64_VALUE[s.charCodeAt(i + 2)] ?? -1;
    const d = B64_VALUE[s.charCodeAt(i + 3)] ?? -1;
    if ((a | b | c | d) < 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 0x0f) << 4) | (c >> 2);
    out[o++] = ((c & 0x03) << 6) | d;
  }
  const a = B64_VALUE[s.charCodeAt(40)] ?? -1;
  const b = B64_VALUE[s.charCodeAt(41)] ?? -1;
  const c = B64_VALUE[s.charCodeAt(42)] ?? -1;
  if ((a | b | c) < 0 || (c & 0x03) !== 0) return undefined;
  out[30] = (a << 2) | (b >> 4);
  out[31] = ((b & 0x0f) << 4) | (c >> 2);
  return out;
}

/** Lowercase hex. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

const utf8 = new TextEncoder();
const utf8Fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 bytes of a string (callers check for lone surrogates first). */
export function utf8Encode(s: string): Uint8Array {
  return utf8.encode(s);
}

/** Decodes UTF-8, or returns undefined for invalid UTF-8. */
export function utf8DecodeStrict(b: Uint8Array): string | undefined {
  try {
    return utf8Fatal.decode(b);
  } catch {
    return undefined;
  }
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

let pool = new Uint8Array(0);
let poolOff = 0;

/** Random bytes from node:crypto, drawn from a 4 KiB pool to avoid one syscall per salt. */
export function pooledRandomBytes(n: number): Uint8Array {
  if (n > 256) return new Uint8Array(randomBytes(n));
  if (poolOff + n > pool.length) {
    pool = new Uint8Array(randomBytes(4096));
    poolOff = 0;
  }
  const out = pool.slice(poolOff, poolOff + n);
  pool.fill(0, poolOff, poolOff + n);
  poolOff += n;
  return out;
}

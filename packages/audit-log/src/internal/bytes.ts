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

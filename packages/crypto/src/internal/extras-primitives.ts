// Internal primitives for tokens, webhooks, passwords and age backups.
// Thin wrappers over node:crypto; never re-exported from index.ts.
import {
  createHash,
  createHmac,
  randomBytes as nodeRandomBytes,
  timingSafeEqual as nodeTimingSafeEqual,
  hash as oneShotHash,
} from 'node:crypto';

/** SHA-256 of the concatenation of `parts`. */
export function sha256Parts(...parts: readonly (Uint8Array | string)[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** HMAC-SHA256 of the concatenation of `parts` under `key`. */
export function hmacSha256Parts(
  key: Uint8Array | string,
  ...parts: readonly (Uint8Array | string)[]
): Uint8Array {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** Constant-time equality for equal-length inputs; false (not a throw) on length mismatch. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return nodeTimingSafeEqual(a, b);
}

/** `n` bytes from the OS CSPRNG. */
export function randomBytesInternal(n: number): Uint8Array {
  return new Uint8Array(nodeRandomBytes(n));
}

/** Wipes a working buffer (best effort: JS may hold other copies). */
export function wipe(buf: Uint8Array): void {
  buf.fill(0);
}

const HEX_RE = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict lowercase-or-uppercase hex decode; undefined on any non-hex input. */
export function fromHexStrict(hex: string): Uint8Array | undefined {
  const lower = hex.toLowerCase();
  if (!HEX_RE.test(lower)) return undefined;
  return new Uint8Array(Buffer.from(lower, 'hex'));
}

const B64_STD_RE = /^[A-Za-z0-9+/]*$/;

/** Standard base64 without padding (the PHC and age encoding). */
export function toB64Raw(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replace(/=+$/, '');
}

/**
 * Strict, canonical, unpadded standard base64 decode: rejects padding,
 * other alphabets, impossible lengths and non-canonical trailing bits.
 */
export function fromB64RawStrict(s: string): Uint8Array | undefined {
  if (!B64_STD_RE.test(s) || s.length % 4 === 1) return undefined;
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  if (toB64Raw(out) !== s) return undefined;
  return out;
}

/** Strict, canonical, padded standard base64 decode. */
export function fromB64PaddedStrict(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  const out = new Uint8Array(Buffer.from(s, 'base64'));
  if (Buffer.from(out).toString('base64') !== s) return undefined;
  return out;
}

/** Standard padded base64. */
export function toB64Padded(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib) of the char codes of `s` (ASCII/latin1), up to `end`. */
export function crc32Ascii(s: string, end: number = s.length): number {
  let c = 0xffffffff;
  for (let i = 0; i < end; i++) {
    c = (CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Coerces a string or bytes to bytes (strings as UTF-8). */
export function utf8Bytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'utf8')) : v;
}

/** One-shot SHA-256 of a UTF-8 string (the fast path for token hashing). */
export function sha256Utf8(s: string): Uint8Array {
  return oneShotHash('sha256', s, 'buffer');
}

/** One-shot SHA-256 of a UTF-8 string, as lowercase hex. */
export function sha256HexUtf8(s: string): string {
  return oneShotHash('sha256', s, 'hex');
}

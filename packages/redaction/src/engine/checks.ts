// Checksums and small text measures used by rule validators. Pure functions,
// no dependencies (redaction deliberately does not depend on @palisade/crypto).

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32/IEEE of the low byte of each UTF-16 unit (callers pass ASCII). */
export function crc32Ascii(s: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    crc = (CRC_TABLE[(crc ^ s.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The base62 alphabet used by GitHub, npm and Palisade tokens: digits, upper, lower. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Encodes a non-negative integer in base62, left-padded with `0` to `width`. */
export function base62Encode(value: number, width: number): string {
  let v = value;
  let out = '';
  do {
    out = BASE62.charAt(v % 62) + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/** Decodes base62 (`0-9A-Za-z`); returns -1 on a foreign character. */
export function base62Decode(s: string): number {
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = BASE62.indexOf(s.charAt(i));
    if (d < 0) return -1;
    v = v * 62 + d;
  }
  return v;
}

/** Luhn mod-10 check over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** ISO 13616 mod-97 check of a compact IBAN (no spaces, upper case). */
export function ibanMod97Valid(iban: string): boolean {
  if (iban.length < 5) return false;
  const r = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

const COUNTS = new Int32Array(128);

/** Shannon entropy in bits per character. */
export function shannon(s: string): number {
  const len = s.length;
  if (len === 0) return 0;
  let other: Map<number, number> | undefined;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) COUNTS[c] = (COUNTS[c] as number) + 1;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let h = 0;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) continue;
    const k = COUNTS[c] as number;
    if (k === 0) continue;
    const p = k / len;
    h -= p * Math.log2(p);
    COUNTS[c] = 0;
  }
  if (other !== undefined) {
    for (const k of other.values()) {
      const p = k / len;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** Decodes standard or URL-safe base64 to a latin1 string; null if malformed. */
export function base64ToLatin1(s: string): string | null {
  const t = s.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
  try {
    return Buffer.from(t, 'base64').toString('latin1');
  } catch {
    return null;
  }
}

/** True when every character of `s` is a printable ASCII character. */
export function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Small byte helpers shared by the package. Internal: never re-exported.

/** Throws a TypeError unless `value` is a Uint8Array (Buffers are Uint8Arrays too). */
export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array`);
  }
}

/** Throws a RangeError unless `value` is a Uint8Array of exactly `length` bytes. */
export function assertLength(
  value: unknown,
  length: number,
  name: string,
): asserts value is Uint8Array {
  assertBytes(value, name);
  if (value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** Concatenates byte arrays into a fresh Uint8Array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A copy as a plain Uint8Array (never a Buffer view into a shared pool). */
export function copyBytes(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  out.set(data);
  return out;
}

/** Overwrites with zeros. What JS allows: copies made by engines or the GC are out of reach. */
export function wipe(data: Uint8Array): void {
  data.fill(0);
}

/** UTF-8 encodes a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const HEX = '0123456789abcdef';

/** Lowercase hex of bytes. */
export function toHex(data: Uint8Array): string {
  let s = '';
  for (const b of data) s += HEX.charAt(b >> 4) + HEX.charAt(b & 15);
  return s;
}

/** Parses lowercase or uppercase hex; throws a TypeError on anything else. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError('invalid hex string');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url. */
export function toBase64Url(data: Uint8Array): string {
  let s = '';
  const c = (n: number): string => B64URL.charAt(n & 63);
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
    const n =
      ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number);
    s += c(n >> 18) + c(n >> 12) + c(n >> 6) + c(n);
  }
  const rest = data.length - i;
  if (rest === 1) {
    const n = (data[i] as number) << 16;
    s += c(n >> 18) + c(n >> 12);
  } else if (rest === 2) {
    const n = ((data[i] as number) << 16) | ((data[i + 1] as number) << 8);
    s += c(n >> 18) + c(n >> 12) + c(n >> 6);
  }
  return s;
}

/** Standard base64 with padding. */
export function toBase64(data: Uint8Array): string {
  const url = toBase64Url(data).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

/**
 * Strict base64 or base64url decoding (padding optional): returns undefined
 * unless `text` is the canonical encoding of the bytes it decodes to.
 */
export function fromBase64(text: string): Uint8Array | undefined {
  const t = text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (!/^[A-Za-z0-9_-]*$/.test(t) || t.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((t.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const ch of t) {
    acc = (acc << 6) | B64URL.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Canonical: the unused low bits must be zero.
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

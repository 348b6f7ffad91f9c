// Injective byte encodings used as HKDF info and as associated data.
// Internal: never re-exported.

import { freshBytes } from './scratch.ts';

const encoder = new TextEncoder();

// Lone surrogates are replaced by U+FFFD when UTF-8 encoded, so two different
// JS strings could encode to the same bytes. Refusing them keeps the
// string -> bytes step injective.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ES2024 String.prototype.isWellFormed: native in Node 20+ and current
// browsers; the regex is the fallback.
const HAS_NATIVE_IS_WELL_FORMED =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

/** True when `s` is a string with no lone surrogates (so UTF-8 is injective on it). */
export function isWellFormedString(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  return HAS_NATIVE_IS_WELL_FORMED
    ? (s as string & { isWellFormed(): boolean }).isWellFormed()
    : !LONE_SURROGATE.test(s);
}

/**
 * The same bytes as {@link lengthPrefixed}(`[...constants, ...parts]`) where
 * `constantPrefix` is the pre-encoded `lengthPrefixed(constants)`: one
 * allocation (from `alloc`, given an upper bound of the size; a fresh array
 * by default), strings written with encodeInto.
 */
export function lengthPrefixedAfter(
  constantPrefix: Uint8Array,
  parts: readonly string[],
  alloc: (n: number) => Uint8Array = freshBytes,
): Uint8Array {
  let max = constantPrefix.length;
  for (const p of parts) max += 4 + 3 * p.length;
  const out = alloc(max);
  out.set(constantPrefix);
  let off = constantPrefix.length;
  for (const p of parts) {
    let n = 0;
    const start = off + 4;
    // ASCII fast path (ids and labels usually are); anything else via encodeInto.
    for (; n < p.length; n++) {
      const c = p.charCodeAt(n);
      if (c > 0x7f) break;
      out[start + n] = c;
    }
    if (n < p.length) n = encoder.encodeInto(p, out.subarray(start)).written;
    out[off] = n >>> 24;
    out[off + 1] = (n >>> 16) & 0xff;
    out[off + 2] = (n >>> 8) & 0xff;
    out[off + 3] = n & 0xff;
    off = start + n;
  }
  return out.subarray(0, off);
}

/**
 * Length-prefixed concatenation: for each part, a 4-byte big-endian length
 * then the bytes. Injective: distinct lists of parts give distinct outputs.
 */
export function lengthPrefixed(parts: ReadonlyArray<Uint8Array | string>): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  let total = 0;
  for (const b of bytes) total += 4 + b.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let off = 0;
  for (const b of bytes) {
    dv.setUint32(off, b.length);
    out.set(b, off + 4);
    off += 4 + b.length;
  }
  return out;
}

// Injective byte encodings used as HKDF info and as associated data.
// Internal: never re-exported.

const encoder = new TextEncoder();

// Lone surrogates are replaced by U+FFFD when UTF-8 encoded, so two different
// JS strings could encode to the same bytes. Refusing them keeps the
// string -> bytes step injective.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ES2024 String.prototype.isWellFormed (native in Node 20+), else the regex.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean })
  .isWellFormed;

/** True when `s` is a string with no lone surrogates (so UTF-8 is injective on it). */
export function isWellFormedString(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  return nativeIsWellFormed === undefined ? !LONE_SURROGATE.test(s) : nativeIsWellFormed.call(s);
}

/**
 * The same bytes as {@link lengthPrefixed}(`[...constants, ...parts]`) where
 * `constantPrefix` is the pre-encoded `lengthPrefixed(constants)`: one
 * allocation, strings written with encodeInto.
 */
export function lengthPrefixedAfter(
  constantPrefix: Uint8Array,
  parts: readonly string[],
): Uint8Array {
  let max = constantPrefix.length;
  for (const p of parts) max += 4 + 3 * p.length;
  const out = new Uint8Array(max);
  out.set(constantPrefix);
  const dv = new DataView(out.buffer);
  let off = constantPrefix.length;
  for (const p of parts) {
    const { written } = encoder.encodeInto(p, out.subarray(off + 4));
    dv.setUint32(off, written);
    off += 4 + written;
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

import { AuditLogError } from './errors.ts';
import { utf8Encode } from './internal/bytes.ts';

/** A JSON value as canonicalised by {@link canonicalize}. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** Options for {@link canonicalize}. */
export interface CanonicalizeOptions {
  /**
   * Accept integers beyond ±(2^53 − 1) and serialise them as ECMAScript does
   * (`1e+30`). Off by default: such numbers have usually lost precision before
   * they reached us, so audit events must carry them as strings instead.
   */
  readonly allowUnsafeIntegers?: boolean;
  /** Maximum nesting depth of arrays and objects (default 64). */
  readonly maxDepth?: number;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/**
 * The RFC 8785 form of one string (internal to the package's writers).
 *
 * @throws AuditLogError `ERR_AUDIT_LONE_SURROGATE`.
 */
export function serializeString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      // A high surrogate must be followed by a low one; a low one must follow a high one.
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new AuditLogError(
        'ERR_AUDIT_LONE_SURROGATE',
        `string holds a lone UTF-16 surrogate at index ${i}`,
      );
    }
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      out += s.slice(start, i);
      const ch = s[i] as string;
      out += ESCAPES[ch] ?? `\\u${c.toString(16).padStart(4, '0')}`;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

function serializeNumber(n: number, allowUnsafe: boolean): string {
  if (!Number.isFinite(n)) {
    throw new AuditLogError('ERR_AUDIT_NOT_JSON', 'NaN and Infinity are not JSON');
  }
  if (!allowUnsafe && Number.isInteger(n) && !Number.isSafeInteger(n)) {
    throw new AuditLogError(
      'ERR_AUDIT_UNSAFE_INTEGER',
      'integer beyond 2^53 - 1 is ambiguous; send it as a string',
    );
  }
  // ECMAScript Number::toString is exactly the RFC 8785 §3.2.2.3 serialisation
  // (and it maps -0 to "0").
  return String(n);
}

function serialize(v: unknown, depth: number, opts: Required<CanonicalizeOptions>): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return serializeNumber(v, opts.allowUnsafeIntegers);
    case 'string':
      return serializeString(v);
    case 'object':
      break;
    default:
      throw new AuditLogError('ERR_AUDIT_NOT_JSON', `a ${typeof v} is not a JSON value`);
  }
  if (depth >= opts.maxDepth) {
    throw new AuditLogError('ERR_AUDIT_TOO_DEEP', `JSON nested deeper than ${opts.maxDepth}`);
  }
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out += ',';
      out += serialize(v[i], depth + 1, opts);
    }
    return `${out}]`;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    throw new AuditLogError('ERR_AUDIT_NOT_JSON', 'only plain objects and arrays are JSON');
  }
  const obj = v as Record<string, unknown>;
  // Default sort compares UTF-16 code units, exactly as RFC 8785 §3.2.3 requires.
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const val = obj[k];
    if (val === undefined) {
      throw new AuditLogError('ERR_AUDIT_NOT_JSON', 'undefined is not a JSON value');
    }
    if (!first) out += ',';
    first = false;
    out += `${serializeString(k)}:${serialize(val, depth + 1, opts)}`;
  }
  return `${out}}`;
}

/**
 * Serialises a JSON value to its RFC 8785 (JCS) canonical text: object keys
 * sorted by UTF-16 code units, no whitespace, ECMAScript number formatting,
 * minimal string escaping. Strings are NOT Unicode-normalised: `"é"` as one
 * code point and as `e` + combining accent are different events.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param value - A JSON value (plain objects, arrays, strings, finite numbers, booleans, null).
 * @param options - See {@link CanonicalizeOptions}.
 * @returns The canonical JSON text.
 * @throws AuditLogError `ERR_AUDIT_LONE_SURROGATE`, `ERR_AUDIT_NOT_JSON`,
 *   `ERR_AUDIT_UNSAFE_INTEGER`, `ERR_AUDIT_TOO_DEEP`.
 * @example Keys are sorted and numbers normalised.
 * ```ts
 * canonicalize({ b: 4.50, a: [true, null] }); // '{"a":[true,null],"b":4.5}'
 * ```
 */
export function canonicalize(value: unknown, options: CanonicalizeOptions = {}): string {
  return serialize(value, 0, {
    allowUnsafeIntegers: options.allowUnsafeIntegers ?? false,
    maxDepth: options.maxDepth ?? 64,
  });
}

/**
 * The RFC 8785 canonical UTF-8 bytes of a JSON value (see {@link canonicalize}).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param value - A JSON value.
 * @param options - See {@link CanonicalizeOptions}.
 * @returns UTF-8 bytes of the canonical text.
 * @throws AuditLogError same codes as {@link canonicalize}.
 * @example Hash the canonical form of an event.
 * ```ts
 * const bytes = canonicalBytes({ action: 'login' });
 * ```
 */
export function canonicalBytes(value: unknown, options: CanonicalizeOptions = {}): Uint8Array {
  return utf8Encode(canonicalize(value, options));
}

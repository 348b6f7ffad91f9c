import { CryptoError } from './errors.ts';
import {
  crc32Ascii,
  fromHexStrict,
  randomBytesInternal,
  sha256HexUtf8,
  sha256Parts,
  sha256Utf8,
  toHex,
  wipe,
} from './internal/extras-primitives.ts';

/**
 * Format of a Palisade token: `<prefix>_<body><check>`.
 *
 * - `<prefix>` matches `^pal[a-z0-9]{0,12}$` (default `pal`).
 * - `<body>` is the 32 random bytes read as a big-endian integer, written in
 *   base62 (alphabet `0-9A-Za-z`), left-padded with `0` to exactly 43 chars.
 * - `<check>` is CRC-32 (IEEE, as zlib) of the ASCII string `<prefix>_<body>`,
 *   in base62 left-padded to exactly 6 chars.
 *
 * Exported from `@palisade/crypto`.
 *
 * @example Test a candidate string against the token shape (no checksum check).
 * ```ts
 * TOKEN_PATTERN.test('pal_' + '0'.repeat(49)); // true: the shape matches
 * ```
 */
export const TOKEN_PATTERN: RegExp = /^pal[a-z0-9]{0,12}_[0-9A-Za-z]{49}$/;

const PREFIX_RE = /^pal[a-z0-9]{0,12}$/;
const HASH_HEX_RE = /^[0-9a-fA-F]{64}$/;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BODY_LEN = 43;
const CHECK_LEN = 6;
// base62 of 2^256 - 1, 43 chars. The alphabet is in ASCII order, so a
// fixed-length string comparison is a numeric comparison.
const MAX_BODY = encodeBase62(2n ** 256n - 1n, BODY_LEN);
const MAX_BODY_FIRST = MAX_BODY.charCodeAt(0);
const HASH_LABEL = 'palisade/token/v1/storage-hash\u0000';
const LOOKUP_LABEL = 'palisade/token/v1/lookup-id\u0000';

function encodeBase62(value: bigint, width: number): string {
  let out = '';
  let v = value;
  while (v > 0n) {
    out = ALPHABET[Number(v % 62n)] + out;
    v /= 62n;
  }
  return out.padStart(width, '0');
}

function encodeBase62Small(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = ALPHABET[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/** The parts of a well-formed token. */
export interface ParsedToken {
  /** The type prefix, e.g. `pal` or `palk`. */
  readonly prefix: string;
  /** The 43-char base62 body (secret). */
  readonly body: string;
  /** The 6-char base62 CRC-32 checksum (not secret). */
  readonly check: string;
}

/** What a server stores for a token: never the token itself. */
export interface TokenRecord {
  /**
   * Non-secret index key: hex of the first 16 bytes of
   * `SHA-256("palisade/token/v1/lookup-id\0" || storageHash)`.
   */
  readonly lookupId: string;
  /** Hex of `SHA-256("palisade/token/v1/storage-hash\0" || token)` (64 chars). */
  readonly hash: string;
}

/** A freshly issued token: show `token` once, store only `record`. */
export interface IssuedToken extends TokenRecord {
  /** The secret token string, to be shown to its owner once. */
  readonly token: string;
}

/** Options for {@link createToken}. */
export interface CreateTokenOptions {
  /** Type prefix matching `^pal[a-z0-9]{0,12}$`; default `pal`. */
  readonly prefix?: string;
  /** Randomness source (test seam); default the OS CSPRNG. Must return `n` fresh bytes. */
  readonly randomBytes?: (n: number) => Uint8Array;
}

/**
 * Issues a new 256-bit token with a type prefix and a CRC-32 checksum, plus
 * the record to store (hash and lookup id).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - prefix and an optional randomness seam.
 * @returns the token (show once) and its storage record.
 * @throws RangeError when the prefix does not match `^pal[a-z0-9]{0,12}$`.
 * @example Issue an API key and store only its hash.
 * ```ts
 * const { token, lookupId, hash } = createToken({ prefix: 'palk' });
 * // show `token` to the user once; store { lookupId, hash }
 * ```
 */
export function createToken(options: CreateTokenOptions = {}): IssuedToken {
  const prefix = options.prefix ?? 'pal';
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix)) {
    throw new RangeError('token prefix must match ^pal[a-z0-9]{0,12}$');
  }
  const raw = (options.randomBytes ?? randomBytesInternal)(32);
  if (!(raw instanceof Uint8Array) || raw.length !== 32) {
    throw new RangeError('randomBytes must return 32 bytes');
  }
  let value = 0n;
  for (const b of raw) value = (value << 8n) | BigInt(b);
  wipe(raw);
  const body = encodeBase62(value, BODY_LEN);
  const head = `${prefix}_${body}`;
  const token = `${head}${encodeBase62Small(crc32Ascii(head), CHECK_LEN)}`;
  return { token, ...tokenRecordUnchecked(token) };
}

/**
 * Parses a token offline: checks prefix, length, alphabet, range and the
 * CRC-32 checksum. Catches typos and non-tokens before any database lookup.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param token - the candidate token string.
 * @returns its prefix, body and checksum.
 * @throws CryptoError `ERR_CRYPTO_TOKEN_MALFORMED` for a bad prefix, length,
 *   alphabet or out-of-range body; `ERR_CRYPTO_TOKEN_CHECKSUM` when the
 *   checksum does not match. Messages never include the token.
 * @example Reject a typo before touching the database.
 * ```ts
 * const { prefix } = parseToken(token); // throws on a typo
 * ```
 */
export function parseToken(token: string): ParsedToken {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  const problem = checkToken(token);
  if (problem !== undefined) {
    throw new CryptoError(
      problem === 'checksum' ? 'ERR_CRYPTO_TOKEN_CHECKSUM' : 'ERR_CRYPTO_TOKEN_MALFORMED',
      PROBLEMS[problem],
    );
  }
  const sep = token.indexOf('_');
  return {
    prefix: token.slice(0, sep),
    body: token.slice(sep + 1, sep + 1 + BODY_LEN),
    check: token.slice(sep + 1 + BODY_LEN),
  };
}

const PROBLEMS = {
  separator: 'token has no prefix separator',
  prefix: 'token prefix is not a Palisade prefix',
  length: 'token has the wrong length',
  alphabet: 'token contains a non-base62 character',
  range: 'token body exceeds 256 bits',
  checksum: 'token checksum does not match',
} as const;

/** Offline checks without allocating errors; undefined when well formed. */
function checkToken(token: string): keyof typeof PROBLEMS | undefined {
  // Fast path: one regex for the whole shape (the common, valid case).
  if (!TOKEN_PATTERN.test(token)) return classifyShape(token);
  const headEnd = token.length - CHECK_LEN;
  const bodyStart = headEnd - BODY_LEN;
  if (token.charCodeAt(bodyStart) >= MAX_BODY_FIRST && token.slice(bodyStart, headEnd) > MAX_BODY) {
    return 'range';
  }
  let crc = crc32Ascii(token, headEnd);
  for (let i = token.length - 1; i >= headEnd; i--) {
    if (token.charCodeAt(i) !== ALPHABET.charCodeAt(crc % 62)) return 'checksum';
    crc = Math.floor(crc / 62);
  }
  return crc === 0 ? undefined : 'checksum';
}

/** Why a string does not have the token shape (slow path, for error messages). */
function classifyShape(token: string): keyof typeof PROBLEMS {
  const sep = token.indexOf('_');
  if (sep < 0) return 'separator';
  if (!PREFIX_RE.test(token.slice(0, sep))) return 'prefix';
  if (token.length - sep - 1 !== BODY_LEN + CHECK_LEN) return 'length';
  return 'alphabet';
}

/**
 * True when `value` is a well-formed token with a valid checksum (for
 * scanners; this does not prove the token was issued).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param value - any value.
 * @returns whether it parses as a token.
 * @example Flag a leaked token in text.
 * ```ts
 * if (isWellFormedToken(candidate)) report(candidate);
 * ```
 */
export function isWellFormedToken(value: unknown): boolean {
  return typeof value === 'string' && checkToken(value) === undefined;
}

function storageHashBytes(token: string): Uint8Array {
  return sha256Utf8(HASH_LABEL + token);
}

function lookupIdFromHash(hash: Uint8Array): string {
  return toHex(sha256Parts(LOOKUP_LABEL, hash).subarray(0, 16));
}

function tokenRecordUnchecked(token: string): TokenRecord {
  const hash = storageHashBytes(token);
  return { lookupId: lookupIdFromHash(hash), hash: toHex(hash) };
}

/**
 * Computes the storage record (hash and lookup id) of a presented token, to
 * find its row by `lookupId` before calling {@link verifyToken}.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param token - the presented token.
 * @returns its storage hash and lookup id.
 * @throws CryptoError `ERR_CRYPTO_TOKEN_MALFORMED` / `ERR_CRYPTO_TOKEN_CHECKSUM`
 *   when the token does not parse.
 * @example Find the row for a presented token.
 * ```ts
 * const { lookupId } = hashToken(presented);
 * const row = await db.findTokenByLookupId(lookupId);
 * ```
 */
export function hashToken(token: string): TokenRecord {
  parseToken(token);
  return tokenRecordUnchecked(token);
}

/**
 * Lookup id of a stored hash (so rows stored before the lookup id existed can
 * be back-filled from the hash alone).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param storedHash - the 64-char hex storage hash.
 * @returns the 32-char hex lookup id.
 * @throws TypeError when `storedHash` is not 64 hex chars.
 * @example Back-fill a lookup id column.
 * ```ts
 * const lookupId = tokenLookupIdFromHash(row.hash);
 * ```
 */
export function tokenLookupIdFromHash(storedHash: string): string {
  const bytes = typeof storedHash === 'string' ? fromHexStrict(storedHash) : undefined;
  if (bytes === undefined || bytes.length !== 32) {
    throw new TypeError('storedHash must be 64 hex characters');
  }
  return lookupIdFromHash(bytes);
}

/**
 * Verifies a presented token against a stored hash in constant time (over
 * the 32-byte hashes). Malformed tokens, bad checksums and wrong tokens all
 * return `false`; nothing throws for a string token.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param token - the presented token.
 * @param storedHash - the stored 64-char hex hash (from {@link createToken}).
 * @returns true only when the token hashes to `storedHash`.
 * @throws TypeError when `storedHash` is not 64 hex chars or `token` is not a string.
 * @example Authenticate a request.
 * ```ts
 * if (!verifyToken(presented, row.hash)) return unauthorized();
 * ```
 */
export function verifyToken(token: string, storedHash: string): boolean {
  if (typeof token !== 'string') throw new TypeError('token must be a string');
  if (typeof storedHash !== 'string' || !HASH_HEX_RE.test(storedHash)) {
    throw new TypeError('storedHash must be 64 hex characters');
  }
  if (checkToken(token) !== undefined) return false;
  // Compare lowercase hex of the 32-byte hashes without an early exit: the
  // time depends only on the (fixed) length, never on where they differ.
  const actual = sha256HexUtf8(HASH_LABEL + token);
  const expected = storedHash.toLowerCase();
  let diff = 0;
  for (let i = 0; i < 64; i++) diff |= actual.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}

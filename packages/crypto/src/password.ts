import { scrypt } from 'node:crypto';
import { argon2idAsync } from '@noble/hashes/argon2.js';
import { CryptoError } from './errors.ts';
import {
  equalBytes,
  fromB64RawStrict,
  randomBytesInternal,
  toB64Raw,
  utf8Bytes,
} from './internal/extras-primitives.ts';

/** Password hashing algorithms. `scrypt` runs natively (node:crypto); `argon2id` runs on @noble/hashes. */
export type PasswordAlgorithm = 'scrypt' | 'argon2id';

/** scrypt cost: N = 2^ln, block size r, parallelism p. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** argon2id cost: memory m in KiB, iterations t, lanes p. */
export interface Argon2idParams {
  readonly m: number;
  readonly t: number;
  readonly p: number;
}

/** What new hashes use, and what {@link needsRehash} compares stored hashes against. */
export interface PasswordPolicy {
  /** Default `scrypt` (native and fast on Node; argon2id runs in JS here). */
  readonly algorithm?: PasswordAlgorithm;
  /** Default `{ ln: 17, r: 8, p: 1 }` (OWASP; 128 MiB). */
  readonly scrypt?: ScryptParams;
  /** Default `{ m: 19456, t: 2, p: 1 }` (OWASP / RFC 9106 second recommendation, 19 MiB). */
  readonly argon2id?: Argon2idParams;
}

/** Bounds checked when parsing a stored hash, before any work is done. */
export interface PasswordLimits {
  /** Largest memory a hash may ask for, in KiB; default 262144 (256 MiB). */
  readonly maxMemoryKiB?: number;
  /** Largest argon2id `t`; default 10. */
  readonly maxIterations?: number;
  /** Largest parallelism `p` (both algorithms); default 16. */
  readonly maxParallelism?: number;
}

/** A parsed PHC string. */
export type ParsedPasswordHash =
  | {
      readonly algorithm: 'scrypt';
      readonly params: ScryptParams;
      readonly salt: Uint8Array;
      readonly hash: Uint8Array;
    }
  | {
      readonly algorithm: 'argon2id';
      readonly version: 19;
      readonly params: Argon2idParams;
      readonly salt: Uint8Array;
      readonly hash: Uint8Array;
    };

const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ ln: 17, r: 8, p: 1 });
const DEFAULT_ARGON2ID: Argon2idParams = Object.freeze({ m: 19456, t: 2, p: 1 });
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const MAX_PASSWORD_BYTES = 4096;
const NUM = '(0|[1-9][0-9]{0,9})';
const SCRYPT_RE = new RegExp(
  `^\\$scrypt\\$ln=${NUM},r=${NUM},p=${NUM}\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$`,
);
const ARGON_RE = new RegExp(
  `^\\$argon2id\\$v=${NUM}\\$m=${NUM},t=${NUM},p=${NUM}\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)$`,
);

function malformed(detail: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_PHC_MALFORMED', `malformed password hash: ${detail}`);
}

function limit(detail: string): CryptoError {
  return new CryptoError(
    'ERR_CRYPTO_PHC_LIMIT',
    `password hash parameters exceed limits: ${detail}`,
  );
}

function resolveLimits(l: PasswordLimits | undefined): Required<PasswordLimits> {
  return {
    maxMemoryKiB: l?.maxMemoryKiB ?? 262144,
    maxIterations: l?.maxIterations ?? 10,
    maxParallelism: l?.maxParallelism ?? 16,
  };
}

function decodeSaltHash(saltB64: string, hashB64: string): { salt: Uint8Array; hash: Uint8Array } {
  if (saltB64.length > 88 || hashB64.length > 88) throw malformed('salt or hash too long');
  const salt = fromB64RawStrict(saltB64);
  const hash = fromB64RawStrict(hashB64);
  if (salt === undefined || hash === undefined)
    throw malformed('salt or hash is not canonical unpadded base64');
  if (salt.length < 8 || salt.length > 64) throw malformed('salt must be 8 to 64 bytes');
  if (hash.length < 16 || hash.length > 64) throw malformed('hash must be 16 to 64 bytes');
  return { salt, hash };
}

function checkScryptParams(
  params: ScryptParams,
  lim: Required<PasswordLimits>,
  onError: (d: string) => Error,
): void {
  const { ln, r, p } = params;
  if (!Number.isInteger(ln) || ln < 1 || ln > 31) throw onError('scrypt ln must be 1..31');
  if (!Number.isInteger(r) || r < 1 || r > 32) throw onError('scrypt r must be 1..32');
  if (!Number.isInteger(p) || p < 1) throw onError('scrypt p must be >= 1');
  if (p > lim.maxParallelism) throw onError(`scrypt p above ${lim.maxParallelism}`);
  // scrypt needs 128 * r * N bytes.
  const kib = (128 * r * 2 ** ln) / 1024;
  if (kib > lim.maxMemoryKiB)
    throw onError(`scrypt needs ${kib} KiB, above ${lim.maxMemoryKiB} KiB`);
}

function checkArgonParams(
  params: Argon2idParams,
  lim: Required<PasswordLimits>,
  onError: (d: string) => Error,
): void {
  const { m, t, p } = params;
  if (!Number.isInteger(p) || p < 1 || p > 255) throw onError('argon2id p must be 1..255');
  if (p > lim.maxParallelism) throw onError(`argon2id p above ${lim.maxParallelism}`);
  if (!Number.isInteger(t) || t < 1) throw onError('argon2id t must be >= 1');
  if (t > lim.maxIterations) throw onError(`argon2id t above ${lim.maxIterations}`);
  if (!Number.isInteger(m) || m < 8 * p) throw onError('argon2id m must be >= 8 * p');
  if (m > lim.maxMemoryKiB) throw onError(`argon2id m above ${lim.maxMemoryKiB} KiB`);
}

/**
 * Parses a PHC string and checks its parameters against limits before any
 * memory is allocated, so a hostile stored hash cannot ask for gigabytes.
 *
 * Formats (salt and hash: standard base64 without padding):
 * - `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (the passlib layout)
 * - `$argon2id$v=19$m=<KiB>,t=<t>,p=<p>$<salt>$<hash>` (the reference PHC layout)
 *
 * Exported from `@palisade/crypto`.
 *
 * @param phc - the stored string.
 * @param limits - bounds on memory, iterations and parallelism.
 * @returns the algorithm, parameters, salt and hash.
 * @throws CryptoError `ERR_CRYPTO_PHC_MALFORMED` (syntax), `ERR_CRYPTO_PHC_UNSUPPORTED`
 *   (another algorithm or argon2 version), `ERR_CRYPTO_PHC_LIMIT` (parameters above limits).
 * @example Inspect a stored hash.
 * ```ts
 * const { algorithm, params } = parsePasswordHash(row.passwordHash);
 * ```
 */
export function parsePasswordHash(phc: string, limits?: PasswordLimits): ParsedPasswordHash {
  if (typeof phc !== 'string') throw new TypeError('password hash must be a string');
  if (phc.length > 512) throw malformed('too long');
  const lim = resolveLimits(limits);
  const id = /^\$([a-z0-9-]{1,32})\$/.exec(phc)?.[1];
  if (id === undefined) throw malformed('not a PHC string');
  if (id === 'scrypt') {
    const m = SCRYPT_RE.exec(phc);
    if (m === null) throw malformed('bad scrypt layout');
    const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
    checkScryptParams(params, lim, limit);
    return { algorithm: 'scrypt', params, ...decodeSaltHash(m[4] as string, m[5] as string) };
  }
  if (id === 'argon2id') {
    const m = ARGON_RE.exec(phc);
    if (m === null) throw malformed('bad argon2id layout');
    if (m[1] !== '19') {
      throw new CryptoError(
        'ERR_CRYPTO_PHC_UNSUPPORTED',
        'only argon2id version 19 (0x13) is supported',
      );
    }
    const params = { m: Number(m[2]), t: Number(m[3]), p: Number(m[4]) };
    checkArgonParams(params, lim, limit);
    return {
      algorithm: 'argon2id',
      version: 19,
      params,
      ...decodeSaltHash(m[5] as string, m[6] as string),
    };
  }
  throw new CryptoError('ERR_CRYPTO_PHC_UNSUPPORTED', 'unsupported password hash algorithm');
}

function passwordBytes(password: string | Uint8Array): Uint8Array {
  if (typeof password !== 'string' && !(password instanceof Uint8Array)) {
    throw new TypeError('password must be a string or Uint8Array');
  }
  const b = utf8Bytes(password);
  if (b.length > MAX_PASSWORD_BYTES) throw new RangeError('password longer than 4096 bytes');
  return b;
}

function scryptRaw(
  pw: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
  dkLen: number,
): Promise<Uint8Array> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      pw,
      salt,
      dkLen,
      { N, r: params.r, p: params.p, maxmem: 128 * N * params.r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
    );
  });
}

async function derive(parsed: ParsedPasswordHash, pw: Uint8Array): Promise<Uint8Array> {
  if (parsed.algorithm === 'scrypt')
    return await scryptRaw(pw, parsed.salt, parsed.params, parsed.hash.length);
  return await argon2idAsync(pw, parsed.salt, {
    m: parsed.params.m,
    t: parsed.params.t,
    p: parsed.params.p,
    dkLen: parsed.hash.length,
    version: 0x13,
  });
}

/**
 * Hashes a password into a PHC string with a fresh 16-byte salt and a
 * 32-byte output.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param password - the password (strings are UTF-8 encoded, not normalized).
 * @param policy - algorithm and cost; defaults: scrypt ln=17,r=8,p=1.
 * @returns the PHC string to store.
 * @throws RangeError for a password over 4096 bytes or parameters outside the default limits.
 * @example Hash at sign-up.
 * ```ts
 * const stored = await hashPassword(password); // "$scrypt$ln=17,r=8,p=1$...$..."
 * ```
 */
export async function hashPassword(
  password: string | Uint8Array,
  policy: PasswordPolicy = {},
): Promise<string> {
  const pw = passwordBytes(password);
  const salt = randomBytesInternal(SALT_BYTES);
  const algorithm = policy.algorithm ?? 'scrypt';
  const lim = resolveLimits(undefined);
  const range = (d: string): Error => new RangeError(d);
  if (algorithm === 'scrypt') {
    const params = policy.scrypt ?? DEFAULT_SCRYPT;
    checkScryptParams(params, lim, range);
    const hash = await scryptRaw(pw, salt, params, HASH_BYTES);
    return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${toB64Raw(salt)}$${toB64Raw(hash)}`;
  }
  if (algorithm === 'argon2id') {
    const params = policy.argon2id ?? DEFAULT_ARGON2ID;
    checkArgonParams(params, lim, range);
    const hash = await derive(
      { algorithm: 'argon2id', version: 19, params, salt, hash: new Uint8Array(HASH_BYTES) },
      pw,
    );
    return `$argon2id$v=19$m=${params.m},t=${params.t},p=${params.p}$${toB64Raw(salt)}$${toB64Raw(hash)}`;
  }
  throw new RangeError('algorithm must be "scrypt" or "argon2id"');
}

/**
 * Verifies a password against a stored PHC string; the final comparison is
 * constant time. Parameters are checked against `limits` before hashing.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param password - the candidate password.
 * @param phc - the stored PHC string.
 * @param limits - bounds for the stored parameters (see {@link parsePasswordHash}).
 * @returns true when the password matches.
 * @throws CryptoError `ERR_CRYPTO_PHC_MALFORMED`, `ERR_CRYPTO_PHC_UNSUPPORTED` or
 *   `ERR_CRYPTO_PHC_LIMIT` for a bad stored string (never for a wrong password).
 * @example Check a login.
 * ```ts
 * if (!(await verifyPassword(password, user.passwordHash))) return deny();
 * ```
 */
export async function verifyPassword(
  password: string | Uint8Array,
  phc: string,
  limits?: PasswordLimits,
): Promise<boolean> {
  const parsed = parsePasswordHash(phc, limits);
  const pw = passwordBytes(password);
  const got = await derive(parsed, pw);
  const ok = equalBytes(got, parsed.hash);
  got.fill(0);
  return ok;
}

/**
 * True when a stored hash should be replaced at the next successful login:
 * another algorithm than the policy's, or different cost parameters, salt
 * shorter than 16 bytes or output shorter than 32 bytes.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param phc - the stored PHC string.
 * @param policy - the current policy (defaults as {@link hashPassword}).
 * @returns whether to rehash.
 * @throws CryptoError `ERR_CRYPTO_PHC_*` when the stored string does not parse.
 * @example Upgrade hashes on login.
 * ```ts
 * if (await verifyPassword(pw, stored) && needsRehash(stored)) await save(await hashPassword(pw));
 * ```
 */
export function needsRehash(phc: string, policy: PasswordPolicy = {}): boolean {
  const parsed = parsePasswordHash(phc, {
    maxMemoryKiB: 4 * 1024 * 1024,
    maxIterations: 1000,
    maxParallelism: 255,
  });
  const algorithm = policy.algorithm ?? 'scrypt';
  if (parsed.algorithm !== algorithm) return true;
  if (parsed.salt.length < SALT_BYTES || parsed.hash.length < HASH_BYTES) return true;
  if (parsed.algorithm === 'scrypt') {
    const want = policy.scrypt ?? DEFAULT_SCRYPT;
    return parsed.params.ln !== want.ln || parsed.params.r !== want.r || parsed.params.p !== want.p;
  }
  const want = policy.argon2id ?? DEFAULT_ARGON2ID;
  return parsed.params.m !== want.m || parsed.params.t !== want.t || parsed.params.p !== want.p;
}

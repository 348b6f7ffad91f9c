import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { assertBytes, copyBytes, fromBase64, fromHex, toBase64, toHex } from './internal/bytes.ts';
import { INSPECT } from './internal/hidden.ts';
import { hkdfExpand, hkdfExtract } from './internal/hkdf-expand.ts';
import {
  disposedKeys,
  type MasterMaterial,
  masterMaterialOf,
  masterMaterials,
} from './internal/key-material.ts';
import { info, LABEL, MASTER_EXTRACT_SALT } from './internal/labels.ts';
import { LruCache } from './internal/lru.ts';
import type { KeychainClient } from './key-wrapper.ts';

/** Size of a master key in bytes. */
export const MASTER_KEY_BYTES = 32;
const DEFAULT_CACHE = 1024;
/** The environment variable {@link masterKeyFromEnv} reads by default. */
export const DEFAULT_MASTER_KEY_ENV = 'PALISADE_MASTER_KEY';

/**
 * A 256-bit master key. It derives per-workspace keys ({@link deriveWorkspaceKey})
 * and wraps key rings; it cannot seal, sign or MAC by itself (its `purpose`
 * brand makes that a type error, and a runtime check backs it up). The key
 * bytes live outside the object: `util.inspect`, `JSON.stringify`, `String()`
 * and errors show only `MasterKey(<keyId>)`.
 *
 * Exported from `@palisade/crypto` (type only; load one with
 * {@link masterKeyFromEnv}, {@link masterKeyFromFile} or {@link masterKeyFromBytes}).
 */
export interface MasterKey extends Disposable {
  /** Brand: a master key derives and wraps; it never seals directly. */
  readonly purpose: 'master';
  /** Stable public id (16 hex chars) derived from the key by HKDF; reveals nothing about it. */
  readonly keyId: string;
}

/** Options for loading a {@link MasterKey}. */
export interface MasterKeyOptions {
  /** How many derived workspace keys to keep in the LRU cache (default 1024; 0 disables it). */
  readonly workspaceKeyCacheSize?: number;
}

class Master implements MasterKey {
  readonly purpose = 'master' as const;
  readonly keyId: string;

  constructor(id: string) {
    this.keyId = id;
    Object.freeze(this);
  }

  toString(): string {
    return `MasterKey(${this.keyId})`;
  }

  toJSON(): { purpose: 'master'; keyId: string } {
    return { purpose: 'master', keyId: this.keyId };
  }

  [INSPECT](): string {
    return this.toString();
  }

  /**
   * Wipes the key bytes, the cached HKDF PRK and every cached workspace key
   * (what JS allows: copies made by the engine, the GC or node:crypto's
   * OpenSSL contexts are out of reach). Later use throws ERR_CRYPTO_KEY_DESTROYED.
   */
  [Symbol.dispose](): void {
    const m = masterMaterials.get(this);
    if (m === undefined) return;
    m.secret.fill(0);
    m.prk.fill(0);
    m.cache.clear();
    masterMaterials.delete(this);
    disposedKeys.add(this);
  }
}

function isDegenerate(bytes: Uint8Array): boolean {
  // Refuses material that is obviously not random (all bytes equal, e.g. a
  // zero-filled buffer or a "0101..." placeholder pasted from docs).
  return bytes.every((b) => b === bytes[0]);
}

function build(bytes: Uint8Array, options: MasterKeyOptions | undefined): MasterKey {
  if (bytes.length !== MASTER_KEY_BYTES) {
    throw new CryptoError(
      'ERR_CRYPTO_KEY_MATERIAL_INVALID',
      `a master key must be exactly ${MASTER_KEY_BYTES} bytes`,
    );
  }
  if (isDegenerate(bytes)) {
    throw new CryptoError(
      'ERR_CRYPTO_KEY_MATERIAL_INVALID',
      'master key material is not random (all bytes are equal)',
    );
  }
  const cacheSize = options?.workspaceKeyCacheSize ?? DEFAULT_CACHE;
  const b = backend();
  const secret = copyBytes(bytes);
  const prk = hkdfExtract(b, MASTER_EXTRACT_SALT, secret);
  const idBytes = hkdfExpand(b, prk, info(LABEL.masterKeyId), 8);
  const key = new Master(toHex(idBytes));
  const material: MasterMaterial = { secret, prk, idBytes, cache: new LruCache(cacheSize) };
  masterMaterials.set(key, material);
  return key;
}

/**
 * Generates a fresh random master key (for `palisade keys new-master` and
 * tests). Persist it with {@link exportMasterKey}; never commit it to source.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - Cache options.
 * @returns A new {@link MasterKey}.
 *
 * @example Make and persist a key.
 * ```ts
 * const master = generateMasterKey();
 * const b64 = exportMasterKey(master); // store in a secret manager
 * ```
 */
export function generateMasterKey(options?: MasterKeyOptions): MasterKey {
  const bytes = backend().randomBytes(MASTER_KEY_BYTES);
  try {
    return build(bytes, options);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Loads a master key from 32 raw bytes (copied; wipe yours afterwards).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param bytes - 32 random bytes, for example from a KMS decrypt call.
 * @param options - Cache options.
 * @returns The {@link MasterKey}.
 * @throws CryptoError `ERR_CRYPTO_KEY_MATERIAL_INVALID` for a wrong length or non-random bytes.
 *
 * @example From a KMS.
 * ```ts
 * const master = masterKeyFromBytes(await kmsDecrypt(wrapped));
 * ```
 */
export function masterKeyFromBytes(bytes: Uint8Array, options?: MasterKeyOptions): MasterKey {
  assertBytes(bytes, 'bytes');
  return build(bytes, options);
}

const HEX_64 = /^[0-9a-fA-F]{64}$/;

/** Parses the text form of a master key: 64 hex chars, or base64/base64url of 32 bytes. */
function decodeText(text: string): Uint8Array {
  const t = text.trim();
  const bytes = HEX_64.test(t) ? fromHex(t) : fromBase64(t);
  if (bytes !== undefined && bytes.length === MASTER_KEY_BYTES) return bytes;
  bytes?.fill(0);
  throw new CryptoError(
    'ERR_CRYPTO_KEY_MATERIAL_INVALID',
    'master key text must be 64 hex characters or the base64 (or base64url) encoding of 32 bytes',
  );
}

/**
 * Loads a master key from an environment variable holding 64 hex characters
 * or base64/base64url of 32 bytes (surrounding whitespace ignored).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param name - Variable name (default `PALISADE_MASTER_KEY`).
 * @param options - `env` to read instead of `process.env`, and cache options.
 * @returns The {@link MasterKey}.
 * @throws CryptoError `ERR_CRYPTO_KEY_SOURCE_MISSING` when unset or empty; `ERR_CRYPTO_KEY_MATERIAL_INVALID` when malformed (the value is never echoed).
 *
 * @example At startup.
 * ```ts
 * const master = masterKeyFromEnv(); // reads PALISADE_MASTER_KEY
 * ```
 */
export function masterKeyFromEnv(
  name: string = DEFAULT_MASTER_KEY_ENV,
  options?: MasterKeyOptions & { readonly env?: Readonly<Record<string, string | undefined>> },
): MasterKey {
  const env =
    options?.env ??
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ??
    {};
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new CryptoError(
      'ERR_CRYPTO_KEY_SOURCE_MISSING',
      `environment variable ${name} is not set`,
    );
  }
  const bytes = decodeText(value);
  try {
    return build(bytes, options);
  } finally {
    bytes.fill(0);
  }
}

type Fs = typeof import('node:fs');

/**
 * Loads a master key from a file holding its text form (as written by
 * `palisade keys new-master --out`). Refuses files that the group or others
 * can read or write (mode must be 0600 or 0400 style: no bits in 0o077), that
 * are not regular files, or that are larger than 4 KiB. The mode check is
 * skipped on Windows, which has no POSIX modes (use ACLs there).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param path - Path to the key file.
 * @param options - Cache options.
 * @returns The {@link MasterKey}.
 * @throws CryptoError `ERR_CRYPTO_KEY_FILE_INSECURE` for a group/world-accessible or non-regular file; `ERR_CRYPTO_KEY_SOURCE_MISSING` when it does not exist; `ERR_CRYPTO_KEY_MATERIAL_INVALID` when malformed; `ERR_CRYPTO_UNSUPPORTED` outside Node.
 *
 * @example From a mounted secret.
 * ```ts
 * const master = masterKeyFromFile('/run/secrets/palisade-master-key');
 * ```
 */
export function masterKeyFromFile(path: string, options?: MasterKeyOptions): MasterKey {
  const proc = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; platform?: string } }
  ).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as Fs | undefined;
  if (fs === undefined) {
    throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'masterKeyFromFile needs node:fs');
  }
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'ELOOP') {
      throw new CryptoError(
        'ERR_CRYPTO_KEY_FILE_INSECURE',
        'the master key file is a symbolic link',
      );
    }
    throw new CryptoError(
      'ERR_CRYPTO_KEY_SOURCE_MISSING',
      `cannot open the master key file (${String(code)})`,
    );
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile())
      throw new CryptoError(
        'ERR_CRYPTO_KEY_FILE_INSECURE',
        'the master key file is not a regular file',
      );
    if (proc?.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new CryptoError(
        'ERR_CRYPTO_KEY_FILE_INSECURE',
        `the master key file is accessible to group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600 on it`,
      );
    }
    if (st.size > 4096)
      throw new CryptoError('ERR_CRYPTO_KEY_MATERIAL_INVALID', 'the master key file is too large');
    const raw = new Uint8Array(st.size);
    let off = 0;
    while (off < raw.length) {
      const n = fs.readSync(fd, raw, off, raw.length - off, off);
      if (n === 0) break;
      off += n;
    }
    const text = new TextDecoder().decode(raw.subarray(0, off));
    raw.fill(0);
    const bytes = decodeText(text);
    try {
      return build(bytes, options);
    } finally {
      bytes.fill(0);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Returns the base64 text form of a master key, for writing to a 0600 file
 * or a secret manager. This is the only way key bytes leave a MasterKey.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param key - The master key.
 * @returns 44 characters of standard base64.
 * @throws CryptoError `ERR_CRYPTO_KEY_DESTROYED` after dispose.
 *
 * @example Persist a new key.
 * ```ts
 * writeFileSync(path, exportMasterKey(generateMasterKey()) + '\n', { mode: 0o600 });
 * ```
 */
export function exportMasterKey(key: MasterKey): string {
  return toBase64(masterMaterialOf(key).secret);
}

/**
 * Loads a master key stored in an OS keychain through a client you made
 * (keytar-style {@link KeychainClient}); the text form is as for
 * {@link masterKeyFromEnv}.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param client - Your keychain client.
 * @param where - `service` and `account` names.
 * @param options - Cache options.
 * @returns The {@link MasterKey}.
 * @throws CryptoError `ERR_CRYPTO_KEY_SOURCE_MISSING` when absent; `ERR_CRYPTO_KEY_MATERIAL_INVALID` when malformed.
 *
 * @example Desktop app.
 * ```ts
 * const master = await masterKeyFromKeychain(keytar, { service: 'palisade', account: 'master' });
 * ```
 */
export async function masterKeyFromKeychain(
  client: KeychainClient,
  where: { readonly service: string; readonly account: string },
  options?: MasterKeyOptions,
): Promise<MasterKey> {
  const text = await client.getPassword(where.service, where.account);
  if (text === null || text.trim() === '') {
    throw new CryptoError('ERR_CRYPTO_KEY_SOURCE_MISSING', 'no master key in the keychain entry');
  }
  const bytes = decodeText(text);
  try {
    return build(bytes, options);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Stores a master key's text form in an OS keychain through a client you made.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param client - Your keychain client.
 * @param key - The master key.
 * @param where - `service` and `account` names.
 * @returns Resolves when stored.
 *
 * @example First run of a desktop app.
 * ```ts
 * await storeMasterKeyInKeychain(keytar, generateMasterKey(), { service: 'palisade', account: 'master' });
 * ```
 */
export async function storeMasterKeyInKeychain(
  client: KeychainClient,
  key: MasterKey,
  where: { readonly service: string; readonly account: string },
): Promise<void> {
  await client.setPassword(where.service, where.account, exportMasterKey(key));
}

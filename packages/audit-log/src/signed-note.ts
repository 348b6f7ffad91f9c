import { type SigningKey, sign, signingKeyFromSeed, verifySignature } from '@palisade/crypto';
import { AuditLogError } from './errors.ts';
import {
  concatBytes,
  fromBase64Strict,
  toBase64,
  utf8DecodeStrict,
  utf8Encode,
} from './internal/bytes.ts';
import { ALG_COSIGNATURE_V1, cosignatureVerifier } from './internal/cosignature-v1.ts';
import { keyHashOfType } from './internal/note-keys.ts';

/** Signed-note algorithm byte for Ed25519. */
const ALG_ED25519 = 0x01;
const MAX_SIGNATURES = 100;

/** Signs note texts under a key name (C2SP signed-note). */
export interface NoteSigner {
  /** Key name: non-empty, no whitespace, no `+`. */
  readonly name: string;
  /**
   * First 4 bytes of SHA-256(name || 0x0A || type || publicKey), big-endian;
   * type 0x01 for note keys, 0x04 for cosignature/v1 cosigners.
   */
  readonly keyHash: number;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Returns a raw 64-byte Ed25519 signature over `message`. */
  sign(message: Uint8Array): Uint8Array;
}

/** Verifies note signatures for one key name (C2SP signed-note). */
export interface NoteVerifier {
  /** Key name. */
  readonly name: string;
  /** Key hash (see {@link NoteSigner.keyHash}). */
  readonly keyHash: number;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** True if `signature` is a valid Ed25519 signature of `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** One signature line of a note. */
export interface NoteSignature {
  /** Key name as written on the line. */
  readonly name: string;
  /** Key hash from the first 4 signature bytes. */
  readonly keyHash: number;
  /** The base64 text after the name. */
  readonly base64: string;
}

/** A note whose signatures were checked. */
export interface OpenedNote {
  /** The signed text (ends in a newline). */
  readonly text: string;
  /** Signatures that verified under a supplied key. */
  readonly verified: readonly NoteSignature[];
  /** Signatures from unknown keys (ignored, as signed-note requires). */
  readonly unverified: readonly NoteSignature[];
}

/** A valid signed-note key name (internal). */
export function isValidName(name: string): boolean {
  // signed-note: non-empty, no Unicode whitespace, no plus sign.
  return name.length > 0 && !/[\s+]/u.test(name) && utf8DecodeStrict(utf8Encode(name)) === name;
}

/**
 * The signed-note key hash of an Ed25519 key: the first four bytes of
 * SHA-256(name || 0x0A || 0x01 || publicKey), as a big-endian uint32.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - Key name.
 * @param publicKey - Raw 32-byte Ed25519 public key.
 * @returns The key hash.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for a bad name or key length.
 * @example
 * ```ts
 * noteKeyHash('PeterNeumann', pub).toString(16); // 'c74f20a3'
 * ```
 */
export function noteKeyHash(name: string, publicKey: Uint8Array): number {
  if (!isValidName(name)) throw new AuditLogError('ERR_AUDIT_MALFORMED_KEY', 'invalid key name');
  if (publicKey.length !== 32) {
    throw new AuditLogError('ERR_AUDIT_MALFORMED_KEY', 'Ed25519 public key must be 32 bytes');
  }
  return keyHashOfType(name, ALG_ED25519, publicKey);
}

/** Eight lowercase hex digits (internal). */
export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

/**
 * Formats a verifier key `<name>+<hash hex>+<base64(0x01 || publicKey)>`.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - Key name.
 * @param publicKey - Raw 32-byte Ed25519 public key.
 * @returns The vkey string.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY`.
 * @example
 * ```ts
 * formatVerifierKey('example.com/log', signer.publicKey);
 * ```
 */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const hash = noteKeyHash(name, publicKey);
  return `${name}+${hex8(hash)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), publicKey))}`;
}

function makeVerifier(name: string, keyHash: number, publicKey: Uint8Array): NoteVerifier {
  const pk = publicKey.slice();
  return Object.freeze({
    name,
    keyHash,
    publicKey: pk,
    verify: (message: Uint8Array, signature: Uint8Array): boolean => {
      if (signature.length !== 64) return false;
      try {
        return verifySignature(pk, message, signature);
      } catch {
        return false;
      }
    },
  });
}

/**
 * Parses a verifier key string and checks its key hash.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param vkey - `<name>+<hash hex>+<base64(type || publicKey)>`: type 0x01 for
 *   an Ed25519 note key, 0x04 for a C2SP cosignature/v1 cosigner (timestamped).
 * @returns A {@link NoteVerifier}.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for any malformed or mismatched key.
 * @example
 * ```ts
 * parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 * ```
 */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const bad = (): AuditLogError =>
    new AuditLogError('ERR_AUDIT_MALFORMED_KEY', 'malformed verifier key');
  if (typeof vkey !== 'string') throw bad();
  // name+hash+key, where the base64 key itself may contain '+'.
  const i = vkey.indexOf('+');
  const j = vkey.indexOf('+', i + 1);
  if (i < 0 || j < 0) throw bad();
  const name = vkey.slice(0, i);
  const hashHex = vkey.slice(i + 1, j);
  const keyB64 = vkey.slice(j + 1);
  if (!isValidName(name) || !/^[0-9a-f]{8}$/.test(hashHex)) throw bad();
  const raw = fromBase64Strict(keyB64);
  if (raw === undefined || raw.length !== 33) throw bad();
  const pub = raw.subarray(1);
  if (raw[0] === ALG_COSIGNATURE_V1) {
    const v = cosignatureVerifier(name, pub);
    if (hex8(v.keyHash) !== hashHex) throw bad();
    return v;
  }
  if (raw[0] !== ALG_ED25519) throw bad();
  const hash = noteKeyHash(name, pub);
  if (hex8(hash) !== hashHex) throw bad();
  return makeVerifier(name, hash, pub);
}

/**
 * A note signer from a 32-byte Ed25519 seed (node:crypto).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - Key name (the log origin, by convention).
 * @param seed - 32-byte Ed25519 private seed.
 * @returns A {@link NoteSigner}.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY`; TypeError for a wrong-length seed.
 * @example
 * ```ts
 * const signer = noteSignerFromSeed('example.com/log', seed);
 * ```
 */
export function noteSignerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  if (seed.length !== 32) throw new TypeError('Ed25519 seed must be 32 bytes');
  return noteSignerFromSigningKey(name, signingKeyFromSeed(seed));
}

/**
 * A note signer from a `@palisade/crypto` Ed25519 signing key (the way to keep
 * the private key inside the crypto package's key object).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - Key name (the log origin, by convention).
 * @param key - A `SigningKey` from `generateSigningKey()` or `signingKeyFromSeed()`.
 * @returns A {@link NoteSigner}.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for an invalid name.
 * @example
 * ```ts
 * const signer = noteSignerFromSigningKey('example.com/log', generateSigningKey());
 * ```
 */
export function noteSignerFromSigningKey(name: string, key: SigningKey): NoteSigner {
  const publicKey = key.publicKey;
  const keyHash = noteKeyHash(name, publicKey);
  return Object.freeze({
    name,
    keyHash,
    publicKey,
    sign: (message: Uint8Array): Uint8Array => sign(key, message),
  });
}

/**
 * Parses a `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>` signer key
 * (golang.org/x/mod/sumdb/note format).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param skey - The private key string. Treat it as a secret.
 * @returns A {@link NoteSigner}.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` (the message never contains key bytes).
 * @example
 * ```ts
 * const signer = parseSignerKey(process.env.AUDIT_SKEY ?? '');
 * ```
 */
export function parseSignerKey(skey: string): NoteSigner {
  const bad = (): AuditLogError =>
    new AuditLogError('ERR_AUDIT_MALFORMED_KEY', 'malformed signer key');
  if (typeof skey !== 'string') throw bad();
  if (!skey.startsWith('PRIVATE+KEY+')) throw bad();
  const rest = skey.slice('PRIVATE+KEY+'.length);
  const i = rest.indexOf('+');
  const j = rest.indexOf('+', i + 1);
  if (i < 0 || j < 0) throw bad();
  const name = rest.slice(0, i);
  const hashHex = rest.slice(i + 1, j);
  const keyB64 = rest.slice(j + 1);
  if (!isValidName(name) || !/^[0-9a-f]{8}$/.test(hashHex)) throw bad();
  const raw = fromBase64Strict(keyB64);
  if (raw === undefined || raw.length !== 33 || raw[0] !== ALG_ED25519) throw bad();
  const signer = noteSignerFromSeed(name, raw.subarray(1));
  if (hex8(signer.keyHash) !== hashHex) throw bad();
  return signer;
}

/**
 * Formats a signer key string for a seed (the inverse of {@link parseSignerKey}).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - Key name.
 * @param seed - 32-byte Ed25519 seed.
 * @returns `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>`.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY`.
 * @example
 * ```ts
 * const skey = formatSignerKey('example.com/log', randomBytes(32));
 * ```
 */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const signer = noteSignerFromSeed(name, seed);
  return `PRIVATE+KEY+${name}+${hex8(signer.keyHash)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`;
}

function checkText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n')) {
    throw new AuditLogError(
      'ERR_AUDIT_MALFORMED_NOTE',
      'note text must be non-empty and end in a newline',
    );
  }
  // Control characters other than newline are not allowed in note text.
  if (/[\x00-\x09\x0b-\x1f\x7f]/.test(text)) {
    throw new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', 'note text holds a control character');
  }
  if (utf8DecodeStrict(utf8Encode(text)) !== text) {
    throw new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', 'note text is not valid UTF-8');
  }
}

/**
 * Signs a note text: returns `text + "\n" + one "— <name> <base64>" line per signer`.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param text - Note text; must end in a newline.
 * @param signers - One or more signers (log key first, then cosigners).
 * @returns The signed note.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`.
 * @example
 * ```ts
 * signNote('hello\n', [signer]);
 * ```
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  if (signers.length === 0) throw new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', 'no signer');
  const msg = utf8Encode(text);
  let out = `${text}\n`;
  for (const s of signers) {
    const sig = s.sign(msg);
    const prefix = new Uint8Array([
      s.keyHash >>> 24,
      (s.keyHash >>> 16) & 0xff,
      (s.keyHash >>> 8) & 0xff,
      s.keyHash & 0xff,
    ]);
    out += `\u2014 ${s.name} ${toBase64(concatBytes(prefix, sig))}\n`;
  }
  return out;
}

/**
 * Adds signature lines to an already-signed note (cosigning). The text is not
 * re-parsed for meaning; existing signatures are kept.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param note - A signed note.
 * @param signers - Cosigners.
 * @returns The note with the extra signature lines appended.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`.
 * @example
 * ```ts
 * const cosigned = cosignNote(note, [witness]);
 * ```
 */
export function cosignNote(note: string, signers: readonly NoteSigner[]): string {
  const { text } = splitNote(note);
  const extra = signNote(text, signers).slice(text.length + 1);
  return note + extra;
}

function splitNote(note: string): { text: string; sigs: NoteSignature[] } {
  const bad = (why: string): AuditLogError =>
    new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', `malformed note: ${why}`);
  if (typeof note !== 'string') throw bad('not a string');
  if (utf8DecodeStrict(utf8Encode(note)) !== note) throw bad('invalid UTF-8');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw bad('no signature block');
  const text = note.slice(0, split + 1);
  checkText(text);
  const sigBlock = note.slice(split + 2);
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw bad('too many signatures');
  const sigs: NoteSignature[] = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (m === null) throw bad('bad signature line');
    const name = m[1] as string;
    const b64 = m[2] as string;
    if (!isValidName(name)) throw bad('bad key name');
    const raw = fromBase64Strict(b64);
    if (raw === undefined || raw.length < 5) throw bad('bad signature encoding');
    const keyHash =
      (((raw[0] ?? 0) << 24) | ((raw[1] ?? 0) << 16) | ((raw[2] ?? 0) << 8) | (raw[3] ?? 0)) >>> 0;
    sigs.push({ name, keyHash, base64: b64 });
  }
  return { text, sigs };
}

/**
 * Parses a signed note and verifies its signatures against `verifiers`.
 * Signatures from unknown keys are returned as unverified (signed-note rule);
 * a signature from a known key that does not verify is an error.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param note - The signed note.
 * @param verifiers - Trusted keys.
 * @returns The text and the verified / unverified signatures.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`; `ERR_AUDIT_SIGNATURE_INVALID`
 *   when a known key's signature fails or no trusted key signed.
 * @example
 * ```ts
 * const { text } = openNote(note, [parseVerifierKey(vkey)]);
 * ```
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, sigs } = splitNote(note);
  const msg = utf8Encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const s of sigs) {
    const matches = verifiers.filter((v) => v.name === s.name && v.keyHash === s.keyHash);
    const v = matches[0];
    if (v === undefined) {
      unverified.push(s);
      continue;
    }
    const raw = fromBase64Strict(s.base64) as Uint8Array;
    if (!v.verify(msg, raw.subarray(4))) {
      throw new AuditLogError('ERR_AUDIT_SIGNATURE_INVALID', `invalid signature for key ${s.name}`);
    }
    const id = `${s.name}+${s.keyHash}`;
    if (!seen.has(id)) {
      seen.add(id);
      verified.push(s);
    }
  }
  if (verified.length === 0) {
    throw new AuditLogError('ERR_AUDIT_SIGNATURE_INVALID', 'note has no verifiable signatures');
  }
  return { text, verified, unverified };
}

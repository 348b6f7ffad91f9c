import { type SigningKey, sign, signingKeyFromSeed } from '@palisade/crypto';
import { AuditLogError } from './errors.ts';
import { concatBytes, fromBase64Strict, toBase64 } from './internal/bytes.ts';
import {
  ALG_COSIGNATURE_V1,
  cosignatureMessage,
  MAX_COSIGNATURE_TIME,
  readTimestamp,
} from './internal/cosignature-v1.ts';
import { keyHashOfType } from './internal/note-keys.ts';
import { hex8, isValidName, type NoteSignature, type NoteSigner } from './signed-note.ts';

/** Options for a cosigner. */
export interface CosignerOptions {
  /** Clock in ms since the epoch (default `Date.now`); cosignatures carry whole seconds. */
  readonly now?: () => number;
}

function checkName(name: string): void {
  if (!isValidName(name)) throw new AuditLogError('ERR_AUDIT_MALFORMED_KEY', 'invalid key name');
}

/**
 * A C2SP tlog-cosignature (`cosignature/v1`, Ed25519) cosigner: a
 * {@link NoteSigner} whose key ID uses type byte 0x04 and whose signature is
 * the `timestamped_signature` (u64 big-endian POSIX seconds, then the Ed25519
 * signature of `"cosignature/v1\ntime <seconds>\n"` followed by the whole note
 * text). Use it with {@link cosignNote} to add a witness line to a checkpoint.
 *
 * A cosignature states that, as of its time, the cosigner saw no larger
 * consistent tree for the log; the caller (the witness) is responsible for
 * having checked consistency before cosigning.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - The cosigner name (a schema-less URL such as `witness.example.com/w1`).
 * @param key - An Ed25519 signing key from `@palisade/crypto`; use a key of its own per cosigner.
 * @param options - Clock.
 * @returns The cosigner.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for an invalid name.
 * @example Cosign a checkpoint.
 * ```ts
 * const witness = cosignerFromSigningKey('witness.example.com/w1', signingKeyFromSeed(seed));
 * const cosigned = cosignNote(checkpointNote, [witness]);
 * ```
 */
export function cosignerFromSigningKey(
  name: string,
  key: SigningKey,
  options: CosignerOptions = {},
): NoteSigner {
  checkName(name);
  const publicKey = key.publicKey;
  const now = options.now ?? Date.now;
  return Object.freeze({
    name,
    keyHash: keyHashOfType(name, ALG_COSIGNATURE_V1, publicKey),
    publicKey,
    sign: (message: Uint8Array): Uint8Array => {
      const ms = now();
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock must be >= 0 ms');
      const t = BigInt(Math.floor(ms / 1000));
      if (t > MAX_COSIGNATURE_TIME) throw new RangeError('timestamp beyond 2^63 - 1');
      const ts = new Uint8Array(8);
      new DataView(ts.buffer).setBigUint64(0, t, false);
      return concatBytes(ts, sign(key, cosignatureMessage(t, message)));
    },
  });
}

/**
 * {@link cosignerFromSigningKey} from a 32-byte Ed25519 seed.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - The cosigner name.
 * @param seed - 32-byte Ed25519 seed.
 * @param options - Clock.
 * @returns The cosigner.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY`; TypeError for a wrong-length seed.
 * @example
 * ```ts
 * const witness = cosignerFromSeed('witness.example.com/w1', seed);
 * ```
 */
export function cosignerFromSeed(
  name: string,
  seed: Uint8Array,
  options: CosignerOptions = {},
): NoteSigner {
  if (!(seed instanceof Uint8Array) || seed.length !== 32) {
    throw new TypeError('Ed25519 seed must be 32 bytes');
  }
  return cosignerFromSigningKey(name, signingKeyFromSeed(seed), options);
}

/**
 * The verifier key (vkey) of a cosigner: `<name>+<key ID hex>+base64(0x04 ||
 * public key)`, with the key ID SHA-256(name || 0x0A || 0x04 || key)[:4].
 * {@link parseVerifierKey} reads it back as a cosignature/v1 verifier.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param name - The cosigner name.
 * @param publicKey - 32-byte Ed25519 public key.
 * @returns The vkey.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for an invalid name or key length.
 * @example
 * ```ts
 * const vkey = formatCosignerVerifierKey(witness.name, witness.publicKey);
 * ```
 */
export function formatCosignerVerifierKey(name: string, publicKey: Uint8Array): string {
  checkName(name);
  if (publicKey.length !== 32) {
    throw new AuditLogError('ERR_AUDIT_MALFORMED_KEY', 'Ed25519 public key must be 32 bytes');
  }
  const hash = keyHashOfType(name, ALG_COSIGNATURE_V1, publicKey);
  return `${name}+${hex8(hash)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))}`;
}

/**
 * The timestamp (POSIX seconds) a cosignature/v1 signature line carries. It
 * does not verify the signature: open the note with the cosigner's verifier
 * for that.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param signature - A signature line of a note (see {@link openNote}).
 * @returns Seconds since the epoch.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE` when the line is not a
 *   76-byte cosignature/v1 signature or its time exceeds 2^53 - 1.
 * @example
 * ```ts
 * const opened = openNote(note, [logKey, witnessKey]);
 * const t = cosignatureTimestamp(opened.verified[1]);
 * ```
 */
export function cosignatureTimestamp(signature: NoteSignature): number {
  const raw = fromBase64Strict(signature.base64);
  if (raw === undefined || raw.length !== 4 + 8 + 64) {
    throw new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', 'not a cosignature/v1 signature');
  }
  const t = readTimestamp(raw.subarray(4));
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', 'cosignature time beyond 2^53 - 1');
  }
  return Number(t);
}

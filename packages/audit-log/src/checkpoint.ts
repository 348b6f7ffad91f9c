import { AuditLogError } from './errors.ts';
import { fromBase64Strict, toBase64 } from './internal/bytes.ts';
import { type NoteSigner, type NoteVerifier, openNote, signNote } from './signed-note.ts';

/** The body of a C2SP tlog-checkpoint. */
export interface Checkpoint {
  /** Log origin (first line): identifies the log, e.g. `example.com/audit/org-1`. */
  readonly origin: string;
  /** Tree size (number of leaves). */
  readonly size: number;
  /** 32-byte RFC 9162 root hash. */
  readonly rootHash: Uint8Array;
  /** Optional extension lines (opaque, non-empty, no newline). */
  readonly extensions: readonly string[];
}

/** A checkpoint opened with {@link openCheckpoint}. */
export interface VerifiedCheckpoint extends Checkpoint {
  /** The full signed note. */
  readonly note: string;
  /** Names of keys whose signatures verified (the log key and any cosigners). */
  readonly signedBy: readonly string[];
}

/**
 * Formats a checkpoint body: origin, decimal size, base64 root, extension lines.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param cp - The checkpoint fields.
 * @returns The note text (ends in a newline).
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE` for an empty origin or a bad extension line.
 * @example
 * ```ts
 * formatCheckpoint({ origin: 'example.com/log', size: 3, rootHash, extensions: [] });
 * ```
 */
export function formatCheckpoint(cp: Checkpoint): string {
  const bad = (why: string): AuditLogError => new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', why);
  if (cp.origin.length === 0 || /[\x00-\x1f\x7f]/.test(cp.origin)) throw bad('invalid origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw bad('invalid tree size');
  if (cp.rootHash.length !== 32) throw bad('root hash must be 32 bytes');
  let out = `${cp.origin}\n${cp.size}\n${toBase64(cp.rootHash)}\n`;
  for (const e of cp.extensions) {
    if (e.length === 0 || /[\x00-\x1f\x7f]/.test(e)) throw bad('invalid extension line');
    out += `${e}\n`;
  }
  return out;
}

/**
 * Parses a checkpoint body (the note text, without signatures).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param text - The note text.
 * @returns The parsed checkpoint.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`; `ERR_AUDIT_INDEX_RANGE` for sizes beyond 2^53 - 1.
 * @example
 * ```ts
 * parseCheckpoint('example.com/log\n3\n' + rootB64 + '\n').size; // 3
 * ```
 */
export function parseCheckpoint(text: string): Checkpoint {
  const bad = (why: string): AuditLogError =>
    new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', `malformed checkpoint: ${why}`);
  if (!text.endsWith('\n')) throw bad('no final newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw bad('fewer than three lines');
  const [origin, sizeText, rootText, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin.length === 0) throw bad('empty origin');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || sizeText.length > 20) throw bad('bad tree size');
  const big = BigInt(sizeText);
  if (big >= 1n << 64n) throw bad('tree size beyond 64 bits');
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AuditLogError('ERR_AUDIT_INDEX_RANGE', 'tree size beyond 2^53 - 1 is not supported');
  }
  const rootHash = fromBase64Strict(rootText);
  if (rootHash === undefined || rootHash.length !== 32) throw bad('bad root hash');
  if (extensions.some((e) => e.length === 0)) throw bad('empty extension line');
  return { origin, size: Number(big), rootHash, extensions };
}

/**
 * Signs a checkpoint as a C2SP signed note (log key first, then cosigners).
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param cp - Checkpoint fields.
 * @param signers - Signers; the first is the log's own key.
 * @returns The signed note text.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`.
 * @example
 * ```ts
 * const note = signCheckpoint({ origin, size, rootHash, extensions: [] }, [signer]);
 * ```
 */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(cp), signers);
}

/** Options for {@link openCheckpoint}. */
export interface OpenCheckpointOptions {
  /** Required origin (checkpoints for other logs are rejected). */
  readonly expectedOrigin?: string;
  /** Names of keys that must all have signed (default: the first verifier's name). */
  readonly requiredSigners?: readonly string[];
}

/**
 * Verifies a signed checkpoint and parses it.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param note - The signed note.
 * @param verifiers - Trusted keys (log key, witnesses).
 * @param options - Origin and required signers.
 * @returns The verified checkpoint.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`, `ERR_AUDIT_SIGNATURE_INVALID`.
 * @example
 * ```ts
 * const cp = openCheckpoint(note, [parseVerifierKey(vkey)], { expectedOrigin: 'example.com/log' });
 * ```
 */
export function openCheckpoint(
  note: string,
  verifiers: readonly NoteVerifier[],
  options: OpenCheckpointOptions = {},
): VerifiedCheckpoint {
  const opened = openNote(note, verifiers);
  const cp = parseCheckpoint(opened.text);
  if (options.expectedOrigin !== undefined && cp.origin !== options.expectedOrigin) {
    throw new AuditLogError('ERR_AUDIT_SIGNATURE_INVALID', 'checkpoint is for another origin');
  }
  const signedBy = opened.verified.map((s) => s.name);
  const first = verifiers[0];
  const required = options.requiredSigners ?? (first === undefined ? [] : [first.name]);
  for (const r of required) {
    if (!signedBy.includes(r)) {
      throw new AuditLogError(
        'ERR_AUDIT_SIGNATURE_INVALID',
        `checkpoint lacks a signature by ${r}`,
      );
    }
  }
  return { ...cp, note, signedBy };
}

import { openCheckpoint, type VerifiedCheckpoint } from './checkpoint.ts';
import { AuditLogError } from './errors.ts';
import { GENESIS_PREV } from './event.ts';
import { toBase64, utf8DecodeStrict } from './internal/bytes.ts';
import { bytesEqual } from './internal/hash.ts';
import { parseLogLine } from './log-format.ts';
import { RootAccumulator } from './merkle.ts';
import { openPruneRecord } from './prune-record.ts';
import { type NoteVerifier, parseVerifierKey } from './signed-note.ts';

/** The exact verdicts of {@link verifyLog}. */
export type VerdictStatus =
  | 'OK'
  | 'PRUNED_OK'
  | 'TAMPERED'
  | 'TRUNCATED'
  | 'ROLLBACK'
  | 'FORK'
  | 'UNSEALED';

/** The result of verifying a log. */
export interface Verdict {
  /** The verdict. */
  readonly status: VerdictStatus;
  /** True for OK and PRUNED_OK only. */
  readonly ok: boolean;
  /**
   * TAMPERED / FORK: the first sequence number at which the stored log departs
   * from a valid log. TRUNCATED / ROLLBACK: the first missing sequence number.
   * UNSEALED: the first entry no signed checkpoint covers.
   */
  readonly seq?: number;
  /** Human-readable reason (never secret material). */
  readonly reason: string;
  /** Number of entries the log holds (next sequence number). */
  readonly size: number;
  /** First retained sequence number (0 unless pruned). */
  readonly firstSeq: number;
  /** base64 RFC 9162 root over all entries read. */
  readonly rootHash: string;
  /** Size of the last signed checkpoint found in the log (0 if none). */
  readonly checkpointSize: number;
  /** True when an unterminated last line (a torn write, never acknowledged) was ignored. */
  readonly tornTail: boolean;
}

/** Options for {@link verifyLog}. */
export interface VerifyOptions {
  /** The log's verifier key (first) and any witness keys, as objects or vkey strings. */
  readonly verifiers: readonly (NoteVerifier | string)[];
  /** The log origin that checkpoints must carry. */
  readonly origin: string;
  /**
   * A signed checkpoint the verifier saw earlier (kept outside the log, e.g.
   * by a witness or the last run). Detects ROLLBACK and FORK.
   */
  readonly trusted?: string;
}

/** An unterminated final line (torn write). */
export interface TornLine {
  readonly torn: true;
}

/** A line longer than the reader's limit. */
export interface OverlongLine {
  readonly overlong: true;
}

/** What {@link verifyLog} reads: lines without their newline. */
export type VerifierInput = string | Uint8Array | TornLine | OverlongLine;

interface PendingErasure {
  readonly subject: string;
  readonly firstSeq: number;
}

/**
 * Verifies a log read line by line, in constant memory (a compact range of at
 * most 53 hashes plus pending erasure references), and returns an exact
 * verdict: OK, PRUNED_OK, TAMPERED (with the first bad sequence number),
 * TRUNCATED, ROLLBACK, FORK or UNSEALED.
 *
 * Works on any store's line stream or on an export bundle.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param lines - The log's lines (strings or UTF-8 bytes, no newlines).
 * @param options - Trusted keys, origin and optionally a trusted checkpoint.
 * @returns The verdict. Never throws for bad log content.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for bad keys;
 *   `ERR_AUDIT_SIGNATURE_INVALID` / `ERR_AUDIT_MALFORMED_NOTE` for a bad `trusted` checkpoint.
 * @example Verify a file.
 * ```ts
 * const v = await verifyLogFile('.palisade/audit.jsonl', { verifiers: [vkey], origin });
 * if (!v.ok) throw new Error(`audit log ${v.status} at seq ${v.seq}`);
 * ```
 */
export async function verifyLog(
  lines: AsyncIterable<VerifierInput> | Iterable<VerifierInput>,
  options: VerifyOptions,
): Promise<Verdict> {
  const verifiers = options.verifiers.map((v) => (typeof v === 'string' ? parseVerifierKey(v) : v));
  if (verifiers.length === 0) {
    throw new AuditLogError('ERR_AUDIT_INVALID_ARGUMENT', 'at least one verifier key is required');
  }
  const cpOpts = { expectedOrigin: options.origin };
  const trusted: VerifiedCheckpoint | undefined =
    options.trusted === undefined ? undefined : openCheckpoint(options.trusted, verifiers, cpOpts);

  let acc = new RootAccumulator();
  let firstSeq = 0;
  let expected = 0;
  let prevHash: Uint8Array = GENESIS_PREV;
  let prevPrev: string | undefined;
  let lastRecordedAt = 0;
  let org: string | undefined;
  let checkpointSize = 0;
  let sealedSize = 0;
  let lineNo = 0;
  let tornTail = false;
  let pruned = false;
  let pruneEventSeq = -1;
  let trustedChecked = false;
  const pending = new Map<number, PendingErasure>();

  const result = (status: VerdictStatus, reason: string, seq?: number): Verdict => ({
    status,
    ok: status === 'OK' || status === 'PRUNED_OK',
    ...(seq === undefined ? {} : { seq }),
    reason,
    size: expected,
    firstSeq,
    rootHash: toBase64(acc.root()),
    checkpointSize,
    tornTail,
  });

  const checkTrusted = (): Verdict | undefined => {
    if (trusted === undefined || trustedChecked || acc.size !== trusted.size) return undefined;
    trustedChecked = true;
    if (!bytesEqual(acc.root(), trusted.rootHash)) {
      return result(
        'FORK',
        `the log's root at size ${trusted.size} differs from the trusted checkpoint`,
        sealedSize < trusted.size ? sealedSize : Math.max(firstSeq, trusted.size - 1),
      );
    }
    return undefined;
  };

  for await (const raw of lines) {
    const isFirst = lineNo === 0;
    lineNo++;
    if (typeof raw === 'object' && 'torn' in raw) {
      tornTail = true;
      break;
    }
    if (typeof raw === 'object' && 'overlong' in raw) {
      return result('TAMPERED', 'line exceeds the maximum length', expected);
    }
    const text = typeof raw === 'string' ? raw : utf8DecodeStrict(raw);
    if (text === undefined) return result('TAMPERED', 'line is not valid UTF-8', expected);
    let rec: ReturnType<typeof parseLogLine>;
    try {
      rec = parseLogLine(text);
    } catch (e) {
      const why = AuditLogError.isInstance(e) ? e.message : 'unreadable line';
      return result('TAMPERED', why, expected);
    }
    if (rec.kind === 'prune') {
      if (!isFirst) return result('TAMPERED', 'prune record not at the start of the log', expected);
      try {
        const p = openPruneRecord(rec.note, verifiers);
        if (p.origin !== options.origin) throw new Error('origin');
        acc = RootAccumulator.fromFrontier(p.before, p.frontier);
        firstSeq = p.before;
        expected = p.before;
        prevHash = p.prev;
        org = p.org;
        pruned = true;
        pruneEventSeq = p.eventSeq;
        sealedSize = p.before;
      } catch {
        return result('TAMPERED', 'prune record is not validly signed', 0);
      }
      const t = checkTrusted();
      if (t !== undefined) return t;
      continue;
    }
    if (rec.kind === 'checkpoint') {
      let cp: VerifiedCheckpoint;
      try {
        cp = openCheckpoint(rec.note, verifiers, cpOpts);
      } catch {
        return result('TAMPERED', 'checkpoint is not validly signed', expected);
      }
      if (cp.size > acc.size) {
        return result(
          'TRUNCATED',
          `a signed checkpoint covers ${cp.size} entries but the log holds ${acc.size}`,
          acc.size,
        );
      }
      if (cp.size < acc.size || cp.size < checkpointSize) {
        return result('TAMPERED', 'checkpoint out of place', cp.size);
      }
      if (!bytesEqual(cp.rootHash, acc.root())) {
        return result(
          'TAMPERED',
          `entries in [${sealedSize}, ${cp.size}) do not match the signed root`,
          sealedSize,
        );
      }
      checkpointSize = cp.size;
      sealedSize = cp.size;
      continue;
    }
    const { leaf, leafHash, sidecar } = rec;
    if (leaf.seq !== expected) {
      if (
        leaf.seq === expected - 1 &&
        prevPrev !== undefined &&
        leaf.prev === prevPrev &&
        !bytesEqual(leafHash, prevHash)
      ) {
        return result('FORK', `two different entries claim sequence number ${leaf.seq}`, leaf.seq);
      }
      return result(
        'TAMPERED',
        `expected sequence number ${expected}, found ${leaf.seq}`,
        expected,
      );
    }
    if (org === undefined) org = leaf.org;
    if (leaf.org !== org) return result('TAMPERED', 'entry belongs to another org', expected);
    if (leaf.prev !== toBase64(prevHash)) {
      return result('TAMPERED', 'entry does not link to its predecessor', expected);
    }
    if (leaf.recordedAt < lastRecordedAt) {
      return result('TAMPERED', 'recordedAt went backwards', expected);
    }
    if (sidecar !== null && 'erasedBy' in sidecar) {
      const known = pending.get(sidecar.erasedBy);
      if (known !== undefined && known.subject !== leaf.subject) {
        return result('TAMPERED', 'erasure reference for another subject', expected);
      }
      if (known === undefined) {
        pending.set(sidecar.erasedBy, { subject: leaf.subject, firstSeq: expected });
      }
    }
    const p = pending.get(expected);
    if (p !== undefined) {
      if (leaf.action !== 'audit.erase' || leaf.target !== p.subject) {
        return result('TAMPERED', 'personal values removed without an erasure record', p.firstSeq);
      }
      pending.delete(expected);
    }
    if (
      expected === pruneEventSeq &&
      (leaf.action !== 'audit.prune' || leaf.target !== String(firstSeq))
    ) {
      return result('TAMPERED', 'prune record does not match the logged prune', 0);
    }
    lastRecordedAt = leaf.recordedAt;
    acc.push(leafHash);
    prevPrev = leaf.prev;
    prevHash = leafHash;
    expected++;
    const t = checkTrusted();
    if (t !== undefined) return t;
  }

  if (pending.size > 0) {
    let first = Number.POSITIVE_INFINITY;
    for (const p of pending.values()) first = Math.min(first, p.firstSeq);
    return result('TAMPERED', 'personal values removed without an erasure record', first);
  }
  if (pruned && pruneEventSeq >= expected) {
    return result('TRUNCATED', 'the logged prune entry is missing', expected);
  }
  if (trusted !== undefined && trusted.size > acc.size) {
    return result(
      'ROLLBACK',
      `the log holds ${acc.size} entries but a trusted checkpoint covers ${trusted.size}`,
      acc.size,
    );
  }
  if (sealedSize < expected) {
    return result(
      'UNSEALED',
      `entries from ${sealedSize} on are not covered by a signed checkpoint`,
      sealedSize,
    );
  }
  return pruned
    ? result(
        'PRUNED_OK',
        `verified ${expected - firstSeq} entries after a signed prune of ${firstSeq}`,
      )
    : result('OK', `verified ${expected} entries`);
}

import { isAscii } from 'node:buffer';
import { openCheckpoint, type VerifiedCheckpoint } from './checkpoint.ts';
import { AuditLogError } from './errors.ts';
import { GENESIS_PREV64 } from './event.ts';
import { toBase64, utf8DecodeStrict } from './internal/bytes.ts';
import { type EntryFields, scanPlainEntryLine } from './internal/fast-entry.ts';
import { bytesEqual, hashFromBase64 } from './internal/hash.ts';
import { type LogRecord, parseLogLine } from './log-format.ts';
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
  const run = new LogVerification(options);
  // A synchronous source is read without an await per line.
  if (Symbol.iterator in lines) {
    for (const raw of lines) if (!run.line(raw)) break;
  } else {
    for await (const raw of lines) if (!run.line(raw)) break;
  }
  return run.end();
}

/** Entry fields the verifier checks, from the fast scan or the full parser. */
type Entry = EntryFields;

function entryOf(text: string): Entry {
  const fast = scanPlainEntryLine(text);
  if (fast !== undefined) return fast;
  const rec = parseLogLine(text);
  if (rec.kind !== 'entry') throw rec;
  const { leaf } = rec;
  return {
    h: toBase64(rec.leafHash),
    seq: leaf.seq,
    prev: leaf.prev,
    recordedAt: leaf.recordedAt,
    org: leaf.org,
    action: leaf.action,
    target: leaf.target,
    subject: leaf.subject,
    sidecar: rec.sidecar,
  };
}

/** The state of one streaming verification. */
class LogVerification {
  private readonly options: VerifyOptions;
  private readonly verifiers: readonly NoteVerifier[];
  private readonly cpOpts: { readonly expectedOrigin: string };
  private readonly trusted: VerifiedCheckpoint | undefined;
  private acc = new RootAccumulator();
  private firstSeq = 0;
  private expected = 0;
  private prev64 = GENESIS_PREV64;
  private prevPrev: string | undefined;
  private lastRecordedAt = 0;
  private org: string | undefined;
  private checkpointSize = 0;
  private sealedSize = 0;
  private lineNo = 0;
  private tornTail = false;
  private pruned = false;
  private pruneEventSeq = -1;
  private trustedChecked = false;
  private readonly pending = new Map<number, PendingErasure>();
  private verdict: Verdict | undefined;

  constructor(options: VerifyOptions) {
    this.options = options;
    this.verifiers = options.verifiers.map((v) =>
      typeof v === 'string' ? parseVerifierKey(v) : v,
    );
    if (this.verifiers.length === 0) {
      throw new AuditLogError(
        'ERR_AUDIT_INVALID_ARGUMENT',
        'at least one verifier key is required',
      );
    }
    this.cpOpts = { expectedOrigin: options.origin };
    this.trusted =
      options.trusted === undefined
        ? undefined
        : openCheckpoint(options.trusted, this.verifiers, this.cpOpts);
  }

  private result(status: VerdictStatus, reason: string, seq?: number): Verdict {
    return {
      status,
      ok: status === 'OK' || status === 'PRUNED_OK',
      ...(seq === undefined ? {} : { seq }),
      reason,
      size: this.expected,
      firstSeq: this.firstSeq,
      rootHash: toBase64(this.acc.root()),
      checkpointSize: this.checkpointSize,
      tornTail: this.tornTail,
    };
  }

  /** Stops with a verdict. */
  private stop(status: VerdictStatus, reason: string, seq?: number): false {
    this.verdict = this.result(status, reason, seq);
    return false;
  }

  /** Compares the root with the trusted checkpoint once the log reaches its size. */
  private checkTrusted(): boolean {
    const trusted = this.trusted;
    if (trusted === undefined || this.trustedChecked || this.acc.size !== trusted.size) return true;
    this.trustedChecked = true;
    if (!bytesEqual(this.acc.root(), trusted.rootHash)) {
      return this.stop(
        'FORK',
        `the log's root at size ${trusted.size} differs from the trusted checkpoint`,
        this.sealedSize < trusted.size
          ? this.sealedSize
          : Math.max(this.firstSeq, trusted.size - 1),
      );
    }
    return true;
  }

  /** Feeds one line; false once a verdict is reached (or the torn tail). */
  line(raw: VerifierInput): boolean {
    const isFirst = this.lineNo === 0;
    this.lineNo++;
    const expected = this.expected;
    let text: string | undefined;
    if (typeof raw === 'string') text = raw;
    else if (raw instanceof Uint8Array) text = decodeLine(raw);
    else if ('torn' in raw) {
      this.tornTail = true;
      return false;
    } else return this.stop('TAMPERED', 'line exceeds the maximum length', expected);
    if (text === undefined) return this.stop('TAMPERED', 'line is not valid UTF-8', expected);
    let entry: Entry;
    try {
      entry = entryOf(text);
    } catch (e) {
      if (AuditLogError.isInstance(e)) return this.stop('TAMPERED', e.message, expected);
      const rec = e as LogRecord;
      if (rec.kind === 'prune') return this.pruneLine(rec.note, isFirst);
      if (rec.kind === 'checkpoint') return this.checkpointLine(rec.note);
      return this.stop('TAMPERED', 'unreadable line', expected);
    }
    return this.entry(entry);
  }

  private pruneLine(note: string, isFirst: boolean): boolean {
    if (!isFirst) {
      return this.stop('TAMPERED', 'prune record not at the start of the log', this.expected);
    }
    try {
      const p = openPruneRecord(note, this.verifiers);
      if (p.origin !== this.options.origin) throw new Error('origin');
      this.acc = RootAccumulator.fromFrontier(p.before, p.frontier);
      this.firstSeq = p.before;
      this.expected = p.before;
      this.prev64 = toBase64(p.prev);
      this.org = p.org;
      this.pruned = true;
      this.pruneEventSeq = p.eventSeq;
      this.sealedSize = p.before;
    } catch {
      return this.stop('TAMPERED', 'prune record is not validly signed', 0);
    }
    return this.checkTrusted();
  }

  private checkpointLine(note: string): boolean {
    let cp: VerifiedCheckpoint;
    try {
      cp = openCheckpoint(note, this.verifiers, this.cpOpts);
    } catch {
      return this.stop('TAMPERED', 'checkpoint is not validly signed', this.expected);
    }
    const size = this.acc.size;
    if (cp.size > size) {
      return this.stop(
        'TRUNCATED',
        `a signed checkpoint covers ${cp.size} entries but the log holds ${size}`,
        size,
      );
    }
    if (cp.size < size || cp.size < this.checkpointSize) {
      return this.stop('TAMPERED', 'checkpoint out of place', cp.size);
    }
    if (!bytesEqual(cp.rootHash, this.acc.root())) {
      return this.stop(
        'TAMPERED',
        `entries in [${this.sealedSize}, ${cp.size}) do not match the signed root`,
        this.sealedSize,
      );
    }
    this.checkpointSize = cp.size;
    this.sealedSize = cp.size;
    return true;
  }

  private entry(e: Entry): boolean {
    const expected = this.expected;
    if (e.seq !== expected) {
      if (
        e.seq === expected - 1 &&
        this.prevPrev !== undefined &&
        e.prev === this.prevPrev &&
        e.h !== this.prev64
      ) {
        return this.stop('FORK', `two different entries claim sequence number ${e.seq}`, e.seq);
      }
      return this.stop(
        'TAMPERED',
        `expected sequence number ${expected}, found ${e.seq}`,
        expected,
      );
    }
    if (this.org === undefined) this.org = e.org;
    if (e.org !== this.org) return this.stop('TAMPERED', 'entry belongs to another org', expected);
    if (e.prev !== this.prev64) {
      return this.stop('TAMPERED', 'entry does not link to its predecessor', expected);
    }
    if (e.recordedAt < this.lastRecordedAt) {
      return this.stop('TAMPERED', 'recordedAt went backwards', expected);
    }
    const pending = this.pending;
    const sidecar = e.sidecar;
    if (sidecar !== null && 'erasedBy' in sidecar) {
      const known = pending.get(sidecar.erasedBy);
      if (known !== undefined && known.subject !== e.subject) {
        return this.stop('TAMPERED', 'erasure reference for another subject', expected);
      }
      if (known === undefined) {
        pending.set(sidecar.erasedBy, { subject: e.subject, firstSeq: expected });
      }
    }
    if (pending.size > 0) {
      const p = pending.get(expected);
      if (p !== undefined) {
        if (e.action !== 'audit.erase' || e.target !== p.subject) {
          return this.stop(
            'TAMPERED',
            'personal values removed without an erasure record',
            p.firstSeq,
          );
        }
        pending.delete(expected);
      }
    }
    if (
      expected === this.pruneEventSeq &&
      (e.action !== 'audit.prune' || e.target !== String(this.firstSeq))
    ) {
      return this.stop('TAMPERED', 'prune record does not match the logged prune', 0);
    }
    this.lastRecordedAt = e.recordedAt;
    this.acc.push(hashFromBase64(e.h));
    this.prevPrev = e.prev;
    this.prev64 = e.h;
    this.expected = expected + 1;
    return this.checkTrusted();
  }

  /** The verdict once the input ended (or stopped). */
  end(): Verdict {
    if (this.verdict !== undefined) return this.verdict;
    const { expected, firstSeq, acc, trusted, sealedSize } = this;
    if (this.pending.size > 0) {
      let first = Number.POSITIVE_INFINITY;
      for (const p of this.pending.values()) first = Math.min(first, p.firstSeq);
      return this.result('TAMPERED', 'personal values removed without an erasure record', first);
    }
    if (this.pruned && this.pruneEventSeq >= expected) {
      return this.result('TRUNCATED', 'the logged prune entry is missing', expected);
    }
    if (trusted !== undefined && trusted.size > acc.size) {
      return this.result(
        'ROLLBACK',
        `the log holds ${acc.size} entries but a trusted checkpoint covers ${trusted.size}`,
        acc.size,
      );
    }
    if (sealedSize < expected) {
      return this.result(
        'UNSEALED',
        `entries from ${sealedSize} on are not covered by a signed checkpoint`,
        sealedSize,
      );
    }
    return this.pruned
      ? this.result(
          'PRUNED_OK',
          `verified ${expected - firstSeq} entries after a signed prune of ${firstSeq}`,
        )
      : this.result('OK', `verified ${expected} entries`);
  }
}

/** UTF-8 line bytes as text (ASCII lines, the common case, take the cheap path). */
function decodeLine(raw: Uint8Array): string | undefined {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return isAscii(b) ? b.toString('latin1') : utf8DecodeStrict(raw);
}

import { AuditLogError } from './errors.ts';
import { fromBase64Strict, toBase64 } from './internal/bytes.ts';
import { type NoteSigner, type NoteVerifier, openNote, signNote } from './signed-note.ts';

const HEADER = 'palisade-audit-prune/v1';

/** A signed statement that entries `[0, before)` were deliberately pruned. */
export interface PruneRecord {
  /** Log origin. */
  readonly origin: string;
  /** The org whose chain was pruned. */
  readonly org: string;
  /** First retained sequence number. */
  readonly before: number;
  /** Leaf hash of entry `before - 1` (the retained chain continues from it). */
  readonly prev: Uint8Array;
  /** Compact-range hashes of `[0, before)`, largest subtree first. */
  readonly frontier: readonly Uint8Array[];
  /** Sequence number of the `audit.prune` entry that logged this prune. */
  readonly eventSeq: number;
}

/** Signs a prune record as a signed note. */
export function signPruneRecord(r: PruneRecord, signer: NoteSigner): string {
  const lines = [
    HEADER,
    r.origin,
    r.org,
    String(r.before),
    toBase64(r.prev),
    String(r.eventSeq),
    ...r.frontier.map((h) => toBase64(h)),
  ];
  return signNote(`${lines.join('\n')}\n`, [signer]);
}

/**
 * Opens a signed prune note.
 *
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_NOTE`, `ERR_AUDIT_SIGNATURE_INVALID`.
 */
export function openPruneRecord(note: string, verifiers: readonly NoteVerifier[]): PruneRecord {
  const { text, verified } = openNote(note, verifiers);
  const first = verifiers[0];
  if (first === undefined || !verified.some((s) => s.name === first.name)) {
    throw new AuditLogError(
      'ERR_AUDIT_SIGNATURE_INVALID',
      'prune record not signed by the log key',
    );
  }
  const bad = (): AuditLogError =>
    new AuditLogError('ERR_AUDIT_MALFORMED_NOTE', 'malformed prune record');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 6 || lines[0] !== HEADER) throw bad();
  const [, origin, org, beforeText, prevText, eventText, ...frontierText] = lines as string[];
  const int = (s: string | undefined): number => {
    if (s === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(s)) throw bad();
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw bad();
    return n;
  };
  const before = int(beforeText);
  const eventSeq = int(eventText);
  const prev = fromBase64Strict(prevText ?? '');
  if (prev === undefined || prev.length !== 32) throw bad();
  const frontier = frontierText.map((t) => {
    const h = fromBase64Strict(t);
    if (h === undefined || h.length !== 32) throw bad();
    return h;
  });
  if (origin === undefined || org === undefined) throw bad();
  return { origin, org, before, prev, frontier, eventSeq };
}

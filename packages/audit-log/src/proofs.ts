import { openCheckpoint } from './checkpoint.ts';
import { AuditLogError } from './errors.ts';
import type { Leaf } from './event.ts';
import { fromBase64Strict, toBase64, utf8DecodeStrict } from './internal/bytes.ts';
import { type LogRecord, parseLogLine } from './log-format.ts';
import { MerkleTree, verifyConsistency, verifyInclusion } from './merkle.ts';
import { openPruneRecord } from './prune-record.ts';
import { type NoteVerifier, parseVerifierKey } from './signed-note.ts';
import type { VerifierInput } from './verifier.ts';

/** A self-contained proof that one entry is in the log. */
export interface EntryProof {
  /** Format version. */
  readonly v: 1;
  /** The stored entry line (leaf bytes, hash, personal values if not erased). */
  readonly line: string;
  /** The entry's sequence number (leaf index). */
  readonly seq: number;
  /** Tree size the proof is against. */
  readonly size: number;
  /** RFC 9162 inclusion path, base64. */
  readonly proof: readonly string[];
  /** The signed checkpoint at `size`. */
  readonly checkpoint: string;
}

/** A proof that a checkpoint extends an older one. */
export interface ConsistencyProofBundle {
  readonly first: number;
  readonly second: number;
  readonly proof: readonly string[];
}

function toText(raw: VerifierInput): string | undefined {
  if (typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return utf8DecodeStrict(raw);
  return undefined;
}

/** Loads the Merkle tree, the entry lines wanted and the last checkpoint from a line stream. */
export async function loadTree(
  lines: AsyncIterable<VerifierInput> | Iterable<VerifierInput>,
  verifiers: readonly NoteVerifier[],
  wantLine?: number,
): Promise<{ tree: MerkleTree; line?: string; checkpoint?: string; checkpointSize: number }> {
  let tree = new MerkleTree();
  let line: string | undefined;
  let checkpoint: string | undefined;
  let checkpointSize = 0;
  let first = true;
  for await (const raw of lines) {
    const text = toText(raw);
    if (text === undefined) break;
    let rec: LogRecord;
    try {
      rec = parseLogLine(text);
    } catch (e) {
      throw new AuditLogError('ERR_AUDIT_CORRUPT', 'the log is corrupt; run verify', { cause: e });
    }
    if (rec.kind === 'prune' && first) {
      const p = openPruneRecord(rec.note, verifiers);
      tree = MerkleTree.fromFrontier(p.before, p.frontier);
    } else if (rec.kind === 'checkpoint') {
      checkpoint = rec.note;
      checkpointSize = tree.size;
    } else if (rec.kind === 'entry') {
      if (rec.leaf.seq !== tree.size) {
        throw new AuditLogError('ERR_AUDIT_CORRUPT', 'the log is corrupt; run verify');
      }
      if (rec.leaf.seq === wantLine) line = text;
      tree.append(rec.leafHash);
    }
    first = false;
  }
  return {
    tree,
    ...(line === undefined ? {} : { line }),
    ...(checkpoint === undefined ? {} : { checkpoint }),
    checkpointSize,
  };
}

/** Builds an {@link EntryProof} for `seq` against the log's latest checkpoint. */
export async function proveEntry(
  lines: AsyncIterable<VerifierInput> | Iterable<VerifierInput>,
  seq: number,
  verifiers: readonly NoteVerifier[],
): Promise<EntryProof> {
  const { tree, line, checkpoint, checkpointSize } = await loadTree(lines, verifiers, seq);
  if (line === undefined) throw new AuditLogError('ERR_AUDIT_NOT_FOUND', `no entry ${seq}`);
  if (checkpoint === undefined || checkpointSize <= seq) {
    throw new AuditLogError(
      'ERR_AUDIT_NOT_FOUND',
      `entry ${seq} is not sealed by a checkpoint yet`,
    );
  }
  return {
    v: 1,
    line,
    seq,
    size: checkpointSize,
    proof: tree.inclusionProof(seq, checkpointSize).map((h) => toBase64(h)),
    checkpoint,
  };
}

/** The result of {@link verifyEntryProof}. */
export interface EntryProofResult {
  /** True when the entry is proven to be in the signed log. */
  readonly ok: boolean;
  /** Why not, when `ok` is false. */
  readonly reason: string;
  /** The proven leaf. */
  readonly leaf?: Leaf;
}

/**
 * Verifies an {@link EntryProof} offline: the line is self-consistent, the
 * checkpoint is signed by a trusted key for `origin`, and the RFC 9162
 * inclusion path leads from the leaf to the signed root.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param proof - The proof (parsed JSON).
 * @param options - Trusted keys and the expected origin.
 * @returns `{ ok, reason, leaf }`; never throws for a bad proof.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY` for bad keys.
 * @example
 * ```ts
 * const r = verifyEntryProof(JSON.parse(text), { verifiers: [vkey], origin });
 * ```
 */
export function verifyEntryProof(
  proof: EntryProof,
  options: { readonly verifiers: readonly (NoteVerifier | string)[]; readonly origin: string },
): EntryProofResult {
  const verifiers = options.verifiers.map((v) => (typeof v === 'string' ? parseVerifierKey(v) : v));
  try {
    if (typeof proof !== 'object' || proof === null || proof.v !== 1) throw new Error('bad proof');
    const rec = parseLogLine(proof.line);
    if (rec.kind !== 'entry' || rec.leaf.seq !== proof.seq) throw new Error('bad entry line');
    const cp = openCheckpoint(proof.checkpoint, verifiers, { expectedOrigin: options.origin });
    if (cp.size !== proof.size) throw new Error('checkpoint size differs from the proof size');
    if (!Array.isArray(proof.proof)) throw new Error('bad path');
    const path = proof.proof.map((p) => {
      const h = typeof p === 'string' ? fromBase64Strict(p) : undefined;
      if (h === undefined) throw new Error('bad path hash');
      return h;
    });
    if (!verifyInclusion(rec.leafHash, proof.seq, proof.size, path, cp.rootHash)) {
      throw new Error('inclusion proof does not verify');
    }
    return { ok: true, reason: 'entry is included in the signed log', leaf: rec.leaf };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : 'invalid proof' };
  }
}

/** Builds a consistency proof between two sizes of the log. */
export async function proveConsistencyFromLines(
  lines: AsyncIterable<VerifierInput> | Iterable<VerifierInput>,
  first: number,
  second: number,
  verifiers: readonly NoteVerifier[],
): Promise<ConsistencyProofBundle> {
  const { tree } = await loadTree(lines, verifiers);
  return {
    first,
    second,
    proof: tree.consistencyProof(first, second).map((h) => toBase64(h)),
  };
}

/**
 * Verifies that signed checkpoint `newer` extends signed checkpoint `older`.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param older - Signed checkpoint note (smaller size).
 * @param newer - Signed checkpoint note.
 * @param proof - Consistency path (base64).
 * @param options - Trusted keys and origin.
 * @returns True only if both are validly signed and the proof verifies.
 * @throws AuditLogError `ERR_AUDIT_EMPTY_TREE_PROOF` when `older` has size 0.
 * @example
 * ```ts
 * verifyCheckpointConsistency(oldNote, newNote, bundle.proof, { verifiers: [vkey], origin });
 * ```
 */
export function verifyCheckpointConsistency(
  older: string,
  newer: string,
  proof: readonly string[],
  options: { readonly verifiers: readonly (NoteVerifier | string)[]; readonly origin: string },
): boolean {
  const verifiers = options.verifiers.map((v) => (typeof v === 'string' ? parseVerifierKey(v) : v));
  let a: ReturnType<typeof openCheckpoint>;
  let b: ReturnType<typeof openCheckpoint>;
  try {
    a = openCheckpoint(older, verifiers, { expectedOrigin: options.origin });
    b = openCheckpoint(newer, verifiers, { expectedOrigin: options.origin });
  } catch {
    return false;
  }
  const path: Uint8Array[] = [];
  for (const p of proof) {
    const h = fromBase64Strict(p);
    if (h === undefined) return false;
    path.push(h);
  }
  return verifyConsistency(a.size, b.size, path, a.rootHash, b.rootHash);
}

// The one stored form of the log, shared by every store and by exports:
// JSON Lines, each line the RFC 8785 canonical JSON of one record.
//   entry:      {"h":<b64 leaf hash>,"leaf":<b64 leaf bytes>[,"side":<sidecar>]}
//   checkpoint: {"checkpoint":<signed C2SP checkpoint note>}
//   prune:      {"prune":<signed prune note>}          (first line only)
import { canonicalize } from './canonical-json.ts';
import { AuditLogError } from './errors.ts';
import {
  commitPersonalField,
  type EncodedEntry,
  type Leaf,
  PERSONAL_FIELDS,
  type PersonalField,
  type PersonalValue,
  type Sidecar,
} from './event.ts';
import { fromBase64Strict, toBase64, utf8DecodeStrict } from './internal/bytes.ts';
import { bytesEqual, hashLeaf } from './internal/hash.ts';

/** A parsed, self-consistent entry line. */
export interface EntryRecord {
  readonly kind: 'entry';
  readonly leafHash: Uint8Array;
  readonly leafBytes: Uint8Array;
  readonly leaf: Leaf;
  readonly sidecar: Sidecar | null;
}

/** A checkpoint line (signature not yet checked). */
export interface CheckpointRecord {
  readonly kind: 'checkpoint';
  readonly note: string;
}

/** A prune line (signature not yet checked). */
export interface PruneRecordLine {
  readonly kind: 'prune';
  readonly note: string;
}

/** Any parsed log line. */
export type LogRecord = EntryRecord | CheckpointRecord | PruneRecordLine;

function corrupt(why: string): AuditLogError {
  return new AuditLogError('ERR_AUDIT_CORRUPT', why);
}

/** Encodes an entry line. */
export function encodeEntryLine(
  leafHash: Uint8Array,
  leafBytes: Uint8Array,
  sidecar: Sidecar | null,
): string {
  return entryLineText(toBase64(leafHash), toBase64(leafBytes), sidecar);
}

/** The entry line of a freshly encoded entry (texts already canonical). */
export function entryLineFromEncoded(enc: EncodedEntry): string {
  return enc.sidecarText === null
    ? `{"h":"${enc.hash64}","leaf":"${enc.leaf64}"}`
    : `{"h":"${enc.hash64}","leaf":"${enc.leaf64}","side":${enc.sidecarText}}`;
}

/**
 * The canonical (RFC 8785) text of an entry line, built directly: base64 needs
 * no escaping and the keys h < leaf < side are already in sorted order.
 */
function entryLineText(h: string, leaf: string, sidecar: unknown): string {
  return sidecar === undefined || sidecar === null
    ? `{"h":"${h}","leaf":"${leaf}"}`
    : `{"h":"${h}","leaf":"${leaf}","side":${canonicalize(sidecar)}}`;
}

/** Encodes a checkpoint line. */
export function encodeCheckpointLine(note: string): string {
  return canonicalize({ checkpoint: note });
}

/** Encodes a prune line. */
export function encodePruneLine(note: string): string {
  return canonicalize({ prune: note });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const LEAF_KEYS = new Set([
  'v',
  'seq',
  'prev',
  'recordedAt',
  'clockBackMs',
  'org',
  'actor',
  'action',
  'target',
  'timestamp',
  'requestId',
  'subject',
  'commit',
]);

function checkLeaf(o: unknown): Leaf {
  if (!isPlainObject(o)) throw corrupt('leaf is not an object');
  for (const k of Object.keys(o)) if (!LEAF_KEYS.has(k)) throw corrupt(`unknown leaf field ${k}`);
  const str = (k: string, optional = false): void => {
    const v = o[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'string') throw corrupt(`leaf field ${k} must be a string`);
  };
  const int = (k: string, optional = false): void => {
    const v = o[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw corrupt(`leaf field ${k} must be a non-negative integer`);
    }
  };
  if (o['v'] !== 1) throw corrupt('unsupported leaf version');
  int('seq');
  int('recordedAt');
  int('clockBackMs', true);
  for (const k of ['prev', 'org', 'actor', 'action', 'target', 'timestamp', 'subject']) str(k);
  str('requestId', true);
  const commit = o['commit'];
  if (commit !== undefined) {
    if (!isPlainObject(commit) || Object.keys(commit).length === 0) throw corrupt('bad commit');
    for (const [k, v] of Object.entries(commit)) {
      if (!(PERSONAL_FIELDS as readonly string[]).includes(k) || typeof v !== 'string') {
        throw corrupt('bad commit field');
      }
    }
  }
  return o as unknown as Leaf;
}

function checkSidecar(side: unknown, leaf: Leaf): Sidecar | null {
  const commit = leaf.commit;
  if (side === undefined) {
    if (commit !== undefined) throw corrupt('personal values missing beside the leaf');
    return null;
  }
  if (commit === undefined) throw corrupt('personal values for a leaf that commits to none');
  if (!isPlainObject(side)) throw corrupt('sidecar is not an object');
  const keys = Object.keys(side);
  if (keys.length === 1 && keys[0] === 'erasedBy') {
    const e = side['erasedBy'];
    if (typeof e !== 'number' || !Number.isSafeInteger(e) || e <= leaf.seq) {
      throw corrupt('bad erasure reference');
    }
    return { erasedBy: e };
  }
  if (keys.length !== 1 || keys[0] !== 'f' || !isPlainObject(side['f'])) {
    throw corrupt('bad sidecar');
  }
  const f = side['f'];
  const fieldsInCommit = Object.keys(commit);
  if (Object.keys(f).length !== fieldsInCommit.length) throw corrupt('sidecar fields differ');
  for (const field of fieldsInCommit as PersonalField[]) {
    const pv = f[field];
    if (!isPlainObject(pv) || Object.keys(pv).length !== 2 || typeof pv['salt'] !== 'string') {
      throw corrupt(`bad personal value for ${field}`);
    }
    if (!('value' in pv)) throw corrupt(`bad personal value for ${field}`);
    const salt = fromBase64Strict(pv['salt']);
    if (salt === undefined || salt.length !== 16) throw corrupt('bad salt');
    const value = (pv as unknown as PersonalValue).value;
    if (commitPersonalField(field, salt, value) !== commit[field]) {
      throw corrupt(`personal field ${field} does not match its commitment`);
    }
  }
  return { f: f as Record<PersonalField, PersonalValue> };
}

/**
 * Parses one stored line and checks everything that one line alone can show:
 * canonical form, leaf hash, leaf shape, personal-field commitments.
 *
 * @throws AuditLogError `ERR_AUDIT_CORRUPT` with the reason.
 */
export function parseLogLine(line: string): LogRecord {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw corrupt('line is not JSON');
  }
  if (!isPlainObject(o)) throw corrupt('line is not a JSON object');
  const keys = Object.keys(o);
  if (
    keys.length === 1 &&
    (typeof o['checkpoint'] === 'string' || typeof o['prune'] === 'string')
  ) {
    let canonical: string;
    try {
      canonical = canonicalize(o);
    } catch {
      throw corrupt('line is not canonical JSON');
    }
    if (canonical !== line) throw corrupt('line is not in canonical form');
    return typeof o['checkpoint'] === 'string'
      ? { kind: 'checkpoint', note: o['checkpoint'] }
      : { kind: 'prune', note: o['prune'] as string };
  }
  const hText = o['h'];
  const leafText64 = o['leaf'];
  const extra = keys.filter((k) => k !== 'h' && k !== 'leaf' && k !== 'side');
  if (typeof hText !== 'string' || typeof leafText64 !== 'string' || extra.length > 0) {
    throw corrupt('unknown line type');
  }
  let canonical: string;
  try {
    canonical = entryLineText(hText, leafText64, o['side']);
  } catch {
    throw corrupt('line is not canonical JSON');
  }
  if (canonical !== line) throw corrupt('line is not in canonical form');
  const h = fromBase64Strict(hText);
  const leafBytes = fromBase64Strict(leafText64);
  if (h === undefined || h.length !== 32 || leafBytes === undefined) throw corrupt('bad base64');
  const leafHash = hashLeaf(leafBytes);
  if (!bytesEqual(leafHash, h)) throw corrupt('leaf hash does not match the leaf');
  const leafText = utf8DecodeStrict(leafBytes);
  if (leafText === undefined) throw corrupt('leaf is not UTF-8');
  let leafObj: unknown;
  try {
    leafObj = JSON.parse(leafText);
  } catch {
    throw corrupt('leaf is not JSON');
  }
  // The leaf's exact bytes are bound by its hash, the chain and the signed root;
  // writers always produce its RFC 8785 form (encodeLeaf).
  const leaf = checkLeaf(leafObj);
  const sidecar = checkSidecar(o['side'], leaf);
  return { kind: 'entry', leafHash, leafBytes, leaf, sidecar };
}

export {
  type CanonicalizeOptions,
  canonicalBytes,
  canonicalize,
  type JsonValue,
} from './canonical-json.ts';
export {
  type Checkpoint,
  formatCheckpoint,
  type OpenCheckpointOptions,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  type VerifiedCheckpoint,
} from './checkpoint.ts';
export {
  type CosignerOptions,
  cosignatureTimestamp,
  cosignerFromSeed,
  cosignerFromSigningKey,
  formatCosignerVerifierKey,
} from './cosignature.ts';
export { AuditLogError, type AuditLogErrorCode, type AuditLogErrorOptions } from './errors.ts';
export {
  type AuditEventInput,
  auditEventSchema,
  commitPersonalField,
  type Leaf,
  PERSONAL_FIELDS,
  type PersonalField,
  type PersonalValue,
  parseAuditEvent,
  type Sidecar,
} from './event.ts';
export { exportCsv } from './export.ts';
export {
  type AppendReceipt,
  type Durability,
  type EraseResult,
  type FileAuditStore,
  type FileStoreOptions,
  openFileStore,
  type PruneResult,
  type TimerPort,
  verifyLogFile,
} from './file-store.ts';
export { leafHash } from './leaf-hash.ts';
export {
  MerkleTree,
  merkleRoot,
  RootAccumulator,
  verifyConsistency,
  verifyInclusion,
} from './merkle.ts';
export {
  type ConsistencyProofBundle,
  type EntryProof,
  type EntryProofResult,
  verifyCheckpointConsistency,
  verifyEntryProof,
} from './proofs.ts';
export {
  cosignNote,
  formatSignerKey,
  formatVerifierKey,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  noteKeyHash,
  noteSignerFromSeed,
  noteSignerFromSigningKey,
  type OpenedNote,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './signed-note.ts';
export {
  type OverlongLine,
  type TornLine,
  type Verdict,
  type VerdictStatus,
  type VerifierInput,
  type VerifyOptions,
  verifyLog,
} from './verifier.ts';

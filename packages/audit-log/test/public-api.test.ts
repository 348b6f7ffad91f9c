import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/audit-log. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = [
  'AuditLogError',
  'MerkleTree',
  'PERSONAL_FIELDS',
  'RootAccumulator',
  'auditEventSchema',
  'canonicalBytes',
  'canonicalize',
  'commitPersonalField',
  'cosignNote',
  'cosignatureTimestamp',
  'cosignerFromSeed',
  'cosignerFromSigningKey',
  'exportCsv',
  'formatCheckpoint',
  'formatCosignerVerifierKey',
  'formatSignerKey',
  'formatVerifierKey',
  'leafHash',
  'merkleRoot',
  'noteKeyHash',
  'noteSignerFromSeed',
  'noteSignerFromSigningKey',
  'openCheckpoint',
  'openFileStore',
  'openNote',
  'parseAuditEvent',
  'parseCheckpoint',
  'parseSignerKey',
  'parseVerifierKey',
  'signCheckpoint',
  'signNote',
  'verifyCheckpointConsistency',
  'verifyConsistency',
  'verifyEntryProof',
  'verifyInclusion',
  'verifyLog',
  'verifyLogFile',
];

describe('@palisade/audit-log public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/audit-log');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

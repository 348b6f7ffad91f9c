import { test } from '@fast-check/vitest';
import { type AuditEventInput, canonicalize, leafHash } from '@palisade/audit-log';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { encodeEntry } from '../src/event.ts';
import { toBase64 } from '../src/internal/bytes.ts';

// The writers build leaf and sidecar texts directly; they must be exactly the
// RFC 8785 canonicalisation of the leaf and sidecar objects.

/** Values canonical JSON can represent (no lone surrogates, no unsafe integers). */
const representable = (v: unknown): boolean => {
  try {
    canonicalize(v);
    return true;
  } catch {
    return false;
  }
};
const str = fc.string({ unit: 'binary', maxLength: 16 }).filter(representable);
const arbEvent: fc.Arbitrary<AuditEventInput> = fc.record(
  {
    org: str,
    actor: str,
    action: str,
    target: str,
    timestamp: str,
    requestId: str,
    subject: str,
    actorEmail: str,
    ip: str,
    userAgent: str,
    details: fc.jsonValue({ maxDepth: 3 }).filter(representable),
  },
  { requiredKeys: ['org', 'actor', 'action', 'target'] },
) as fc.Arbitrary<AuditEventInput>;

describe('entry encoding', () => {
  test.prop([
    arbEvent,
    fc.nat({ max: 2 ** 40 }),
    fc.nat({ max: 2 ** 45 }),
    fc.nat({ max: 10_000 }),
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
  ])(
    'directly built leaf and sidecar texts equal the RFC 8785 canonicalisation of the leaf and sidecar objects',
    (event, seq, recordedAt, back, prev) => {
      let k = 0;
      const salt = (): Uint8Array => new Uint8Array(16).fill(k++);
      const enc = encodeEntry(event, seq, toBase64(prev), recordedAt, back, salt);
      expect(enc.leafText).toBe(canonicalize(enc.leaf));
      expect(enc.sidecarText).toBe(enc.sidecar === null ? null : canonicalize(enc.sidecar));
      const bytes = new TextEncoder().encode(enc.leafText);
      expect(enc.leaf64).toBe(toBase64(bytes));
      expect(enc.hash64).toBe(toBase64(leafHash(bytes)));
    },
  );
});

import { test } from '@fast-check/vitest';
import {
  AuditLogError,
  canonicalize,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  verifyLog,
} from '@palisade/audit-log';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { ORIGIN, signer } from './helpers.ts';

const vkey = `${signer.name}+${signer.keyHash.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([1]), Buffer.from(signer.publicKey)]).toString('base64')}`;

function typedOrNone(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(AuditLogError.isInstance(e)).toBe(true);
  }
}

describe('hostile input (properties)', () => {
  test.prop([
    fc.array(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 300 }), fc.json()), { maxLength: 8 }),
  ])(
    'any sequence of arbitrary lines or bytes yields a verdict (never a throw), and a non-empty one is never OK',
    async (lines) => {
      const v = await verifyLog(lines, { verifiers: [vkey], origin: ORIGIN });
      expect(typeof v.status).toBe('string');
      if (lines.length > 0) expect(v.ok).toBe(false);
    },
  );

  test.prop([fc.string({ unit: 'binary' }), fc.anything()])(
    'note, checkpoint, key and canonical-JSON parsers reject any input with a typed error or accept it, never crash',
    (s, any) => {
      typedOrNone(() => openNote(s, [parseVerifierKey(vkey)]));
      typedOrNone(() => parseCheckpoint(s));
      typedOrNone(() => parseVerifierKey(s));
      typedOrNone(() => canonicalize(any));
    },
  );
});

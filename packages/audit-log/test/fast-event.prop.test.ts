import { test } from '@fast-check/vitest';
import { auditEventSchema, parseAuditEvent } from '@palisade/audit-log';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { fastParseEvent } from '../src/internal/fast-event.ts';

// The append path's fast event check must accept only events the zod schema
// accepts, returning the same data; everything else goes to the schema.

const anyString = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('', 'a', 'user:1', 'x'.repeat(256), 'x'.repeat(257), 'audit.prune', 'a b'),
);
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('256.1.1.1', '01.2.3.4', '1.2.3', ''));
const value = fc.oneof(
  anyString,
  ip,
  fc.integer(),
  fc.double(),
  fc.constant(undefined),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(new Date(0)),
  fc.constant(Object.assign([], { 2: 1 })),
  fc.constant([1, undefined, 3]),
);
const key = fc.constantFrom(
  'org',
  'actor',
  'action',
  'target',
  'timestamp',
  'requestId',
  'subject',
  'actorEmail',
  'ip',
  'userAgent',
  'details',
  'extra',
);
const arbInput = fc.oneof(
  fc.dictionary(key, value),
  fc.record(
    {
      org: anyString,
      actor: anyString,
      action: fc.oneof(anyString, fc.stringMatching(/^[a-z.:/_-]{1,10}$/)),
      target: anyString,
      requestId: anyString,
      subject: anyString,
      actorEmail: anyString,
      ip,
      userAgent: anyString,
      details: fc.oneof(fc.jsonValue({ maxDepth: 3 }), value),
    },
    { requiredKeys: ['org', 'actor', 'action', 'target'] },
  ),
);

describe('event validation fast path (differential against the zod schema)', () => {
  test.prop([arbInput], { numRuns: 2000 })(
    'the fast event check accepts only events the zod schema accepts, with the same data, and never changes parseAuditEvent results',
    (input) => {
      const fast = fastParseEvent(input);
      const zod = auditEventSchema.safeParse(input);
      if (fast !== undefined) {
        expect(zod.success).toBe(true);
        if (zod.success) expect(fast).toEqual(zod.data);
      }
      let viaParse: unknown;
      try {
        viaParse = parseAuditEvent(input);
      } catch (e) {
        viaParse = (e as { code?: string }).code;
      }
      if (!zod.success) expect(viaParse).toBe('ERR_AUDIT_INVALID_ARGUMENT');
      else if (zod.data.action.startsWith('audit.'))
        expect(viaParse).toBe('ERR_AUDIT_RESERVED_ACTION');
      else expect(viaParse).toEqual(zod.data);
    },
  );

  test.prop([fc.jsonValue({ maxDepth: 3 })])(
    'an accepted event is a copy: changing the caller object afterwards does not change it',
    (details) => {
      const input = { org: 'o', actor: 'u:1', action: 'a.b', target: 't', details: { d: details } };
      const ev = parseAuditEvent(input);
      const before = JSON.stringify(ev);
      input.details.d = 'changed';
      (input as Record<string, unknown>)['target'] = 'other';
      expect(JSON.stringify(ev)).toBe(before);
    },
  );
});

import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type EgressContext, parsePolicy, prepareEgress, RedactionError } from '../src/index.ts';
import { arbDoc } from './arbitraries.ts';

const arbPath = fc.constantFrom(
  '.env',
  'src/app.ts',
  'config/.env.local',
  'keys/server.pem',
  'secrets/prod.yaml',
  'README.md',
  '/home/alice/proj/notes.md',
  'C:\\Users\\bob\\proj\\id_rsa',
  'logs/app.log',
);

const arbContext: fc.Arbitrary<EgressContext> = fc.record({
  files: fc.array(
    fc.record({
      path: arbPath,
      content: arbDoc().map((d) => `${d.text}\nby alice at /home/alice`),
    }),
    {
      maxLength: 5,
    },
  ),
  messages: fc.array(
    arbDoc().map((d) => d.text),
    { maxLength: 3 },
  ),
});

const consent = {
  grantedBy: 'alice@example.com',
  grantedAt: '2026-01-01T00:00:00Z',
  scope: ['*'],
  expiresAt: '2027-01-01T00:00:00Z',
};
const opts = { now: Date.parse('2026-06-01T00:00:00Z'), usernames: ['alice'] };

test.prop([arbContext])(
  'mode ordering holds for any input: off releases nothing, and whatever redacted releases full releases too',
  (context) => {
    let offError: unknown;
    try {
      prepareEgress(parsePolicy({ mode: 'off' }), context, opts);
    } catch (e) {
      offError = e;
    }
    expect(RedactionError.isInstance(offError) && offError.code).toBe(
      'ERR_REDACTION_EGRESS_DISABLED',
    );

    const redacted = prepareEgress(parsePolicy({ mode: 'redacted' }), context, opts);
    const full = prepareEgress(parsePolicy({ mode: 'full', consent }), context, opts);
    // Every file redacted mode releases, full mode releases.
    const fullFiles = new Map(full.files.map((f) => [f.index, f]));
    for (const f of redacted.files) {
      const g = fullFiles.get(f.index);
      expect(g).toBeDefined();
      // Full mode replaces a subset of what redacted mode replaces.
      const redactedSpans = new Set(f.replaced.map((x) => `${x.start}:${x.end}`));
      for (const x of g?.replaced ?? [])
        expect(redactedSpans.has(`${x.start}:${x.end}`)).toBe(true);
    }
    expect(full.files.length).toBeGreaterThanOrEqual(redacted.files.length);
    expect(full.redactions).toBeLessThanOrEqual(redacted.redactions);
    // No never-leave file and no credential leaves in either mode.
    expect(full.dropped.map((d) => d.index)).toEqual(redacted.dropped.map((d) => d.index));
  },
);

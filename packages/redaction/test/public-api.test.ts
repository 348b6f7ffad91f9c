import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/redaction. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = [
  'RedactionError',
  // redaction, policy and egress
  'DEFAULT_MAX_WINDOW',
  'DEFAULT_NEVER_LEAVE',
  'DEFAULT_SENSITIVE_KEYS',
  'USER_MASK',
  'createEgressTransform',
  'createLogRedactor',
  'createObjectRedactor',
  'createRedactTransform',
  'createRedactionStream',
  'createVault',
  'maskPaths',
  'neverLeaveGlobs',
  'parsePolicy',
  'prepareEgress',
  'redactObject',
  'redactPath',
  'redactText',
  'safeParsePolicy',
  'sanitizeError',
  'toClientError',
  // scanner
  'createScanner',
  'fingerprintSecret',
  'listRules',
  'scan',
];

describe('@palisade/redaction public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/redaction');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NEVER_LEAVE,
  neverLeaveGlobs,
  parsePolicy,
  RedactionError,
  safeParsePolicy,
} from '../src/index.ts';

function invalid(input: unknown): RedactionError {
  const r = safeParsePolicy(input);
  if (r.success) throw new Error('expected the policy to be rejected');
  return r.error;
}

describe('parsePolicy', () => {
  it('defaults to mode off with the default never-leave globs', () => {
    const p = parsePolicy();
    expect(p.mode).toBe('off');
    expect(p.version).toBe(1);
    expect(p.paths.useDefaults).toBe(true);
    expect(neverLeaveGlobs(p)).toEqual([...DEFAULT_NEVER_LEAVE]);
    expect(p.detectors).toEqual({ secrets: true, pii: true, disabledRules: [] });
    expect(p.allowCredentialsInFullMode).toEqual({ paths: [], rules: [] });
    expect(p.consent).toBeUndefined();
  });

  it('returns a deeply frozen policy', () => {
    const p = parsePolicy({ mode: 'redacted', paths: { neverLeave: ['private/**'] } });
    expect(Object.isFrozen(p)).toBe(true);
    expect(Object.isFrozen(p.paths)).toBe(true);
    expect(Object.isFrozen(p.paths.neverLeave)).toBe(true);
    expect(neverLeaveGlobs(p)).toContain('private/**');
  });

  it('accepts a full policy with consent, custom rules and explicit credentials', () => {
    const p = parsePolicy({
      mode: 'full',
      paths: { neverLeave: ['vault/**'], useDefaults: false },
      detectors: { pii: false, disabledRules: ['email'] },
      allowList: { values: ['AKIAIOSFODNN7EXAMPLE'], fingerprints: ['abc'] },
      customRules: [{ id: 'acme-key', pattern: 'acme_[a-z0-9]{20}', keywords: ['acme_'] }],
      consent: {
        grantedBy: 'alice@example.com',
        grantedAt: '2026-01-01T00:00:00Z',
        scope: ['cloud-assist'],
        expiresAt: '2026-12-31T00:00:00Z',
      },
      allowCredentialsInFullMode: { paths: ['.env.example'], rules: ['aws-access-key-id'] },
    });
    expect(neverLeaveGlobs(p)).toEqual(['vault/**']);
    expect(p.customRules[0]?.id).toBe('acme-key');
  });

  it('rejects an invalid policy with ERR_REDACTION_INVALID_POLICY naming the bad field path', () => {
    const cases: Array<[unknown, string]> = [
      [{ mode: 'public' }, '"mode"'],
      [{ paths: { neverLeave: ['ok', 7] } }, '"paths.neverLeave[1]"'],
      [{ detectors: { pii: 'yes' } }, '"detectors.pii"'],
      [{ customRules: [{ id: 'x', pattern: '(' }] }, '"customRules[0].pattern"'],
      [{ customRules: [{ id: 'Bad Id', pattern: 'a' }] }, '"customRules[0].id"'],
      [
        {
          consent: {
            grantedBy: 'a',
            grantedAt: '2026-02-01T00:00:00Z',
            scope: ['x'],
            expiresAt: '2026-01-01T00:00:00Z',
          },
        },
        '"consent.expiresAt"',
      ],
      [
        { consent: { grantedBy: 'a', grantedAt: 'yesterday', scope: ['x'], expiresAt: 'x' } },
        '"consent.grantedAt"',
      ],
      [{ mode: 'redacted', unknownField: true }, '(root)'],
      ['not an object', '(root)'],
    ];
    for (const [input, path] of cases) {
      const err = invalid(input);
      expect(RedactionError.isInstance(err)).toBe(true);
      expect(err.code).toBe('ERR_REDACTION_INVALID_POLICY');
      expect(err.message).toContain(path);
      expect(() => parsePolicy(input)).toThrow(err.message);
    }
  });

  it('never echoes a rejected value in the error message', () => {
    const secret = 'ghp_notAllowedHereBecauseItIsASecretValue1';
    const err = invalid({ allowList: { values: [secret], fingerprints: 5 }, mode: secret });
    expect(err.message).not.toContain(secret);
    expect(JSON.stringify(err)).not.toContain(secret);
    expect(String(err.stack)).not.toContain(secret);
  });
});

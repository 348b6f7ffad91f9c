import { describe, expect, it } from 'vitest';
import { type EgressContext, parsePolicy, prepareEgress, RedactionError } from '../src/index.ts';

const AWS = 'AKIAZ7ROTATEME2345QQ';
const PG_PASSWORD = 'pgS3cretPassw0rd42';
const context: EgressContext = {
  files: [
    { path: '.env', content: `AWS_ACCESS_KEY_ID=${AWS}\n` },
    { path: 'config/prod.pem', content: '-----BEGIN PRIVATE KEY-----\n...\n' },
    {
      path: 'src/db.ts',
      content: `// log: connecting to postgres://app:${PG_PASSWORD}@db:5432/app from /home/alice/proj\nexport const owner = 'bob@example.com';\n`,
    },
  ],
  messages: [`why does /Users/alice/proj fail with key ${AWS}?`],
};

const consent = {
  grantedBy: 'alice@example.com',
  grantedAt: '2026-01-01T00:00:00Z',
  scope: ['cloud-assist'],
  expiresAt: '2026-06-01T00:00:00Z',
};
const inside = { now: Date.parse('2026-03-01T00:00:00Z'), scope: 'cloud-assist', usernames: [] };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (RedactionError.isInstance(e)) return e.code;
    throw e;
  }
  throw new Error('expected a RedactionError');
}

describe('prepareEgress', () => {
  it('off mode (the default) refuses all egress with ERR_REDACTION_EGRESS_DISABLED', () => {
    expect(codeOf(() => prepareEgress(parsePolicy(), context))).toBe(
      'ERR_REDACTION_EGRESS_DISABLED',
    );
    expect(codeOf(() => prepareEgress(parsePolicy({ mode: 'off' }), { files: [] }))).toBe(
      'ERR_REDACTION_EGRESS_DISABLED',
    );
  });

  it('redacted mode drops never-leave files, replaces secrets and PII, and masks home paths', () => {
    const out = prepareEgress(parsePolicy({ mode: 'redacted' }), context, { usernames: [] });
    expect(out.mode).toBe('redacted');
    expect(out.dropped.map((d) => d.path)).toEqual(['.env', 'config/prod.pem']);
    expect(out.files.map((f) => f.path)).toEqual(['src/db.ts']);
    const db = out.files[0]?.content ?? '';
    expect(db).not.toContain(PG_PASSWORD);
    expect(db).toContain('/home/<user>/proj');
    expect(db).not.toContain('alice');
    expect(db).not.toContain('bob@example.com');
    expect(db).toMatch(/<secret:[a-z0-9-]+#1>/);
    expect(out.messages[0]).toBe(
      `why does /Users/<user>/proj fail with key ${out.messages[0]?.match(/<secret:[^>]+>/)?.[0]}?`,
    );
    expect(out.messages[0]).not.toContain(AWS);
    expect(out.redactions).toBeGreaterThanOrEqual(3);
  });

  it('redacted mode masks the current user name given in options wherever it appears', () => {
    const out = prepareEgress(
      parsePolicy({ mode: 'redacted' }),
      { messages: ['build by alice7 in D:\\work; alice7-tools untouched? alice7.'] },
      { usernames: ['alice7'] },
    );
    expect(out.messages[0]).toBe('build by <user> in D:\\work; alice7-tools untouched? <user>.');
  });

  it('full mode without a recorded, unexpired, in-scope consent is refused with ERR_REDACTION_CONSENT_REQUIRED', () => {
    const none = parsePolicy({ mode: 'full' });
    const withConsent = parsePolicy({ mode: 'full', consent });
    expect(codeOf(() => prepareEgress(none, context, inside))).toBe(
      'ERR_REDACTION_CONSENT_REQUIRED',
    );
    expect(
      codeOf(() => prepareEgress(withConsent, context, { ...inside, scope: 'telemetry' })),
    ).toBe('ERR_REDACTION_CONSENT_REQUIRED');
    expect(
      codeOf(() =>
        prepareEgress(withConsent, context, { ...inside, now: Date.parse('2026-06-01T00:00:00Z') }),
      ),
    ).toBe('ERR_REDACTION_CONSENT_REQUIRED');
    expect(
      codeOf(() =>
        prepareEgress(withConsent, context, { ...inside, now: Date.parse('2025-12-31T00:00:00Z') }),
      ),
    ).toBe('ERR_REDACTION_CONSENT_REQUIRED');
    expect(prepareEgress(withConsent, context, inside).mode).toBe('full');
  });

  it('full mode with consent releases paths and PII but still never releases credentials', () => {
    const out = prepareEgress(parsePolicy({ mode: 'full', consent }), context, inside);
    expect(out.dropped.map((d) => d.path)).toEqual(['.env', 'config/prod.pem']);
    const db = out.files[0]?.content ?? '';
    expect(db).toContain('/home/alice/proj');
    expect(db).toContain('bob@example.com');
    expect(db).not.toContain(PG_PASSWORD);
    expect(out.messages[0]).not.toContain(AWS);
  });

  it('full mode releases a credential only when the policy names it explicitly', () => {
    const policy = parsePolicy({
      mode: 'full',
      consent: { ...consent, scope: ['*'] },
      allowCredentialsInFullMode: { paths: ['.env'], rules: ['aws-access-key-id'] },
    });
    const out = prepareEgress(policy, context, inside);
    expect(out.dropped.map((d) => d.path)).toEqual(['config/prod.pem']);
    expect(out.files[0]?.content).toBe(`AWS_ACCESS_KEY_ID=${AWS}\n`);
    expect(out.files[1]?.content).not.toContain(PG_PASSWORD);
    // The same names do nothing in redacted mode.
    const redacted = prepareEgress({ ...policy, mode: 'redacted' }, context, inside);
    expect(redacted.dropped.map((d) => d.path)).toContain('.env');
    expect(redacted.messages[0]).not.toContain(AWS);
  });

  it('the default never-leave globs match env files, keys and credential stores in any directory', () => {
    const paths = [
      '.env',
      'apps/web/.env.local',
      '/home/alice/proj/.env.production',
      'C:\\Users\\bob\\proj\\certs\\server.key',
      'deploy/tls.pem',
      '.ssh/id_rsa',
      'home/.ssh/id_ed25519.pub',
      '.aws/credentials',
      'secrets/db.yaml',
      'infra/secrets/prod/token.txt',
      'gcp-credentials.json',
      '.npmrc',
      '.git-credentials',
      'terraform.tfstate',
    ];
    const out = prepareEgress(
      parsePolicy({ mode: 'redacted' }),
      { files: paths.map((path) => ({ path, content: 'x' })) },
      { usernames: [] },
    );
    expect(out.files.map((f) => f.path)).toEqual([]);
    expect(out.dropped).toHaveLength(paths.length);
    const kept = prepareEgress(
      parsePolicy({ mode: 'redacted' }),
      {
        files: ['src/env.ts', 'README.md', 'docs/secrets.md.txt/x', 'keyboard.ts'].map((path) => ({
          path,
          content: 'x',
        })),
      },
      { usernames: [] },
    );
    expect(kept.dropped.map((d) => d.path)).toEqual([]);
  });

  it('never changes the context it was given', () => {
    const copy = structuredClone(context);
    prepareEgress(parsePolicy({ mode: 'redacted' }), context, { usernames: [] });
    prepareEgress(parsePolicy({ mode: 'full', consent }), context, inside);
    expect(context).toEqual(copy);
  });

  it('rejects malformed arguments with TypeError', () => {
    const p = parsePolicy({ mode: 'redacted' });
    expect(() => prepareEgress(p, null as never)).toThrow(TypeError);
    expect(() => prepareEgress(p, { files: [{ path: 1, content: '' }] } as never)).toThrow(
      TypeError,
    );
    expect(() => prepareEgress({} as never, {})).toThrow(TypeError);
    expect(() => prepareEgress(p, {}, { now: Number.NaN })).toThrow(TypeError);
  });
});

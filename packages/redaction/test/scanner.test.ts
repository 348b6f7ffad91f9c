import { describe, expect, it } from 'vitest';
import { RedactionError } from '../src/errors.ts';
import { createScanner, fingerprintSecret, listRules, scan } from '../src/scanner.ts';
import { githubToken, palisadeToken, rng } from './corpus/generate.ts';
import { FAMILY_NEGATIVES } from './corpus/realistic.ts';

const AWS_ID = ['AKIA', 'Q3EGRTYUZXCVBN2M'].join('');

describe('scanner basics', () => {
  it('finds an AWS access key id with a span covering exactly the key', () => {
    const text = `aws_access_key_id = ${AWS_ID}\n`;
    const [f, ...rest] = scan(text);
    expect(rest).toEqual([]);
    expect(f?.ruleId).toBe('aws-access-key-id');
    expect(text.slice(f?.start, f?.end)).toBe(AWS_ID);
    expect(f?.fingerprint).toBe(fingerprintSecret(AWS_ID));
    expect(f?.fingerprint).not.toContain(AWS_ID);
  });

  it('takes a password with an unencoded @ up to the last @ before the host', () => {
    const text = 'psql "postgresql://admin:P@ssw0rd!@db.internal:5432/app?sslmode=require"';
    const fs = scan(text, { detectors: ['secret'] });
    expect(fs.map((f) => [f.ruleId, text.slice(f.start, f.end)])).toEqual([
      ['uri-postgres-password', 'P@ssw0rd!'],
    ]);
  });

  it('reports only the password of a credential-bearing postgres URI', () => {
    const text = 'DATABASE_URL=postgres://app:Zq9-vT4x!pL@db.internal:5432/app';
    const fs = scan(text, { detectors: ['secret'] });
    expect(fs.map((f) => [f.ruleId, text.slice(f.start, f.end)])).toEqual([
      ['uri-postgres-password', 'Zq9-vT4x!pL'],
    ]);
  });

  it('does not flag a key binding under a key name', () => {
    expect(scan('{"key": "ctrl+shift+down", "command": "cursorDown"}')).toEqual([]);
  });

  it('explains that a key binding was rejected as a placeholder', () => {
    const text = '{"key": "ctrl+shift+down"}';
    const ex = createScanner().explain(text);
    expect(ex.some((e) => e.outcome === 'placeholder' && e.reason.includes('key binding'))).toBe(
      true,
    );
  });

  it('honours allow-listed values, fingerprints and inline palisade:allow comments', () => {
    const text = `a = ${AWS_ID}`;
    expect(createScanner({ allow: { values: [AWS_ID] } }).scan(text)).toEqual([]);
    expect(
      createScanner({ allow: { fingerprints: [fingerprintSecret(AWS_ID)] } }).scan(text),
    ).toEqual([]);
    expect(scan(`${text} # palisade:allow`)).toEqual([]);
    expect(scan(`${text}\n# palisade:allow`)).toHaveLength(1);
  });

  it('rejects a custom rule whose regex has nested quantifiers with ERR_REDACTION_INVALID_RULE', () => {
    let caught: unknown;
    try {
      createScanner({ rules: [{ id: 'acme-key', pattern: '(a+)+b' }] });
    } catch (e) {
      caught = e;
    }
    expect(RedactionError.isInstance(caught)).toBe(true);
    expect((caught as RedactionError).code).toBe('ERR_REDACTION_INVALID_RULE');
  });

  it('runs a safe custom rule near its keyword and reports its named group', () => {
    const s = createScanner({
      rules: [{ id: 'acme-key', pattern: 'acme_(?<s>[a-z0-9]{24})', keywords: ['acme_'] }],
    });
    const text = 'key: acme_q8d3kz0m1x7p2v9w4r6t5y0c';
    const [f] = s.scan(text);
    expect(f?.ruleId).toBe('acme-key');
    expect(text.slice(f?.start, f?.end)).toBe('q8d3kz0m1x7p2v9w4r6t5y0c');
  });

  it('throws TypeError for a non-string text', () => {
    expect(() => scan(42 as unknown as string)).toThrow(TypeError);
  });

  it('ships at least 220 distinct secret rule ids', () => {
    const ids = new Set(
      listRules()
        .filter((r) => r.kind === 'secret')
        .map((r) => r.id),
    );
    expect(ids.size).toBeGreaterThanOrEqual(220);
  });

  it('flags a GitHub token only when its CRC-32 checksum matches, and explains a failed check', () => {
    const token = githubToken(rng(11), 'ghp');
    expect(scan(`t=${token}`).map((f) => f.ruleId)).toEqual(['github-pat']);
    const broken = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const s = createScanner({ generic: false });
    expect(s.scan(`t ${broken}`)).toEqual([]);
    const ex = s.explain(`t ${broken}`);
    expect(ex.some((e) => e.ruleId === 'github-pat' && e.outcome === 'validator-failed')).toBe(
      true,
    );
    expect(JSON.stringify(ex)).not.toContain(broken);
  });

  it('flags a Palisade token only when its CRC-32 check over prefix and body matches', () => {
    const token = palisadeToken(rng(5), 'palk');
    expect(scan(`PALISADE=${token}`).map((f) => f.ruleId)).toEqual(['palisade-token']);
    const body = token.slice(0, -6);
    expect(createScanner({ generic: false }).scan(`x ${body}000000 y`)).toEqual([]);
  });

  it('flags a JWT only when its header decodes to JSON with an alg', () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const payload = enc({ sub: 'u1', iat: 1700000000 });
    const good = `${enc({ alg: 'HS256', typ: 'JWT' })}.${payload}.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OQ`;
    const bad = `${enc({ typ: 'JWT', kid: 'k1' })}.${payload}.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OQ`;
    const s = createScanner({ generic: false });
    expect(s.scan(`id_token ${good}`).map((f) => f.ruleId)).toEqual(['jwt']);
    expect(s.scan(`id_token ${bad}`)).toEqual([]);
  });

  it('reports the ADO.NET Password= value only inside a connection string', () => {
    const cs =
      'Server=tcp:db.example.net,1433;Database=app;User ID=app;Password=Vq8#kL2!xZ9m;Encrypt=True';
    const [f] = createScanner({ generic: false }).scan(cs);
    expect(f?.ruleId).toBe('adonet-password');
    expect(cs.slice(f?.start, f?.end)).toBe('Vq8#kL2!xZ9m');
  });

  it('says no-candidate for a range no rule looked at', () => {
    const [e] = createScanner().explain('just some words', 0, 4);
    expect(e?.outcome).toBe('no-candidate');
    expect(e?.ruleId).toBeNull();
  });

  it('does not flag a provider-named value whose name says it is an id, URL or public value', () => {
    const s = createScanner();
    expect(s.scan('heroku_app_id = 01234567-89ab-4def-8123-456789abcdef')).toEqual([]);
    expect(s.scan('DATADOG_SITE_URL=https://app.datadoghq.eu')).toEqual([]);
  });

  it('reads a password from an XML element', () => {
    const text = '<password>Tr0ub4dor&amp;3</password>';
    const [f] = scan(text, { detectors: ['secret'] });
    expect(f?.ruleId).toBe('generic-password');
    expect(text.slice(f?.start, f?.end)).toBe('Tr0ub4dor&amp;3');
  });

  it('finds secrets inside JSON-escaped strings of structured logs', () => {
    const line =
      '{"level":"info","msg":"config {\\"db_password\\": \\"Qz8!vK3#pL\\", \\"HEROKU_API_KEY\\": \\"0f8fad5b-d9cb-469f-a165-70867728950e\\"}"}';
    expect(line).toContain('\\"db_password\\"');
    const fs = createScanner({ detectors: ['secret'] }).scan(line);
    expect(fs.map((f) => [f.ruleId, line.slice(f.start, f.end)])).toEqual([
      ['generic-password', 'Qz8!vK3#pL'],
      ['heroku-api-key', '0f8fad5b-d9cb-469f-a165-70867728950e'],
    ]);
  });

  it('reads command-line flags such as --password value and --token=value', () => {
    const s = createScanner({ detectors: ['secret'] });
    const a = 'mysqldump --password Hq7#zP2!mW9 --user app';
    const b = 'deploy --token=Zr8Kq2LmP0xV7bN4cT6y';
    expect(s.scan(a).map((f) => a.slice(f.start, f.end))).toEqual(['Hq7#zP2!mW9']);
    expect(s.scan(b).map((f) => b.slice(f.start, f.end))).toEqual(['Zr8Kq2LmP0xV7bN4cT6y']);
  });

  it('does not flag SSH public keys assigned to key names', () => {
    const s = createScanner({ detectors: ['secret'] });
    const pub =
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl deploy@ci';
    expect(s.scan(`authorized_key: "${pub}"`)).toEqual([]);
    expect(s.scan('"key": "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA5Jc3PQ9xPw"')).toEqual([]);
  });

  it('does not flag a PEM private-key block whose body is a placeholder', () => {
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n-----END RSA PRIVATE KEY-----';
    expect(scan(pem, { detectors: ['secret'] })).toEqual([]);
  });
});

describe('passphrases and command-line passwords', () => {
  const secrets = createScanner({ detectors: ['secret'] });
  const spans = (text: string) => secrets.scan(text).map((f) => text.slice(f.start, f.end));

  it('flags passphrases with blanks and wallet mnemonics under password names, quoted or alone on their line', () => {
    expect(spans('password = "correct horse battery staple"')).toEqual([
      'correct horse battery staple',
    ]);
    expect(spans('PASSWORD="my secret phrase"')).toEqual(['my secret phrase']);
    expect(spans('SMTP_PASSWORD=tiger lily moon river')).toEqual(['tiger lily moon river']);
    expect(spans('  passphrase: Velvet hammer glacier 42')).toEqual(['Velvet hammer glacier 42']);
    expect(spans('  password: tiger lily moon river # rotated in May')).toEqual([
      'tiger lily moon river',
    ]);
    const words12 =
      'abandon ability able about above absent absorb abstract absurd abuse access accident';
    expect(spans(`WALLET_MNEMONIC="${words12}"`)).toEqual([words12]);
    expect(spans(`  seed_phrase: ${words12}`)).toEqual([words12]);
    // A bare value followed by a command is not a passphrase: only the value is flagged.
    expect(spans('PGPASSWORD=Xk9mQ2vL7zT psql -h db -U app')).toEqual(['Xk9mQ2vL7zT']);
  });

  it('does not flag prose, UI labels or translations under password names', () => {
    // The corpus's generic hard negatives under password, passphrase and mnemonic names.
    const negatives = (FAMILY_NEGATIVES['generic'] ?? []).filter((t) =>
      /pass|mnemonic|phrase/i.test(t),
    );
    expect(negatives).toContain('"password": "Mot de passe"');
    expect(negatives.length).toBeGreaterThan(15);
    for (const text of negatives) expect(secrets.scan(text), text).toEqual([]);
  });

  it('flags passwords on mysql, psql, curl, sshpass, redis-cli, htpasswd and similar command lines', () => {
    const cases: [string, string, string][] = [
      ['mysql -h db -u root -pS3cr3t-Pass shop', 'cli-mysql-password', 'S3cr3t-Pass'],
      ['mysqldump --password=S3cr3t-Pass --all-databases', 'cli-mysql-password', 'S3cr3t-Pass'],
      ["mariadb -uapp -p'my pass phrase' app", 'cli-mysql-password', 'my pass phrase'],
      ['mysql -u root \\\n  -pS3cr3t-Pass shop', 'cli-mysql-password', 'S3cr3t-Pass'],
      [
        'psql "host=db user=app password=S3cr3t-Pass dbname=app"',
        'cli-psql-password',
        'S3cr3t-Pass',
      ],
      [
        'curl -sS -u deploy:S3cr3t-Pass https://api.example.com',
        'cli-curl-user-password',
        'S3cr3t-Pass',
      ],
      ['sshpass -p S3cr3t-Pass ssh root@10.0.0.5', 'cli-sshpass-password', 'S3cr3t-Pass'],
      ['redis-cli -h cache -a S3cr3t-Pass ping', 'cli-redis-cli-password', 'S3cr3t-Pass'],
      ['htpasswd -nbB admin S3cr3t-Pass >> users', 'cli-htpasswd-password', 'S3cr3t-Pass'],
      [
        'htpasswd -b -c /etc/nginx/.htpasswd admin S3cr3t-Pass',
        'cli-htpasswd-password',
        'S3cr3t-Pass',
      ],
      ['docker login -u ci -p S3cr3t-Pass ghcr.io', 'cli-docker-login-password', 'S3cr3t-Pass'],
      ["echo 'S3cr3t-Pass' | sudo -S true", 'cli-echo-password-pipe', 'S3cr3t-Pass'],
      ['openssl rsa -in k.pem -passin pass:S3cr3t-Pass', 'cli-openssl-passphrase', 'S3cr3t-Pass'],
    ];
    for (const [text, ruleId, secret] of cases) {
      const found = secrets.scan(text).map((f) => [f.ruleId, text.slice(f.start, f.end)]);
      expect(found, text).toEqual([[ruleId, secret]]);
    }
  });

  it('does not flag password prompts, stdin, files or environment references on command lines', () => {
    // The corpus's command-line hard negatives: `mysql -p` alone, `--password-stdin`,
    // `-passin env:`, `$VAR` values, `-storepass changeit`, `net user alice *`...
    const negatives = FAMILY_NEGATIVES['cli'] ?? [];
    expect(negatives.length).toBeGreaterThan(40);
    for (const text of negatives) expect(secrets.scan(text), text).toEqual([]);
  });
});

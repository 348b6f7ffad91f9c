// Realistic secret-free lines (logs, code, config) and hand-written hard
// negatives per rule family: the shapes that fool naive scanners.
import type { Rng } from './generate.ts';
import { draw, rng } from './generate.ts';

const ts = (r: Rng): string =>
  `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}T0${Math.floor(r() * 9)}:${draw(r, 'd', 2).replace(/^[6-9]/, '5')}:${draw(r, 'd', 2).replace(/^[6-9]/, '1')}.${draw(r, 'd', 3)}Z`;
const uuid = (r: Rng): string => {
  const h = draw(r, 'h', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};

const BENIGN: readonly ((r: Rng) => string)[] = [
  (r) =>
    `${ts(r)} INFO  [req ${uuid(r)}] GET /api/v1/users/${draw(r, 'd', 5)} 200 ${draw(r, 'd', 2)}ms`,
  (r) => `${ts(r)} DEBUG cache hit key=user:${draw(r, 'd', 6)}:profile ttl=300`,
  (r) => `${ts(r)} INFO  deployed commit ${draw(r, 'h', 40)} to production`,
  (r) =>
    `${ts(r)} WARN  retrying https://api.${draw(r, 'w', 7)}.com/v2/items?page=${draw(r, 'd', 2)} (attempt 2)`,
  (r) => `${ts(r)} INFO  loaded config from /etc/${draw(r, 'w', 6)}/config.yaml`,
  (r) => `${ts(r)} ERROR token expired for session ${uuid(r)}; asking the user to sign in again`,
  (r) => `${ts(r)} INFO  password reset requested for account ${draw(r, 'd', 7)}`,
  (r) => `    image: ghcr.io/acme/api@sha256:${draw(r, 'h', 64)}`,
  (r) => `      "integrity": "sha512-${draw(r, 'b', 86)}==",`,
  (r) => `etag: "${draw(r, 'h', 32)}"`,
  () => 'const token = process.env.GITHUB_TOKEN;',
  () => 'password = os.environ["DB_PASSWORD"]',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
  () => '        api_key: ${{ secrets.API_KEY }}',
  (r) =>
    `  { "key": "ctrl+shift+${draw(r, 'w', 1)}", "command": "editor.action.${draw(r, 'w', 8)}" },`,
  (r) => `const maxTokens = ${draw(r, 'd', 4)};`,
  () => '  token_type: "bearer",',
  () => 'if (!apiKey) throw new Error("missing api key: set ACME_API_KEY");',
  () => 'passwordInput.type = "password";',
  () => 'const secretName = "prod/db/password";',
  () => 'import { createHash, randomBytes } from "node:crypto";',
  (r) => `git checkout ${draw(r, 'h', 40)}`,
  (r) => `const requestId = "${uuid(r)}";`,
  (r) => `url: https://github.com/${draw(r, 'w', 6)}/${draw(r, 'w', 8)}.git`,
  (r) => `version: 1.${draw(r, 'd', 1)}.${draw(r, 'd', 2)}`,
  () => '  "password": "<your-password>",',
  (r) => `const digest = "${draw(r, 'h', 64)}";`,
  (r) =>
    `secret_ref: arn:aws:secretsmanager:us-east-1:${draw(r, 'd', 12)}:secret:prod/db-${draw(r, 'a', 6)}`,
  (r) => `  "publicKey": "${draw(r, 'b', 43)}=",`,
  (r) => `background: url(data:image/png;base64,${draw(r, 'b', 120)});`,
  () => 'def get_password(self) -> str: return self._password',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
  () => 'DB_PASSWORD=${DB_PASSWORD:?required}',
  () => 'export API_TOKEN="$(vault kv get -field=token secret/ci)"',
  () => 'const auth = { username: user, password: pass };',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
  () => 'headers: { Authorization: `Bearer ${accessToken}` },',
  (r) => `  keybindings: ["cmd+k cmd+${draw(r, 'w', 1)}"]`,
  () => 'TOKEN_URL=https://auth.example.com/oauth/token',
  () => 'postgres://localhost:5432/app_development',
  () => 'redis://cache.internal:6379/0',
  (r) => `${ts(r)} INFO  connected to mongodb+srv://cluster0.${draw(r, 'w', 5)}.mongodb.net/app`,
  () => 'SECRET_KEY_BASE=changeme',
  () => 'api_key = "YOUR_API_KEY_HERE"',
  () => 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
  () => 'stripe.api_key = "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx"',
  () => '-----BEGIN PUBLIC KEY-----',
  () => '-----BEGIN CERTIFICATE-----',
  () => 'WWW-Authenticate: Basic realm="staging"',
  () => 'The basic idea is simple; the bearer of this note is trusted.',
  (r) =>
    `  "lockfileVersion": 3, "resolved": "https://registry.npmjs.org/${draw(r, 'w', 6)}/-/${draw(r, 'w', 6)}-1.0.0.tgz"`,
  (r) => `checksum = "${draw(r, 'h', 64)}"`,
  (r) => `cache_key: deps-${draw(r, 'h', 40)}`,
  () => 'private_key_path = "~/.ssh/id_ed25519"',
  () => 'token_file: /var/run/secrets/kubernetes.io/serviceaccount/token',
  () => 'key_id: "kms-key-2024"',
  (r) => `session_id=${uuid(r)}`,
  () => 'sort_key: "createdAt"',
  (r) => `${ts(r)} INFO  user alice logged in from web (mfa=true)`,
  () => 'for (const [key, value] of Object.entries(config)) {',
  () => '    monkey_patch = True',
  () => 'let passed = tests.filter((t) => t.pass).length;',
  () => 'const author = "Jane Doe";',
];

/** `n` secret-free realistic lines, deterministic for a seed. */
export function benignLines(n: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const f = BENIGN[Math.floor(r() * BENIGN.length)] as (r: Rng) => string;
    out.push(f(r));
  }
  return out;
}

/** Hand-written hard negatives, by family. */
export const FAMILY_NEGATIVES: Readonly<Record<string, readonly string[]>> = {
  generic: [
    '{"key": "ctrl+shift+down"}',
    'key: "alt+f4"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
    'password: ${DB_PASSWORD}',
    'password = process.env.DB_PASSWORD',
    'secret = os.environ["APP_SECRET"]',
    'token: "{{ .Values.token }}"',
    'api_key = "<your-api-key>"',
    'password: changeme',
    'client_secret: "xxxxxxxxxxxxxxxxxxxxxxxx"',
    'token = getToken(user)',
    'request_token: 550e8400-e29b-41d4-a716-446655440000',
    'commit_token = "9fceb02d0ae598e95dc970b74767f19372d61af8"',
    'password_hash = "$2b$12$KIXQJkYzQ3VwZ3B1c2hMZeX8xXWlm3jz6lQ0u1y3J5d6w7x8y9z0a"',
    'secret_file: /etc/app/secret.json',
    'auth_url: https://login.example.com/oauth2/authorize',
    'passwordField: "password"',
    'token_count: 4096',
    'key: user_profile_cache',
    'secret: "This is not a secret, it is a sentence."',
    'api_key: os.getenv("API_KEY")',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
    'password=${{ secrets.DB_PASSWORD }}',
    'password: "********"',
    'secret_name = "prod-db-credentials"',
    'auth: "required"',
    'tokenizer = AutoTokenizer.from_pretrained("gpt2")',
    'public_key = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="',
    'key = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"',
    'secret_version: 3',
    'token = Bearer',
    'passphrase: ""',
    'password: "Enter your password"',
    '"password": "Password must be at least 8 characters"',
    'password = "Show password"',
    '"password": "Mot de passe"',
    '"password": "Contraseña"',
    'password: "Forgot your password?"',
    'passphrase: "Enter a passphrase to unlock the key"',
    'password: "Invalid username or password"',
    '  password: Enter your password',
    'PASSWORD: "New password"',
    'password: "Passwords do not match"',
    "'password' => 'Wachtwoord',",
    '"passwordHint": "three random words"',
    'password_prompt = "Type the passphrase and press enter"',
    'passphrase: "Label:"',
    '  password: must contain a digit and a symbol',
    'PGPASSWORD=$PGPASS psql -h db -U app',
  ],
  cli: [
    'mysql -u root -p shop',
    'mysql -h db.internal -u root -p',
    'mysql -uroot -p"$MYSQL_ROOT_PASSWORD" app',
    'mysql --password -h db app',
    'mysql -P 3306 -h 127.0.0.1 -u root -p',
    'mysqldump --defaults-extra-file=/run/secrets/my.cnf --all-databases',
    'curl -u admin https://api.example.com/v1/status',
    'curl --user-agent "Mozilla/5.0 (X11; Linux x86_64)" https://example.com',
    'curl -u "$API_USER:$API_PASSWORD" https://api.example.com',
    'curl --negotiate -u : https://intranet.example.com',
    'sshpass -e ssh deploy@host',
    'sshpass -f ~/.ssh/pw.txt scp a.tgz host:/tmp',
    'sshpass -p "$SSHPASS" ssh root@host',
    'redis-cli --askpass -h cache',
    'redis-cli -h cache -p 6379 ping',
    'redis-cli -a $REDIS_PASSWORD --no-auth-warning info',
    'htpasswd -c /etc/nginx/.htpasswd admin',
    'htpasswd -D /etc/nginx/.htpasswd olduser',
    'docker login -u ci --password-stdin ghcr.io',
    'docker login registry.example.com',
    'echo "$CR_PAT" | docker login ghcr.io -u bot --password-stdin',
    'sqlcmd -S db -E -Q "SELECT 1"',
    'sqlcmd -S db -U sa -P "$SA_PASSWORD"',
    'smbclient -N -L //fileserver',
    'smbclient //fs/share -U alice',
    'ldapsearch -x -D cn=admin,dc=example,dc=org -W -b dc=example,dc=org',
    'ldapsearch -x -y /run/secrets/ldap.pw -b dc=example,dc=org',
    'openssl rsa -in key.pem -passin env:KEY_PASS -out plain.pem',
    'openssl pkcs12 -export -passout file:/run/secrets/p12 -out c.p12',
    'openssl req -new -key k.pem -passin stdin',
    'keytool -list -keystore $JAVA_HOME/lib/security/cacerts -storepass changeit',
    'keytool -genkeypair -keystore ks.jks -storepass:env STORE_PASS',
    'unzip -o release.zip -d /opt/app',
    '7z x archive.7z -o/tmp/out',
    'xfreerdp /v:host /u:admin /cert:ignore',
    'rdesktop -u admin -p - 10.0.0.5',
    'ipmitool -I lanplus -H bmc -U ADMIN -E power status',
    'mongosh --username admin --password --authenticationDatabase admin',
    'mongodump --uri "$MONGO_URI" --out /backup',
    'sqlplus / as sysdba',
    'sqlplus /nolog @setup.sql',
    'net user alice * /add',
    'net user alice /delete',
    'rabbitmqctl list_users',
    'psexec \\\\host -s cmd /c ipconfig',
    'mosquitto_sub -h broker -t "sensors/#" -v',
    'psql "host=db user=app dbname=app sslmode=require"',
    'pg_dump -h db -U backup -Fc prod > prod.dump',
    'wget --user=deploy --ask-password https://artifacts.example.com/a.tgz',
    'echo "deploy finished" | tee -a deploy.log',
    'sudo -S true < /dev/null',
  ],
  uri: [
    'postgres://localhost:5432/app',
    'mongodb+srv://cluster0.abcde.mongodb.net/app?retryWrites=true',
    'https://user@github.com/org/repo.git',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
    'redis://:${REDIS_PASSWORD}@redis:6379',
    'postgresql://app:password@localhost/app',
    'jdbc:postgresql://db:5432/app?user=app',
    'Server=db;Database=app;Trusted_Connection=True;',
    'https://example.com:8443/path?x=1',
    'Authorization: Basic realm',
  ],
  keys: [
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl user@host',
    '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
    'eyJhbGciOiJub25lIn0 is only a header',
  ],
  cloud: [
    'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'AIzaSyDUMMYDUMMYDUMMY',
    'heroku_app_id = 01234567-89ab-cdef-0123-456789abcdef',
  ],
  vcs: [
    'ghp_000000000000000000000000000000000000',
    'see github_pat_ docs for fine grained tokens',
    'glpat-xxxxxxxxxxxxxxxxxxxx',
  ],
  payment: [
    'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
    'pk_live_51H8abcdEFGHijklMNOPqrstUVWX',
    'card ending 4242',
  ],
  ai: [
    'sk-proj-xxxxxxxxxxxxxxxxxxxx',
    'sk-ant-api03-EXAMPLE',
    'hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  ],
  chat: [
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'xoxb-your-bot-token',
  ],
  pii: [
    'contact us at support@[domain]',
    'npm i @scope/pkg@1.2.3',
    'version 10.0.0.1-beta',
    'the call took 555-1234 ms',
    'card 4111 1111 1111 1112',
  ],
};

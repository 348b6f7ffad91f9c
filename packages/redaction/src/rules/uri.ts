import type { RuleDefinition } from './types.ts';
import { windowed } from './types.ts';
import { validAdoNetContext, validBasicCredentials } from './validators.ts';

const USER = '[^\\s:@/?#\'"<>]{0,128}';
// An unencoded `@` inside the password (`P@ssw0rd`) is common: the password
// runs to the last `@` before the host (greedy, bounded, no `/` or blank).
const PASS = '[^\\s/?\'"<>]{1,256}';

// `scheme://user:password@host`: the span is the password only.
const uri = (id: string, description: string, schemes: readonly string[]): RuleDefinition =>
  windowed(
    'uri',
    id,
    description,
    schemes.map((s) => `${s}://`),
    `(?<![A-Za-z0-9+.-])(?:${schemes.map((s) => s.replace(/[+.]/g, '\\$&')).join('|')})://${USER}:(?<s>${PASS})@(?=[A-Za-z0-9[._-])`,
    0,
    420,
  );

/** Credential-bearing URIs and connection strings. */
export const uriRules: readonly RuleDefinition[] = [
  uri('uri-postgres-password', 'Password in a postgres:// connection URI', [
    'postgres',
    'postgresql',
    'postgis',
    'cockroachdb',
    'timescaledb',
  ]),
  uri('uri-mysql-password', 'Password in a mysql:// / mariadb:// URI', [
    'mysql',
    'mariadb',
    'mysql+pymysql',
    'mysql+mysqldb',
    'mysqlx',
  ]),
  uri('uri-mongodb-password', 'Password in a mongodb:// or mongodb+srv:// URI', [
    'mongodb',
    'mongodb+srv',
  ]),
  uri('uri-redis-password', 'Password in a redis:// / rediss:// URI', [
    'redis',
    'rediss',
    'valkey',
  ]),
  uri('uri-amqp-password', 'Password in an amqp:// / amqps:// URI', ['amqp', 'amqps']),
  uri('uri-mssql-password', 'Password in a sqlserver:// / mssql:// URI', [
    'sqlserver',
    'mssql',
    'mssql+pyodbc',
  ]),
  uri('uri-ftp-password', 'Password in an ftp:// / sftp:// URI', ['ftp', 'ftps', 'sftp']),
  uri('uri-smtp-password', 'Password in an smtp:// URI', ['smtp', 'smtps']),
  uri('uri-ldap-password', 'Password in an ldap:// URI', ['ldap', 'ldaps']),
  uri('uri-http-password', 'Password in an http(s)://user:password@ URL', ['http', 'https']),
  uri('uri-clickhouse-password', 'Password in a clickhouse:// URI', ['clickhouse']),
  uri('uri-couchbase-password', 'Password in a couchbase:// URI', ['couchbase', 'couchbases']),
  uri('uri-nats-password', 'Password in a nats:// / kafka:// URI', ['nats', 'kafka']),
  uri('uri-ssh-password', 'Password in an ssh:// / git+ssh:// URI', [
    'ssh',
    'git+ssh',
    'git+https',
  ]),
  uri('uri-cloudinary-secret', 'API secret in a cloudinary:// URL', ['cloudinary']),
  uri('uri-sentry-legacy-secret', 'Sentry legacy DSN secret', ['sentry']),
  windowed(
    'uri',
    'uri-credentials',
    'Password in any other scheme://user:password@host URI',
    ['://'],
    `(?<=(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]{1,30})://${USER}:(?<s>${PASS})@(?=[A-Za-z0-9[._-])`,
    0,
    420,
    { confidence: 'medium' },
  ),
  windowed(
    'uri',
    'jdbc-password',
    'password= property in a JDBC URL',
    ['jdbc:'],
    `jdbc:[a-z0-9]{2,20}:[^\\s'"]{0,300}?[;?&:]password=(?<s>[^;&\\s'"]{1,128})`,
    0,
    460,
    { caseInsensitive: true },
  ),
  windowed(
    'uri',
    'jdbc-oracle-password',
    'user/password in a JDBC Oracle thin URL',
    ['jdbc:oracle:thin:'],
    'jdbc:oracle:thin:[A-Za-z0-9_$#]{1,64}/(?<s>[^@\\s\'"/]{1,128})@',
    0,
    220,
  ),
  windowed(
    'uri',
    'adonet-password',
    'Password= / Pwd= in an ADO.NET connection string',
    ['password=', 'pwd=', 'password =', 'pwd ='],
    `(?<=(?:^|[;"'\\n])[ \\t]{0,3})(?:Password|Pwd)\\s{0,3}=\\s{0,3}(?<s>[^;'"\\s][^;'"\\r\\n]{0,127})(?![^;'"\\r\\n])`,
    0,
    150,
    { caseInsensitive: true, validate: validAdoNetContext },
  ),
  windowed(
    'uri',
    'basic-auth-header',
    'HTTP Basic credentials (base64 user:password)',
    ['basic '],
    '(?<![A-Za-z])[Bb]asic\\s{1,3}(?<s>[A-Za-z0-9+/]{8,300}={0,2})(?![A-Za-z0-9+/=])',
    0,
    320,
    { validate: (s) => validBasicCredentials(s) },
  ),
  windowed(
    'uri',
    'bearer-token',
    'HTTP Bearer token',
    ['bearer '],
    '(?<![A-Za-z])[Bb]earer\\s{1,3}(?<s>[A-Za-z0-9._~+/-]{20,2000}={0,2})(?![A-Za-z0-9._~+/=-])',
    0,
    2020,
    { confidence: 'medium', minEntropy: 3.5 },
  ),
  windowed(
    'uri',
    'netrc-password',
    'password entry of a .netrc machine line',
    ['machine '],
    '(?<![A-Za-z])machine\\s{1,4}[^\\s]{1,200}\\s{1,4}login\\s{1,4}[^\\s]{1,200}\\s{1,4}password\\s{1,4}(?<s>[^\\s]{1,200})',
    0,
    640,
  ),
];

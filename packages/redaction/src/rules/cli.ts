import type { RuleDefinition } from './types.ts';
import { windowed } from './types.ts';

// Passwords given on a command line (shell history, CI logs, Dockerfiles,
// READMEs). Each rule is anchored at the command name and reads its
// arguments up to the end of the command (a newline that is not escaped,
// `|`, `;` or `&`), then the tool's documented password option. Only forms
// that carry the value are matched: `mysql -p` alone (prompt), `--password-stdin`,
// `-W` (prompt), `-E` (environment) and `$VAR` values are not.

/** The rest of the command before an option: bounded, `\`-newline continuations allowed. */
const ARGS = '[ \\t](?:[^\\n|;&\\\\]|\\\\[\\s\\S]){0,240}?(?<=\\s)';

/**
 * An option value, optionally quoted; the span excludes the quotes. `guard`
 * is a lookahead a bare value must pass, for options whose value is optional
 * (`mongosh --password --host db` prompts: `--host` is the next option).
 */
const val = (guard = ''): string =>
  `['"]?(?<s>(?<=')[^'\\n]{3,128}(?=')|(?<=")[^"\\n]{3,128}(?=")|(?<!['"])${guard}[^\\s'"|;&<>\`]{3,128})`;
/** A bare value that is not the next option (`--name`, `-x` followed by a blank or `=`). */
const NOT_AN_OPTION = '(?!-{1,2}[A-Za-z][A-Za-z-]{0,40}(?:[\\s=]|$))';
const VAL = val();

/**
 * A positional value that may start with `-` only after a word that does not
 * (htpasswd stops reading options at its first positional argument).
 */
const LAST_ARG = `['"]?(?<s>(?<=')[^'\\n]{3,128}(?=')|(?<=")[^"\\n]{3,128}(?=")|(?<!['"])(?:(?!-)|(?<=[^\\s-][^\\s]{0,200}[ \\t]{1,4}))[^\\s'"|;&<>\`]{3,128})`;

/** Left edge of a command name: start of text, a blank, a path separator, quote, `(` or `$(`. */
const CMD_EDGE = '(?<![\\w.-])';

const cli = (
  id: string,
  description: string,
  keywords: readonly string[],
  pattern: string,
  before = 0,
): RuleDefinition =>
  windowed('cli', id, description, keywords, pattern, before, 720, { confidence: 'high' });

/** `<command> ... <option><value>`: the usual shape. */
const option = (
  id: string,
  description: string,
  keywords: readonly string[],
  command: string,
  opt: string,
  value: string = VAL,
): RuleDefinition =>
  cli(id, description, keywords, `${CMD_EDGE}(?:${command})(?:\\.exe)?${ARGS}(?:${opt})${value}`);

/** Passwords on command lines of database clients, transfer tools and admin CLIs. */
export const cliRules: readonly RuleDefinition[] = [
  option(
    'cli-mysql-password',
    'MySQL / MariaDB client password (-pSECRET, --password=SECRET)',
    ['mysql', 'mariadb'],
    '(?:mysql|mariadb)(?:dump|admin|import|check|show|slap|pump|binlog|sh|-dump|-admin|-import|-check|-show|-binlog)?',
    '-p|--password=',
  ),
  cli(
    'cli-curl-user-password',
    'curl -u / --user user:password',
    ['curl'],
    `${CMD_EDGE}curl(?:\\.exe)?${ARGS}(?:-[uU][ \\t]{0,4}|--(?:proxy-)?user(?:=|[ \\t]{1,4}))['"]?[^\\s:'"]{0,128}:(?<s>[^\\s'"]{3,128})`,
  ),
  option('cli-sshpass-password', 'sshpass -p password', ['sshpass'], 'sshpass', '-p[ \\t]{0,4}'),
  option(
    'cli-redis-cli-password',
    'redis-cli -a / --pass password',
    ['redis-cli', 'valkey-cli', 'keydb-cli'],
    '(?:redis|valkey|keydb)-cli',
    '(?:-a|--pass)[ \\t]{1,4}',
  ),
  cli(
    'cli-htpasswd-password',
    'htpasswd -b (batch mode) password argument (the last argument of the command)',
    ['htpasswd'],
    `${CMD_EDGE}htpasswd(?:\\.exe)?(?=[^\\n|;&]{0,240}?[ \\t]-[a-zA-Z]{0,5}b)${ARGS}${LAST_ARG}['"]?(?=[ \\t]{0,4}(?:[\\r\\n|;&)>]|$))`,
  ),
  cli(
    'cli-docker-login-password',
    'docker / podman / helm registry login -p / --password',
    [
      'docker login',
      'podman login',
      'buildah login',
      'skopeo login',
      'nerdctl login',
      'oras login',
      'helm registry login',
      'helm repo add',
    ],
    `${CMD_EDGE}(?:(?:docker|podman|buildah|skopeo|nerdctl|oras|helm registry) login|helm repo add)${ARGS}(?:-p[ \\t]{1,4}|--password(?:=|[ \\t]{1,4}))${VAL}`,
  ),
  option(
    'cli-sqlcmd-password',
    'sqlcmd / bcp / osql -P password',
    ['sqlcmd', 'bcp', 'osql'],
    'sqlcmd|bcp|osql',
    '-P[ \\t]{0,4}',
  ),
  cli(
    'cli-smbclient-password',
    'smbclient / rpcclient -U user%password',
    ['smbclient', 'rpcclient', 'smbcacls', 'smbget'],
    `${CMD_EDGE}(?:smbclient|rpcclient|smbcacls|smbget)(?:\\.exe)?${ARGS}(?:-U[ \\t]{0,4}|--user(?:=|[ \\t]{1,4}))['"]?[^\\s%'"]{1,128}%(?<s>[^\\s'"]{3,128})`,
  ),
  option(
    'cli-ldap-bind-password',
    'OpenLDAP client -w bind password',
    [
      'ldapsearch',
      'ldapadd',
      'ldapmodify',
      'ldapdelete',
      'ldappasswd',
      'ldapwhoami',
      'ldapcompare',
      'ldapmodrdn',
      'ldapexop',
    ],
    'ldap(?:search|add|modify|delete|passwd|whoami|compare|modrdn|exop)',
    '-w[ \\t]{0,4}',
  ),
  cli(
    'cli-openssl-passphrase',
    'OpenSSL -passin / -passout / -pass pass:secret',
    ['pass:'],
    '(?<=\\s-(?:passin|passout|pass|password)[ \\t]{1,4}[\'"]?)pass:(?<s>[^\\s\'"|;&<>`]{3,128})',
  ),
  cli(
    'cli-keytool-password',
    'keytool / jarsigner -storepass / -keypass',
    ['storepass', 'keypass'],
    `(?<=\\s-(?:src|dest)?)(?:store|key)pass[ \\t]{1,4}${VAL}`,
  ),
  option(
    'cli-zip-password',
    'zip / unzip -P password',
    ['zip', 'unzip'],
    '(?:un)?zip',
    '-P[ \\t]{1,4}',
  ),
  option(
    'cli-7z-rar-password',
    '7-Zip / RAR -pPASSWORD',
    ['7z', 'rar', 'unrar'],
    '7z[arz]?|(?:un)?rar',
    '-p',
  ),
  option(
    'cli-rdp-password',
    'xfreerdp /p:password, rdesktop -p password',
    ['xfreerdp', 'wlfreerdp', 'sdl-freerdp', 'freerdp', 'rdesktop'],
    '(?:x|wl|sdl-)?freerdp3?|rdesktop',
    '/p:|-p[ \\t]{1,4}',
  ),
  option(
    'cli-ipmitool-password',
    'ipmitool -P password',
    ['ipmitool'],
    'ipmitool',
    '-P[ \\t]{0,4}',
  ),
  option(
    'cli-mongo-password',
    'mongosh / mongo tools -p / --password',
    ['mongo'],
    'mongo(?:sh|dump|restore|export|import|stat|top|files)?',
    '-p[ \\t]{1,4}|--password(?:=|[ \\t]{1,4})',
    val(NOT_AN_OPTION),
  ),
  cli(
    'cli-db-client-password',
    'cqlsh / clickhouse-client / influx / vsql password option',
    ['cqlsh', 'clickhouse', 'influx', 'vsql'],
    `${CMD_EDGE}(?:cqlsh(?:\\.py)?${ARGS}(?:-p|--password)|clickhouse(?:-client| client)${ARGS}--password|influx${ARGS}-password|vsql${ARGS}-w)(?:=|[ \\t]{1,4})${VAL}`,
  ),
  cli(
    'cli-sqlplus-password',
    'Oracle sqlplus / rman / expdp user/password@db',
    ['sqlplus', 'rman', 'expdp', 'impdp', 'sqlldr'],
    `${CMD_EDGE}(?:sqlplus|rman|expdp|impdp|sqlldr)(?:\\.exe)?[ \\t]{1,4}(?:-[sSlL][ \\t]{1,4})?(?:(?:target|catalog)[ \\t]{1,4})?(?:userid=)?['"]?[A-Za-z0-9_$#]{1,64}/(?<s>[^\\s@/'"]{3,128})(?=[@ \\t'"]|$)`,
  ),
  cli(
    'cli-net-user-password',
    'Windows net user <name> <password>',
    ['net user'],
    `${CMD_EDGE}net user[ \\t]{1,4}['"]?[^\\s/'"]{1,64}['"]?[ \\t]{1,4}${val('(?!/)')}`,
  ),
  cli(
    'cli-rabbitmqctl-password',
    'rabbitmqctl add_user / change_password <name> <password>',
    ['rabbitmqctl'],
    `${CMD_EDGE}rabbitmqctl(?:\\.bat)?(?:[ \\t]{1,4}-[nq][ \\t]{0,4}[^\\s-][^\\s]{0,100})?[ \\t]{1,4}(?:add_user|change_password)[ \\t]{1,4}['"]?[^\\s'"]{1,64}['"]?[ \\t]{1,4}${VAL}`,
  ),
  option(
    'cli-psexec-password',
    'PsExec / PAExec -p password',
    ['psexec', 'paexec'],
    'psexec(?:64)?|paexec',
    '-p[ \\t]{1,4}',
  ),
  option(
    'cli-mosquitto-password',
    'mosquitto_pub / mosquitto_sub -P password',
    ['mosquitto_'],
    'mosquitto_(?:pub|sub|rr)',
    '-P[ \\t]{1,4}|--pw[ \\t]{1,4}',
  ),
  cli(
    'cli-psql-password',
    'password= in a libpq connection string given to psql / pg_dump / pg_restore',
    [
      'psql',
      'pg_dump',
      'pg_restore',
      'pg_basebackup',
      'pgbench',
      'pg_isready',
      'createdb',
      'dropdb',
    ],
    `${CMD_EDGE}(?:psql|pg_dump(?:all)?|pg_restore|pg_basebackup|pgbench|pg_isready|createdb|dropdb)(?:\\.exe)?${ARGS}(?:(?:-d|--dbname)(?:=|[ \\t]{1,4}))?['"]?password[ \\t]{0,2}=[ \\t]{0,2}'?(?<s>(?<=')[^'\\n]{3,128}(?=')|(?<!')[^\\s'"|;&<>\`]{3,128})`,
  ),
  cli(
    'cli-lftp-password',
    'lftp -u user,password',
    ['lftp'],
    `${CMD_EDGE}lftp(?:\\.exe)?${ARGS}(?:-u|--user)[ \\t]{1,4}['"]?[^\\s,'"]{1,128},(?<s>[^\\s'"]{3,128})`,
  ),
  option('cli-openssl-enc-key', 'openssl enc -k password', ['openssl'], 'openssl', '-k[ \\t]{1,4}'),
  option(
    'cli-az-login-password',
    'az login -p / --password',
    ['az login'],
    'az login',
    '-p[ \\t]{1,4}|--password(?:=|[ \\t]{1,4})',
  ),
  option(
    'cli-snmp-password',
    'Net-SNMP v3 -A auth / -X privacy passphrase',
    ['snmp'],
    'snmp(?:walk|get|getnext|set|bulkwalk|bulkget|table|trap|inform|status|df|delta|netstat)',
    '-[AX][ \\t]{0,4}',
  ),
  cli(
    'cli-wifi-password',
    'nmcli ... password <psk>, wpa_passphrase <ssid> <psk>',
    ['nmcli', 'wpa_passphrase'],
    `${CMD_EDGE}(?:nmcli${ARGS}(?:password|wifi-sec\\.psk)[ \\t]{1,4}|wpa_passphrase[ \\t]{1,4}['"]?[^\\s'"]{1,64}['"]?[ \\t]{1,4})${VAL}`,
  ),
  option(
    'cli-wget-password',
    'wget --password / --http-password / --ftp-password',
    ['wget'],
    'wget2?',
    '--(?:http-|ftp-|proxy-)?password(?:=|[ \\t]{1,4})',
  ),
  cli(
    'cli-echo-password-pipe',
    'a password echoed into sudo -S or docker login --password-stdin',
    ['sudo', '--password-stdin'],
    `${CMD_EDGE}echo[ \\t]{1,4}(?:-[ne][ \\t]{1,4})?${VAL}['"]?[ \\t]{0,4}\\|[ \\t]{0,4}(?:sudo[ \\t]{1,4}(?:-k[ \\t]{1,4})?-S|(?:docker|podman|nerdctl|helm registry) login[^\\n|;&]{0,160}?--password-stdin)`,
    200,
  ),
];

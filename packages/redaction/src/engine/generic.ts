// The generic-secret stage: `name = value` assignments whose name says
// "password/secret/token/key" and whose value survives structural rejection
// and scoring. Hand-written parsing (no regex backtracking), linear in the
// size of the assignment.
import type { FindingConfidence } from '../finding.ts';
import type { Candidate, CandidateSink } from './candidate.ts';
import { isPlaceholder } from './candidate.ts';
import { shannon } from './checks.ts';

/** Keywords that start the generic stage (lower case). */
export const GENERIC_KEYWORDS: readonly string[] = [
  'pass',
  'pwd',
  'secret',
  'token',
  'key',
  'auth',
  'credential',
  'mnemonic',
  'phrase',
];

type NameClass = 'password' | 'secret' | 'weak';

const PASSWORD_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pass',
  'pw',
  'passwort',
  'contrasena',
  'senha',
  'motdepasse',
]);
const SECRET_WORDS = new Set([
  'secret',
  'secrets',
  'token',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'authtoken',
  'accesstoken',
  'refreshtoken',
  'clientsecret',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'sessionkey',
  'bearer',
]);
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'signing',
  'encryption',
  'master',
  'client',
  'auth',
  'app',
  'application',
  'service',
  'license',
  'admin',
  'webhook',
  'hmac',
  'jwt',
  'session',
  'consumer',
  'account',
  'integration',
  'storage',
  'deploy',
  'ingest',
  'write',
  'server',
  'cookie',
  'crypt',
  'cipher',
  'aes',
]);
const NEGATIVE_LAST = new Set([
  'type',
  'types',
  'count',
  'len',
  'length',
  'size',
  'url',
  'uri',
  'urls',
  'endpoint',
  'path',
  'file',
  'filename',
  'dir',
  'name',
  'id',
  'ids',
  'field',
  'label',
  'hint',
  'placeholder',
  'prompt',
  'policy',
  'min',
  'max',
  'limit',
  'expiry',
  'expires',
  'expiration',
  'ttl',
  'timeout',
  'header',
  'enabled',
  'required',
  'format',
  'hash',
  'hashed',
  'digest',
  'regex',
  'pattern',
  'mode',
  'method',
  'version',
  'fingerprint',
  'sha',
  'checksum',
  'mask',
  'reset',
  'changed',
  'at',
  'ms',
  'seconds',
  'rounds',
  'cost',
  'usage',
  'budget',
  'tokens',
  'index',
  'idx',
  'prefix',
  'suffix',
  'ref',
  'reference',
  'provider',
  'source',
  'location',
  'store',
  'manager',
  'service',
  'kind',
  'algorithm',
  'alg',
  'strength',
  'rules',
  'validation',
  'error',
  'errors',
  'message',
  'text',
  'description',
  'title',
  'color',
  'icon',
  'button',
  'input',
  'class',
  'style',
  'env',
  'var',
  'variable',
  'param',
  'arg',
  'flag',
  'option',
  'helper',
  'handler',
  'callback',
  'fn',
  'func',
  'bindings',
  'binding',
  'shortcut',
  'code',
  'codes',
  'map',
  'set',
  'list',
  'cache',
  'column',
  'col',
  'table',
  'query',
  'sql',
  'hint',
  'storage',
  'salt',
  'iv',
  'nonce',
  'kid',
  'slot',
  'event',
  'events',
  'status',
  'state',
  'scope',
  'scopes',
  'audience',
  'issuer',
  'endpoint',
  'host',
  'port',
  'user',
  'username',
  'login',
  'email',
  'owner',
  'public',
  'pub',
  'cert',
  'certificate',
  'display',
  'visible',
  'show',
  'toggle',
  'strategy',
  'check',
  'verify',
  'valid',
  'validator',
  'test',
  'tests',
  'example',
  'sample',
  'mock',
  'fake',
  'dummy',
  'spec',
]);
const NEGATIVE_ANY = new Set([
  'public',
  'pub',
  'keyboard',
  'keybinding',
  'keybindings',
  'keymap',
  'hotkey',
  'keystroke',
  'keypress',
  'keydown',
  'keyup',
  'tokenizer',
  'tokenize',
  'tokenized',
  'max',
  'author',
  'authors',
  'authority',
  'oauth2',
  'passport',
  'passage',
  'passenger',
  'bypass',
  'compass',
  'password_hash',
  'forgot',
  'hash',
  'hashed',
  'sha256',
  'sha1',
  'md5',
  'digest',
  'commit',
  'etag',
  'integrity',
  'monkey',
  'turkey',
  'donkey',
  'hockey',
  'jockey',
  'whiskey',
  'lookup',
  'primary',
  'foreign',
  'partition',
  'sort',
  'cache',
  'idempotency',
  'dedup',
  'csrf',
  'xsrf',
  'pagination',
  'cursor',
  'next',
  'continuation',
  'sync',
  'page',
  'request',
  'trace',
  'correlation',
  'i18n',
  'translation',
  'locale',
  'react',
  'vue',
  'props',
]);

function splitWords(ident: string): string[] {
  const spaced = ident
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  return spaced.split(/[^a-z0-9]+/).filter((w) => w.length > 0);
}

/**
 * True when an assignment name describes metadata about a credential rather
 * than the credential (`HEROKU_APP_ID`, `STRIPE_WEBHOOK_URL`, `public_key`).
 */
export function isMetadataName(ident: string): boolean {
  const words = splitWords(ident);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (NEGATIVE_LAST.has(last) && !SECRET_WORDS.has(last) && !PASSWORD_WORDS.has(last)) return true;
  return words.some((w) => NEGATIVE_ANY.has(w));
}

type Verdict = {
  readonly why: [Candidate['outcome'], string] | null;
  readonly score: number;
};

/**
 * Per assignment name: its class and the verdicts on values seen under it
 * (bare and quoted apart). Logs and configs repeat the same assignments, and
 * two lookups keyed by the name and the value slices cost less than hashing
 * one concatenated key.
 */
interface NameEntry {
  readonly cls: NameClass | null;
  readonly bare: Map<string, Verdict>;
  readonly quoted: Map<string, Verdict>;
}

const nameCache = new Map<string, NameEntry>();
let cachedVerdicts = 0;

function nameEntry(ident: string): NameEntry {
  let e = nameCache.get(ident);
  if (e === undefined) {
    if (nameCache.size >= 4096) {
      nameCache.clear();
      cachedVerdicts = 0;
    }
    e = { cls: classifyNameUncached(ident), bare: new Map(), quoted: new Map() };
    nameCache.set(ident, e);
  }
  return e;
}

function verdictFor(
  entry: NameEntry,
  cls: NameClass,
  value: string,
  quoted: boolean,
  ident: string,
): Verdict {
  const cache = quoted ? entry.quoted : entry.bare;
  let v = cache.get(value);
  if (v === undefined) {
    const why = rejectValue(value, cls, quoted, ident);
    v = { why, score: why === null ? secretScore(value) : 0 };
    if (++cachedVerdicts > 8192) {
      for (const x of nameCache.values()) {
        x.bare.clear();
        x.quoted.clear();
      }
      cachedVerdicts = 1;
    }
    cache.set(value, v);
  }
  return v;
}

const PHRASE_QUALIFIERS = new Set(['seed', 'recovery', 'secret', 'backup', 'wallet', 'pass']);
const PHRASE_SECRET_WORDS = new Set([
  'seedphrase',
  'recoveryphrase',
  'secretphrase',
  'backupphrase',
  'walletphrase',
]);

function classifyNameUncached(ident: string): NameClass | null {
  const words = splitWords(ident);
  if (words.length === 0) return null;
  for (const w of words) if (NEGATIVE_ANY.has(w)) return null;
  const last = words[words.length - 1] as string;
  if (NEGATIVE_LAST.has(last)) return null;
  let cls: NameClass | null = null;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (PASSWORD_WORDS.has(w) || w.endsWith('password') || w.endsWith('passwd')) return 'password';
    // Wallet recovery phrases (BIP-39 mnemonics) are passwords too.
    if (w.endsWith('mnemonic') || PHRASE_SECRET_WORDS.has(w)) return 'password';
    if (w === 'phrase' && i > 0 && PHRASE_QUALIFIERS.has(words[i - 1] as string)) return 'password';
    if (
      SECRET_WORDS.has(w) ||
      w.endsWith('secret') ||
      w.endsWith('token') ||
      w.endsWith('apikey')
    ) {
      cls = 'secret';
    } else if (w === 'key' || w === 'auth' || w === 'authorization') {
      const prev = i > 0 ? (words[i - 1] as string) : '';
      if (cls === null) cls = KEY_QUALIFIERS.has(prev) ? 'secret' : 'weak';
    }
  }
  return cls;
}

/** Identifier characters of assignment names: `[A-Za-z0-9_.$-]`, as a lookup table. */
const IDENT_TABLE = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ident =
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    c === 45 ||
    c === 46 ||
    c === 36;
  IDENT_TABLE[c] = ident ? 1 : 0;
}
const IDENT = (c: number): boolean => c < 128 && IDENT_TABLE[c] === 1;

const KEYBINDING =
  /^(?:ctrl|control|cmd|command|alt|option|opt|shift|meta|super|win|mod)(?:\s{0,1}[+-]\s{0,1}[a-z0-9]{1,12}){1,4}$/i;
const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/;
const HEX = /^[a-fA-F0-9]+$/;
const DIGEST_PREFIX = /^(?:sha(?:1|224|256|384|512)?|md5|blake2b?|xxh\d*)[:-]/i;
const PATHLIKE =
  /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\|\\\\)|^[\w.-]{1,80}\/[\w./-]{1,200}\.[a-z0-9]{1,6}$|^[\w.-]{1,120}\.(?:pem|key|crt|cer|p12|pfx|json|ya?ml|txt|env|ini|conf|cfg|toml|properties|js|ts|py|rb|go|sh)$/;
const URLLIKE = /^[a-z][a-z0-9+.-]{1,30}:\/\//i;
const VERSION = /^v?\d{1,4}(?:\.\d{1,6}){1,3}(?:[-+][\w.]{1,30})?$/;
const EXPRESSION = /^[A-Za-z_$][\w$]{0,80}(?:(?:\.|\?\.)[A-Za-z_$][\w$]{0,80}){0,8}(?:\(|\[|$)/;
const SENTENCE = /\s\S{1,40}\s/;

/** Score in [0,1]: entropy, character-class mix, length, word-shape penalty. */
export function secretScore(v: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let sym = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else sym = 1;
  }
  const classes = lower + upper + digit + sym;
  const h = shannon(v);
  const base =
    0.35 * Math.min(1, h / 4.2) + 0.3 * ((classes - 1) / 3) + 0.35 * Math.min(1, v.length / 24);
  return base * (1 - 0.7 * wordiness(v));
}

/** Fraction of the value covered by pronounceable letter runs of 4+ letters (word shape). */
export function wordiness(v: string): number {
  let covered = 0;
  const re = /[A-Za-z][a-z]{3,}/g;
  for (let m = re.exec(v); m !== null; m = re.exec(v)) {
    const w = m[0].toLowerCase();
    let vowels = 0;
    let run = 0;
    let maxRun = 0;
    for (let i = 0; i < w.length; i++) {
      if ('aeiouy'.includes(w.charAt(i))) {
        vowels++;
        run = 0;
      } else {
        run++;
        if (run > maxRun) maxRun = run;
      }
    }
    const ratio = vowels / w.length;
    if (ratio >= 0.2 && ratio <= 0.65 && maxRun <= 3) covered += w.length;
  }
  return v.length === 0 ? 0 : covered / v.length;
}

/**
 * Words that mark prose, UI labels and translations rather than a passphrase
 * ("Enter your password", "Mot de passe", "must be at least 8 characters").
 */
const PROSE_WORDS = new Set(
  (
    'a an the of to for in on at by with from into out up and or but if then than not no is are was ' +
    'were be been being this that these those it its you your yours we our us they their he she his ' +
    'her should can cannot could will would may might must has have had do does did done use used ' +
    'using only please enter provide provided type here field input label hint help tooltip message ' +
    'description title text value placeholder confirm repeat forgot forgotten reset change changed ' +
    'show hide new old current match matches mismatch too short long weak strong strength again try ' +
    'least minimum maximum min max length contain contains containing letter letters digit digits ' +
    'number numbers uppercase lowercase special symbol symbols character characters invalid incorrect ' +
    'wrong required missing empty error failed fail expired expire same any all set sign log login ' +
    'logout username user email account click select choose create update updated save cancel submit ' +
    'continue back next copy paste generate generated random check verify valid successfully success ' +
    'password passwords passphrase passcode pin passwort kennwort wachtwoord contraseña contrasena ' +
    'senha mot passe de du des le la les votre vos el los las su tu sua seu der die das und ihr ihre ' +
    'het een uw il di per hasło haslo lösenord salasana parola heslo'
  ).split(' '),
);

/** "Password" in the languages UI translation files use. */
const LABEL_WORDS = new Set(
  'password passwords passphrase passcode passwort kennwort wachtwoord contraseña contrasena senha hasło haslo lösenord adgangskode salasana parola heslo jelszó geslo lozinka parolă motdepasse'.split(
    ' ',
  ),
);

const PHRASE_WORD = /^[\p{L}\p{N}][\p{L}\p{N}'’!@#$%^&*_+=.,-]{0,23}$/u;

/** A BIP-39-shaped mnemonic: 12, 15, 18, 21 or 24 lowercase words of 3 to 8 letters. */
export function isMnemonic(v: string): boolean {
  const words = v.trim().split(/[ \t]+/);
  if (words.length < 12 || words.length > 24 || words.length % 3 !== 0) return false;
  return words.every((w) => /^[a-z]{3,8}$/.test(w));
}

const MNEMONIC_NAME = /mnemonic|(?:seed|recovery|secret|backup|wallet)[_.-]?phrase/i;

/** A value with blanks that is a secret under this password-class name. */
function isPhraseSecret(v: string, ident: string): boolean {
  return isPassphrase(v) || (MNEMONIC_NAME.test(ident) && isMnemonic(v));
}

/**
 * True when a value with blanks reads as a passphrase ("correct horse battery
 * staple") rather than prose or a UI label: 2 to 8 words, no prose, label or
 * translation word, not a question or a label ending in a colon.
 */
export function isPassphrase(v: string): boolean {
  const words = v.trim().split(/[ \t]+/);
  if (words.length < 2 || words.length > 8) return false;
  const last = v.charCodeAt(v.length - 1);
  if (last === 63 || last === 58) return false;
  let letters = 0;
  for (const w of words) {
    if (!PHRASE_WORD.test(w)) return false;
    const bare = w.toLowerCase().replace(/[^\p{L}\p{N}]+$/u, '');
    if (PROSE_WORDS.has(bare)) return false;
    letters += bare.length;
  }
  return letters >= 8;
}

const THRESHOLD: Readonly<Record<NameClass, number>> = { password: 0, secret: 0.52, weak: 0.68 };

/** True when `=`, `:` or `>` (of `=>`) follows within a quote and a few blanks. */
function operatorNear(text: string, b: number): boolean {
  const end = Math.min(text.length, b + 12);
  for (let i = b; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 || c === 58 || c === 62) return true;
    if (c !== 32 && c !== 9 && c !== 34 && c !== 39 && c !== 96 && c !== 93 && c !== 45 && c !== 92)
      return false;
  }
  return false;
}

/**
 * Examines the assignment around a keyword hit at `hit` and adds at most one
 * candidate. `state.until` is the end of the last name/value examined.
 */
export function genericAt(
  text: string,
  hit: number,
  state: { until: number },
  order: number,
  sink: CandidateSink,
): void {
  // A keyword inside the previous name or value is not a new assignment; this
  // also keeps the stage linear on inputs that repeat a keyword densely.
  if (hit < state.until) return;
  const n = text.length;
  let b = hit;
  while (b < n && IDENT(text.charCodeAt(b)) && b - hit < 120) b++;
  state.until = b;
  // Cheap rejection first: prose ("the token expired") has no operator after the name.
  const cliFlag = hit >= 2 && text.charCodeAt(hit - 1) === 45 && text.charCodeAt(hit - 2) === 45;
  if (!sink.explain && !cliFlag && !operatorNear(text, b)) return;
  let a = hit;
  while (a > 0 && IDENT(text.charCodeAt(a - 1)) && hit - a < 80) a--;
  // `${NAME:-default}` templates and `arn:...:secret:name` paths are not assignments.
  const before = a > 0 ? text.charCodeAt(a - 1) : 0;
  if (before === 123 || before === 58 || before === 47) return;
  const ident = text.slice(a, b);
  const explainOnly = sink.explain;
  // Optional closing quote / bracket of the key, then the assignment operator.
  let i = b;
  const open = a > 0 ? text.charCodeAt(a - 1) : 0;
  let xmlTag = false;
  if ((open === 34 || open === 39 || open === 96) && text.charCodeAt(i) === open) i++;
  else if (open === 34 && text.charCodeAt(i) === 92 && text.charCodeAt(i + 1) === 34)
    i += 2; // \" in JSON logs
  else if (open === 60 && text.charCodeAt(i) === 62) {
    xmlTag = true;
    i++;
  } else if (text.charCodeAt(i) === 93 || text.charCodeAt(i) === 39 || text.charCodeAt(i) === 34) {
    // `env['API_TOKEN']` style: allow `']` / `"]`
    if (text.charCodeAt(i + 1) === 93) i += 2;
  }
  let sp = 0;
  while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && sp < 8) {
    i++;
    sp++;
  }
  // `NAME=value` (dotenv, shell) rather than `name: value` (YAML) or `--flag value`.
  let envStyle = false;
  if (!xmlTag) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    envStyle = c0 === 61 && c1 !== 61 && c1 !== 62 && sp === 0;
    if (c0 === 61 && c1 === 62)
      i += 2; // =>
    else if (c0 === 58 && c1 === 61)
      i += 2; // :=
    else if (c0 === 61 && c1 !== 61)
      i += 1; // =
    else if (c0 === 58 && c1 !== 58)
      i += 1; // :
    else if (c0 === 63 && c1 === 61)
      i += 2; // ?=
    else if (sp > 0 && ident.startsWith('--')) {
      // CLI flag `--password value`
    } else {
      if (explainOnly)
        reject(sink, a, b, 'not-an-assignment', 'no assignment follows the name', order);
      return;
    }
    sp = 0;
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && sp < 8) {
      i++;
      sp++;
    }
  }
  const entry = nameEntry(ident);
  const cls = entry.cls;
  if (cls === null) {
    if (explainOnly)
      reject(sink, a, b, 'name-not-secret', 'the name does not denote a secret value', order);
    return;
  }
  // The value: quoted, or bare up to a delimiter.
  let vs = i;
  let ve: number;
  let q = text.charCodeAt(i);
  let quoted = false;
  // A JSON-escaped quote (`\"value\"` inside a logged string) opens and closes the value.
  const escapedQuote = q === 92 && text.charCodeAt(i + 1) === 34;
  if (escapedQuote) {
    i++;
    q = 34;
  }
  if (q === 34 || q === 39 || q === 96) {
    quoted = true;
    vs = i + 1;
    ve = vs;
    while (ve < n && ve - vs <= 300) {
      const c = text.charCodeAt(ve);
      if (escapedQuote && c === 92 && text.charCodeAt(ve + 1) === q) break;
      if (c === q) break;
      if (c === 10 || c === 13) break;
      if (c === 92) ve++;
      ve++;
    }
    const closeAt = escapedQuote ? ve + 1 : ve;
    if (closeAt >= n || text.charCodeAt(closeAt) !== q) {
      if (explainOnly) reject(sink, a, b, 'not-an-assignment', 'unterminated quoted value', order);
      return;
    }
  } else {
    ve = vs;
    const stop = xmlTag ? 60 : -1;
    while (ve < n && ve - vs <= 300) {
      const c = text.charCodeAt(ve);
      if (c === stop) break;
      if (xmlTag) {
        if (c === 10 || c === 13) break;
        ve++;
        continue;
      }
      if (
        c <= 32 ||
        c === 38 ||
        c === 44 ||
        c === 59 ||
        c === 41 ||
        c === 125 ||
        c === 93 ||
        c === 34 ||
        c === 39 ||
        c === 96
      )
        break;
      ve++;
    }
    if (xmlTag && text.charCodeAt(ve) !== 60) {
      if (explainOnly) reject(sink, a, b, 'not-an-assignment', 'unterminated element', order);
      return;
    }
    if (!xmlTag && cls === 'password' && text.charCodeAt(ve) === 32)
      ve = bareLineValueEnd(text, a, b, vs, ve, envStyle);
  }
  state.until = Math.max(state.until, ve);
  const value = text.slice(vs, ve);
  const ruleId = cls === 'password' ? 'generic-password' : 'generic-secret';
  const verdict = verdictFor(entry, cls, value, quoted, ident);
  const why = verdict.why;
  if (why !== null) {
    if (explainOnly && value.length > 0) {
      sink.add({
        ruleId,
        kind: 'secret',
        start: vs,
        end: ve,
        confidence: 'low',
        outcome: why[0],
        reason: why[1],
        order,
      });
    }
    return;
  }
  const score = verdict.score;
  if (score < THRESHOLD[cls]) {
    if (explainOnly) {
      sink.add({
        ruleId,
        kind: 'secret',
        start: vs,
        end: ve,
        confidence: 'low',
        outcome: 'below-threshold',
        reason: `score ${score.toFixed(2)} below ${THRESHOLD[cls]} for a ${cls} name`,
        score,
        order,
      });
    }
    return;
  }
  const confidence: FindingConfidence = score >= 0.75 ? 'medium' : 'low';
  sink.add({
    ruleId,
    kind: 'secret',
    start: vs,
    end: ve,
    confidence,
    outcome: 'flagged',
    reason: `assignment to a ${cls} name, score ${score.toFixed(2)}`,
    score,
    order,
  });
}

/** What may precede a YAML-style `name: words...` on its line: indentation, `- `, `export `, or one `key: `. */
const LINE_LEAD = /^[ \t]{0,40}(?:export[ \t]{1,4}|-[ \t]{1,4}|[\w.-]{1,40}:[ \t]{1,8})?$/;
const PHRASE_TAIL = /^(?:[ \t]{1,4}[^\s#;|&<>`'"]{1,24}){1,23}[ \t]{0,8}$/;

/**
 * A bare value that ends its line (`PASSWORD=correct horse battery staple`
 * in a dotenv file, `password: my secret phrase` at the start of a YAML
 * line) runs to the end of the line when the whole reads as a passphrase;
 * otherwise it ends at the first blank (`PGPASSWORD=s3cret psql -h db`).
 */
function bareLineValueEnd(
  text: string,
  nameStart: number,
  nameEnd: number,
  vs: number,
  ve: number,
  envStyle: boolean,
): number {
  // `NAME=words...` may follow other text on its line (a log line quoting an
  // env file); `name: words...` only counts at the start of a YAML line.
  if (!envStyle) {
    const ls = text.lastIndexOf('\n', nameStart - 1) + 1;
    if (nameStart - ls > 48 || !LINE_LEAD.test(text.slice(ls, nameStart))) return ve;
  }
  let le = text.indexOf('\n', ve);
  if (le < 0) le = text.length;
  if (le - ve > 240) return ve;
  if (text.charCodeAt(le - 1) === 13) le--;
  // A trailing ` # comment` is not part of the value.
  const hashAt = text.indexOf(' #', ve);
  if (hashAt !== -1 && hashAt < le) le = hashAt;
  const tail = text.slice(ve, le);
  if (!PHRASE_TAIL.test(tail)) return ve;
  const end = ve + tail.trimEnd().length;
  return isPhraseSecret(text.slice(vs, end), text.slice(nameStart, nameEnd)) ? end : ve;
}

function reject(
  sink: CandidateSink,
  a: number,
  b: number,
  outcome: Candidate['outcome'],
  reason: string,
  order: number,
): void {
  sink.add({
    ruleId: 'generic-secret',
    kind: 'secret',
    start: a,
    end: b,
    confidence: 'low',
    outcome,
    reason,
    order,
  });
}

function rejectValue(
  v: string,
  cls: NameClass,
  quoted: boolean,
  ident: string,
): [Candidate['outcome'], string] | null {
  const min = cls === 'password' ? 6 : cls === 'secret' ? 8 : 12;
  if (v.length < min) return ['below-threshold', `value shorter than ${min}`];
  if (isPlaceholder(v)) return ['placeholder', 'placeholder, template or environment reference'];
  if (KEYBINDING.test(v)) return ['placeholder', 'a key binding'];
  if (URLLIKE.test(v)) return ['placeholder', 'a URL without credentials'];
  if (PATHLIKE.test(v)) return ['placeholder', 'a file path'];
  if (DIGEST_PREFIX.test(v)) return ['placeholder', 'a labelled digest'];
  if (
    /^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-|sk-ssh-|AAAAB3NzaC1|AAAAC3NzaC1|AAAAE2VjZHNh|-----BEGIN (?:PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY))/.test(
      v,
    )
  ) {
    return ['placeholder', 'a public key or certificate'];
  }
  if (VERSION.test(v)) return ['placeholder', 'a version number'];
  if (/^\d+$/.test(v) && (cls !== 'password' || v.length < 8)) return ['placeholder', 'a number'];
  if (UUID.test(v) && cls !== 'password' && !/secret|api.?key|apikey/i.test(ident)) {
    return ['placeholder', 'a UUID under a non-secret name'];
  }
  if (HEX.test(v) && cls === 'weak')
    return ['placeholder', 'a hex digest under a generic key name'];
  if (
    HEX.test(v) &&
    (v.length === 40 || v.length === 64) &&
    /token$/i.test(ident) &&
    !/api|access|auth|secret|bearer|refresh|pat/i.test(ident)
  ) {
    return ['placeholder', 'a hex digest / commit id'];
  }
  if (cls === 'password' && /^[A-Za-z][a-z]{1,24}:$/.test(v))
    return ['placeholder', 'a label ending in a colon'];
  if (cls === 'password' && LABEL_WORDS.has(v.toLowerCase()))
    return ['placeholder', 'the word "password" (a label or translation)'];
  if (cls === 'password' && /[ \t]/.test(v.trim())) {
    return isPhraseSecret(v, ident) ? null : ['placeholder', 'prose or a label, not a passphrase'];
  }
  if (quoted && SENTENCE.test(v)) return ['placeholder', 'prose, not a secret'];
  if (!quoted && v.charCodeAt(0) === 45) return ['placeholder', 'the next command-line option'];
  if (
    !quoted &&
    EXPRESSION.test(v) &&
    !/\d/.test(v) &&
    !/^[A-Z0-9_]+$/.test(ident.replace(/^[-.$]+/, ''))
  ) {
    return ['placeholder', 'a variable or expression'];
  }
  if (quoted && /^[a-z]+(?:[_-][a-z]+)*$/.test(v) && v.length <= 24)
    return ['placeholder', 'an identifier-like word'];
  if (!quoted && /^[a-z]+(?:[_-][a-z]+)*$/.test(v) && v.length <= 24)
    return ['placeholder', 'an identifier-like word'];
  if (/^(?:[A-Z][a-z]+){2,}$/.test(v) && v.length <= 30)
    return ['placeholder', 'a CamelCase identifier'];
  if (/^[A-Z][A-Z0-9_]{2,60}$/.test(v) && /_/.test(v) && !/\d/.test(v))
    return ['placeholder', 'a constant name'];
  return null;
}

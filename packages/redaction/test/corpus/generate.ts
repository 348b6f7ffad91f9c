// Deterministic generators for the labelled corpus. Every value is fake:
// random characters in the documented alphabet and length, with checksums
// computed where a format has one (GitHub/npm CRC-32 via node:zlib as an
// independent oracle, Palisade CRC-32, Bech32, Luhn, IBAN mod-97).
import { crc32 } from 'node:zlib';
import { SPECS } from './specs.ts';

/** A small seeded PRNG (mulberry32). */
export type Rng = () => number;
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

const CLASSES: Readonly<Record<string, string>> = {
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  a: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  A: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  U: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  l: '0123456789abcdefghijklmnopqrstuvwxyz',
  L: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  w: 'abcdefghijklmnopqrstuvwxyz',
  d: '0123456789',
  b: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  Z: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  z: 'abcdefghijklmnopqrstuvwxyz234567',
  g: '0123456789abcdefgh',
  D: '123456789',
};
const B62 = CLASSES['a'] as string;

export function draw(r: Rng, cls: string, n: number): string {
  const alphabet = CLASSES[cls];
  if (alphabet === undefined) throw new Error(`unknown class ${cls}`);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(r() * alphabet.length));
  return s;
}

function b62(n: number, width: number): string {
  let v = n;
  let out = '';
  do {
    out = B62.charAt(v % 62) + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/** GitHub-style token: prefix_ + 30 base62 + base62(crc32(random part)) padded to 6. */
export function githubToken(r: Rng, prefix: string): string {
  const body = draw(r, 'a', 30);
  return `${prefix}_${body}${b62(crc32(body), 6)}`;
}

/** Palisade token: `<prefix>_<43 base62><crc32 of "<prefix>_<body>" in base62, 6 wide>`. */
export function palisadeToken(r: Rng, prefix = `pal${draw(r, 'l', int(r, 0, 5))}`): string {
  const signed = `${prefix}_${draw(r, 'a', 43)}`;
  return signed + b62(crc32(signed), 6);
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

function jwt(r: Rng): string {
  const header = b64url(JSON.stringify({ alg: pick(r, ['HS256', 'RS256', 'ES256']), typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ sub: draw(r, 'l', 12), iat: int(r, 1.6e9, 1.8e9), scope: 'read write' }),
  );
  return `${header}.${payload}.${draw(r, 'u', 43)}`;
}

function jwe(r: Rng): string {
  const header = b64url(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM' }));
  return `${header}.${draw(r, 'u', 342)}.${draw(r, 'u', 16)}.${draw(r, 'u', 120)}.${draw(r, 'u', 22)}`;
}

const BECH = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function bech32(hrp: string, data5: number[]): string {
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  const polymod = (values: number[]): number => {
    let chk = 1;
    for (const v of values) {
      const top = chk >>> 25;
      chk = ((chk & 0x1ffffff) << 5) ^ v;
      for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] as number;
    }
    return chk;
  };
  const hrpExp = [...hrp].map((c) => c.charCodeAt(0) >> 5);
  hrpExp.push(0, ...[...hrp].map((c) => c.charCodeAt(0) & 31));
  const pm = polymod([...hrpExp, ...data5, 0, 0, 0, 0, 0, 0]) ^ 1;
  const check = [0, 1, 2, 3, 4, 5].map((i) => (pm >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...data5, ...check].map((d) => BECH.charAt(d)).join('')}`;
}
function ageKey(r: Rng): string {
  const bytes = Array.from({ length: 32 }, () => int(r, 0, 255));
  const data5: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data5.push((acc >>> bits) & 31);
    }
  }
  if (bits > 0) data5.push((acc << (5 - bits)) & 31);
  return bech32('age-secret-key-', data5).toUpperCase();
}

function pemBody(r: Rng, lines: number): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(draw(r, 'b', 64));
  out.push(`${draw(r, 'b', 20)}==`);
  return out.join('\n');
}
function pem(r: Rng, label: string): string {
  if (label.startsWith('SSH2')) {
    return `---- BEGIN ${label} ----\nComment: "rsa-key-${draw(r, 'd', 8)}"\n${pemBody(r, 6)}\n---- END ${label} ----`;
  }
  const hdr = label.startsWith('PGP') ? 'Version: GnuPG v2\n\n' : '';
  return `-----BEGIN ${label}-----\n${hdr}${pemBody(r, int(r, 6, 14))}\n-----END ${label}-----`;
}
function putty(r: Rng): string {
  return [
    'PuTTY-User-Key-File-2: ssh-rsa',
    'Encryption: none',
    `Comment: rsa-key-${draw(r, 'd', 8)}`,
    'Public-Lines: 2',
    draw(r, 'b', 64),
    draw(r, 'b', 40),
    'Private-Lines: 2',
    draw(r, 'b', 64),
    draw(r, 'b', 40),
    `Private-MAC: ${draw(r, 'h', 40)}`,
  ].join('\n');
}

const PW_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%^*_+=-.';
/** A random strong password (10-18 chars; upper, lower, digit and symbol). */
export function password(r: Rng): string {
  const n = int(r, 10, 18);
  let s = `${draw(r, 'U', 1)}${draw(r, 'w', 1)}${draw(r, 'd', 1)}${pick(r, ['!', '#', '%', '*', '_', '-', '+'])}`;
  for (let i = s.length; i < n; i++) s += PW_CHARS.charAt(Math.floor(r() * PW_CHARS.length));
  return [...s].sort(() => r() - 0.5).join('');
}

/** Diceware-style words (EFF short list style: plain nouns, verbs, adjectives). */
const PHRASE_WORDS = (
  'correct horse battery staple tiger lily moon river purple monkey dishwasher orbit canyon ' +
  'velvet hammer glacier pickle lantern violin cactus meadow rocket bamboo walrus thunder ' +
  'saffron pebble kettle falcon harbor maple nectar quartz ripple sprout tundra umbra willow ' +
  'zephyr acorn basil cobalt drift ember fjord gravel hazel igloo jasper kiwi lemur mango'
).split(' ');
/** A passphrase of 3 to 5 random words, sometimes capitalised or with a digit. */
export function passphrase(r: Rng): string {
  const n = int(r, 3, 5);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(pick(r, PHRASE_WORDS));
  if (r() < 0.3) words[0] = (words[0] as string).replace(/^./, (c) => c.toUpperCase());
  if (r() < 0.3) words.push(String(int(r, 2, 99)));
  return words.join(' ');
}

/** A BIP-39-shaped wallet mnemonic: 12 or 24 lowercase words of 3 to 8 letters. */
export function mnemonic(r: Rng): string {
  const words = PHRASE_WORDS.filter((w) => w.length >= 3 && w.length <= 8);
  const n = r() < 0.5 ? 12 : 24;
  return Array.from({ length: n }, () => pick(r, words)).join(' ');
}

function uuid(r: Rng, upper = false): string {
  const h = draw(r, 'h', 32);
  const s = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${pick(r, ['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return upper ? s.toUpperCase() : s;
}

function luhnComplete(prefix: string, length: number, r: Rng): string {
  let s = prefix;
  while (s.length < length - 1) s += draw(r, 'd', 1);
  for (let d = 0; d <= 9; d++) {
    const cand = s + d;
    let sum = 0;
    let dbl = false;
    for (let i = cand.length - 1; i >= 0; i--) {
      let v = cand.charCodeAt(i) - 48;
      if (dbl) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
      dbl = !dbl;
    }
    if (sum % 10 === 0) return cand;
  }
  throw new Error('unreachable');
}
function card(r: Rng): string {
  const [prefix, len] = pick(r, [
    ['4', 16],
    ['51', 16],
    ['55', 16],
    ['2221', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['3530', 16],
  ] as const);
  const digits = luhnComplete(prefix, len, r);
  const style = int(r, 0, 2);
  if (style === 0) return digits;
  const sep = style === 1 ? ' ' : '-';
  if (len === 15)
    return `${digits.slice(0, 4)}${sep}${digits.slice(4, 10)}${sep}${digits.slice(10)}`;
  return (digits.match(/.{4}/g) ?? []).join(sep);
}
function iban(r: Rng): string {
  const [cc, bbanLen] = pick(r, [
    ['DE', 18],
    ['GB', 18],
    ['FR', 23],
    ['NL', 14],
    ['ES', 20],
    ['IT', 23],
    ['CH', 17],
  ] as const);
  let bban =
    cc === 'GB'
      ? draw(r, 'U', 4) + draw(r, 'd', 14)
      : cc === 'NL'
        ? draw(r, 'U', 4) + draw(r, 'd', 10)
        : draw(r, 'd', bbanLen);
  if (cc === 'IT') bban = draw(r, 'U', 1) + draw(r, 'd', 22);
  const numeric = [...`${bban}${cc}00`]
    .map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c))
    .join('');
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  const check = String(98 - rem).padStart(2, '0');
  const compact = `${cc}${check}${bban}`;
  return r() < 0.5 ? compact : (compact.match(/.{1,4}/g) ?? []).join(' ');
}
function phone(r: Rng): string {
  return pick(r, [
    () => `+1 ${int(r, 201, 989)} ${int(r, 200, 999)} ${draw(r, 'd', 4)}`,
    () => `+44 20 ${draw(r, 'd', 4)} ${draw(r, 'd', 4)}`,
    () => `+49${int(r, 150, 179)}${draw(r, 'd', 8)}`,
    () => `(${int(r, 201, 989)}) ${int(r, 200, 999)}-${draw(r, 'd', 4)}`,
    () => `${int(r, 201, 989)}-${int(r, 200, 999)}-${draw(r, 'd', 4)}`,
    () => `+33 6 ${draw(r, 'd', 2)} ${draw(r, 'd', 2)} ${draw(r, 'd', 2)} ${draw(r, 'd', 2)}`,
  ])();
}
function email(r: Rng): string {
  return `${pick(r, ['alice', 'bob.smith', 'j.doe', 'maria_garcia', 'k.tanaka'])}${int(r, 1, 99)}@${pick(r, ['gmail.com', 'example.org', 'corp.acme.io', 'outlook.com'])}`;
}

function special(r: Rng, name: string): string {
  const [fn, arg = ''] = name.split(':') as [string, string?];
  switch (fn) {
    case 'gh':
      return githubToken(r, arg);
    case 'npm':
      return githubToken(r, 'npm');
    case 'pal':
      return palisadeToken(r);
    case 'jwt':
      return jwt(r);
    case 'jwe':
      return jwe(r);
    case 'age':
      return ageKey(r);
    case 'pem':
      return pem(r, arg);
    case 'putty':
      return putty(r);
    case 'basic':
      return Buffer.from(
        `${pick(r, ['deploy', 'ci', 'admin', 'svc-app'])}:${password(r)}`,
      ).toString('base64');
    case 'wg':
      return Buffer.from(Array.from({ length: 32 }, () => int(r, 0, 255))).toString('base64');
    case 'kube':
      return Buffer.from(pem(r, 'RSA PRIVATE KEY')).toString('base64');
    case 'uuid':
      return uuid(r);
    case 'uuidl':
      return uuid(r);
    case 'pw':
      return password(r);
    case 'phrase':
      return passphrase(r);
    case 'mnemonic':
      return mnemonic(r);
    case 'email':
      return email(r);
    case 'phone':
      return phone(r);
    case 'ipv4':
      return `${int(r, 11, 223)}.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`;
    case 'ipv6':
      return `2001:db8:${draw(r, 'h', 4).replace(/^0+/, '') || '1'}:${draw(r, 'h', 3)}::${draw(r, 'h', 2)}${int(r, 1, 9)}`;
    case 'card':
      return card(r);
    case 'iban':
      return iban(r);
    default:
      throw new Error(`unknown special ${name}`);
  }
}

/** How to render a template: a real fake value, an obvious placeholder, or truncated. */
export type RenderMode = 'real' | 'placeholder' | 'short';

const CLASS_TOKEN = /\{([A-Za-z]):(\d+)(?:-(\d+))?\}|\{([a-z0-9]+(?::[^}]+)?)\}/g;

function renderTpl(r: Rng, tpl: string, mode: RenderMode): string {
  return tpl.replace(
    CLASS_TOKEN,
    (_m, cls: string | undefined, lo: string, hi: string, sp: string | undefined) => {
      if (cls !== undefined) {
        const n = hi === undefined ? Number(lo) : int(r, Number(lo), Number(hi));
        if (mode === 'short') return draw(r, cls, Math.max(2, Math.min(10, Math.floor(n * 0.35))));
        if (mode === 'placeholder') {
          const alpha = CLASSES[cls] as string;
          return (alpha.includes('x') ? 'x' : alpha.includes('X') ? 'X' : '0').repeat(n);
        }
        return draw(r, cls, n);
      }
      if (mode === 'placeholder' && (sp === 'uuid' || sp === 'uuidl'))
        return 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
      if (mode === 'short' && (sp === 'uuid' || sp === 'uuidl')) return draw(r, 'h', 8);
      if (mode === 'placeholder' && (sp === 'pw' || sp === 'phrase' || sp === 'mnemonic'))
        return 'changeme';
      return special(r, sp as string);
    },
  );
}

/** One labelled sample. `start`/`end` locate the secret; `ruleId` is the expected rule. */
export interface Sample {
  readonly ruleId: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const PLACEHOLDERS = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax is the test input
  '${SECRET}',
  '<your-api-key>',
  'changeme',
  'xxxxxxxxxxxxxxxx',
  '********',
  '{{ .Values.secret }}',
  'REPLACE_ME',
];

/** Wrappers that embed a bare token in realistic code and log lines. */
const TOKEN_WRAPPERS: readonly ((t: string) => string)[] = [
  (t) => `const client = new Client({ auth: "${t}" });`,
  (t) => `export SERVICE_CREDENTIAL=${t}`,
  (t) => `2024-05-01T12:00:00.123Z INFO  worker started with credential ${t} for tenant acme`,
  (t) => `{"service": "billing", "credential": "${t}", "region": "eu-west-1"}`,
  (t) => `  credential: ${t}`,
  (t) => `# rotated ${t} on 2024-04-30`,
  (t) => `headers['X-Service-Auth'] = '${t}'`,
];
const KEY_STYLES: readonly ((k: string, v: string) => string)[] = [
  (k, v) => `${k}=${v}`,
  (k, v) => `  ${k.toLowerCase()}: ${v}`,
  (k, v) => `  "${k.toLowerCase()}": "${v}",`,
  (k, v) => `${k} = '${v}'`,
  (k, v) => `export ${k}="${v}"`,
];
const RAW_WRAPPERS: readonly ((t: string) => string)[] = [
  (t) => t,
  (t) => `    ${t}`,
  (t) => `value: ${t}`,
];

function locate(line: string, secret: string, ruleId: string, offset = 0): Sample {
  const start = line.indexOf(secret, offset);
  if (start < 0) throw new Error(`secret not found for ${ruleId}`);
  return { ruleId, text: line, start, end: start + secret.length };
}

/** The specs of one rule (a rule with several documented forms has several). */
function specsOf(ruleId: string): readonly string[] {
  const spec = SPECS[ruleId];
  if (spec === undefined) throw new Error(`no spec for ${ruleId}`);
  return typeof spec === 'string' ? [spec] : spec;
}

/** True positives for one rule: `count` samples in varied realistic wrappers, cycling its forms. */
export function truePositives(ruleId: string, count: number, seed: number): Sample[] {
  const specs = specsOf(ruleId);
  const r = rng(seed);
  const out: Sample[] = [];
  for (let i = 0; i < count; i++) {
    const spec = specs[i % specs.length] as string;
    const kind = spec.slice(0, 2);
    const body = spec.slice(2);
    if (kind === 'T:') {
      const tok = renderTpl(r, body, 'real');
      const multi = tok.includes('\n');
      const wrap = multi
        ? (t: string) => t
        : (TOKEN_WRAPPERS[i % TOKEN_WRAPPERS.length] as (t: string) => string);
      out.push(locate(wrap(tok), tok, ruleId));
    } else if (kind === 'K:') {
      const [key, tpl] = body.split('|') as [string, string];
      const v = renderTpl(r, tpl, 'real');
      const line = (KEY_STYLES[i % KEY_STYLES.length] as (k: string, v: string) => string)(key, v);
      out.push(locate(line, v, ruleId, line.indexOf(key.slice(1, 4).toLowerCase()) >= 0 ? 0 : 0));
    } else {
      const rendered = renderTpl(r, body, 'real');
      const a = rendered.indexOf('«');
      const b = rendered.indexOf('»');
      const secret = rendered.slice(a + 1, b);
      const line = (RAW_WRAPPERS[i % RAW_WRAPPERS.length] as (t: string) => string)(
        rendered.replace('«', '').replace('»', ''),
      );
      const prefixLen = line.indexOf(rendered.slice(0, a)) + a;
      out.push({ ruleId, text: line, start: prefixLen, end: prefixLen + secret.length });
    }
  }
  return out;
}

/** Hard negatives for one rule (every form): placeholders, truncated tokens, broken checksums. */
export function hardNegatives(ruleId: string, seed: number): string[] {
  return specsOf(ruleId).flatMap((spec, i) => hardNegativesOf(spec, seed + i * 7919));
}

function hardNegativesOf(spec: string, seed: number): string[] {
  const r = rng(seed);
  const kind = spec.slice(0, 2);
  const body = spec.slice(2);
  const out: string[] = [];
  const neutral = (t: string): string => `observed value ${t} in the fixture`;
  if (kind === 'T:') {
    if (!/\{(?:gh|npm|pal|pem|putty|jwt|jwe|age|email|phone|ipv4|ipv6|card|iban)/.test(body)) {
      out.push(neutral(renderTpl(r, body, 'placeholder')));
      out.push(neutral(renderTpl(r, body, 'short')));
    }
    if (/^\{(?:gh|npm|pal)/.test(body)) {
      const tok = renderTpl(r, body, 'real');
      const last = tok.charAt(tok.length - 1);
      out.push(neutral(tok.slice(0, -1) + (last === 'A' ? 'B' : 'A')));
      out.push(
        neutral(
          `${tok.slice(0, tok.indexOf('_') + 1)}${'x'.repeat(tok.length - tok.indexOf('_') - 1)}`,
        ),
      );
    }
    if (body.startsWith('{pem') || body.startsWith('{putty')) {
      const label = body.slice(5, -1) || 'RSA PRIVATE KEY';
      out.push(
        `-----BEGIN ${label}-----\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n-----END ${label}-----`,
      );
    }
    if (body.startsWith('{jwt') || body.startsWith('{jwe')) {
      out.push(
        neutral('eyJub3QiOiJqc29uIGhlYWRlciJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ'),
      );
    }
    if (body.startsWith('{age')) out.push(neutral(`AGE-SECRET-KEY-1${'Q'.repeat(58)}`));
    if (body === '{email}')
      out.push('dependency @palisade/redaction@1.2.3 and decorator @Component');
    if (body === '{phone}') out.push('build 2024-01-15 finished in 1234 ms, 12 files, v3.14.159');
    if (body === '{ipv4}') out.push('version 1.2.3.4.5 released; netmask 255.255.255.0');
    if (body === '{ipv6}') out.push('std::vector<int> v; a::b; at 12:30:45 mac aa:bb:cc:dd:ee:ff');
    if (body === '{card}') out.push('order 4111111111111112 and timestamp 1700000000000');
    if (body === '{iban}') out.push('reference DE89370400440532013001 (wrong check)');
  } else {
    const tpl = kind === 'K:' ? (body.split('|')[1] as string) : body;
    const ph = pick(r, PLACEHOLDERS);
    if (kind === 'K:') {
      const key = body.split('|')[0] as string;
      out.push(`${key}=${ph}`);
      out.push(`  "${key.toLowerCase()}": "${renderTpl(r, tpl, 'placeholder')}",`);
    } else {
      const rendered = renderTpl(r, tpl, 'real');
      const a = rendered.indexOf('«');
      const b = rendered.indexOf('»');
      out.push(rendered.slice(0, a) + ph + rendered.slice(b + 1));
    }
  }
  return out;
}

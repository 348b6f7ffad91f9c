// PII detectors: e-mail, phone, IPv4/IPv6, payment cards (Luhn + IIN) and
// IBAN (mod-97). One hand-written pass over the text; each detector only
// starts at a cheap trigger character ('@', a digit, '+', '(' or ':').
import type { CandidateSink } from './engine/candidate.ts';
import { ibanMod97Valid, luhnValid } from './engine/checks.ts';

/** The PII rule ids. */
export const PII_RULE_IDS: readonly string[] = [
  'pii-email',
  'pii-phone',
  'pii-ipv4',
  'pii-ipv6',
  'pii-card-number',
  'pii-iban',
];

const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAlnum = (c: number): boolean => isDigit(c) || isAlpha(c);
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isLocal = (c: number): boolean =>
  isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomain = (c: number): boolean => isAlnum(c) || c === 46 || c === 45;

const NOT_PERSONAL_EMAIL_LOCAL = new Set(['git', 'noreply', 'no-reply']);

// Trigger positions: an '@', a ':', the start of a number (optionally after
// '+' or '('), or two capitals followed by two digits (an IBAN country +
// check). Long texts use the regex engine (faster than a JS loop over every
// character); short ones, such as the many small strings of a log object,
// use the equivalent JS loop (no regex call overhead).
const TRIGGER = /[@:]|(?:\+|\(|\b)[0-9]|\b[A-Z]{2}[0-9]{2}/g;
const SHORT_TEXT = 256;

const isWord = (c: number): boolean => isAlnum(c) || c === 95;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;

/**
 * The first trigger position at or after `from` (what `TRIGGER` would match
 * with `lastIndex = from`), or -1. Internal; exported for the equivalence test.
 */
export function nextTrigger(text: string, from: number): number {
  const n = text.length;
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 64 || c === 58) return i;
    if (c === 43 || c === 40) {
      if (isDigit(text.charCodeAt(i + 1))) return i;
      continue;
    }
    const boundary = i === 0 || !isWord(text.charCodeAt(i - 1));
    if (!boundary) continue;
    if (isDigit(c)) return i;
    if (
      c >= 65 &&
      c <= 90 &&
      isUpper(text.charCodeAt(i + 1)) &&
      isDigit(text.charCodeAt(i + 2)) &&
      isDigit(text.charCodeAt(i + 3))
    )
      return i;
  }
  return -1;
}

/** Scans `text` for PII, adding candidates to `sink`. `order` is the tie-break rank. */
export function scanPii(text: string, sink: CandidateSink, order: number): void {
  if (text.length <= SHORT_TEXT) {
    for (let i = nextTrigger(text, 0); i !== -1; ) {
      i = nextTrigger(text, trigger(text, i, sink, order));
    }
    return;
  }
  // One shared global regex (a scan never re-enters itself): no allocation per call.
  const re = TRIGGER;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    re.lastIndex = trigger(text, m.index, sink, order);
  }
}

/** Runs the detector a trigger at `i` selects; returns where the search resumes. */
function trigger(text: string, i: number, sink: CandidateSink, order: number): number {
  const c = text.charCodeAt(i);
  const end = i + 1;
  if (c === 64) return Math.max(end, email(text, i, sink, order));
  if (c === 58) return Math.max(end, ipv6(text, i, sink, order));
  if (c >= 65 && c <= 90) return Math.max(end, iban(text, i, sink, order));
  return Math.max(end, numberRun(text, i, sink, order));
}

function email(text: string, at: number, sink: CandidateSink, order: number): number {
  let s = at;
  while (s > 0 && isLocal(text.charCodeAt(s - 1)) && at - s < 64) s--;
  while (s < at && !isAlnum(text.charCodeAt(s))) s++;
  if (s === at) return at;
  let e = at + 1;
  const n = text.length;
  while (e < n && isDomain(text.charCodeAt(e)) && e - at < 255) e++;
  while (e > at + 1 && !isAlnum(text.charCodeAt(e - 1))) e--;
  const domain = text.slice(at + 1, e);
  const dot = domain.lastIndexOf('.');
  if (dot <= 0) return at;
  const tld = domain.slice(dot + 1);
  if (!/^[A-Za-z]{2,24}$/.test(tld)) return at;
  // `scheme://user:password@host` is a credential URI, not an address.
  let back = s - 1;
  while (back >= 0 && s - back < 300) {
    const ch = text.charCodeAt(back);
    if (ch <= 32 || ch === 34 || ch === 39 || ch === 60 || ch === 62) break;
    if (ch === 47 && text.charCodeAt(back - 1) === 47 && text.charCodeAt(back - 2) === 58) return e;
    back--;
  }
  const local = text.slice(s, at);
  if (NOT_PERSONAL_EMAIL_LOCAL.has(local.toLowerCase())) return e;
  // `user@1.2.3` version pins and `pkg@scope` are not addresses.
  if (/^\d/.test(domain) && /^[\d.]+$/.test(domain.slice(0, dot))) return at;
  sink.add({
    ruleId: 'pii-email',
    kind: 'pii',
    start: s,
    end: e,
    confidence: 'high',
    outcome: 'flagged',
    reason: 'e-mail address',
    order,
  });
  return e;
}

function ipv6(text: string, colon: number, sink: CandidateSink, order: number): number {
  const n = text.length;
  const p = colon > 0 ? text.charCodeAt(colon - 1) : 0;
  const q = colon + 1 < n ? text.charCodeAt(colon + 1) : 0;
  if (!(isHex(p) || p === 58) || !(isHex(q) || q === 58)) return colon;
  let s = colon;
  while (
    s > 0 &&
    (isHex(text.charCodeAt(s - 1)) || text.charCodeAt(s - 1) === 58) &&
    colon - s < 45
  )
    s--;
  let e = colon;
  while (
    e < n &&
    (isHex(text.charCodeAt(e)) || text.charCodeAt(e) === 58 || text.charCodeAt(e) === 46) &&
    e - s < 45
  )
    e++;
  if ((s > 0 && isAlnum(text.charCodeAt(s - 1))) || (e < n && isAlnum(text.charCodeAt(e))))
    return e;
  while (e > s && text.charCodeAt(e - 1) === 46) e--;
  const cand = text.slice(s, e);
  if (!validIpv6(cand)) return e;
  sink.add({
    ruleId: 'pii-ipv6',
    kind: 'pii',
    start: s,
    end: e,
    confidence: 'medium',
    outcome: 'flagged',
    reason: 'IPv6 address',
    order,
  });
  return e;
}

/** Structural IPv6 check (RFC 4291 text forms, optional embedded IPv4). */
export function validIpv6(s: string): boolean {
  if (s.length < 3) return false;
  let body = s;
  let v4Groups = 0;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!validIpv4(tail)) return false;
    body = `${s.slice(0, lastColon + 1)}0`;
    v4Groups = 1;
  }
  const dbl = body.indexOf('::');
  if (dbl !== body.lastIndexOf('::')) return false;
  const parts = body.split(':');
  let groups = 0;
  let hexDigits = 0;
  let hasDigit = false;
  for (let i = 0; i < parts.length; i++) {
    const g = parts[i] as string;
    if (g.length === 0) continue;
    if (g.length > 4 || !/^[0-9A-Fa-f]+$/.test(g)) return false;
    groups++;
    hexDigits += g.length;
    if (/\d/.test(g)) hasDigit = true;
  }
  groups += v4Groups;
  if (dbl < 0) {
    if (parts.some((p) => p.length === 0) || groups !== 8) return false;
  } else {
    if (groups > 7) return false;
    if (
      (body.startsWith(':') && !body.startsWith('::')) ||
      (body.endsWith(':') && !body.endsWith('::'))
    )
      return false;
  }
  return (hexDigits >= 4 || s === '::1') && (hasDigit || v4Groups > 0);
}

/** Dotted-quad IPv4 without leading zeros. */
export function validIpv4(s: string): boolean {
  // Four dot-separated decimal octets 0-255 without leading zeros; one pass, no allocation.
  let parts = 0;
  let i = 0;
  const n = s.length;
  while (i <= n) {
    let v = 0;
    let len = 0;
    let first = -1;
    while (i < n && isDigit(s.charCodeAt(i))) {
      if (len === 0) first = s.charCodeAt(i);
      v = v * 10 + (s.charCodeAt(i) - 48);
      len++;
      i++;
    }
    if (len === 0 || len > 3 || v > 255 || (len > 1 && first === 48)) return false;
    parts++;
    if (i === n) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
  }
  return parts === 4;
}

function iban(text: string, s: number, sink: CandidateSink, order: number): number {
  const cc = text.slice(s, s + 2);
  const len = IBAN_LENGTHS[cc];
  if (len === undefined) return s;
  let compact = '';
  let e = s;
  const n = text.length;
  while (e < n && compact.length < len) {
    const c = text.charCodeAt(e);
    if (isDigit(c) || (c >= 65 && c <= 90)) compact += text.charAt(e);
    else if (c === 32 && compact.length % 4 === 0 && isAlnum(text.charCodeAt(e + 1))) {
      // grouped form "DE89 3704 ..."
    } else break;
    e++;
  }
  if (compact.length !== len || (e < n && isAlnum(text.charCodeAt(e)))) return s;
  if (!/^[A-Z]{2}\d{2}/.test(compact) || !ibanMod97Valid(compact)) return s;
  sink.add({
    ruleId: 'pii-iban',
    kind: 'pii',
    start: s,
    end: e,
    confidence: 'high',
    outcome: 'flagged',
    reason: 'IBAN with a valid mod-97 check',
    order,
  });
  return e;
}

const CARD_IIN =
  /^(?:4\d{12}(?:\d{3}){0,2}|5[1-5]\d{14}|2(?:2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)\d{12}|3[47]\d{13}|6011\d{12,15}|65\d{14,17}|64[4-9]\d{13,16}|35(?:2[89]|[3-8]\d)\d{12,15}|3(?:0[0-5]|[689]\d)\d{11,16}|62\d{14,17}|(?:50|5[6-9]|6[0-9])\d{10,17})$/;

function numberRun(text: string, s: number, sink: CandidateSink, order: number): number {
  const n = text.length;
  let e = s;
  let digits = '';
  while (e < n && e - s < 32) {
    const c = text.charCodeAt(e);
    if (isDigit(c)) digits += text.charAt(e);
    else if ((c === 32 || c === 45 || c === 46 || c === 40 || c === 41 || c === 43) && e + 1 < n) {
      const nx = text.charCodeAt(e + 1);
      if (!(isDigit(nx) || (c === 41 && nx === 32) || (c === 32 && nx === 40))) break;
    } else break;
    e++;
  }
  if (e < n && (isAlpha(text.charCodeAt(e)) || text.charCodeAt(e) === 95)) return e;
  const raw = text.slice(s, e);
  // IPv4
  if (/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(raw)) {
    const prev = s > 0 ? text.charCodeAt(s - 1) : 0;
    const nextDot = text.charCodeAt(e) === 46 && isDigit(text.charCodeAt(e + 1));
    if (
      validIpv4(raw) &&
      !nextDot &&
      !(text.charCodeAt(e) === 45 && isAlpha(text.charCodeAt(e + 1))) &&
      !/(?:version|ver|release|v)\s{0,2}$/i.test(text.slice(Math.max(0, s - 10), s)) &&
      prev !== 46 &&
      !isBoringIp(raw)
    ) {
      sink.add({
        ruleId: 'pii-ipv4',
        kind: 'pii',
        start: s,
        end: e,
        confidence: 'medium',
        outcome: 'flagged',
        reason: 'IPv4 address',
        order,
      });
    }
    return e;
  }
  // Cards: 13-19 digits, consistently grouped by single spaces or dashes.
  if (
    digits.length >= 13 &&
    digits.length <= 19 &&
    /^\d{4,6}(?:[ -]\d{4,6}){0,4}$|^\d{13,19}$/.test(raw)
  ) {
    if (luhnValid(digits) && CARD_IIN.test(digits) && !/^(\d)\1+$/.test(digits)) {
      sink.add({
        ruleId: 'pii-card-number',
        kind: 'pii',
        start: s,
        end: e,
        confidence: 'high',
        outcome: 'flagged',
        reason: 'card number (IIN prefix and Luhn)',
        order,
      });
      return e;
    }
  }
  // Phones: E.164 with a leading +, or common national groupings.
  let ps = s;
  let pe = e;
  while (pe > ps && !isDigit(text.charCodeAt(pe - 1))) pe--;
  const phone = text.slice(ps, pe);
  if (isPhone(phone)) {
    if (ps > 0 && text.charCodeAt(ps - 1) === 40 && phone.charCodeAt(0) !== 40) ps--;
    sink.add({
      ruleId: 'pii-phone',
      kind: 'pii',
      start: ps,
      end: pe,
      confidence: 'medium',
      outcome: 'flagged',
      reason: 'phone number',
      order,
    });
  }
  return e;
}

function isBoringIp(ip: string): boolean {
  return ip === '0.0.0.0' || ip.startsWith('127.') || ip.startsWith('255.') || ip.endsWith('.255');
}

const PHONE_FORMS: readonly RegExp[] = [
  /^\+[1-9][\d .()-]{6,24}$/,
  /^\(\d{3}\) ?\d{3}[ .-]\d{4}$/,
  /^\d{3}[.-]\d{3}[.-]\d{4}$/,
  /^0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4}$/,
];

function isPhone(s: string): boolean {
  let digits = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) digits++;
  if (s.startsWith('+')) {
    if (digits < 8 || digits > 15) return false;
    return PHONE_FORMS[0]?.test(s) === true && !/[ .()-]{3}|[.-]{2}/.test(s);
  }
  if (digits < 10 || digits > 12) return false;
  for (let k = 1; k < PHONE_FORMS.length; k++) if (PHONE_FORMS[k]?.test(s) === true) return true;
  return false;
}

import type { FindingConfidence, FindingKind } from '../finding.ts';

/** Why a candidate span was or was not reported. */
export type Outcome =
  | 'flagged'
  | 'validator-failed'
  | 'allow-listed'
  | 'placeholder'
  | 'below-threshold'
  | 'not-an-assignment'
  | 'name-not-secret'
  | 'overlapped';

/** A span some stage looked at, with its verdict. */
export interface Candidate {
  readonly ruleId: string;
  readonly kind: FindingKind;
  readonly start: number;
  readonly end: number;
  readonly confidence: FindingConfidence;
  outcome: Outcome;
  reason: string;
  readonly score?: number;
  /** Lower wins ties (rule table order; generic and custom stages come last). */
  readonly order: number;
}

/** Sink for candidates; rejected ones are only kept when explaining. */
export interface CandidateSink {
  readonly explain: boolean;
  add(c: Candidate): void;
}

const PLACEHOLDER_WORDS = new Set([
  'changeme',
  'change_me',
  'change-me',
  'changethis',
  'changeit',
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'api_key',
  'test',
  'testing',
  'example',
  'sample',
  'dummy',
  'fake',
  'placeholder',
  'redacted',
  'removed',
  'hidden',
  'masked',
  'none',
  'null',
  'nil',
  'undefined',
  'true',
  'false',
  'yes',
  'no',
  'todo',
  'tbd',
  'fixme',
  'foo',
  'bar',
  'baz',
  'foobar',
  'default',
  'empty',
  'string',
  'value',
  'required',
  'optional',
  'notset',
  'not_set',
  'unset',
  'xxx',
  'abc123',
  '123456',
  '12345678',
  'qwerty',
  'letmein',
  'pass',
  'mypassword',
  'yourpassword',
  'mysecret',
  'supersecret',
  'secretkey',
  'secret_key',
  'your-secret',
  'your_secret',
]);

const PLACEHOLDER_RE =
  /(?:^<[^>]{0,80}>$|^\[[^\]]{0,80}\]$|\$\{|\{\{|\}\}|%\(|^%s$|^\$[A-Za-z_][A-Za-z0-9_]{0,80}$|^\$\(|^%[A-Za-z_][A-Za-z0-9_]{0,80}%$|process\.env|os\.environ|getenv|System\.getenv|ENV\[|^env\(|^secrets\.|^vault:|^ref\+|^arn:aws:secretsmanager|your[_-]?(?:own[_-]?)?(?:api|secret|token|pass|key|access|client|auth|app)|(?:^|[^a-z])example|\*\*\*|\.\.\.\.|placeholder|redacted|insert[_-]?(?:your|here)|replace[_-]?me|change[_-]?me|dummy|<[a-z_ -]{2,40}>)/i;

/**
 * True when a secret-shaped value is obviously a placeholder: template
 * syntax, env reads, `xxxx`/`****`, words like `example`/`changeme`, or long
 * runs of one character / counting sequences.
 */
export function isPlaceholder(value: string, allowRepeats = false): boolean {
  const lower = value.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) return true;
  if (
    PLACEHOLDER_RE.test(value) ||
    ((value.includes('xxxx') || value.includes('XXXX')) && xShare(value) >= 0.4) ||
    value.includes('xxxxxxxx') ||
    value.includes('XXXXXXXX') ||
    value.includes('EXAMPLE')
  ) {
    return true;
  }
  if (!allowRepeats && hasLongRun(value)) return true;
  return false;
}

function xShare(s: string): number {
  let x = 0;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) | 32) === 120) x++;
  return x / s.length;
}

function hasLongRun(s: string): boolean {
  let run = 1;
  let seq = 1;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const p = s.charCodeAt(i - 1);
    run = c === p ? run + 1 : 1;
    seq = c === p + 1 && isAlnum(c) ? seq + 1 : 1;
    if (run >= 7 || seq >= 8) return true;
  }
  return false;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

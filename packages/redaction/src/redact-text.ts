import type { Finding, FindingKind } from './finding.ts';
import { SCAN_LAZY } from './fingerprint.ts';
import { defaultScanner } from './internal/default-scanner.ts';
import { PLACEHOLDER_RE, PlaceholderNumbering, type Vault } from './vault.ts';

/** Anything that finds secrets in text: the package's scanner or your own. */
export interface TextScanner {
  /** Sorted, non-overlapping findings whose spans cover exactly the sensitive bytes. */
  scan(text: string): readonly Finding[];
}

/** Values and fingerprints that are never redacted. */
export interface AllowList {
  readonly values?: readonly string[];
  readonly fingerprints?: readonly string[];
}

/** Options for {@link redactText}. */
export interface RedactTextOptions {
  /** The scanner to use; defaults to the package scanner with all rules. */
  readonly scanner?: TextScanner;
  /** Make placeholders reversible with a device-local vault. */
  readonly vault?: Vault;
  /** Values and fingerprints to leave alone. */
  readonly allowList?: AllowList;
  /** Which kinds of finding to replace (default both). */
  readonly kinds?: readonly FindingKind[];
  /**
   * Return true to leave a finding in place (used by `full` mode for
   * credentials the policy names explicitly). Default: redact everything.
   */
  readonly keep?: (finding: Finding) => boolean;
}

/** The result of {@link redactText}. */
export interface RedactTextResult {
  /** The text with every replaced finding turned into a typed placeholder. */
  readonly text: string;
  /** The replaced findings, with spans into the input text. */
  readonly findings: readonly Finding[];
}

/**
 * Per-run state shared across the segments of one stream, so a stream numbers
 * placeholders exactly as one whole-input call would.
 * @internal
 */
export interface RedactionRun {
  readonly scanner: TextScanner;
  /**
   * `scanner.scan`, or the package scanner's variant whose findings hash
   * their fingerprint only when read (for callers that keep only the text).
   */
  readonly scanLazy: (text: string) => readonly Finding[];
  readonly numbering: PlaceholderNumbering | Vault;
  readonly allowValues: ReadonlySet<string>;
  readonly allowFingerprints: ReadonlySet<string>;
  readonly secrets: boolean;
  readonly pii: boolean;
  readonly keep: ((finding: Finding) => boolean) | undefined;
  /** Values flagged so far in this run (bounded), propagated to later text. */
  readonly known: Map<string, Finding>;
  /** Cached alternation of `known` (rebuilt when it grows). */
  knownRe: RegExp | null | undefined;
  knownReSize: number;
}

const ALLOW_COMMENT = 'palisade:allow';

/** @internal */
export function createRun(options: RedactTextOptions | undefined): RedactionRun {
  return runFactory(options)();
}

/**
 * Validates `options` once and returns a function that starts fresh runs
 * sharing the option-derived parts (scanner, allow-lists, kinds): what a
 * compiled object redactor calls once per object.
 */
export function runFactory(options: RedactTextOptions | undefined): () => RedactionRun {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('redaction options must be an object');
  }
  const kinds = options?.kinds;
  const scanner = options?.scanner ?? defaultScanner();
  const vault = options?.vault;
  const allowValues = new Set(options?.allowList?.values ?? []);
  const allowFingerprints = new Set(options?.allowList?.fingerprints ?? []);
  const secrets = kinds === undefined || kinds.includes('secret');
  const pii = kinds === undefined || kinds.includes('pii');
  const keep = options?.keep;
  const lazy = (scanner as { readonly [SCAN_LAZY]?: (text: string) => readonly Finding[] })[
    SCAN_LAZY
  ];
  const scanLazy = lazy ?? ((text: string) => scanner.scan(text));
  return () => ({
    scanner,
    scanLazy,
    numbering: vault ?? new PlaceholderNumbering(),
    allowValues,
    allowFingerprints,
    secrets,
    pii,
    keep,
    known: new Map(),
    knownRe: undefined,
    knownReSize: 0,
  });
}

function placeholderSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (!text.includes('<')) return spans;
  PLACEHOLDER_RE.lastIndex = 0;
  for (let m = PLACEHOLDER_RE.exec(text); m !== null; m = PLACEHOLDER_RE.exec(text)) {
    spans.push([m.index, m.index + m[0].length]);
  }
  return spans;
}

function lineHasAllowComment(text: string, start: number, end: number): boolean {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  let to = text.indexOf('\n', end);
  if (to === -1) to = text.length;
  return text.slice(from, to).includes(ALLOW_COMMENT);
}

/** At most this many distinct values are remembered per run for propagation. */
const MAX_KNOWN = 1024;
/** Shorter values are not propagated to other occurrences (too likely to collide). */
const MIN_PROPAGATE = 6;

const escapeRe = (v: string): string => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One regex that finds every occurrence of many values in one pass (V8
 * compiles the alternation to native code; far faster than one indexOf per
 * value). Longer values first, so the longest match wins at a position.
 */
function alternation(values: Iterable<string>): RegExp | null {
  const list = [...values].filter((v) => v.length >= MIN_PROPAGATE);
  if (list.length === 0) return null;
  list.sort((a, b) => b.length - a.length);
  return new RegExp(list.map(escapeRe).join('|'), 'g');
}

function lineEndAt(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl;
}

/**
 * Redacts one string with a run's state. Every other occurrence of a value
 * the scanner flagged is replaced too: anywhere in `text` (whole-input mode),
 * or, in `lineForward` mode (streams), on the same line or any later line, so
 * that the result does not depend on how a stream was cut into lines. Values
 * flagged by earlier calls of the same run are replaced in later calls.
 * @internal
 */
const NONE: readonly Finding[] = Object.freeze([]);

/** True when a value flagged earlier in the run occurs in `text` (cheap pre-check). */
function containsKnown(run: RedactionRun, text: string): boolean {
  if (run.known.size === 0 || text.length < MIN_PROPAGATE) return false;
  if (run.known.size > 16) return true; // the full path uses one cached regex
  for (const value of run.known.keys()) {
    if (value.length >= MIN_PROPAGATE && text.includes(value)) return true;
  }
  return false;
}

export function redactWithRun(
  run: RedactionRun,
  text: string,
  lineForward = false,
): RedactTextResult {
  const found = run.scanner.scan(text);
  if (found.length === 0 && !containsKnown(run, text)) return { text, findings: NONE };
  return redactFound(run, text, found, lineForward);
}

/**
 * {@link redactWithRun} for callers that need only the text (object
 * redaction of many short strings): no result object when nothing is found.
 */
export function redactStringWithRun(run: RedactionRun, text: string, clean?: CleanMemo): string {
  let found: readonly Finding[];
  const memo = clean !== undefined && text.length <= CleanMemo.MAX_LENGTH;
  if (memo && clean.has(text)) found = NONE;
  else {
    found = run.scanLazy(text);
    if (memo && found.length === 0) clean.add(text);
  }
  if (found.length === 0 && !containsKnown(run, text)) return text;
  return redactFound(run, text, found, false).text;
}

/**
 * Short strings in which a deterministic scanner found nothing, remembered
 * by a compiled object redactor: log records repeat the same host names,
 * user agents and content types. Values flagged earlier in a run are still
 * looked for in remembered strings. Bounded; holds no string with a finding.
 */
export class CleanMemo {
  static readonly MAX_LENGTH = 160;
  static readonly MAX_SIZE = 2048;
  readonly #set = new Set<string>();
  has(text: string): boolean {
    return this.#set.has(text);
  }
  add(text: string): void {
    if (this.#set.size >= CleanMemo.MAX_SIZE) this.#set.clear();
    this.#set.add(text);
  }
}

function redactFound(
  run: RedactionRun,
  text: string,
  found: readonly Finding[],
  lineForward: boolean,
): RedactTextResult {
  const existing = placeholderSpans(text);
  const hasAllowComment = text.includes(ALLOW_COMMENT);
  const accepted: Finding[] = [];
  const firstSeen = new Map<string, Finding>();
  let cursor = 0;
  let p = 0;
  for (const f of found) {
    if (f.start < cursor || f.end <= f.start || f.end > text.length) continue;
    if (f.kind === 'secret' ? !run.secrets : !run.pii) continue;
    // Never re-redact a placeholder (this is what makes redaction idempotent).
    while (p < existing.length && (existing[p] as [number, number])[1] <= f.start) p++;
    const ph = existing[p];
    if (ph !== undefined && ph[0] < f.end) continue;
    const value = text.slice(f.start, f.end);
    if (run.allowFingerprints.size > 0 && run.allowFingerprints.has(f.fingerprint)) continue;
    if (run.allowValues.has(value)) continue;
    if (hasAllowComment && lineHasAllowComment(text, f.start, f.end)) continue;
    if (run.keep?.(f) === true) continue;
    accepted.push(f);
    cursor = f.end;
    if (!firstSeen.has(value)) firstSeen.set(value, f);
  }
  // Propagate: other occurrences of flagged values.
  const extra: Finding[] = [];
  const hit = (value: string, f: Finding, at: number): void => {
    // `f` is from this text unless the value was flagged by an earlier call.
    const fromThisText = !run.known.has(value);
    if (fromThisText && at === f.start) return;
    if (lineForward && fromThisText && f.start > lineEndAt(text, at)) return;
    // Spelled out: `f` may keep its fingerprint in a getter (a censored value).
    extra.push({
      ruleId: f.ruleId,
      kind: f.kind,
      start: at,
      end: at + value.length,
      confidence: f.confidence,
      fingerprint: f.fingerprint,
    });
  };
  const byIndexOf = (values: Iterable<[string, Finding]>): void => {
    for (const [value, f] of values) {
      if (value.length < MIN_PROPAGATE) continue;
      for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
        hit(value, f, at);
      }
    }
  };
  const byRegex = (re: RegExp | null, values: ReadonlyMap<string, Finding>): void => {
    if (re === null) return;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const f = values.get(m[0]);
      if (f !== undefined) hit(m[0], f, m.index);
    }
  };
  // Values from earlier calls: one cached regex when the work is large.
  if (run.known.size * text.length <= 65_536) {
    byIndexOf(run.known);
  } else {
    if (run.knownRe === undefined || run.knownReSize !== run.known.size) {
      run.knownRe = alternation(run.known.keys());
      run.knownReSize = run.known.size;
    }
    byRegex(run.knownRe, run.known);
  }
  // Values first flagged in this call.
  const fresh = new Map<string, Finding>();
  for (const [v, f] of firstSeen) if (!run.known.has(v)) fresh.set(v, f);
  if (fresh.size * text.length <= 262_144 || fresh.size <= 4) byIndexOf(fresh);
  else byRegex(alternation(fresh.keys()), fresh);
  let findings = accepted;
  if (extra.length > 0) {
    const all = [...accepted, ...extra].sort((a, b) => a.start - b.start || b.end - a.end);
    findings = [];
    let last = 0;
    let q = 0;
    for (const f of all) {
      if (f.start < last) continue;
      while (q < existing.length && (existing[q] as [number, number])[1] <= f.start) q++;
      const ph = existing[q];
      if (ph !== undefined && ph[0] < f.end) continue;
      findings.push(f);
      last = f.end;
    }
  }
  if (findings.length === 0) return { text, findings: NONE };
  let out = '';
  cursor = 0;
  for (const f of findings) {
    const value = text.slice(f.start, f.end);
    out += text.slice(cursor, f.start) + run.numbering.placeholder(f.kind, f.ruleId, value);
    cursor = f.end;
  }
  out += text.slice(cursor);
  for (const [v, f] of firstSeen) {
    if (run.known.size >= MAX_KNOWN) break;
    if (!run.known.has(v)) run.known.set(v, f);
  }
  return { text: out, findings };
}

/**
 * Replaces every secret and PII value in a string with a typed placeholder
 * such as `<secret:aws-access-key-id#1>` (the same value gets the same
 * number). The input is never changed; redacting the output again changes
 * nothing (placeholders are never re-redacted). A line containing the comment
 * `palisade:allow` is left alone.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param text - the text to redact.
 * @param options - scanner, vault, allow-list and kinds; see {@link RedactTextOptions}.
 * @returns the redacted text and the replaced findings (spans into `text`).
 * @throws TypeError when `text` is not a string.
 * @example Redact a log line.
 * ```ts
 * redactText('aws_key=AKIAIOSFODNN7EXAMPLE').text; // 'aws_key=<secret:aws-access-key-id#1>'
 * ```
 */
export function redactText(text: string, options?: RedactTextOptions): RedactTextResult {
  if (typeof text !== 'string') throw new TypeError('redactText expects a string');
  return redactWithRun(createRun(options), text);
}

import type { Finding, FindingKind } from './finding.ts';
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
  readonly numbering: PlaceholderNumbering | Vault;
  readonly allowValues: ReadonlySet<string>;
  readonly allowFingerprints: ReadonlySet<string>;
  readonly secrets: boolean;
  readonly pii: boolean;
  readonly keep: ((finding: Finding) => boolean) | undefined;
}

const ALLOW_COMMENT = 'palisade:allow';

/** @internal */
export function createRun(options: RedactTextOptions | undefined): RedactionRun {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('redaction options must be an object');
  }
  const kinds = options?.kinds;
  return {
    scanner: options?.scanner ?? defaultScanner(),
    numbering: options?.vault ?? new PlaceholderNumbering(),
    allowValues: new Set(options?.allowList?.values ?? []),
    allowFingerprints: new Set(options?.allowList?.fingerprints ?? []),
    secrets: kinds === undefined || kinds.includes('secret'),
    pii: kinds === undefined || kinds.includes('pii'),
    keep: options?.keep,
  };
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

/** Redacts one string with a run's state. @internal */
export function redactWithRun(run: RedactionRun, text: string): RedactTextResult {
  const found = run.scanner.scan(text);
  if (found.length === 0) return { text, findings: [] };
  const existing = placeholderSpans(text);
  const hasAllowComment = text.includes(ALLOW_COMMENT);
  const kept: Finding[] = [];
  let out = '';
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
    if (run.allowFingerprints.has(f.fingerprint) || run.allowValues.has(value)) continue;
    if (hasAllowComment && lineHasAllowComment(text, f.start, f.end)) continue;
    if (run.keep?.(f) === true) continue;
    out += text.slice(cursor, f.start) + run.numbering.placeholder(f.kind, f.ruleId, value);
    cursor = f.end;
    kept.push(f);
  }
  if (kept.length === 0) return { text, findings: [] };
  out += text.slice(cursor);
  return { text: out, findings: kept };
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

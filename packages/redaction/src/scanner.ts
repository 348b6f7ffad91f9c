import { KeywordAutomaton } from './engine/aho-corasick.ts';
import type { Candidate, CandidateSink, Outcome } from './engine/candidate.ts';
import { isPlaceholder } from './engine/candidate.ts';
import { shannon } from './engine/checks.ts';
import { GENERIC_KEYWORDS, genericAt, isMetadataName } from './engine/generic.ts';
import { analyzeRegex } from './engine/regex-safety.ts';
import { RedactionError } from './errors.ts';
import type { Finding, FindingConfidence, FindingKind } from './finding.ts';
import { fingerprintSecret, LazyFinding, SCAN_LAZY } from './fingerprint.ts';
import { scanPii } from './pii.ts';
import { builtinRules } from './rules/index.ts';
import type { RuleDefinition } from './rules/types.ts';

export { fingerprintSecret };

/** A detector family that can be switched on or off. */
export type Detector = 'secret' | 'pii';

/** Values the scanner must never report. */
export interface ScanAllowList {
  /** Exact values (compared to the matched span). */
  readonly values?: readonly string[];
  /** Fingerprints as produced by {@link fingerprintSecret} / `Finding.fingerprint`. */
  readonly fingerprints?: readonly string[];
  /** Honour `palisade:allow` comments on the same line (default `true`). */
  readonly inlineComments?: boolean;
}

/**
 * A user-supplied rule (the policy's `CustomRule` is assignable to it). Its
 * regex must pass the backtracking analyser.
 */
export interface ScanRule {
  /** Stable id, `[a-z0-9][a-z0-9-]{1,62}`. */
  readonly id: string;
  /** Regex source or RegExp. A named group `s`, when present, is the secret span. */
  readonly pattern: string | RegExp;
  /** Flags among `i`, `m`, `s`, `u` (a RegExp's own flags are used when omitted). */
  readonly flags?: string | undefined;
  /** Literal keywords; the regex runs only near them. Without keywords it scans the whole text. */
  readonly keywords?: readonly string[] | undefined;
  readonly kind?: FindingKind | undefined;
  readonly confidence?: FindingConfidence | undefined;
}

/** Options of {@link createScanner} and {@link scan}. */
export interface ScanOptions {
  /** Detector families to run (default both `secret` and `pii`). */
  readonly detectors?: readonly Detector[];
  readonly allow?: ScanAllowList;
  readonly rules?: readonly ScanRule[];
  /** Rule ids to switch off. */
  readonly disabledRules?: readonly string[];
  /** Run the generic `name = value` stage (default `true`). */
  readonly generic?: boolean;
  /** Drop findings below this confidence (default `low`: keep all). */
  readonly minConfidence?: FindingConfidence;
}

/** Why a span was, or was not, reported. */
export interface Explanation {
  /** The rule that looked at the span; `null` when nothing did. */
  readonly ruleId: string | null;
  readonly start: number;
  readonly end: number;
  readonly outcome: Outcome | 'no-candidate';
  /** A human reason; never contains the matched value. */
  readonly reason: string;
  readonly confidence?: FindingConfidence;
  readonly score?: number;
}

/** A compiled scanner: build once with {@link createScanner}, then scan many texts. */
export interface Scanner {
  /** Findings sorted by start, non-overlapping. */
  scan(text: string): readonly Finding[];
  /** Every verdict about spans intersecting `[start, end)` (whole text by default). */
  explain(text: string, start?: number, end?: number): readonly Explanation[];
  /** Ids of every rule this scanner runs. */
  readonly ruleIds: readonly string[];
}

const NO_FINDINGS: readonly Finding[] = Object.freeze([]);
const ALLOW_COMMENT = 'palisade:allow';
const RANK: Readonly<Record<FindingConfidence, number>> = { low: 1, medium: 2, high: 3 };
const ID_RE = /^[a-z0-9][a-z0-9-]{1,62}$/;
const MAX_CUSTOM_WINDOW = 512;

interface Compiled {
  readonly def: RuleDefinition;
  readonly search: RegExp;
  readonly sticky: RegExp;
  readonly order: number;
  readonly wholeText: boolean;
  /**
   * ASCII characters that the pattern's leading `(?<![...])` forbids right
   * before a match: an anchored hit preceded by one cannot match, so the
   * regex is not run there (a keyword inside a long alphanumeric run).
   */
  readonly leftStop: Uint8Array | undefined;
}

/**
 * Compiles a scanner once (keyword automaton, regexes, allow-list) for
 * repeated use. Secret rules run only in windows around their keyword hits
 * found in one Aho-Corasick pass; PII runs as one hand-written pass.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param options - detectors, allow-list, custom rules, generic stage, minimum confidence
 * @returns a {@link Scanner}
 * @throws RedactionError `ERR_REDACTION_INVALID_RULE` when a custom rule has a bad id, an
 *   invalid regex, or a regex the backtracking analyser rejects
 * @throws TypeError when options have the wrong type
 * @example Scan a log line for secrets only.
 * ```ts
 * const scanner = createScanner({ detectors: ['secret'] });
 * const findings = scanner.scan('token=ghp_...');
 * ```
 */
export function createScanner(options: ScanOptions = {}): Scanner {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  const detectors = new Set<Detector>(options.detectors ?? ['secret', 'pii']);
  for (const d of detectors) {
    if (d !== 'secret' && d !== 'pii') throw new TypeError('detectors must be "secret" or "pii"');
  }
  const secrets = detectors.has('secret');
  const pii = detectors.has('pii');
  const genericOn = secrets && options.generic !== false;
  const disabledGeneric = new Set(options.disabledRules ?? []);
  const minRank = RANK[options.minConfidence ?? 'low'];
  if (minRank === undefined) throw new TypeError('minConfidence must be low, medium or high');

  const disabled = new Set(options.disabledRules ?? []);
  const defs: RuleDefinition[] = secrets ? builtinRules.filter((r) => !disabled.has(r.id)) : [];
  const customFlags = new Map<string, string>();
  for (const cr of options.rules ?? []) {
    const d = customToDefinition(cr);
    if (disabled.has(d.id)) continue;
    if (defs.some((x) => x.id === d.id)) {
      throw new RedactionError(
        'ERR_REDACTION_INVALID_RULE',
        `custom rule ${d.id}: id already in use`,
      );
    }
    defs.push(d);
    customFlags.set(d.id, customRuleFlags(cr));
  }
  const compiled: Compiled[] = defs.map((def, order) => {
    const flags = customFlags.get(def.id) ?? (def.caseInsensitive ? 'i' : '');
    return {
      def,
      search: new RegExp(def.pattern, `g${flags}`),
      sticky: new RegExp(def.pattern, `yd${flags}`),
      order,
      wholeText: def.keywords.length === 0,
      leftStop: leftStopTable(def.pattern, flags),
    };
  });

  // Keyword table: keyword -> rules; the generic stage listens on its own keywords.
  const kwIndex = new Map<string, number>();
  const kwRules: number[][] = [];
  const kwGeneric: boolean[] = [];
  const addKw = (k: string): number => {
    let idx = kwIndex.get(k);
    if (idx === undefined) {
      idx = kwRules.length;
      kwIndex.set(k, idx);
      kwRules.push([]);
      kwGeneric.push(false);
    }
    return idx;
  };
  compiled.forEach((c, r) => {
    for (const k of c.def.keywords) (kwRules[addKw(k.toLowerCase())] as number[]).push(r);
  });
  if (genericOn) for (const k of GENERIC_KEYWORDS) kwGeneric[addKw(k)] = true;
  const inline = options.allow?.inlineComments !== false;
  // When the keyword pass runs anyway, it also spots `palisade:allow` comments
  // (no second search of the whole text); otherwise `includes` does.
  const allowKw = inline && kwIndex.size > 0 ? addKw(ALLOW_COMMENT) : -1;
  let allowSeen = false;
  const automaton = automatonFor([...kwIndex.keys()]);
  const kwLens = [...kwIndex.keys()].map((k) => k.length);
  const contextRule = Uint8Array.from(compiled, (c) => (c.def.mode === 'context' ? 1 : 0));

  const allowValues = new Set(options.allow?.values ?? []);
  const allowFps = new Set(options.allow?.fingerprints ?? []);
  const genericOrder = compiled.length;
  const piiOrder = compiled.length + 1;

  const wholeTextRules = compiled.filter((c) => c.wholeText);
  // Per-scanner buffers reused by every call (a scan never re-enters itself):
  // hit positions per rule with their counts, the rules that got hits (in
  // first-hit order), and the generic hits. Counters instead of array
  // truncation: resetting lengths and sorting tiny arrays cost more than
  // the scan of a short string.
  const hitLists: number[][] = compiled.map(() => []);
  const hitCounts = new Int32Array(compiled.length);
  const touched = new Int32Array(compiled.length);
  let touchedCount = 0;
  const genericHits: number[] = [];
  let genericCount = 0;

  /** True when no rule can fire: no keyword, no keyword-less rule, no PII. */
  const nothingToDo = (text: string): boolean =>
    !pii && wholeTextRules.length === 0 && (kwRules.length === 0 || !automaton.hasAny(text));

  const run = (text: string, sink: CandidateSink): void => {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    // Counts left by a call that threw.
    for (let t = 0; t < touchedCount; t++) hitCounts[touched[t] as number] = 0;
    touchedCount = 0;
    genericCount = 0;
    allowSeen = false;
    if (kwRules.length > 0) {
      const count = automaton.collect(text);
      const kw = automaton.hitKeywords;
      const pos = automaton.hitStarts;
      for (let h = 0; h < count; h++) {
        const k = kw[h] as number;
        const start = pos[h] as number;
        const rs = kwRules[k] as number[];
        for (let j = 0; j < rs.length; j++) {
          const r = rs[j] as number;
          const p = contextRule[r] === 1 ? start + (kwLens[k] as number) : start;
          const nh = hitCounts[r] as number;
          if (nh === 0) touched[touchedCount++] = r;
          (hitLists[r] as number[])[nh] = p;
          hitCounts[r] = nh + 1;
        }
        if (kwGeneric[k] === true) genericHits[genericCount++] = start;
        else if (k === allowKw) allowSeen = true;
      }
    }
    for (const c of wholeTextRules) searchWindow(c, text, 0, text.length, sink);
    // Rules run in table order (it breaks ties between equal findings).
    insertionSort(touched, touchedCount);
    for (let t = 0; t < touchedCount; t++) {
      const r = touched[t] as number;
      const n = hitCounts[r] as number;
      hitCounts[r] = 0;
      runRule(compiled[r] as Compiled, text, hitLists[r] as number[], n, sink);
    }
    touchedCount = 0;
    if (genericOn && genericCount > 0) {
      const seen = { until: 0 };
      const gsink: CandidateSink =
        disabledGeneric.has('generic-password') || disabledGeneric.has('generic-secret')
          ? {
              explain: sink.explain,
              add: (c) => (disabledGeneric.has(c.ruleId) ? undefined : sink.add(c)),
            }
          : sink;
      for (let g = 0; g < genericCount; g++) {
        genericAt(text, genericHits[g] as number, seen, genericOrder, gsink);
      }
      genericCount = 0;
    }
    if (pii) {
      scanPii(
        text,
        disabledGeneric.size === 0
          ? sink
          : {
              explain: sink.explain,
              add: (c) => (disabledGeneric.has(c.ruleId) ? undefined : sink.add(c)),
            },
        piiOrder,
      );
    }
  };

  const finish = (text: string, cands: Candidate[], explain: boolean): Candidate[] => {
    const hasInline = inline && (allowKw >= 0 ? allowSeen : text.includes(ALLOW_COMMENT));
    for (const c of cands) {
      if (c.outcome !== 'flagged') continue;
      if (RANK[c.confidence] < minRank) {
        c.outcome = 'below-threshold';
        c.reason = `confidence ${c.confidence} below the configured minimum`;
        continue;
      }
      const value = text.slice(c.start, c.end);
      if (allowValues.has(value)) {
        c.outcome = 'allow-listed';
        c.reason = 'value is on the allow-list';
      } else if (allowFps.size > 0 && allowFps.has(fingerprintSecret(value))) {
        c.outcome = 'allow-listed';
        c.reason = 'fingerprint is on the allow-list';
      } else if (hasInline && lineOf(text, c.start).includes(ALLOW_COMMENT)) {
        c.outcome = 'allow-listed';
        c.reason = 'a palisade:allow comment is on the same line';
      }
    }
    // Overlaps: higher confidence, then longer span, then earlier rule wins.
    const flagged = cands.filter((c) => c.outcome === 'flagged');
    flagged.sort(
      (a, b) =>
        RANK[b.confidence] - RANK[a.confidence] ||
        (a.kind === b.kind ? 0 : a.kind === 'secret' ? -1 : 1) ||
        Number(a.order >= genericOrder) - Number(b.order >= genericOrder) ||
        b.end - b.start - (a.end - a.start) ||
        a.order - b.order ||
        a.start - b.start,
    );
    const kept: Candidate[] = [];
    for (const c of flagged) {
      if (overlapsAny(kept, c)) {
        c.outcome = 'overlapped';
        c.reason = 'a higher-ranked finding covers this span';
      } else insertSorted(kept, c);
    }
    return explain ? cands : kept;
  };

  const found: Candidate[] = [];
  const collectSink: CandidateSink = { explain: false, add: (c) => found.push(c) };
  /** The kept candidates of `text`, or nothing when there are none. */
  const keptCandidates = (text: string): Candidate[] | undefined => {
    if (nothingToDo(text)) return undefined;
    if (found.length > 0) found.length = 0;
    run(text, collectSink);
    if (found.length === 0) return undefined;
    const cands = found.slice();
    found.length = 0;
    return finish(text, cands, false);
  };
  const scanText = (text: string): readonly Finding[] => {
    if (typeof text !== 'string') throw new TypeError('text must be a string');
    const kept = keptCandidates(text);
    if (kept === undefined) return NO_FINDINGS;
    return kept.map((c) =>
      Object.freeze({
        ruleId: c.ruleId,
        kind: c.kind,
        start: c.start,
        end: c.end,
        confidence: c.confidence,
        fingerprint: fingerprintSecret(text.slice(c.start, c.end)),
      }),
    );
  };
  // `scanText` for the package's own redaction, which replaces findings and
  // rarely reads their fingerprints: each is hashed only when read.
  const scanLazy = (text: string): readonly Finding[] => {
    const kept = keptCandidates(text);
    if (kept === undefined) return NO_FINDINGS;
    return kept.map(
      (c) =>
        new LazyFinding(c.ruleId, c.kind, c.start, c.end, c.confidence, text.slice(c.start, c.end)),
    );
  };

  const explainText = (text: string, start = 0, end = text.length): readonly Explanation[] => {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
      throw new RangeError('start/end must be integers with 0 <= start <= end');
    }
    const cands: Candidate[] = [];
    run(text, { explain: true, add: (c) => cands.push(c) });
    const all = finish(text, cands, true);
    const out: Explanation[] = [];
    for (const c of all) {
      const touches = c.start < end && c.end > start;
      const point = start === end && c.start <= start && c.end >= start;
      if (!touches && !point) continue;
      out.push(
        Object.freeze({
          ruleId: c.ruleId,
          start: c.start,
          end: c.end,
          outcome: c.outcome,
          reason: c.reason,
          confidence: c.confidence,
          ...(c.score === undefined ? {} : { score: c.score }),
        }),
      );
    }
    out.sort((a, b) => a.start - b.start);
    if (out.length === 0) {
      out.push(
        Object.freeze({
          ruleId: null,
          start,
          end,
          outcome: 'no-candidate' as const,
          reason: 'no rule keyword, pattern or detector matched this range',
        }),
      );
    }
    return Object.freeze(out);
  };

  return Object.freeze({
    scan: scanText,
    [SCAN_LAZY]: scanLazy,
    explain: explainText,
    ruleIds: Object.freeze([
      ...compiled.map((c) => c.def.id),
      ...(genericOn ? ['generic-password', 'generic-secret'] : []),
      ...(pii
        ? ['pii-email', 'pii-phone', 'pii-ipv4', 'pii-ipv6', 'pii-card-number', 'pii-iban']
        : []),
    ]),
  });
}

const automata = new Map<string, KeywordAutomaton>();

/** Scanners with the same keyword set share one compiled automaton. */
function automatonFor(keywords: readonly string[]): KeywordAutomaton {
  const key = keywords.join('\u0000');
  let a = automata.get(key);
  if (a === undefined) {
    a = new KeywordAutomaton(keywords);
    if (automata.size >= 16) automata.clear();
    automata.set(key, a);
  }
  return a;
}

function lineOf(text: string, at: number): string {
  const s = text.lastIndexOf('\n', at - 1) + 1;
  let e = text.indexOf('\n', at);
  if (e < 0) e = text.length;
  return text.slice(s, e);
}

/** `kept` is sorted by start and non-overlapping; binary search the neighbours of `c`. */
function overlapsAny(kept: readonly Candidate[], c: Candidate): boolean {
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((kept[mid] as Candidate).start < c.start) lo = mid + 1;
    else hi = mid;
  }
  const next = kept[lo];
  const prev = kept[lo - 1];
  return (next !== undefined && next.start < c.end) || (prev !== undefined && prev.end > c.start);
}

function insertSorted(kept: Candidate[], c: Candidate): void {
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((kept[mid] as Candidate).start < c.start) lo = mid + 1;
    else hi = mid;
  }
  kept.splice(lo, 0, c);
}

const LEADING_LOOKBEHIND = /^\(\?<!(\[(?:\\.|[^\]\\]){1,200}\])\)/;

/**
 * The table of {@link Compiled.leftStop} for a pattern that starts with a
 * negative lookbehind of one character class and has no top-level
 * alternation (which would leave other branches without that lookbehind).
 */
function leftStopTable(pattern: string, flags: string): Uint8Array | undefined {
  const m = LEADING_LOOKBEHIND.exec(pattern);
  if (m === null || hasTopLevelAlternation(pattern)) return undefined;
  const cls = new RegExp(`^${m[1] as string}$`, flags.includes('i') ? 'i' : '');
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = cls.test(String.fromCharCode(c)) ? 1 : 0;
  return table;
}

function hasTopLevelAlternation(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}

/** Sorts `a[0..n)` ascending in place (inputs are tiny or nearly sorted). */
function insertionSort(a: Int32Array | number[], n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > v) {
      a[j + 1] = a[j] as number;
      j--;
    }
    a[j + 1] = v;
  }
}

/** Runs one rule at its `count` keyword hits `hits[0..count)`. */
function runRule(
  c: Compiled,
  text: string,
  hits: number[],
  count: number,
  sink: CandidateSink,
): void {
  const def = c.def;
  const n = text.length;
  if (def.mode === 'anchor') {
    // A token cannot start inside the previous match of the same rule.
    let until = -1;
    if (def.keywords.length > 1) insertionSort(hits, count);
    const stop = c.leftStop;
    for (let k = 0; k < count; k++) {
      const p = hits[k] as number;
      if (p < until) continue;
      until = p + 1;
      if (stop !== undefined && p > 0) {
        const before = text.charCodeAt(p - 1);
        if (before < 128 && stop[before] === 1) continue;
      }
      c.sticky.lastIndex = p;
      const m = c.sticky.exec(text);
      if (m !== null) {
        until = m.index + m[0].length;
        emit(c, text, m, sink);
      }
    }
    return;
  }
  insertionSort(hits, count);
  if (def.mode === 'context') {
    // The value starts right after `<keyword><name tail><assignment>`: parse
    // that in JS and run the regex sticky exactly once there.
    let until = -1;
    for (let k = 0; k < count; k++) {
      const h = hits[k] as number;
      if (h < until) continue;
      const at = valueStart(text, h);
      if (at < 0 || isMetadataName(nameAround(text, h))) continue;
      c.sticky.lastIndex = at;
      const m = c.sticky.exec(text);
      if (m !== null) {
        until = m.index + m[0].length;
        emit(c, text, m, sink);
      } else until = at;
    }
    return;
  }
  let ws = -1;
  let we = -1;
  for (let k = 0; k < count; k++) {
    const p = hits[k] as number;
    const s = Math.max(0, p - def.before - 1);
    const e = Math.min(n, p + def.after + 1);
    if (ws >= 0 && s <= we) {
      if (e > we) we = e;
      continue;
    }
    if (ws >= 0) searchWindow(c, text, ws, we, sink);
    ws = s;
    we = e;
  }
  if (ws >= 0) searchWindow(c, text, ws, we, sink);
}

function searchWindow(
  c: Compiled,
  text: string,
  ws: number,
  we: number,
  sink: CandidateSink,
): void {
  const slice = ws === 0 && we === text.length ? text : text.slice(ws, we);
  const re = c.search;
  re.lastIndex = 0;
  for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const abs = ws + m.index;
    c.sticky.lastIndex = abs;
    const full = c.sticky.exec(text);
    if (full === null) {
      re.lastIndex = m.index + 1;
      continue;
    }
    emit(c, text, full, sink);
  }
}

/** The assignment name that contains the keyword ending at `keywordEnd`. */
function nameAround(text: string, keywordEnd: number): string {
  let a = keywordEnd;
  while (a > 0 && keywordEnd - a < 64 && isNameChar(text.charCodeAt(a - 1))) a--;
  let b = keywordEnd;
  while (b < text.length && b - keywordEnd < 48 && isNameChar(text.charCodeAt(b))) b++;
  return text.slice(a, b);
}

const isNameChar = (c: number): boolean =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 95 ||
  c === 45 ||
  c === 46;
const isQuote = (c: number): boolean => c === 34 || c === 39 || c === 96;
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * Where the value of `<keyword><name tail><assignment>` starts, or -1:
 * a name tail (`_API_KEY`), an optional closing quote/bracket, an operator
 * (`=`, `:`, `:=`, `=>`, `==`, or `,` between quoted header pairs), then an
 * optional opening quote, `[`-quote or `Call(`-quote.
 */
function valueStart(text: string, keywordEnd: number): number {
  const n = text.length;
  let i = keywordEnd;
  const nameEnd = Math.min(n, i + 48);
  while (i < nameEnd && isNameChar(text.charCodeAt(i))) i++;
  for (let q = 0; q < 3 && i < n; q++) {
    const c = text.charCodeAt(i);
    if (isQuote(c) || c === 93 || (c === 92 && isQuote(text.charCodeAt(i + 1)))) i++;
    else break;
  }
  for (let k = 0; k < 4 && i < n && isBlank(text.charCodeAt(i)); k++) i++;
  const c0 = text.charCodeAt(i);
  const c1 = text.charCodeAt(i + 1);
  if ((c0 === 61 && c1 === 62) || (c0 === 58 && c1 === 61) || (c0 === 61 && c1 === 61)) i += 2;
  else if (c0 === 61 || c0 === 58 || c0 === 44) i += 1;
  else return -1;
  for (let k = 0; k < 4 && i < n && isBlank(text.charCodeAt(i)); k++) i++;
  const c = text.charCodeAt(i);
  if (isQuote(c)) return i + 1;
  if (c === 92 && isQuote(text.charCodeAt(i + 1))) return i + 2;
  if (c === 91) return isQuote(text.charCodeAt(i + 1)) ? i + 2 : i + 1;
  let j = i;
  while (j < n && j - i < 12 && (text.charCodeAt(j) | 32) >= 97 && (text.charCodeAt(j) | 32) <= 122)
    j++;
  if (j > i && text.charCodeAt(j) === 40) return isQuote(text.charCodeAt(j + 1)) ? j + 2 : j + 1;
  return i;
}

function emit(c: Compiled, text: string, m: RegExpExecArray, sink: CandidateSink): void {
  const def = c.def;
  let start = m.index;
  let end = start + m[0].length;
  const g = m.indices?.groups?.['s'];
  if (g !== undefined) {
    start = g[0];
    end = g[1];
  }
  const value = text.slice(start, end);
  let outcome: Outcome = 'flagged';
  let reason = def.description;
  if (def.validate !== undefined && !def.validate(value, text, start, end)) {
    outcome = 'validator-failed';
    reason = `${def.description}: the format's check failed`;
  } else if (def.minEntropy !== undefined && shannon(value) < def.minEntropy) {
    outcome = 'below-threshold';
    reason = `entropy below ${def.minEntropy} bits/char`;
  } else if (isPlaceholder(value, def.allowRepeats === true)) {
    outcome = 'placeholder';
    reason = 'placeholder or example value';
  }
  if (outcome !== 'flagged' && !sink.explain) return;
  sink.add({
    ruleId: def.id,
    kind: def.kind,
    start,
    end,
    confidence: def.confidence,
    outcome,
    reason,
    order: c.order,
  });
}

function customRuleFlags(cr: ScanRule): string {
  const raw = cr.flags ?? (cr.pattern instanceof RegExp ? cr.pattern.flags : '');
  let out = '';
  for (const f of ['i', 'm', 's', 'u']) if (raw.includes(f)) out += f;
  return out;
}

function customToDefinition(cr: ScanRule): RuleDefinition {
  if (typeof cr !== 'object' || cr === null || typeof cr.id !== 'string' || !ID_RE.test(cr.id)) {
    throw new RedactionError(
      'ERR_REDACTION_INVALID_RULE',
      'custom rule id must match [a-z0-9][a-z0-9-]{1,62}',
    );
  }
  const source =
    typeof cr.pattern === 'string'
      ? cr.pattern
      : cr.pattern instanceof RegExp
        ? cr.pattern.source
        : null;
  if (source === null)
    throw new RedactionError(
      'ERR_REDACTION_INVALID_RULE',
      `custom rule ${cr.id}: pattern must be a string or RegExp`,
    );
  if (cr.flags !== undefined && (typeof cr.flags !== 'string' || !/^[gimsuy]*$/.test(cr.flags))) {
    throw new RedactionError(
      'ERR_REDACTION_INVALID_RULE',
      `custom rule ${cr.id}: flags may only be i, m, s, u`,
    );
  }
  const ci = customRuleFlags(cr).includes('i');
  try {
    new RegExp(source, `gd${customRuleFlags(cr)}`);
  } catch (cause) {
    throw new RedactionError(
      'ERR_REDACTION_INVALID_RULE',
      `custom rule ${cr.id}: invalid regular expression`,
      { cause: String((cause as Error).name) },
    );
  }
  const issues = analyzeRegex(source);
  if (issues.length > 0) {
    throw new RedactionError(
      'ERR_REDACTION_INVALID_RULE',
      `custom rule ${cr.id}: regex may backtrack catastrophically (${issues[0] ?? ''})`,
    );
  }
  const keywords = (cr.keywords ?? []).map((k) => {
    if (typeof k !== 'string' || k.length === 0 || !/^[\x20-\x7e]+$/.test(k)) {
      throw new RedactionError(
        'ERR_REDACTION_INVALID_RULE',
        `custom rule ${cr.id}: keywords must be non-empty printable ASCII`,
      );
    }
    return k.toLowerCase();
  });
  return {
    id: cr.id,
    family: 'generic',
    kind: cr.kind ?? 'secret',
    description: `custom rule ${cr.id}`,
    keywords,
    pattern: source,
    caseInsensitive: ci,
    mode: 'window',
    before: MAX_CUSTOM_WINDOW,
    after: MAX_CUSTOM_WINDOW,
    confidence: cr.confidence ?? 'medium',
  };
}

/** Public description of one built-in rule. */
export interface RuleInfo {
  readonly id: string;
  readonly kind: FindingKind;
  /** `cloud`, `vcs`, `payment`, `ai`, `chat`, `keys`, `uri`, `cli`, `packages`, `saas`, `ci`, `palisade`, `generic` or `pii`. */
  readonly family: string;
  readonly description: string;
}

let ruleInfos: readonly RuleInfo[] | undefined;

/**
 * Lists every built-in rule (keyword rules, the generic stage and the PII
 * detectors) with its id, kind, family and description.
 *
 * Exported from `@palisade/redaction`.
 *
 * @returns frozen rule descriptions, in evaluation order
 * @example Count the secret rules.
 * ```ts
 * listRules().filter((r) => r.kind === 'secret').length; // >= 220
 * ```
 */
export function listRules(): readonly RuleInfo[] {
  ruleInfos ??= Object.freeze(
    [
      ...builtinRules.map((r) => ({
        id: r.id,
        kind: r.kind,
        family: r.family,
        description: r.description,
      })),
      {
        id: 'generic-password',
        kind: 'secret' as const,
        family: 'generic',
        description: 'Password assigned to a password-named key (structure-checked)',
      },
      {
        id: 'generic-secret',
        kind: 'secret' as const,
        family: 'generic',
        description: 'High-scoring value assigned to a secret/token/key-named key',
      },
      { id: 'pii-email', kind: 'pii' as const, family: 'pii', description: 'E-mail address' },
      {
        id: 'pii-phone',
        kind: 'pii' as const,
        family: 'pii',
        description: 'Phone number (E.164 or common national format)',
      },
      { id: 'pii-ipv4', kind: 'pii' as const, family: 'pii', description: 'IPv4 address' },
      { id: 'pii-ipv6', kind: 'pii' as const, family: 'pii', description: 'IPv6 address' },
      {
        id: 'pii-card-number',
        kind: 'pii' as const,
        family: 'pii',
        description: 'Payment card number (IIN prefix + Luhn)',
      },
      {
        id: 'pii-iban',
        kind: 'pii' as const,
        family: 'pii',
        description: 'IBAN (country length + mod-97)',
      },
    ].map((r) => Object.freeze(r)),
  );
  return ruleInfos;
}

let defaultScanner: Scanner | undefined;

/**
 * Scans `text` with a cached default scanner (or a fresh one when options
 * are given; prefer {@link createScanner} for repeated custom scans).
 *
 * Exported from `@palisade/redaction`.
 *
 * @param text - the text to scan
 * @param options - see {@link ScanOptions}
 * @returns findings sorted by start, non-overlapping, spans covering exactly the sensitive bytes
 * @throws TypeError when `text` is not a string
 * @throws RedactionError `ERR_REDACTION_INVALID_RULE` for a bad custom rule
 * @example Find the AWS key id in a config line.
 * ```ts
 * const [f] = scan('aws_access_key_id = AKIA...');
 * f?.ruleId; // 'aws-access-key-id'
 * ```
 */
export function scan(text: string, options?: ScanOptions): readonly Finding[] {
  if (options === undefined) {
    defaultScanner ??= createScanner();
    return defaultScanner.scan(text);
  }
  return createScanner(options).scan(text);
}

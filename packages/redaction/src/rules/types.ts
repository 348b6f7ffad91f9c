import type { FindingConfidence, FindingKind } from '../finding.ts';

/** The family a rule belongs to (used for docs, corpus and hard negatives). */
export type RuleFamily =
  | 'cloud'
  | 'vcs'
  | 'payment'
  | 'ai'
  | 'chat'
  | 'keys'
  | 'uri'
  | 'packages'
  | 'saas'
  | 'ci'
  | 'cli'
  | 'palisade'
  | 'generic'
  | 'pii';

/**
 * Extra check on a regex match. Receives the secret span text and the whole
 * input with the span offsets (for rules that must look at their line).
 */
export type RuleValidator = (secret: string, text: string, start: number, end: number) => boolean;

/**
 * One data-driven detection rule.
 *
 * - `anchor` rules: the keyword sits at the start of the match; the regex runs
 *   sticky exactly at each keyword hit (no scanning).
 * - `window` rules: the regex runs in `[hit - before, hit + after]`; every
 *   match is then re-run sticky on the whole text to settle its boundaries.
 * - `context` rules: the keyword names the provider (`heroku`, `datadog`...);
 *   the value must follow within `after` characters, separated from the
 *   keyword only by an identifier tail and an assignment (`=`, `:`, `=>`).
 */
export interface RuleDefinition {
  readonly id: string;
  readonly family: RuleFamily;
  readonly kind: FindingKind;
  readonly description: string;
  /** ASCII keywords, matched case-insensitively in one Aho-Corasick pass. */
  readonly keywords: readonly string[];
  /** Regex source. A named group `s`, when present, is the secret span. */
  readonly pattern: string;
  /** `i` for case-insensitive patterns; nothing else. */
  readonly caseInsensitive: boolean;
  readonly mode: 'anchor' | 'window' | 'context';
  /** Max characters a match may start before its keyword (window mode). */
  readonly before: number;
  /** Max characters after the keyword start that the match may reach. */
  readonly after: number;
  readonly confidence: FindingConfidence;
  readonly validate?: RuleValidator;
  /** Minimum Shannon entropy (bits/char) of the secret span. */
  readonly minEntropy?: number;
  /** Skip the repeated-character placeholder check (formats with fixed runs). */
  readonly allowRepeats?: boolean;
}

/** Options of the rule helpers below. */
export interface RuleExtras {
  readonly confidence?: FindingConfidence;
  readonly validate?: RuleValidator;
  readonly minEntropy?: number;
  readonly allowRepeats?: boolean;
  readonly keywords?: readonly string[];
  readonly caseInsensitive?: boolean;
  readonly after?: number;
  readonly before?: number;
  /** Right boundary (a negative lookahead class body); default `A-Za-z0-9`. */
  readonly right?: string;
  /** Left boundary class body; default `A-Za-z0-9`. */
  readonly left?: string;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A token with a literal prefix: `prefix` + `body` regex. The prefix is the
 * keyword; the whole token is the secret.
 */
export function prefixed(
  family: RuleFamily,
  id: string,
  description: string,
  prefix: string,
  body: string,
  maxLength: number,
  extras: RuleExtras = {},
): RuleDefinition {
  const left = extras.left ?? 'A-Za-z0-9';
  const right = extras.right ?? 'A-Za-z0-9';
  const base = {
    id,
    family,
    kind: 'secret' as const,
    description,
    keywords: extras.keywords ?? [prefix.toLowerCase()],
    pattern: `(?<![${left}])${escapeRegex(prefix)}${body}(?![${right}])`,
    caseInsensitive: extras.caseInsensitive ?? false,
    mode: 'anchor' as const,
    before: 0,
    after: maxLength + prefix.length,
    confidence: extras.confidence ?? 'high',
  };
  return withExtras(base, extras);
}

/**
 * A token recognised by a keyword somewhere inside or just before it; the
 * regex runs in a window around the keyword.
 */
export function windowed(
  family: RuleFamily,
  id: string,
  description: string,
  keywords: readonly string[],
  pattern: string,
  before: number,
  after: number,
  extras: RuleExtras = {},
): RuleDefinition {
  const base = {
    id,
    family,
    kind: 'secret' as const,
    description,
    keywords: keywords.map((k) => k.toLowerCase()),
    pattern,
    caseInsensitive: extras.caseInsensitive ?? false,
    // With no look-back the keyword is where the match starts: run sticky there.
    mode: before === 0 ? ('anchor' as const) : ('window' as const),
    before,
    after,
    confidence: extras.confidence ?? 'high',
  };
  return withExtras(base, extras);
}

/**
 * A provider-named assignment: one of `keywords` (for example `heroku`),
 * an identifier tail and an assignment, then a value matching `value`.
 */
export function contextual(
  family: RuleFamily,
  id: string,
  description: string,
  keywords: readonly string[],
  value: string,
  extras: RuleExtras = {},
): RuleDefinition {
  const edge = extras.right ?? 'A-Za-z0-9_+/=.-';
  const base = {
    id,
    family,
    kind: 'secret' as const,
    description,
    keywords: keywords.map((k) => k.toLowerCase()),
    pattern: `(?<![${edge.replace('=', '')}])(?:${value})(?![${edge}])`,
    caseInsensitive: extras.caseInsensitive ?? false,
    mode: 'context' as const,
    before: 0,
    after: extras.after ?? 300,
    confidence: extras.confidence ?? 'medium',
  };
  return withExtras(base, { minEntropy: 2.5, ...extras });
}

function withExtras(
  base: Omit<RuleDefinition, 'validate' | 'minEntropy' | 'allowRepeats'>,
  extras: RuleExtras,
): RuleDefinition {
  return {
    ...base,
    ...(extras.validate === undefined ? {} : { validate: extras.validate }),
    ...(extras.minEntropy === undefined ? {} : { minEntropy: extras.minEntropy }),
    ...(extras.allowRepeats === undefined ? {} : { allowRepeats: extras.allowRepeats }),
  };
}

/** Character-class shorthands used by rule tables. */
export const C: Readonly<{
  hex: string;
  HEX: string;
  hexAny: string;
  b62: string;
  b64: string;
  b64url: string;
  alnumL: string;
  alnumU: string;
  uuid: string;
}> = {
  hex: '[a-f0-9]',
  HEX: '[A-F0-9]',
  hexAny: '[a-fA-F0-9]',
  b62: '[A-Za-z0-9]',
  b64: '[A-Za-z0-9+/]',
  b64url: '[A-Za-z0-9_-]',
  alnumL: '[a-z0-9]',
  alnumU: '[A-Z0-9]',
  uuid: '[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}',
};

/** {@link prefixed} and {@link contextual} bound to one rule family (what each rule file uses). */
export interface FamilyBuilders {
  readonly prefixed: (
    id: string,
    description: string,
    prefix: string,
    body: string,
    maxLength: number,
    extras?: RuleExtras,
  ) => RuleDefinition;
  readonly contextual: (
    id: string,
    description: string,
    keywords: readonly string[],
    value: string,
    extras?: RuleExtras,
  ) => RuleDefinition;
}

/** Binds the rule builders to `family`, so a rule file names its family once. */
export function familyBuilders(family: RuleFamily): FamilyBuilders {
  return {
    prefixed: (id, description, prefix, body, maxLength, extras) =>
      prefixed(family, id, description, prefix, body, maxLength, extras),
    contextual: (id, description, keywords, value, extras) =>
      contextual(family, id, description, keywords, value, extras),
  };
}

/** What a finding is about: a credential, or personal data. */
export type FindingKind = 'secret' | 'pii';

/** How sure the scanner is: validated formats are `high`. */
export type FindingConfidence = 'high' | 'medium' | 'low';

/**
 * One detected secret or PII value in a text.
 * `start`/`end` are UTF-16 offsets into the scanned string (`end` exclusive)
 * and cover exactly the sensitive bytes (not the surrounding key name).
 */
export interface Finding {
  /** Stable rule id, e.g. `aws-access-key-id`. */
  readonly ruleId: string;
  readonly kind: FindingKind;
  readonly start: number;
  readonly end: number;
  readonly confidence: FindingConfidence;
  /** A non-reversible fingerprint of the matched value (for allow-lists), never the value. */
  readonly fingerprint: string;
}

import { hash } from 'node:crypto';
import type { Finding, FindingConfidence, FindingKind } from './finding.ts';

/**
 * A non-reversible fingerprint of a secret value, stable across runs, for
 * allow-lists: `fp1:` + the first 32 hex chars of SHA-256 over the value.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param value - the secret value
 * @returns the fingerprint (never the value)
 * @throws TypeError when `value` is not a string
 * @example Allow-list one known test credential by fingerprint.
 * ```ts
 * const fp = fingerprintSecret('sk_test_...');
 * const scanner = createScanner({ allow: { fingerprints: [fp] } });
 * ```
 */
export function fingerprintSecret(value: string): string {
  if (typeof value !== 'string') throw new TypeError('value must be a string');
  // One-shot `hash` (Node >= 20.12): several times cheaper than createHash for short values.
  return `fp1:${hash('sha256', value, 'hex').slice(0, 32)}`;
}

/**
 * A finding whose fingerprint (a hash) is computed only when read: what the
 * package's own redaction keeps for values it replaces. Holds the value in a
 * private field; never handed to callers. @internal
 */
export class LazyFinding implements Finding {
  readonly ruleId: string;
  readonly kind: FindingKind;
  readonly start: number;
  readonly end: number;
  readonly confidence: FindingConfidence;
  readonly #value: string;
  #fp: string | undefined;
  constructor(
    ruleId: string,
    kind: FindingKind,
    start: number,
    end: number,
    confidence: FindingConfidence,
    value: string,
  ) {
    this.ruleId = ruleId;
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.confidence = confidence;
    this.#value = value;
  }
  get fingerprint(): string {
    this.#fp ??= fingerprintSecret(this.#value);
    return this.#fp;
  }
}

/**
 * The key under which the package's scanner offers a variant of `scan` that
 * returns {@link LazyFinding}s (see `RedactionRun.scanLazy`). @internal
 */
export const SCAN_LAZY: unique symbol = Symbol('palisade.redaction.scanLazy');

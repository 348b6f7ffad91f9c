const BRAND: unique symbol = Symbol.for('palisade.error.redaction') as never;

/**
 * Stable error codes of @palisade/redaction. Codes are public API: renaming or
 * removing one is a major change.
 */
export type RedactionErrorCode =
  | 'ERR_REDACTION_INVALID_ARGUMENT'
  /** A policy failed validation; the message names the path of the bad field. */
  | 'ERR_REDACTION_INVALID_POLICY'
  /** The policy mode is `off`: no context may leave the device. */
  | 'ERR_REDACTION_EGRESS_DISABLED'
  /** `full` mode without a recorded, unexpired consent covering the requested scope. */
  | 'ERR_REDACTION_CONSENT_REQUIRED'
  /** A custom scanner rule has a bad id, an invalid regex, or a regex that may backtrack catastrophically. */
  | 'ERR_REDACTION_INVALID_RULE';

/** Options for {@link RedactionError}. */
export interface RedactionErrorOptions {
  /** The underlying error, in a form that is safe to log. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@palisade/redaction`. Messages never contain secret
 * material; branch on {@link RedactionError.code}, never on the message.
 *
 * Exported from `@palisade/redaction`.
 *
 * @example Branch on the stable code.
 * ```ts
 * try { run(); } catch (e) { if (RedactionError.isInstance(e)) return { error: e.code }; throw e; }
 * ```
 */
export class RedactionError extends Error {
  /** The stable `ERR_REDACTION_*` code. */
  readonly code: RedactionErrorCode;

  constructor(code: RedactionErrorCode, message: string, options?: RedactionErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RedactionError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a {@link RedactionError} from any copy of this package (a brand,
   * not `instanceof`, so two installed copies still agree).
   */
  static isInstance(value: unknown): value is RedactionError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** A JSON form with the name, code and message only (never the cause). */
  toJSON(): { name: string; code: RedactionErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

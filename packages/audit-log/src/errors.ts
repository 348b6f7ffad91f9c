const BRAND: unique symbol = Symbol.for('palisade.error.auditlog') as never;

/**
 * Stable error codes of @palisade/audit-log. Codes are public API: renaming or
 * removing one is a major change.
 */
export type AuditLogErrorCode = 'ERR_AUDIT_INVALID_ARGUMENT';

/** Options for {@link AuditLogError}. */
export interface AuditLogErrorOptions {
  /** The underlying error, in a form that is safe to log. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@palisade/audit-log`. Messages never contain secret
 * material; branch on {@link AuditLogError.code}, never on the message.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @example Branch on the stable code.
 * ```ts
 * try { run(); } catch (e) { if (AuditLogError.isInstance(e)) console.error(e.code); }
 * ```
 */
export class AuditLogError extends Error {
  /** The stable `ERR_AUDIT_*` code. */
  readonly code: AuditLogErrorCode;

  constructor(code: AuditLogErrorCode, message: string, options?: AuditLogErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditLogError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a {@link AuditLogError} from any copy of this package (a brand,
   * not `instanceof`, so two installed copies still agree).
   */
  static isInstance(value: unknown): value is AuditLogError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** A JSON form with the name, code and message only (never the cause). */
  toJSON(): { name: string; code: AuditLogErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

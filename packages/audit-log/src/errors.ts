const BRAND: unique symbol = Symbol.for('palisade.error.auditlog') as never;

/**
 * Stable error codes of @palisade/audit-log. Codes are public API: renaming or
 * removing one is a major change.
 */
export type AuditLogErrorCode =
  /** An argument or event failed validation. */
  | 'ERR_AUDIT_INVALID_ARGUMENT'
  /** A value is not representable in canonical JSON (RFC 8785): undefined, bigint, NaN, class instance. */
  | 'ERR_AUDIT_NOT_JSON'
  /** A string holds a lone UTF-16 surrogate, which has no UTF-8 encoding. */
  | 'ERR_AUDIT_LONE_SURROGATE'
  /** An integer outside the IEEE-754 safe range (|n| > 2^53 - 1): send it as a string. */
  | 'ERR_AUDIT_UNSAFE_INTEGER'
  /** JSON nested deeper than the limit. */
  | 'ERR_AUDIT_TOO_DEEP'
  /** An index or size is negative, not an integer, or beyond 2^53 - 1. */
  | 'ERR_AUDIT_INDEX_RANGE'
  /** A proof is malformed or does not verify. */
  | 'ERR_AUDIT_PROOF_INVALID'
  /** A consistency proof from tree size 0 was requested or supplied (RFC 9162 §2.1.4). */
  | 'ERR_AUDIT_EMPTY_TREE_PROOF'
  /** A signed note or checkpoint is malformed (C2SP signed-note / tlog-checkpoint). */
  | 'ERR_AUDIT_MALFORMED_NOTE'
  /** A verifier key string is malformed or its key hash does not match. */
  | 'ERR_AUDIT_MALFORMED_KEY'
  /** No trusted key produced a valid signature on a note. */
  | 'ERR_AUDIT_SIGNATURE_INVALID'
  /** A stored log line or file is malformed (invalid UTF-8, NUL, too long, not canonical). */
  | 'ERR_AUDIT_CORRUPT'
  /** A stored line exceeds the maximum line length. */
  | 'ERR_AUDIT_LINE_TOO_LONG'
  /** The cross-process lock could not be taken in time. */
  | 'ERR_AUDIT_LOCK_TIMEOUT'
  /** The store was closed. */
  | 'ERR_AUDIT_CLOSED'
  /** The requested entry was pruned or does not exist. */
  | 'ERR_AUDIT_NOT_FOUND'
  /** An action in the reserved `audit.` namespace was appended by a caller. */
  | 'ERR_AUDIT_RESERVED_ACTION'
  /** Two writers produced the same sequence number (the fork guard fired). */
  | 'ERR_AUDIT_FORK';

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
 * try { run(); } catch (e) { if (AuditLogError.isInstance(e)) return { error: e.code }; throw e; }
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

const BRAND: unique symbol = Symbol.for('palisade.error.tenancy') as never;

/**
 * Stable error codes of @palisade/tenancy. Codes are public API: renaming or
 * removing one is a major change.
 */
export type TenancyErrorCode =
  /** An argument (id, identifier, option) failed validation. */
  | 'ERR_TENANCY_INVALID_ARGUMENT'
  /** A data-touching entry point ran with no tenant context set. */
  | 'ERR_TENANCY_NO_CONTEXT'
  /** A statement tried to change session state or end the managed transaction. */
  | 'ERR_TENANCY_FORBIDDEN_STATEMENT'
  /** A pooled connection still carried a tenant setting or an open transaction. */
  | 'ERR_TENANCY_DIRTY_CONNECTION'
  /** A tenant handle was used after its scope ended. */
  | 'ERR_TENANCY_SCOPE_CLOSED'
  /** A tenant handle was used from a different tenant context than it was opened for. */
  | 'ERR_TENANCY_CONTEXT_MISMATCH'
  /** The request was aborted before or during its transaction. */
  | 'ERR_TENANCY_ABORTED'
  /** BEGIN, the tenant setting, or COMMIT failed; the transaction did not commit. */
  | 'ERR_TENANCY_TRANSACTION_FAILED'
  /** A workspace path would leave its own folder (traversal, sibling prefix, symlink). */
  | 'ERR_TENANCY_PATH_ESCAPE'
  /** A workspace database file does not exist. */
  | 'ERR_TENANCY_WORKSPACE_NOT_FOUND'
  /** A SQLite statement was refused on the read-only query path. */
  | 'ERR_TENANCY_SQLITE_FORBIDDEN'
  /**
   * A workspace database could not be read: a wrong key, no key for an
   * encrypted file, a key for a plaintext file, or not a database (one code for all).
   */
  | 'ERR_TENANCY_DECRYPTION_FAILED'
  /** An encrypted workspace database was asked for, but the optional peer `better-sqlite3-multiple-ciphers` is not installed. */
  | 'ERR_TENANCY_ENCRYPTION_UNAVAILABLE'
  /** Row-level security made a registered query lose its index. */
  | 'ERR_TENANCY_INDEX_LOST';

/** Options for {@link TenancyError}. */
export interface TenancyErrorOptions {
  /** The underlying error, in a form that is safe to log. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@palisade/tenancy`. Messages never contain secret
 * material; branch on {@link TenancyError.code}, never on the message.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @example Branch on the stable code.
 * ```ts
 * try { run(); } catch (e) { if (TenancyError.isInstance(e)) return { error: e.code }; throw e; }
 * ```
 */
export class TenancyError extends Error {
  /** The stable `ERR_TENANCY_*` code. */
  readonly code: TenancyErrorCode;

  constructor(code: TenancyErrorCode, message: string, options?: TenancyErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenancyError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a {@link TenancyError} from any copy of this package (a brand,
   * not `instanceof`, so two installed copies still agree).
   */
  static isInstance(value: unknown): value is TenancyError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** A JSON form with the name, code and message only (never the cause). */
  toJSON(): { name: string; code: TenancyErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

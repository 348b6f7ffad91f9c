const BRAND: unique symbol = Symbol.for('palisade.error.tenancy') as never;

/**
 * Stable error codes of @palisade/tenancy. Codes are public API: renaming or
 * removing one is a major change.
 */
export type TenancyErrorCode = 'ERR_TENANCY_INVALID_ARGUMENT';

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
 * try { run(); } catch (e) { if (TenancyError.isInstance(e)) console.error(e.code); }
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

const BRAND: unique symbol = Symbol.for('palisade.error.containment') as never;

/**
 * Stable error codes of @palisade/containment. Codes are public API: renaming or
 * removing one is a major change.
 */
export type ContainmentErrorCode = 'ERR_CONTAINMENT_INVALID_ARGUMENT';

/** Options for {@link ContainmentError}. */
export interface ContainmentErrorOptions {
  /** The underlying error, in a form that is safe to log. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@palisade/containment`. Messages never contain secret
 * material; branch on {@link ContainmentError.code}, never on the message.
 *
 * Exported from `@palisade/containment`.
 *
 * @example Branch on the stable code.
 * ```ts
 * try { run(); } catch (e) { if (ContainmentError.isInstance(e)) console.error(e.code); }
 * ```
 */
export class ContainmentError extends Error {
  /** The stable `ERR_CONTAINMENT_*` code. */
  readonly code: ContainmentErrorCode;

  constructor(code: ContainmentErrorCode, message: string, options?: ContainmentErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ContainmentError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a {@link ContainmentError} from any copy of this package (a brand,
   * not `instanceof`, so two installed copies still agree).
   */
  static isInstance(value: unknown): value is ContainmentError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** A JSON form with the name, code and message only (never the cause). */
  toJSON(): { name: string; code: ContainmentErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

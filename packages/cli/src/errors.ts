const BRAND: unique symbol = Symbol.for('palisade.error.cli') as never;

/**
 * Stable error codes of @palisade/cli. Codes are public API: renaming or
 * removing one is a major change.
 */
export type CliErrorCode = 'ERR_CLI_INVALID_ARGUMENT';

/** Options for {@link CliError}. */
export interface CliErrorOptions {
  /** The underlying error, in a form that is safe to log. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@palisade/cli`. Messages never contain secret
 * material; branch on {@link CliError.code}, never on the message.
 *
 * Exported from `@palisade/cli`.
 *
 * @example Branch on the stable code.
 * ```ts
 * try { run(); } catch (e) { if (CliError.isInstance(e)) console.error(e.code); }
 * ```
 */
export class CliError extends Error {
  /** The stable `ERR_CLI_*` code. */
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: CliErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a {@link CliError} from any copy of this package (a brand,
   * not `instanceof`, so two installed copies still agree).
   */
  static isInstance(value: unknown): value is CliError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** A JSON form with the name, code and message only (never the cause). */
  toJSON(): { name: string; code: CliErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

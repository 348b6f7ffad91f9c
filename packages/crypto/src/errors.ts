const BRAND: unique symbol = Symbol.for('palisade.error.crypto') as never;

/**
 * Stable error codes of @palisade/crypto. Codes are public API: renaming or
 * removing one is a major change.
 */
export type CryptoErrorCode =
  | 'ERR_CRYPTO_INVALID_ARGUMENT'
  // crypto core: sealed format, keys, key ring
  | 'ERR_CRYPTO_DECRYPTION_FAILED'
  | 'ERR_CRYPTO_WRONG_KEY_PURPOSE'
  | 'ERR_CRYPTO_KEY_DESTROYED'
  | 'ERR_CRYPTO_KEY_NOT_FOUND'
  | 'ERR_CRYPTO_KEY_STATE'
  | 'ERR_CRYPTO_KEY_MATERIAL_INVALID'
  | 'ERR_CRYPTO_KEY_SOURCE_MISSING'
  | 'ERR_CRYPTO_KEY_FILE_INSECURE'
  | 'ERR_CRYPTO_CHECKPOINT_INVALID'
  | 'ERR_CRYPTO_UNSUPPORTED'
  // crypto-extras: tokens, webhooks, passwords, age backups
  | 'ERR_CRYPTO_TOKEN_MALFORMED'
  | 'ERR_CRYPTO_TOKEN_CHECKSUM'
  | 'ERR_CRYPTO_VERIFICATION_FAILED'
  | 'ERR_CRYPTO_PHC_MALFORMED'
  | 'ERR_CRYPTO_PHC_UNSUPPORTED'
  | 'ERR_CRYPTO_PHC_LIMIT'
  | 'ERR_CRYPTO_AGE_KEY_INVALID'
  | 'ERR_CRYPTO_AGE_HEADER_INVALID'
  | 'ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED'
  | 'ERR_CRYPTO_AGE_WORK_FACTOR'
  | 'ERR_CRYPTO_AGE_TRUNCATED'
  | 'ERR_CRYPTO_AGE_TRAILING_DATA'
  | 'ERR_CRYPTO_AGE_PAYLOAD_FAILED';

/** Options for {@link CryptoError}. */
export interface CryptoErrorOptions {
  /** The underlying error, in a form that is safe to log. */
  readonly cause?: unknown;
}

/**
 * The one error class of `@palisade/crypto`. Messages never contain secret
 * material; branch on {@link CryptoError.code}, never on the message.
 *
 * Exported from `@palisade/crypto`.
 *
 * @example Branch on the stable code.
 * ```ts
 * try { run(); } catch (e) { if (CryptoError.isInstance(e)) return { error: e.code }; throw e; }
 * ```
 */
export class CryptoError extends Error {
  /** The stable `ERR_CRYPTO_*` code. */
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message: string, options?: CryptoErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CryptoError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * True for a {@link CryptoError} from any copy of this package (a brand,
   * not `instanceof`, so two installed copies still agree).
   */
  static isInstance(value: unknown): value is CryptoError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  /** A JSON form with the name, code and message only (never the cause). */
  toJSON(): { name: string; code: CryptoErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

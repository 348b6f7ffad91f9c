const BRAND: unique symbol = Symbol.for('palisade.error.containment') as never;

/**
 * Stable error codes of @palisade/containment. Codes are public API: renaming or
 * removing one is a major change.
 */
export type ContainmentErrorCode =
  | 'ERR_CONTAINMENT_INVALID_ARGUMENT'
  // Git containment: the path is not inside a git worktree.
  | 'ERR_CONTAINMENT_NOT_A_REPOSITORY'
  // Git containment: a bare repository has no worktree to contain.
  | 'ERR_CONTAINMENT_BARE_REPOSITORY'
  // Git containment: a git command needed by install/verify/promote failed.
  | 'ERR_CONTAINMENT_GIT_FAILED'
  // Git containment: the state record in <git-common-dir>/palisade is unreadable.
  | 'ERR_CONTAINMENT_STATE_CORRUPT'
  // Promotion: no explicit confirmation from the host (or it said no).
  | 'ERR_CONTAINMENT_PROMOTION_REFUSED'
  // Promotion: the push, or the remote ref check after it, failed.
  | 'ERR_CONTAINMENT_PROMOTION_FAILED'
  // Sandbox: no usable OS sandbox (bubblewrap) on this machine.
  | 'ERR_CONTAINMENT_SANDBOX_UNAVAILABLE'
  // Path guard: a path is outside the allowed roots, matches a denied glob, or
  // changed between check and open (safe open).
  | 'ERR_CONTAINMENT_PATH_DENIED'
  // Egress guard: a URL, host or resolved address is not allowed.
  | 'ERR_CONTAINMENT_EGRESS_DENIED'
  // Egress guard: a URL (or redirect location) that the WHATWG parser rejects.
  | 'ERR_CONTAINMENT_INVALID_URL'
  // Path guard: the platform's path semantics are not supported (Windows).
  | 'ERR_CONTAINMENT_UNSUPPORTED_PLATFORM';

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
 * try { run(); } catch (e) { if (ContainmentError.isInstance(e)) return { error: e.code }; throw e; }
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

import { createObjectRedactor, type RedactObjectOptions } from './redact-object.ts';

/** A log-record redactor usable with pino or any structured logger. */
export interface LogRedactor {
  /**
   * For pino `formatters.log`: returns a redacted copy of the merging object.
   */
  log(record: Record<string, unknown>): Record<string, unknown>;
  /**
   * For pino `hooks.logMethod`: redacts every argument (objects, errors,
   * the message and format arguments) before pino sees them.
   */
  logMethod(
    this: unknown,
    args: unknown[],
    method: (this: unknown, ...args: unknown[]) => void,
    level?: number,
  ): void;
  /** Redacts any value with this redactor's options. */
  redact<T>(value: T): T;
}

/**
 * Creates a log-record hook for pino (or any logger): every record, message
 * and error (message, stack, cause chain) is redacted by key name, by
 * pino-style path and by value scanning before it is written.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param options - as for `redactObject` (keys, paths, scanValues, censor, vault...).
 * @returns a {@link LogRedactor}.
 * @throws TypeError on a malformed path or key pattern.
 * @example Plug into pino.
 * ```ts
 * const r = createLogRedactor({ paths: ['req.headers.authorization'] });
 * const logger = pino({ hooks: { logMethod: r.logMethod }, formatters: { log: r.log } });
 * ```
 */
export function createLogRedactor(options?: RedactObjectOptions): LogRedactor {
  const redact = createObjectRedactor({ maskPaths: false, ...options });
  return {
    log(record) {
      return redact(record);
    },
    logMethod(args, method) {
      // One call for all arguments, so a value censored under a sensitive
      // key is also replaced where the message repeats it.
      method.apply(this, redact(args));
    },
    redact,
  };
}

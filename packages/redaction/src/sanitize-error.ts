import { randomUUID } from 'node:crypto';
import { createObjectRedactor, type RedactObjectOptions } from './redact-object.ts';
import { type RedactTextOptions, redactText } from './redact-text.ts';

/** Options for {@link sanitizeError} and {@link toClientError}. */
export interface SanitizeErrorOptions extends RedactObjectOptions {}

/** A JSON-safe, sanitized record of an error (for server-side logs). */
export interface SanitizedErrorRecord {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  readonly cause?: SanitizedErrorRecord | { readonly value: unknown };
  readonly errors?: ReadonlyArray<SanitizedErrorRecord | { readonly value: unknown }>;
  /** Other own enumerable properties, redacted. */
  readonly props?: Readonly<Record<string, unknown>>;
}

/** The result of {@link toClientError}. */
export interface ClientErrorResult {
  /** Safe to send to any client: no message, no stack, no detail. */
  readonly response: { readonly error: 'internal_error'; readonly correlationId: string };
  /** For the server log, tagged with the same correlation id. */
  readonly record: SanitizedErrorRecord & { readonly correlationId: string };
}

function describeNonError(value: unknown, options: RedactTextOptions | undefined): string {
  if (typeof value === 'string') return redactText(value, options).text;
  if (value === null) return 'null was thrown';
  return `a non-Error value was thrown (${typeof value})`;
}

/**
 * Returns a sanitized copy of an error (same prototype, so `instanceof` still
 * holds): secrets are replaced in the message, the stack, every `cause` in the
 * chain, `AggregateError.errors` and own enumerable properties (which are also
 * censored by sensitive key names); home directories and user names are masked.
 * The input error is not changed. A thrown non-Error becomes an `Error`.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param err - anything that was thrown.
 * @param options - redaction options (`maskPaths` defaults to true here).
 * @returns a sanitized `Error`; never throws for any thrown value.
 * @example Sanitize before logging.
 * ```ts
 * const safe = sanitizeError(new Error('login failed for password=hunter22hunter'));
 * safe.message; // 'login failed for password=<secret:generic-password#1>'
 * ```
 */
export function sanitizeError(err: unknown, options?: SanitizeErrorOptions): Error {
  const opts: SanitizeErrorOptions = { maskPaths: true, ...options };
  if (!(err instanceof Error)) {
    const e = new Error(describeNonError(err, opts));
    e.stack = `Error: ${e.message}`;
    return e;
  }
  return createObjectRedactor(opts)(err);
}

const WRAPPED = new Set(['message', 'stack', 'cause', 'errors', 'name']);

function toRecord(err: Error, seen: Set<object>): SanitizedErrorRecord {
  seen.add(err);
  const child = (v: unknown): SanitizedErrorRecord | { readonly value: unknown } =>
    v instanceof Error
      ? seen.has(v)
        ? { value: '[Circular]' }
        : toRecord(v, seen)
      : { value: typeof v === 'object' && v !== null && seen.has(v) ? '[Circular]' : v };
  const props: Record<string, unknown> = {};
  let code: string | undefined;
  for (const key of Object.keys(err)) {
    if (WRAPPED.has(key)) continue;
    const v = (err as unknown as Record<string, unknown>)[key];
    if (key === 'code' && (typeof v === 'string' || typeof v === 'number')) code = String(v);
    else props[key] = v;
  }
  const errors = (err as { errors?: unknown }).errors;
  return {
    name: typeof err.name === 'string' ? err.name : 'Error',
    message: typeof err.message === 'string' ? err.message : '',
    ...(code === undefined ? {} : { code }),
    ...(typeof err.stack === 'string' ? { stack: err.stack } : {}),
    ...(err.cause === undefined ? {} : { cause: child(err.cause) }),
    ...(Array.isArray(errors) ? { errors: errors.map(child) } : {}),
    ...(Object.keys(props).length === 0 ? {} : { props }),
  };
}

/**
 * Turns any thrown value into a generic, client-safe error body
 * `{ error: 'internal_error', correlationId }` and a sanitized server-side
 * record carrying the same correlation id. The client body never contains the
 * message, stack or any detail of the error.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param err - anything that was thrown.
 * @param options - redaction options and an optional `correlationId` (default a random UUID).
 * @returns `{ response, record }`.
 * @throws TypeError when `correlationId` is not 1-128 characters of `[A-Za-z0-9._:-]`.
 * @example In an HTTP error handler.
 * ```ts
 * const { response, record } = toClientError(e);
 * log.error(record);
 * res.status(500).json(response);
 * ```
 */
export function toClientError(
  err: unknown,
  options?: SanitizeErrorOptions & { readonly correlationId?: string },
): ClientErrorResult {
  const correlationId = options?.correlationId ?? randomUUID();
  if (typeof correlationId !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(correlationId)) {
    throw new TypeError('correlationId must be 1-128 characters of [A-Za-z0-9._:-]');
  }
  const safe = sanitizeError(err, options);
  return {
    response: { error: 'internal_error', correlationId },
    record: { correlationId, ...toRecord(safe, new Set()) },
  };
}

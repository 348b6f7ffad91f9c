import { z } from 'zod';
import { TenancyError } from './errors.ts';

/**
 * A canonical RFC 9562 UUID: lower-case hex, versions 1 to 8, the RFC variant.
 * The nil UUID (version 0) and the max UUID (version f) never match, and
 * neither does any upper-case or braced spelling, so one id has one spelling
 * in the application and in Postgres (`uuid::text` is lower-case).
 */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Workspace ids: 1 to 63 characters of `a-z`, `0-9` and `-`, starting and
 * ending with a letter or digit (a DNS label). ASCII only, so no lookalikes,
 * no separators, no dots, no NUL.
 */
const WORKSPACE_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Names refused even though they match the pattern: the Windows device names,
 * which stay devices with any extension (`con.db`), and `xn--` prefixes, which
 * would display as Unicode (lookalikes) in tools that decode IDNA.
 * `default` is deliberately not reserved: the file layout gives no name a
 * meaning of its own.
 */
const RESERVED_WORKSPACE = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9]|xn--.*)$/;

/** Actor ids: an opaque principal string, 1 to 128 visible ASCII characters without quotes or backslash. */
const ACTOR_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$/;

/** Request ids: 1 to 128 characters of `A-Za-z0-9._:-`. */
const REQUEST_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The zod schema of an organisation id: a canonical lower-case RFC 9562 UUID
 * (not nil, not max). Compose it into your own request schemas.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @example Validate an org id from a route parameter.
 * ```ts
 * orgIdSchema.parse('0b7e3f3a-8c1d-4b7e-9f2a-1c2d3e4f5a6b');
 * ```
 */
export const orgIdSchema: z.ZodType<string> = z.string().regex(UUID_PATTERN);

/**
 * The zod schema of a workspace id: a DNS-label style name (`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
 * that is not a reserved device name or `xn--` label.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @example Validate a workspace id.
 * ```ts
 * workspaceIdSchema.parse('design-docs');
 * ```
 */
export const workspaceIdSchema: z.ZodType<string> = z
  .string()
  .regex(WORKSPACE_PATTERN)
  .refine((s) => !RESERVED_WORKSPACE.test(s), { message: 'reserved workspace name' });

/**
 * The zod schema of an actor id (an opaque principal string).
 *
 * Exported from `@palisade/tenancy`.
 *
 * @example
 * ```ts
 * actorIdSchema.parse('user:42');
 * ```
 */
export const actorIdSchema: z.ZodType<string> = z.string().regex(ACTOR_PATTERN);

/**
 * The zod schema of a request id.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @example
 * ```ts
 * requestIdSchema.parse('req-1');
 * ```
 */
export const requestIdSchema: z.ZodType<string> = z.string().regex(REQUEST_PATTERN);

function parseWith(schema: z.ZodType<string>, value: unknown, what: string): string {
  const r = schema.safeParse(value);
  if (!r.success) {
    // The message names the kind of id only, never the rejected value.
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', `invalid ${what}`);
  }
  return r.data;
}

/**
 * Parses an organisation id, accepting only the canonical spelling.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param value - The candidate id.
 * @returns The same string, now known to be canonical.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for any other spelling (upper-case, nil, max, braces).
 * @example
 * ```ts
 * const org = parseOrgId(req.params.org);
 * ```
 */
export function parseOrgId(value: unknown): string {
  return parseWith(orgIdSchema, value, 'org id');
}

/**
 * Parses a workspace id against the strict allow-list.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param value - The candidate id.
 * @returns The same string, now known to be safe as a path segment and SQL literal.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` when it does not match or is reserved.
 * @example
 * ```ts
 * const ws = parseWorkspaceId('design-docs');
 * ```
 */
export function parseWorkspaceId(value: unknown): string {
  return parseWith(workspaceIdSchema, value, 'workspace id');
}

/**
 * True when `value` is a canonical organisation id.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param value - Anything.
 * @returns Whether {@link parseOrgId} would accept it.
 * @example
 * ```ts
 * isOrgId('0B7E3F3A-8C1D-4B7E-9F2A-1C2D3E4F5A6B'); // false: upper-case
 * ```
 */
export function isOrgId(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

/**
 * True when `value` is an acceptable workspace id.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param value - Anything.
 * @returns Whether {@link parseWorkspaceId} would accept it.
 * @example
 * ```ts
 * isWorkspaceId('../bob'); // false
 * ```
 */
export function isWorkspaceId(value: unknown): value is string {
  return (
    typeof value === 'string' && WORKSPACE_PATTERN.test(value) && !RESERVED_WORKSPACE.test(value)
  );
}

/** @internal */
export function _parseActorId(value: unknown): string {
  return parseWith(actorIdSchema, value, 'actor id');
}

/** @internal */
export function _parseRequestId(value: unknown): string {
  return parseWith(requestIdSchema, value, 'request id');
}

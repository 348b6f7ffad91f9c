import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { TenancyError } from './errors.ts';
import { _parseActorId, _parseRequestId, parseOrgId, parseWorkspaceId } from './ids.ts';

/** The tenant a request acts for. Frozen; every field validated. */
export interface TenantContext {
  /** The organisation (canonical lower-case UUID). */
  readonly orgId: string;
  /** The workspace inside the organisation, when the request is workspace-scoped. */
  readonly workspaceId?: string;
  /** Who acts (an opaque principal id). */
  readonly actorId: string;
  /** The request id (generated when not given). */
  readonly requestId: string;
}

/** Input of {@link runWithTenant}: a {@link TenantContext} whose request id may be omitted. */
export interface TenantContextInput {
  /** The organisation id (canonical lower-case UUID). */
  readonly orgId: string;
  /** Optional workspace id (strict allow-list). */
  readonly workspaceId?: string | undefined;
  /** The acting principal. */
  readonly actorId: string;
  /** The request id; a random UUID when omitted. */
  readonly requestId?: string | undefined;
}

const storage = new AsyncLocalStorage<TenantContext>();

/**
 * Validates a context input and returns the frozen {@link TenantContext}.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param input - Untrusted fields.
 * @returns A frozen, validated context.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` when any field is not canonical.
 * @example
 * ```ts
 * const ctx = parseTenantContext({ orgId, actorId: 'user:1' });
 * ```
 */
export function parseTenantContext(input: TenantContextInput): TenantContext {
  if (typeof input !== 'object' || input === null) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'tenant context must be an object');
  }
  const orgId = parseOrgId(input.orgId);
  const actorId = _parseActorId(input.actorId);
  const requestId = input.requestId === undefined ? randomUUID() : _parseRequestId(input.requestId);
  const ctx: TenantContext =
    input.workspaceId === undefined
      ? { orgId, actorId, requestId }
      : { orgId, workspaceId: parseWorkspaceId(input.workspaceId), actorId, requestId };
  return Object.freeze(ctx);
}

/**
 * Runs `fn` with a tenant context carried by AsyncLocalStorage through every
 * `await`, timer and promise it starts.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param ctx - The tenant (validated here).
 * @param fn - The request body.
 * @returns What `fn` returns.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` when the context is invalid (before `fn` runs).
 * @example
 * ```ts
 * await runWithTenant({ orgId, actorId: 'user:1' }, () => handle(req));
 * ```
 */
export function runWithTenant<T>(ctx: TenantContextInput, fn: () => T): T {
  return storage.run(parseTenantContext(ctx), fn);
}

/**
 * The current tenant, or throws. Call it first in anything that touches data.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @returns The current {@link TenantContext}.
 * @throws TenancyError `ERR_TENANCY_NO_CONTEXT` when no tenant is set.
 * @example
 * ```ts
 * const { orgId } = requireTenant();
 * ```
 */
export function requireTenant(): TenantContext {
  const ctx = storage.getStore();
  if (ctx === undefined) {
    throw new TenancyError('ERR_TENANCY_NO_CONTEXT', 'no tenant context is set for this request');
  }
  return ctx;
}

/**
 * The current tenant, or `undefined` (for logging and metrics; data paths use {@link requireTenant}).
 *
 * Exported from `@palisade/tenancy`.
 *
 * @returns The current context or `undefined`.
 * @example
 * ```ts
 * const org = currentTenant()?.orgId;
 * ```
 */
export function currentTenant(): TenantContext | undefined {
  return storage.getStore();
}

/**
 * Binds `fn` to the tenant current now, so it runs as that tenant wherever it
 * is called later (a pool callback, an emitter, a queue). Without a current
 * tenant it throws instead of binding "nothing".
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param fn - The callback to bind.
 * @returns A function that runs `fn` inside the captured context.
 * @throws TenancyError `ERR_TENANCY_NO_CONTEXT` when called without a tenant.
 * @example
 * ```ts
 * socket.on('data', bindTenant((chunk) => store(chunk)));
 * ```
 */
export function bindTenant<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const ctx = requireTenant();
  return (...args: A): R => storage.run(ctx, () => fn(...args));
}

/**
 * `setTimeout` whose callback runs as the tenant current now.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param fn - The callback.
 * @param ms - Delay in milliseconds.
 * @returns The Node timer handle.
 * @throws TenancyError `ERR_TENANCY_NO_CONTEXT` when called without a tenant.
 * @example
 * ```ts
 * setTenantTimeout(() => flush(), 100);
 * ```
 */
export function setTenantTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  return setTimeout(bindTenant(fn), ms);
}

/**
 * Adds an emitter listener that always runs as the tenant current now, no
 * matter which context emits. Returns a function that removes it.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param emitter - Any Node `EventEmitter`.
 * @param event - The event name.
 * @param listener - The listener.
 * @returns An unsubscribe function.
 * @throws TenancyError `ERR_TENANCY_NO_CONTEXT` when called without a tenant.
 * @example
 * ```ts
 * const off = onTenantEvent(queue, 'job', (job) => run(job));
 * ```
 */
export function onTenantEvent(
  emitter: EventEmitter,
  event: string | symbol,
  listener: (...args: unknown[]) => void,
): () => void {
  const bound = bindTenant(listener);
  emitter.on(event, bound);
  return () => {
    emitter.off(event, bound);
  };
}

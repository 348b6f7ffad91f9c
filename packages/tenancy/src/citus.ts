import type { TenantContext } from './context.ts';
import type { TenancyDriver } from './driver.ts';
import { TenancyError } from './errors.ts';
import { _literal } from './sql-ident.ts';
import { assertTenantStatement } from './statement-guard.ts';
import { _runTenantScope, type TenantTransaction, type WithTenantOptions } from './with-tenant.ts';

/**
 * The SQL that starts a Citus tenant transaction: the same connection check
 * as {@link withTenant}, then BEGIN and `SET LOCAL app.org_id = '<uuid>'`.
 * Citus propagates `SET LOCAL` (not `set_config(..., true)`) to the worker
 * connections of the transaction. The org id is a validated canonical UUID,
 * quoted as a literal; nothing else is interpolated.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param ctx - The tenant.
 * @returns The start statements in one string (one round trip).
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` if the context is not canonical.
 * @example
 * ```ts
 * citusStartSql(requireTenant());
 * ```
 */
export function citusStartSql(ctx: TenantContext): string {
  if (
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(
      ctx?.orgId ?? '',
    )
  ) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'invalid org id');
  }
  return [
    "SELECT current_setting('app.org_id', true) AS leftover, now() = statement_timestamp() AS fresh, pg_current_xact_id_if_assigned() IS NULL AS no_xid",
    'BEGIN',
    `SET LOCAL app.org_id = ${_literal(ctx.orgId)}`,
  ].join(';\n');
}

const TENANT_FILTER = /(?:^|[^A-Za-z0-9_$])"?org_id"?\s*=\s*\$(\d+)(?![0-9])/g;

/**
 * Refuses a Citus tenant statement unless it compares `org_id` to a bound
 * parameter that holds the current org (`org_id = $n`), so the distributed
 * planner can route it to a single shard; also applies
 * {@link assertTenantStatement}.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param sql - One statement.
 * @param params - Its parameters.
 * @param orgId - The current org.
 * @throws TenancyError `ERR_TENANCY_FORBIDDEN_STATEMENT` when the filter is missing or bound to another value.
 * @example
 * ```ts
 * assertCitusTenantStatement('SELECT * FROM notes WHERE org_id = $1 AND id = $2', [org, id], org);
 * ```
 */
export function assertCitusTenantStatement(
  sql: string,
  params: readonly unknown[],
  orgId: string,
): void {
  assertTenantStatement(sql);
  const bound = [...sql.matchAll(TENANT_FILTER)].some((m) => params[Number(m[1]) - 1] === orgId);
  if (!bound) {
    throw new TenancyError(
      'ERR_TENANCY_FORBIDDEN_STATEMENT',
      'a Citus tenant statement needs an explicit org_id = $n bound to the current org',
    );
  }
}

/**
 * {@link withTenant} for Citus: the tenant is set with `SET LOCAL` (which
 * Citus propagates to workers) and every statement must carry an explicit
 * `org_id = $n` bound to the current org, so each one is a single-shard
 * router query. Policies still apply on the workers.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param db - A driver connected to the Citus coordinator.
 * @param fn - The body.
 * @param options - An optional abort signal.
 * @returns What `fn` resolves to, after COMMIT.
 * @throws TenancyError as {@link withTenant}, and `ERR_TENANCY_FORBIDDEN_STATEMENT` for a statement without the filter.
 * @example
 * ```ts
 * await withCitusTenant(db, (tx) => tx.query('SELECT * FROM notes WHERE org_id = $1', [requireTenant().orgId]));
 * ```
 */
export function withCitusTenant<T>(
  db: TenancyDriver,
  fn: (tx: TenantTransaction) => Promise<T>,
  options: WithTenantOptions = {},
): Promise<T> {
  return _runTenantScope(db, fn, options, {
    start: (ctx, afterBegin) =>
      afterBegin === '' ? citusStartSql(ctx) : `${citusStartSql(ctx)};\n${afterBegin}`,
    check: (sql, params, ctx) => assertCitusTenantStatement(sql, params, ctx.orgId),
  });
}

import { currentTenant, requireTenant, type TenantContext } from './context.ts';
import type { TenancyConnection, TenancyDriver } from './driver.ts';
import { TenancyError } from './errors.ts';
import { signTenantContext } from './signed-context.ts';
import { _literal } from './sql-ident.ts';
import { assertTenantStatement } from './statement-guard.ts';

/** Rows and count of one tenant statement. */
export interface TenantQueryResult<R> {
  /** The rows the statement returned (already filtered by row-level security). */
  readonly rows: R[];
  /** Rows affected or returned. */
  readonly rowCount: number;
}

/** The handle a {@link withTenant} scope gives its body. Valid only inside the scope. */
export interface TenantTransaction {
  /** The tenant this transaction runs as. */
  readonly tenant: TenantContext;
  /**
   * Runs one guarded statement inside the tenant transaction.
   * @throws TenancyError `ERR_TENANCY_FORBIDDEN_STATEMENT`, `ERR_TENANCY_SCOPE_CLOSED`,
   * `ERR_TENANCY_CONTEXT_MISMATCH`, `ERR_TENANCY_ABORTED`.
   */
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<TenantQueryResult<R>>;
}

/** Options of {@link withTenant}. */
export interface WithTenantOptions {
  /** Aborting rolls the transaction back and rejects with `ERR_TENANCY_ABORTED`. */
  readonly signal?: AbortSignal;
  /**
   * A 32-byte key: also set `app.org_ctx` to a context signed with it
   * ({@link signTenantContext}, valid 5 minutes), for policies that use
   * `signedTenantPredicate()`.
   */
  readonly signingKey?: Uint8Array;
}

/**
 * The setting names the tenant scope writes transaction-locally. Policies read
 * `current_setting('app.org_id', true)`.
 */
export const TENANT_SETTINGS: Readonly<{ org: 'app.org_id'; workspace: 'app.workspace_id' }> =
  Object.freeze({ org: 'app.org_id', workspace: 'app.workspace_id' });

/** @internal The one round trip that checks the connection, begins, and sets the tenant. */
export function _startSql(ctx: TenantContext, afterBegin: string, signingKey?: Uint8Array): string {
  const signed =
    signingKey === undefined
      ? []
      : [
          `SELECT set_config('app.org_ctx', ${_literal(signTenantContext(signingKey, ctx.orgId, Math.floor(Date.now() / 1000) + 300))}, true)`,
        ];
  return [
    "SELECT current_setting('app.org_id', true) AS leftover, now() = statement_timestamp() AS fresh, pg_current_xact_id_if_assigned() IS NULL AS no_xid",
    'BEGIN',
    ...(afterBegin === '' ? [] : [afterBegin]),
    `SELECT set_config('app.org_id', ${_literal(ctx.orgId)}, true), set_config('app.workspace_id', ${_literal(ctx.workspaceId ?? '')}, true)`,
    ...signed,
  ].join(';\n');
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function aborted(): TenancyError {
  return new TenancyError('ERR_TENANCY_ABORTED', 'the tenant request was aborted');
}

/**
 * Runs `fn` in one Postgres transaction bound to the current tenant. This is
 * the only way the package runs tenant SQL:
 *
 * - it throws `ERR_TENANCY_NO_CONTEXT` before checking out a connection when no tenant is set;
 * - in one round trip it checks the connection carries no tenant setting and
 *   no open transaction, runs BEGIN, and sets `app.org_id` with
 *   `set_config(..., true)` (transaction-local);
 * - every statement passes {@link assertTenantStatement} (no SET, RESET,
 *   DISCARD, SET ROLE, transaction control, LISTEN/NOTIFY, TRUNCATE, ...);
 * - it COMMITs when `fn` resolves and no statement failed, and otherwise
 *   rolls back; on any error path the connection is destroyed, not reused.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param db - A driver ({@link pgDriver}, {@link pgliteDriver}).
 * @param fn - The body; use only the handle it receives.
 * @param options - An optional abort signal.
 * @returns What `fn` resolves to, after COMMIT.
 * @throws TenancyError `ERR_TENANCY_NO_CONTEXT` (before any SQL), `ERR_TENANCY_DIRTY_CONNECTION`,
 * `ERR_TENANCY_TRANSACTION_FAILED`, `ERR_TENANCY_ABORTED`; errors thrown by `fn` pass through after rollback.
 * @example
 * ```ts
 * const notes = await runWithTenant({ orgId, actorId: 'user:1' }, () =>
 *   withTenant(db, (tx) => tx.query('SELECT id, title FROM notes')),
 * );
 * ```
 */
export function withTenant<T>(
  db: TenancyDriver,
  fn: (tx: TenantTransaction) => Promise<T>,
  options: WithTenantOptions = {},
): Promise<T> {
  const key = options.signingKey;
  return _runTenantScope(
    db,
    fn,
    options,
    key === undefined
      ? DEFAULT_PROFILE
      : { ...DEFAULT_PROFILE, start: (ctx, afterBegin) => _startSql(ctx, afterBegin, key) },
  );
}

/** @internal How a scope starts and which statements it admits. */
export interface _ScopeProfile {
  start(ctx: TenantContext, afterBegin: string): string;
  check(sql: string, params: readonly unknown[], ctx: TenantContext): void;
}

const DEFAULT_PROFILE: _ScopeProfile = {
  start: (ctx, afterBegin) => _startSql(ctx, afterBegin),
  check: (sql) => assertTenantStatement(sql),
};

/** @internal The scope shared by the default and Citus profiles. */
export async function _runTenantScope<T>(
  db: TenancyDriver,
  fn: (tx: TenantTransaction) => Promise<T>,
  options: WithTenantOptions,
  profile: _ScopeProfile,
): Promise<T> {
  const ctx = requireTenant();
  if (typeof fn !== 'function' || typeof db?.connect !== 'function') {
    throw new TenancyError(
      'ERR_TENANCY_INVALID_ARGUMENT',
      'withTenant(db, fn) needs a driver and a function',
    );
  }
  const { signal } = options;
  if (isAborted(signal)) throw aborted();
  const conn: TenancyConnection = await db.connect();
  let destroy = true;
  try {
    let start: Awaited<ReturnType<TenancyConnection['simple']>>;
    try {
      start = await conn.simple(profile.start(ctx, db.afterBegin));
    } catch (e) {
      throw new TenancyError(
        'ERR_TENANCY_TRANSACTION_FAILED',
        'could not begin the tenant transaction',
        {
          cause: e,
        },
      );
    }
    const check = start[0]?.rows[0];
    const leftover = check?.['leftover'];
    if (
      check === undefined ||
      (leftover !== null && leftover !== '') ||
      check['fresh'] !== true ||
      check['no_xid'] !== true
    ) {
      // Never say which tenant was left over: that is another request's data.
      throw new TenancyError(
        'ERR_TENANCY_DIRTY_CONNECTION',
        'the pooled connection carried a tenant setting or an open transaction; it was destroyed',
      );
    }
    let open = true;
    let failed = false;
    const tx: TenantTransaction = {
      tenant: ctx,
      async query<R extends Record<string, unknown>>(
        sql: string,
        params: readonly unknown[] = [],
      ): Promise<TenantQueryResult<R>> {
        if (!open) throw new TenancyError('ERR_TENANCY_SCOPE_CLOSED', 'the tenant scope has ended');
        const now = currentTenant();
        if (now === undefined) {
          throw new TenancyError(
            'ERR_TENANCY_NO_CONTEXT',
            'no tenant context is set for this request',
          );
        }
        if (now.orgId !== ctx.orgId || now.workspaceId !== ctx.workspaceId) {
          throw new TenancyError(
            'ERR_TENANCY_CONTEXT_MISMATCH',
            'a tenant handle was used from another tenant context',
          );
        }
        if (isAborted(signal)) throw aborted();
        if (!Array.isArray(params)) {
          throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'params must be an array');
        }
        profile.check(sql, params, ctx);
        try {
          const r = await conn.query(sql, params);
          return { rows: r.rows as R[], rowCount: r.rowCount };
        } catch (e) {
          failed = true;
          throw e;
        }
      },
    };
    let value: T;
    try {
      value = await fn(tx);
    } finally {
      open = false;
    }
    if (isAborted(signal)) throw aborted();
    if (failed) {
      throw new TenancyError(
        'ERR_TENANCY_TRANSACTION_FAILED',
        'a statement failed inside the tenant scope; the transaction was rolled back',
      );
    }
    try {
      await conn.simple('COMMIT');
    } catch (e) {
      throw new TenancyError('ERR_TENANCY_TRANSACTION_FAILED', 'COMMIT failed', { cause: e });
    }
    destroy = false;
    return value;
  } finally {
    if (destroy) {
      try {
        await conn.simple('ROLLBACK');
      } catch {
        // The connection is destroyed below either way.
      }
    }
    await conn.release(destroy);
  }
}

/**
 * Runs one guarded statement as the current tenant in its own transaction
 * (a {@link withTenant} scope with a single statement).
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param db - A driver.
 * @param sql - One statement.
 * @param params - Bound parameters.
 * @returns The rows row-level security lets this tenant see.
 * @throws TenancyError as {@link withTenant}, and `ERR_TENANCY_FORBIDDEN_STATEMENT`.
 * @example
 * ```ts
 * const { rows } = await tenantQuery(db, 'SELECT * FROM notes WHERE id = $1', [id]);
 * ```
 */
export function tenantQuery<R extends Record<string, unknown> = Record<string, unknown>>(
  db: TenancyDriver,
  sql: string,
  params: readonly unknown[] = [],
): Promise<TenantQueryResult<R>> {
  return withTenant(db, (tx) => tx.query<R>(sql, params));
}

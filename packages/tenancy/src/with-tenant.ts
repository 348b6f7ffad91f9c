import { currentTenant, requireTenant, type TenantContext } from './context.ts';
import type {
  DriverResult,
  TenancyBatchStatement,
  TenancyConnection,
  TenancyDriver,
} from './driver.ts';
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
      : [`SELECT set_config('app.org_ctx', ${_literal(signedToken(ctx, signingKey))}, true)`];
  return [
    "SELECT current_setting('app.org_id', true) AS leftover, now() = statement_timestamp() AS fresh, pg_current_xact_id_if_assigned() IS NULL AS no_xid",
    'BEGIN',
    ...(afterBegin === '' ? [] : [afterBegin]),
    `SELECT set_config('app.org_id', ${_literal(ctx.orgId)}, true), set_config('app.workspace_id', ${_literal(ctx.workspaceId ?? '')}, true)`,
    ...signed,
  ].join(';\n');
}

function signedToken(ctx: TenantContext, signingKey: Uint8Array): string {
  return signTenantContext(signingKey, ctx.orgId, Math.floor(Date.now() / 1000) + 300);
}

/** The value the start check casts to an integer when the connection is dirty (so it fails). */
const DIRTY_MARK = 'palisade: dirty connection';

/**
 * @internal The statement that starts a pipelined scope, sent in the same
 * batch as the first statement: it fails (a runtime cast error, so the server
 * runs nothing after it) when the session already carries a tenant setting,
 * and otherwise sets the tenant transaction-locally from bound parameters.
 * Open transactions are caught before it: the scope only batches on a
 * connection whose server last reported "idle, no transaction".
 */
export function _startBatch(ctx: TenantContext, signingKey?: Uint8Array): TenancyBatchStatement[] {
  const params: string[] = [ctx.orgId, ctx.workspaceId ?? ''];
  if (signingKey !== undefined) params.push(signedToken(ctx, signingKey));
  const signed = signingKey === undefined ? '' : `, set_config('app.org_ctx', $3, true)`;
  return [
    {
      sql: `SELECT set_config('app.org_id', $1, true), set_config('app.workspace_id', $2, true)${signed} WHERE (CASE WHEN coalesce(current_setting('app.org_id', true), '') = '' THEN '1' ELSE '${DIRTY_MARK}' END)::int = 1`,
      params,
    },
  ];
}

const BEGIN: TenancyBatchStatement = Object.freeze({ sql: 'BEGIN', params: Object.freeze([]) });

function isDirtyMark(e: unknown): boolean {
  return (
    (e as { code?: unknown })?.code === '22P02' &&
    String((e as { message?: unknown })?.message).includes(DIRTY_MARK)
  );
}

function dirty(): TenancyError {
  // Never say which tenant was left over: that is another request's data.
  return new TenancyError(
    'ERR_TENANCY_DIRTY_CONNECTION',
    'the pooled connection carried a tenant setting or an open transaction; it was destroyed',
  );
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
 * - it checks the connection carries no tenant setting and no open
 *   transaction, runs BEGIN, and sets `app.org_id` with
 *   `set_config(..., true)` (transaction-local). Where the connection runs
 *   batches ({@link pgDriver} on node-postgres), the open-transaction check
 *   reads the status the server last reported, and BEGIN, a check-and-set
 *   statement that fails on a leftover setting, and the body's first
 *   statement go out in one round trip (one Sync: the server runs nothing
 *   after a failure); otherwise the check, BEGIN and the setting take one
 *   round trip before the first statement;
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
  return _runTenantScope(db, fn, options, defaultProfile(options.signingKey));
}

/** @internal How a scope starts and which statements it admits. */
export interface _ScopeProfile {
  /** The start as one simple-protocol string (check, BEGIN, tenant setting). */
  start(ctx: TenantContext, afterBegin: string): string;
  /**
   * The start as batch statements sent with the first statement (BEGIN, then
   * a check-and-set statement that fails on a dirty session), where the
   * connection supports batches; without it every scope uses {@link _ScopeProfile.start}.
   */
  startBatch?(ctx: TenantContext): TenancyBatchStatement[];
  check(sql: string, params: readonly unknown[], ctx: TenantContext): void;
}

function makeProfile(signingKey: Uint8Array | undefined): _ScopeProfile {
  return {
    start: (ctx, afterBegin) => _startSql(ctx, afterBegin, signingKey),
    startBatch: (ctx) => _startBatch(ctx, signingKey),
    check: (sql) => assertTenantStatement(sql),
  };
}

const DEFAULT_PROFILE = makeProfile(undefined);

function defaultProfile(signingKey: Uint8Array | undefined): _ScopeProfile {
  return signingKey === undefined ? DEFAULT_PROFILE : makeProfile(signingKey);
}

function hasBatch(
  conn: TenancyConnection,
): conn is TenancyConnection & Required<Pick<TenancyConnection, 'batch' | 'transactionStatus'>> {
  return typeof conn.batch === 'function' && typeof conn.transactionStatus === 'function';
}

/**
 * @internal The scope shared by the default and Citus profiles. `single`: the
 * body runs exactly one statement, so a batch can be the whole transaction.
 */
export async function _runTenantScope<T>(
  db: TenancyDriver,
  fn: (tx: TenantTransaction) => Promise<T>,
  options: WithTenantOptions,
  profile: _ScopeProfile,
  single = false,
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
  const startBatch = profile.startBatch;
  const pipelined =
    hasBatch(conn) && startBatch !== undefined && db.afterBegin === '' ? conn : undefined;
  let destroy = true;
  // Whether a BEGIN may have reached the server (then the error path rolls back).
  let begun = false;
  let committed = false;
  // An error of the scope itself; thrown at the end even if the body swallowed it.
  let fatal: TenancyError | undefined;
  try {
    if (pipelined !== undefined) {
      // Checkout check without a round trip: the server's last word on this
      // session must be "idle, no transaction". The tenant-setting half of the
      // check runs in the first batch, before the first statement.
      if (pipelined.transactionStatus() !== 'I') throw dirty();
    } else {
      begun = true;
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
        throw dirty();
      }
    }
    // The first statement of a pipelined scope travels with BEGIN and the
    // tenant setting: one round trip.
    const firstInBatch = async (sql: string, params: readonly unknown[]): Promise<DriverResult> => {
      const p = pipelined as NonNullable<typeof pipelined>;
      const setTenant = (startBatch as NonNullable<typeof startBatch>)(ctx);
      // One statement: the batch is its own transaction (the server commits an
      // extended-protocol batch outside BEGIN at its Sync, or rolls it back on
      // error), so the setting ends with it. Otherwise BEGIN opens the scope's
      // transaction and the batch leaves it open for the next statements.
      const start = single ? setTenant : [BEGIN, ...setTenant];
      begun = true;
      const out = await p.batch([...start, { sql, params }]);
      if (out.failed !== undefined) {
        const { index, error } = out.failed;
        if (index === start.length) throw error;
        fatal = isDirtyMark(error)
          ? dirty()
          : new TenancyError(
              'ERR_TENANCY_TRANSACTION_FAILED',
              'could not begin the tenant transaction',
              { cause: error },
            );
        throw fatal;
      }
      if (out.status !== (single ? 'I' : 'T')) {
        fatal = new TenancyError(
          'ERR_TENANCY_TRANSACTION_FAILED',
          'the tenant transaction was not in the expected state',
        );
        throw fatal;
      }
      committed = single;
      return out.results[start.length] as DriverResult;
    };
    let open = true;
    let failed = false;
    const tx: TenantTransaction = {
      tenant: ctx,
      async query<R extends Record<string, unknown>>(
        sql: string,
        params: readonly unknown[] = [],
      ): Promise<TenantQueryResult<R>> {
        if (!open || committed) {
          throw new TenancyError('ERR_TENANCY_SCOPE_CLOSED', 'the tenant scope has ended');
        }
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
        if (fatal !== undefined) throw fatal;
        try {
          const r =
            pipelined !== undefined && !begun
              ? await firstInBatch(sql, params)
              : await conn.query(sql, params);
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
    if (fatal !== undefined) throw fatal;
    if (isAborted(signal) && !committed) throw aborted();
    if (failed) {
      throw new TenancyError(
        'ERR_TENANCY_TRANSACTION_FAILED',
        'a statement failed inside the tenant scope; the transaction was rolled back',
      );
    }
    if (begun && !committed) {
      try {
        await conn.simple('COMMIT');
      } catch (e) {
        throw new TenancyError('ERR_TENANCY_TRANSACTION_FAILED', 'COMMIT failed', { cause: e });
      }
    }
    destroy = false;
    return value;
  } finally {
    // A single-statement batch ended its own transaction at its Sync.
    if (destroy && begun && !(single && pipelined !== undefined)) {
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
 * (a {@link withTenant} scope with a single statement). With a batching
 * connection ({@link pgDriver} on node-postgres) the check, the tenant
 * setting and the statement take one round trip and form one transaction of
 * their own (an extended-protocol batch outside BEGIN, which the server
 * commits at its Sync, or rolls back on error).
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
  return _runTenantScope(db, (tx) => tx.query<R>(sql, params), {}, defaultProfile(undefined), true);
}

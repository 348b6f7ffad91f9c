import { TenancyError } from './errors.ts';
import { _canBatch, _runBatch, _txStatus } from './internal/pg-batch.ts';
import { _PER_CONNECTION, _statementNamer } from './internal/statement-names.ts';
import { quoteIdent } from './sql-ident.ts';

/** One row set as the core sees it. */
export interface DriverResult {
  /** Result rows as plain objects. */
  readonly rows: Record<string, unknown>[];
  /** Rows affected or returned. */
  readonly rowCount: number;
}

/** One statement of a {@link TenancyConnection.batch}. */
export interface TenancyBatchStatement {
  /** One statement (no `;`-separated list). */
  readonly sql: string;
  /** Bound parameters. */
  readonly params: readonly unknown[];
  /**
   * A name for a server-side prepared statement (parsed once per connection,
   * then only bound and executed). Omitted: the unnamed statement, parsed
   * and planned on every call.
   */
  readonly name?: string;
}

/** The transaction status a server reports when it is ready: idle, in a transaction, or in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** What a {@link TenancyConnection.batch} returned. */
export interface TenancyBatchOutcome {
  /** Results of the statements that completed, in order. */
  readonly results: readonly DriverResult[];
  /** The first statement that failed; the server skipped every statement after it. */
  readonly failed?: { readonly index: number; readonly error: unknown };
  /** The transaction status after a batch without failure; undefined after any failure. */
  readonly status?: TransactionStatus;
}

/**
 * One checked-out connection, as the tenant scope drives it. Adapters for
 * other drivers implement this; `withTenant` owns every call.
 */
export interface TenancyConnection {
  /** Runs one statement with bound parameters (extended protocol). */
  query(sql: string, params: readonly unknown[]): Promise<DriverResult>;
  /** Runs a parameterless multi-statement string in one round trip (simple protocol). */
  simple(sql: string): Promise<DriverResult[]>;
  /**
   * Optional, with {@link TenancyConnection.transactionStatus}: runs the
   * statements in one round trip as one unit (extended protocol, bound
   * parameters, a single Sync), in order; after the first failure the server
   * runs none of the rest. Lets a tenant scope send BEGIN, the tenant setting
   * and its first statement (and, for one statement, COMMIT) together.
   */
  batch?(statements: readonly TenancyBatchStatement[]): Promise<TenancyBatchOutcome>;
  /**
   * Optional: the transaction status the server reported at the end of the
   * last exchange, known without a round trip (`I` when idle).
   */
  transactionStatus?(): TransactionStatus | undefined;
  /**
   * Returns the connection. `destroy` true closes it instead of reusing it:
   * used whenever the session may hold state (an error path, a failed ROLLBACK).
   */
  release(destroy: boolean): Promise<void>;
}

/** A source of connections (a pool, or an embedded database behind a lock). */
export interface TenancyDriver {
  /** A short name for messages (`pg`, `pglite`). */
  readonly name: string;
  /** SQL run right after BEGIN in every scope (for example `SET LOCAL ROLE`), or ''. */
  readonly afterBegin: string;
  /** Checks out a connection with `await`, never with a callback. */
  connect(): Promise<TenancyConnection>;
}

/** The subset of a `pg` pool client this package uses. */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
  release(err?: Error | boolean): void;
  /** pg clients emit `error` when the server ends the session (for example pg_terminate_backend). */
  on?(event: 'error', listener: (err: Error) => void): unknown;
}

const lostState = new WeakMap<object, { lost: boolean }>();

/** The subset of a `pg.Pool` this package uses (`await pool.connect()`). */
export interface PgPoolLike {
  connect(): Promise<PgPoolClientLike>;
  /** pg pools emit `connect` for each new client; used to guard it from its first moment. */
  on?(event: 'connect', listener: (client: PgPoolClientLike) => void): unknown;
}

/** Options of {@link pgDriver}. */
export interface PgDriverOptions {
  /**
   * Opt-in, off by default. Send the tenant setting and every tenant statement
   * as named (server-side) prepared statements: each connection parses them
   * once and Postgres may reuse the plan, so a statement no longer pays for
   * planning the row-level security policy on every call. At most
   * {@link PG_PREPARED_STATEMENTS_PER_CONNECTION} distinct statements are
   * prepared per connection; further ones run unnamed.
   *
   * The guarantees do not change: the tenant is still set transaction-locally
   * in each transaction, and the `(SELECT ...)`-form policy reads it when the
   * statement runs, not when it was planned. But named statements live on the
   * server session: turn this on only with direct connections, session
   * pooling, or PgBouncer 1.21+ in transaction mode with
   * `max_prepared_statements` above 0 (protocol-level prepared statement
   * support). Behind a transaction pooler without it, statements fail with
   * "prepared statement does not exist".
   */
  readonly preparedStatements?: boolean;
}

/** How many distinct statements {@link PgDriverOptions.preparedStatements} prepares on one connection. */
export const PG_PREPARED_STATEMENTS_PER_CONNECTION: number = _PER_CONNECTION;

/** A node-postgres client taking a named statement (pg's query config form). */
interface NamedQueryClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

/** The subset of a PGlite instance this package uses. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<unknown>;
  exec(sql: string): Promise<unknown>;
}

/** Options of {@link pgliteDriver}. */
export interface PgliteDriverOptions {
  /**
   * A role to `SET LOCAL ROLE` to inside every scope. PGlite's session user is
   * always a superuser, so without a role row-level security does not apply at all.
   */
  readonly role?: string;
}

function toResult(value: unknown): DriverResult {
  const v = value as { rows?: unknown; rowCount?: unknown; affectedRows?: unknown };
  const rows = Array.isArray(v?.rows) ? (v.rows as Record<string, unknown>[]) : [];
  const count =
    typeof v?.rowCount === 'number'
      ? v.rowCount
      : typeof v?.affectedRows === 'number' && v.affectedRows > 0
        ? v.affectedRows
        : rows.length;
  return { rows, rowCount: count };
}

/**
 * Wraps a `pg.Pool` (or anything with `await pool.connect()`) as a
 * {@link TenancyDriver}. On every error path the client is destroyed
 * (`release(true)`), never returned to the pool with state on it.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param pool - A pool the caller created (this package opens no connections itself).
 * @param options - `preparedStatements` (opt-in; not behind a plain transaction pooler).
 * @returns The driver to pass to {@link withTenant}.
 * @example
 * ```ts
 * const db = pgDriver(new pg.Pool({ connectionString }));
 * ```
 */
export function pgDriver(pool: PgPoolLike, options: PgDriverOptions = {}): TenancyDriver {
  if (typeof pool?.connect !== 'function') {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'pgDriver needs a pool with connect()');
  }
  // A client whose session ends (pg_terminate_backend, a network failure)
  // emits 'error', possibly in the same socket read that finished connecting
  // it, before the checkout promise resolves; without a listener that crashes
  // the process. One listener per client, attached when the pool creates it
  // and kept for its whole life, records the loss so the client is destroyed.
  const guard = (client: PgPoolClientLike): { lost: boolean } => {
    let state = lostState.get(client);
    if (state === undefined) {
      const fresh = { lost: false };
      state = fresh;
      lostState.set(client, fresh);
      client.on?.('error', () => {
        fresh.lost = true;
      });
    }
    return state;
  };
  pool.on?.('connect', (client) => {
    guard(client);
  });
  const nameOf = options.preparedStatements === true ? _statementNamer() : undefined;
  return {
    name: 'pg',
    afterBegin: '',
    async connect(): Promise<TenancyConnection> {
      const client = await pool.connect();
      let released = false;
      const state = guard(client);
      state.lost = false;
      const conn: TenancyConnection = {
        async query(sql, params) {
          const name = nameOf?.(client, sql);
          return toResult(
            await (name === undefined
              ? client.query(sql, [...params])
              : (client as unknown as NamedQueryClient).query({
                  name,
                  text: sql,
                  values: [...params],
                })),
          );
        },
        async simple(sql) {
          const r = await client.query(sql);
          return Array.isArray(r) ? r.map(toResult) : [toResult(r)];
        },
        async release(destroy) {
          if (released) return;
          released = true;
          client.release(destroy || state.lost ? true : undefined);
        },
      };
      // node-postgres clients (not in pipeline mode) also run one-round-trip batches.
      if (!_canBatch(client)) return conn;
      return {
        ...conn,
        async batch(statements) {
          const named =
            nameOf === undefined
              ? statements
              : statements.map((st) => {
                  const name = st.name ?? nameOf(client, st.sql);
                  return name === undefined ? st : { ...st, name };
                });
          const out = await _runBatch(client, named);
          const results = out.results.map(toResult);
          return out.failed === undefined
            ? { results, ...(out.status === undefined ? {} : { status: out.status }) }
            : { results, failed: out.failed };
        },
        transactionStatus: () => _txStatus(client),
      };
    },
  };
}

/**
 * Wraps a PGlite instance as a {@link TenancyDriver}. PGlite is one
 * connection, so scopes are serialised by a lock. PGlite is a correctness
 * guard and demo engine, not a security boundary: its session user is a
 * superuser, and the role given here only applies inside scopes.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param db - A PGlite instance.
 * @param options - `role` to assume inside each scope.
 * @returns The driver to pass to {@link withTenant}.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for a bad role name.
 * @example
 * ```ts
 * const db = pgliteDriver(new PGlite(), { role: 'app_user' });
 * ```
 */
export function pgliteDriver(db: PGliteLike, options: PgliteDriverOptions = {}): TenancyDriver {
  if (typeof db?.query !== 'function' || typeof db.exec !== 'function') {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'pgliteDriver needs a PGlite instance');
  }
  const afterBegin = options.role === undefined ? '' : `SET LOCAL ROLE ${quoteIdent(options.role)}`;
  let tail: Promise<void> = Promise.resolve();
  let broken = false;
  return {
    name: 'pglite',
    afterBegin,
    async connect(): Promise<TenancyConnection> {
      let unlock: () => void = () => {};
      const turn = new Promise<void>((r) => {
        unlock = r;
      });
      const previous = tail;
      tail = previous.then(() => turn);
      await previous;
      if (broken) {
        unlock();
        throw new TenancyError(
          'ERR_TENANCY_DIRTY_CONNECTION',
          'the PGlite session could not be reset',
        );
      }
      let released = false;
      return {
        async query(sql, params) {
          return toResult(await db.query(sql, [...params]));
        },
        async simple(sql) {
          const r = await db.exec(sql);
          return Array.isArray(r) ? r.map(toResult) : [toResult(r)];
        },
        async release(destroy) {
          if (released) return;
          released = true;
          try {
            if (destroy) {
              // One connection cannot be replaced: end any transaction and drop session state.
              try {
                await db.exec('ROLLBACK');
              } catch {
                // no transaction open
              }
              await db.exec('RESET ALL');
              await db.exec('DISCARD ALL');
            }
          } catch {
            broken = true;
          } finally {
            unlock();
          }
        },
      };
    },
  };
}

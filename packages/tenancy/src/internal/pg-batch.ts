// One round trip for several statements on a `pg` client: each statement is
// written as Parse/Bind/Describe/Execute (extended protocol, bound
// parameters), and one Sync closes the batch. The server runs the messages in
// order; after the first error it skips everything up to the Sync, and it
// answers the Sync with one ReadyForQuery that carries the transaction status.
// node-postgres accepts such an object through its documented "submittable"
// interface (the one pg-cursor uses); each statement is encoded by pg's own
// Query class, so values and type parsers behave exactly as in client.query().

import type { TenancyBatchStatement, TransactionStatus } from '../driver.ts';

/** What a batch returned. */
export interface _BatchOutcome {
  /** Raw pg results of the statements that completed, in order. */
  readonly results: readonly unknown[];
  /** The first statement that failed (the server skipped the rest), if any. */
  readonly failed?: { readonly index: number; readonly error: unknown };
  /** The status at the end of a batch without failure; undefined after any failure. */
  readonly status: TransactionStatus | undefined;
}

type Callback = (err: Error | null, res?: unknown) => void;

/** The part of pg's Query class the batch drives (its submittable interface). */
interface PgQuery {
  submit(connection: object): Error | null | undefined;
  requiresPreparation(): boolean;
  handleRowDescription(msg: unknown): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: object): void;
  handleEmptyQuery(connection: object): void;
  handleReadyForQuery(connection: object): void;
  handleCopyInResponse(connection: object): void;
}

type PgQueryClass = new (config: {
  text: string;
  name?: string;
  values: unknown[];
  queryMode: 'extended';
  types: { getTypeParser(oid: number, format?: string): unknown };
  callback: Callback;
}) => PgQuery;

/** The part of a pg client the batch needs. */
export interface _PgBatchClient {
  query(submittable: object): unknown;
  getTransactionStatus(): string | null;
  getTypeParser(oid: number, format?: string): unknown;
  readonly pipeline?: boolean;
}

interface Corkable {
  stream?: { cork?(): void; uncork?(): void };
  sync(): void;
}

const support = new WeakMap<object, PgQueryClass | null>();

function queryClassOf(client: object): PgQueryClass | null {
  const ctor = (client as { constructor?: { Query?: unknown } }).constructor;
  if (ctor === undefined) return null;
  const known = support.get(ctor);
  if (known !== undefined) return known;
  let found: PgQueryClass | null = null;
  const Q = ctor.Query;
  if (typeof Q === 'function') {
    try {
      const probe = new (Q as PgQueryClass)({
        text: 'BEGIN',
        values: [],
        queryMode: 'extended',
        types: { getTypeParser: () => undefined },
        callback: () => {},
      });
      // Without extended mode a parameterless statement would go out as a
      // simple Query with its own ReadyForQuery, which would break the batch.
      if (typeof probe.submit === 'function' && probe.requiresPreparation() === true) {
        found = Q as PgQueryClass;
      }
    } catch {
      found = null;
    }
  }
  support.set(ctor, found);
  return found;
}

/**
 * @internal Whether `client` is a node-postgres client that can run a batch:
 * it reports its transaction status, is not in pipeline mode (which refuses
 * submittables), and its Query class supports extended mode.
 */
export function _canBatch(client: unknown): client is _PgBatchClient {
  if (typeof client !== 'object' || client === null) return false;
  const c = client as Partial<_PgBatchClient>;
  return (
    typeof c.query === 'function' &&
    typeof c.getTransactionStatus === 'function' &&
    typeof c.getTypeParser === 'function' &&
    c.pipeline !== true &&
    queryClassOf(client) !== null
  );
}

function isStatus(s: unknown): s is TransactionStatus {
  return s === 'I' || s === 'T' || s === 'E';
}

/** @internal The transaction status the client last heard from the server, without a round trip. */
export function _txStatus(client: _PgBatchClient): TransactionStatus | undefined {
  const s = client.getTransactionStatus();
  return isStatus(s) ? s : undefined;
}

/**
 * @internal Runs `statements` on `client` in one round trip (one Sync).
 * Resolves (never rejects) with the completed results and either the final
 * transaction status or the first failure (a statement error, a lost connection).
 */
export function _runBatch(
  client: _PgBatchClient,
  statements: readonly TenancyBatchStatement[],
): Promise<_BatchOutcome> {
  const Q = queryClassOf(client) as PgQueryClass;
  return new Promise<_BatchOutcome>((resolve) => {
    const results: unknown[] = [];
    let failed: { index: number; error: unknown } | undefined;
    let settled = false;
    let current = 0;
    const settle = (status: TransactionStatus | undefined): void => {
      if (settled) return;
      settled = true;
      resolve(failed === undefined ? { results, status } : { results, failed, status });
    };
    const fail = (index: number, error: unknown): void => {
      if (failed === undefined) failed = { index, error };
    };
    const types = { getTypeParser: (oid: number, f?: string) => client.getTypeParser(oid, f) };
    const steps = statements.map(
      (s, i) =>
        new Q({
          text: s.sql,
          ...(s.name === undefined ? {} : { name: s.name }),
          values: [...s.params],
          queryMode: 'extended',
          types,
          callback: (err, res) => {
            if (err !== null) fail(i, err);
            else results[i] = res;
          },
        }),
    );
    const finishStep = (connection: object): void => {
      const step = steps[current];
      // Hands the step its rows (or a row-parsing error) through its callback.
      step?.handleReadyForQuery(connection);
      current++;
    };
    const batch = {
      submit(connection: object): null {
        const con = connection as Corkable;
        // Every statement but the batch's own Sync: the statements' Syncs are dropped.
        const noSync = Object.create(connection, { sync: { value: () => {} } }) as object;
        con.stream?.cork?.();
        try {
          for (let i = 0; i < steps.length; i++) {
            const err = (steps[i] as PgQuery).submit(noSync);
            if (err) fail(i, err);
            // A value pg could not encode: send nothing after it.
            if (failed !== undefined) break;
          }
          con.sync();
        } finally {
          con.stream?.uncork?.();
        }
        return null;
      },
      handleRowDescription(msg: unknown): void {
        steps[current]?.handleRowDescription(msg);
      },
      handleDataRow(msg: unknown): void {
        steps[current]?.handleDataRow(msg);
      },
      handleCommandComplete(msg: unknown, connection: object): void {
        steps[current]?.handleCommandComplete(msg, connection);
        finishStep(connection);
      },
      handleEmptyQuery(connection: object): void {
        steps[current]?.handleEmptyQuery(connection);
        finishStep(connection);
      },
      handlePortalSuspended(): void {
        // Statements run without a row limit; a portal is never suspended.
      },
      handleCopyInResponse(connection: object): void {
        steps[current]?.handleCopyInResponse(connection);
      },
      handleCopyData(): void {},
      handleError(err: unknown): void {
        // pg detaches the batch on the first error (the server skips to the
        // Sync; its ReadyForQuery reaches nobody), so the status is unknown here.
        fail(current, err);
        settle(undefined);
      },
      handleReadyForQuery(): void {
        settle(_txStatus(client));
      },
    };
    client.query(batch);
  });
}

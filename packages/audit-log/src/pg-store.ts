import { signCheckpoint } from './checkpoint.ts';
import { AuditLogError } from './errors.ts';
import {
  type AuditEventInput,
  encodeEntry,
  GENESIS_PREV,
  parseAuditEvent,
  type Sidecar,
} from './event.ts';
import type { AppendReceipt, EraseResult, PruneResult, TimerPort } from './file-store.ts';
import { concatBytes, pooledRandomBytes, toBase64 } from './internal/bytes.ts';
import { hashFromBase64 } from './internal/hash.ts';
import { encodeCheckpointLine, encodeEntryLine, encodePruneLine } from './log-format.ts';
import { RootAccumulator } from './merkle.ts';
import { type EntryProof, proveEntry } from './proofs.ts';
import { openPruneRecord, signPruneRecord } from './prune-record.ts';
import {
  formatVerifierKey,
  type NoteSigner,
  type NoteVerifier,
  parseVerifierKey,
} from './signed-note.ts';
import { type Verdict, verifyLog } from './verifier.ts';

/** The one method the store needs from a Postgres client: `pg.Client`, `pg.PoolClient` or PGlite. */
export interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Where transactions come from: a caller-made `pg.Pool` (anything with
 * `connect()` returning a releasable client) or a PGlite instance (anything with
 * `transaction(fn)`). The store never opens a connection of its own.
 */
export type PgDatabase =
  | { connect(): Promise<PgQueryable & { release(err?: Error | boolean): void }> }
  | { transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> };

/** Options for {@link openPgStore}. */
export interface PgStoreOptions {
  /** The database (pool or PGlite). */
  readonly db: PgDatabase;
  /** Checkpoint origin prefix; each org's log origin is `<origin>/<org>`. */
  readonly origin: string;
  /** Signs checkpoints. */
  readonly signer: NoteSigner;
  /** Schema holding the tables (default `palisade_audit`); letters, digits, `_` only. */
  readonly schema?: string;
  /** Most events per transaction (default 2000). */
  readonly maxBatch?: number;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** Randomness for salts (default node:crypto). */
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** An org-scoped Postgres audit log. */
export interface PgAuditStore {
  /** The signer's verifier key. */
  readonly verifierKey: string;
  /** The checkpoint origin of one org's log. */
  originOf(org: string): string;
  /**
   * Appends one event to its org's chain. Concurrent appends for one org are
   * batched into one transaction, and the batches of up to 32 orgs share one
   * (each under its own head-row lock, taken in sorted org order); the receipt
   * is `durable` once it commits. A failed transaction rejects every append in it.
   */
  append(event: AuditEventInput): Promise<AppendReceipt>;
  /** Signs and stores a checkpoint of the org's current size (a heartbeat); undefined when empty. */
  checkpoint(org: string): Promise<string | undefined>;
  /** Number of entries of an org. */
  size(org: string): Promise<number>;
  /** The org's log in the shared line format (entries and checkpoints), paged. */
  lines(org: string): AsyncIterable<string>;
  /** Verifies an org's chain. */
  verify(org: string, options?: { readonly trusted?: string }): Promise<Verdict>;
  /** An inclusion proof for one entry against the org's latest checkpoint. */
  prove(org: string, seq: number): Promise<EntryProof>;
  /**
   * Deletes the org's entries before `before` in one transaction, keeping a
   * signed prune record and the Merkle frontier (logged as `audit.prune`).
   */
  prune(
    org: string,
    options: { readonly before: number; readonly actor?: string },
  ): Promise<PruneResult>;
  /** The retention sweeper: prunes the org's entries recorded more than `olderThan` ms before `now`. */
  sweep(
    org: string,
    options: { readonly olderThan: number; readonly now?: number; readonly actor?: string },
  ): Promise<PruneResult>;
  /** Deletes the personal values of `subject` in the org and logs the erasure (`audit.erase`). */
  erase(org: string, subject: string, options?: { readonly actor?: string }): Promise<EraseResult>;
  /**
   * Starts heartbeat checkpoints: every `intervalMs` (at most 60 000, the
   * default) each listed non-empty org gets a freshly signed checkpoint, so
   * silence and tail truncation are provable. Returns a stop function.
   */
  startHeartbeat(
    orgs: () => Iterable<string>,
    options?: {
      readonly intervalMs?: number;
      readonly timers?: TimerPort;
      readonly onError?: (e: unknown) => void;
    },
  ): () => void;
  /** Transactions used and events appended (the sequencer's batching). */
  stats(): { readonly appended: number; readonly transactions: number };
  /** Waits for queued appends. */
  flush(): Promise<void>;
}

interface Pending {
  readonly event: AuditEventInput;
  readonly resolve: (r: AppendReceipt) => void;
  readonly reject: (e: unknown) => void;
}

function ident(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new AuditLogError('ERR_AUDIT_INVALID_ARGUMENT', 'schema must match [a-z_][a-z0-9_]*');
  }
  return schema;
}

function toBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  throw new AuditLogError('ERR_AUDIT_CORRUPT', 'expected a bytea column');
}

function toInt(v: unknown): number {
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  if (!Number.isSafeInteger(n))
    throw new AuditLogError('ERR_AUDIT_CORRUPT', 'expected an integer column');
  return n;
}

async function inTransaction<T>(db: PgDatabase, fn: (q: PgQueryable) => Promise<T>): Promise<T> {
  if ('transaction' in db) return db.transaction(fn);
  const client = await db.connect();
  let ok = false;
  try {
    await client.query('BEGIN');
    const r = await fn(client);
    await client.query('COMMIT');
    ok = true;
    return r;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release(ok ? undefined : true);
  }
}

/**
 * Creates the audit tables (idempotent): `audit_heads` (one row per org: the
 * chain tip and Merkle frontier, locked per org, never globally),
 * `audit_entries` with `PRIMARY KEY (org, seq)` as the fork guard and the
 * canonical leaf bytes in `bytea`, and `audit_checkpoints`.
 *
 * Exported from `@palisade/audit-log/pg`.
 *
 * @param db - Pool or PGlite.
 * @param schema - Schema name (default `palisade_audit`).
 * @returns Nothing.
 * @throws AuditLogError `ERR_AUDIT_INVALID_ARGUMENT` for a bad schema name; driver errors.
 * @example
 * ```ts
 * await createPgAuditSchema(pool);
 * ```
 */
export async function createPgAuditSchema(
  db: PgDatabase,
  schema = 'palisade_audit',
): Promise<void> {
  const s = ident(schema);
  await inTransaction(db, async (q) => {
    await q.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.audit_heads (
      org text PRIMARY KEY,
      next_seq bigint NOT NULL,
      prev_hash bytea NOT NULL,
      last_recorded_at bigint NOT NULL,
      frontier bytea NOT NULL
    )`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.audit_entries (
      org text NOT NULL,
      seq bigint NOT NULL,
      leaf bytea NOT NULL,
      leaf_hash bytea NOT NULL,
      side text,
      recorded_at bigint NOT NULL,
      subject text NOT NULL,
      PRIMARY KEY (org, seq)
    )`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.audit_prunes (
      org text PRIMARY KEY,
      before_seq bigint NOT NULL,
      note text NOT NULL
    )`);
    await q.query(`CREATE TABLE IF NOT EXISTS ${s}.audit_checkpoints (
      org text NOT NULL,
      size bigint NOT NULL,
      id bigserial,
      note text NOT NULL,
      PRIMARY KEY (org, size, id)
    )`);
  });
}

/** An org's chain tip, locked for the transaction. */
interface Head {
  next: number;
  prev: Uint8Array;
  last: number;
  acc: RootAccumulator;
}

/** Most orgs whose batches share one transaction. */
const ORGS_PER_TRANSACTION = 32;

class PgStore implements PgAuditStore {
  readonly verifierKey: string;
  private readonly verifiers: readonly NoteVerifier[];
  private readonly s: string;
  private readonly queues = new Map<string, Pending[]>();
  /** Orgs with a transaction in flight. */
  private readonly inFlight = new Set<string>();
  /** The scheduled dispatch and the transactions in flight (flush waits for them). */
  private readonly running = new Set<Promise<void>>();
  private dispatchScheduled = false;
  private appended = 0;
  private transactions = 0;

  private readonly o: PgStoreOptions;

  constructor(o: PgStoreOptions) {
    this.o = o;
    this.s = ident(o.schema ?? 'palisade_audit');
    this.verifierKey = formatVerifierKey(o.signer.name, o.signer.publicKey);
    this.verifiers = [parseVerifierKey(this.verifierKey)];
  }

  originOf(org: string): string {
    return `${this.o.origin}/${org}`;
  }

  append(event: AuditEventInput): Promise<AppendReceipt> {
    let ev: AuditEventInput;
    try {
      ev = parseAuditEvent(event);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<AppendReceipt>((resolve, reject) => {
      let q = this.queues.get(ev.org);
      if (q === undefined) {
        q = [];
        this.queues.set(ev.org, q);
      }
      q.push({ event: ev, resolve, reject });
      this.kick();
    });
  }

  /**
   * The per-org sequencer: at most one batch of an org in flight. Appends
   * issued in the same tick are dispatched together; the orgs that have
   * queued events are taken in sorted order (so concurrent transactions lock
   * head rows in one global order and cannot deadlock) and split into
   * contiguous groups of near-equal size, at most ORGS_PER_TRANSACTION per
   * transaction, each org's batch written under its own head-row lock. Never a
   * global lock.
   */
  private kick(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    const p: Promise<void> = Promise.resolve().then(() => {
      this.dispatchScheduled = false;
      this.running.delete(p);
      this.dispatch();
    });
    this.running.add(p);
  }

  private dispatch(): void {
    const ready = [...this.queues.keys()].filter((o) => !this.inFlight.has(o)).sort();
    // As few transactions as ORGS_PER_TRANSACTION allows, of near-equal size
    // (100 orgs: 4 x 25, not 32 + 32 + 32 + 4), so that the transactions run
    // side by side finish together instead of waiting for the largest.
    const groups = Math.ceil(ready.length / ORGS_PER_TRANSACTION);
    for (let g = 0; g < groups; g++) {
      const orgs = ready.slice(
        Math.floor((g * ready.length) / groups),
        Math.floor(((g + 1) * ready.length) / groups),
      );
      for (const o of orgs) this.inFlight.add(o);
      const run: Promise<void> = this.runGroup(orgs).finally(() => {
        for (const o of orgs) this.inFlight.delete(o);
        this.running.delete(run);
        if (this.queues.size > 0) this.kick();
      });
      this.running.add(run);
    }
  }

  private async runGroup(orgs: readonly string[]): Promise<void> {
    const batches = orgs.map((org) => {
      const q = this.queues.get(org) as Pending[];
      const batch = q.splice(0, this.o.maxBatch ?? 2000);
      if (q.length === 0) this.queues.delete(org);
      return { org, batch };
    });
    try {
      const receipts = await inTransaction(this.o.db, (tx) =>
        this.writeBatches(
          tx,
          batches.map(({ org, batch }) => ({ org, events: batch.map((p) => p.event) })),
        ),
      );
      this.transactions++;
      batches.forEach(({ batch }, k) => {
        this.appended += batch.length;
        batch.forEach((p, i) => {
          p.resolve((receipts[k] as AppendReceipt[])[i] as AppendReceipt);
        });
      });
    } catch (e) {
      const err =
        typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505'
          ? new AuditLogError('ERR_AUDIT_FORK', 'another writer took this sequence number', {
              cause: e,
            })
          : e;
      for (const { batch } of batches) for (const p of batch) p.reject(err);
    }
  }

  private async lockHead(tx: PgQueryable, org: string): Promise<Head> {
    return (await this.lockHeads(tx, [org])).get(org) as Head;
  }

  /**
   * Creates the heads of new orgs and locks every head of `orgs` in one round
   * trip, in the given (sorted) order: ON CONFLICT DO UPDATE takes the row
   * lock and returns the latest version, so concurrent writers of an org queue
   * here.
   */
  private async lockHeads(tx: PgQueryable, orgs: readonly string[]): Promise<Map<string, Head>> {
    const params: unknown[] = [Buffer.from(GENESIS_PREV), Buffer.alloc(0)];
    const values = orgs.map((org) => {
      params.push(org);
      return `($${params.length}, 0, $1, 0, $2)`;
    });
    const { rows } = await tx.query(
      `INSERT INTO ${this.s}.audit_heads (org, next_seq, prev_hash, last_recorded_at, frontier)
       VALUES ${values.join(', ')} ON CONFLICT (org) DO UPDATE SET org = EXCLUDED.org
       RETURNING org, next_seq, prev_hash, last_recorded_at, frontier`,
      params,
    );
    const heads = new Map<string, Head>();
    for (const h of rows) {
      const next = toInt(h['next_seq']);
      const fr = toBytes(h['frontier']);
      const frontier: Uint8Array[] = [];
      for (let i = 0; i < fr.length; i += 32) frontier.push(fr.subarray(i, i + 32));
      heads.set(String(h['org']), {
        next,
        prev: toBytes(h['prev_hash']),
        last: toInt(h['last_recorded_at']),
        acc: RootAccumulator.fromFrontier(next, frontier),
      });
    }
    for (const org of orgs) {
      if (!heads.has(org)) throw new AuditLogError('ERR_AUDIT_CORRUPT', 'missing head row');
    }
    return heads;
  }

  private async writeBatch(
    tx: PgQueryable,
    org: string,
    events: readonly AuditEventInput[],
  ): Promise<AppendReceipt[]> {
    return (await this.writeBatches(tx, [{ org, events }]))[0] as AppendReceipt[];
  }

  /**
   * Writes one batch per org (orgs sorted, distinct) in the caller's
   * transaction: one round trip locks every head, then the entry rows, the
   * head updates and one signed checkpoint per org (sealing its batch) go in
   * as few statements as the parameter limit allows (one for up to 1000 rows).
   */
  private async writeBatches(
    tx: PgQueryable,
    batches: readonly { readonly org: string; readonly events: readonly AuditEventInput[] }[],
  ): Promise<AppendReceipt[][]> {
    const s = this.s;
    const heads = await this.lockHeads(
      tx,
      batches.map((b) => b.org),
    );
    const now = this.o.now ?? Date.now;
    const rand = this.o.randomBytes ?? pooledRandomBytes;
    const salt = (): Uint8Array => rand(16);
    const out: AppendReceipt[][] = [];
    const rows: unknown[][] = [];
    const tips: {
      org: string;
      next: number;
      prev: Uint8Array;
      last: number;
      frontier: Uint8Array;
      note: string;
    }[] = [];
    for (const { org, events } of batches) {
      const head = heads.get(org) as Head;
      const receipts: AppendReceipt[] = [];
      let { next, prev, last } = head;
      let prev64 = toBase64(prev);
      for (const ev of events) {
        const wall = now();
        const back = wall < last ? last - wall : 0;
        const recordedAt = Math.max(wall, last);
        const enc = encodeEntry(ev, next, prev64, recordedAt, back, salt);
        const lh = hashFromBase64(enc.hash64);
        rows.push([
          org,
          next,
          Buffer.from(enc.leaf64, 'base64'),
          Buffer.from(lh),
          enc.sidecarText,
          recordedAt,
          enc.leaf.subject,
        ]);
        receipts.push({ seq: next, leafHash: enc.hash64, recordedAt, durability: 'durable' });
        head.acc.push(lh);
        prev = lh;
        prev64 = enc.hash64;
        last = recordedAt;
        next++;
      }
      out.push(receipts);
      tips.push({
        org,
        next,
        prev,
        last,
        frontier: concatBytes(...head.acc.frontier()),
        // Seal the batch in the same transaction: a checkpoint within the commit of every append.
        note: this.checkpointNote(org, next, head.acc.root(), now()),
      });
    }
    // All but the last chunk of rows go in plain multi-row INSERTs; the last
    // chunk, the head updates and the checkpoints go in one statement.
    const CHUNK = 1000;
    const lastStart = Math.max(0, Math.floor((rows.length - 1) / CHUNK) * CHUNK);
    const insertValues = (chunk: unknown[][], params: unknown[]): string =>
      chunk
        .map((r) => {
          const b = params.length;
          params.push(...r);
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
        })
        .join(', ');
    const insertSql = (values: string): string =>
      `INSERT INTO ${s}.audit_entries (org, seq, leaf, leaf_hash, side, recorded_at, subject) VALUES ${values}`;
    for (let i = 0; i < lastStart; i += CHUNK) {
      const params: unknown[] = [];
      await tx.query(insertSql(insertValues(rows.slice(i, i + CHUNK), params)), params);
    }
    const params: unknown[] = [];
    const values = insertValues(rows.slice(lastStart), params);
    const headValues: string[] = [];
    const cpValues: string[] = [];
    for (const t of tips) {
      const b = params.length;
      params.push(t.org, t.next, Buffer.from(t.prev), t.last, Buffer.from(t.frontier), t.note);
      headValues.push(
        `($${b + 1}::text, $${b + 2}::bigint, $${b + 3}::bytea, $${b + 4}::bigint, $${b + 5}::bytea)`,
      );
      cpValues.push(`($${b + 1}, $${b + 2}, $${b + 6})`);
    }
    await tx.query(
      `WITH e AS (${insertSql(values)}),
       h AS (UPDATE ${s}.audit_heads AS t SET next_seq = v.next_seq, prev_hash = v.prev_hash,
               last_recorded_at = v.last_recorded_at, frontier = v.frontier
             FROM (VALUES ${headValues.join(', ')}) AS v(org, next_seq, prev_hash, last_recorded_at, frontier)
             WHERE t.org = v.org)
       INSERT INTO ${s}.audit_checkpoints (org, size, note) VALUES ${cpValues.join(', ')}`,
      params,
    );
    return out;
  }

  /** Signs the checkpoint of an org's log at `size` (the caller stores it). */
  private checkpointNote(org: string, size: number, root: Uint8Array, time: number): string {
    return signCheckpoint(
      { origin: this.originOf(org), size, rootHash: root, extensions: [`time ${time}`] },
      [this.o.signer],
    );
  }

  private async insertCheckpoint(
    tx: PgQueryable,
    org: string,
    size: number,
    root: Uint8Array,
    time: number,
  ): Promise<string> {
    const note = this.checkpointNote(org, size, root, time);
    await tx.query(
      `INSERT INTO ${this.s}.audit_checkpoints (org, size, note) VALUES ($1, $2, $3)`,
      [org, size, note],
    );
    return note;
  }

  async checkpoint(org: string): Promise<string | undefined> {
    await this.flush();
    return inTransaction(this.o.db, async (tx) => {
      const head = await this.lockHead(tx, org);
      if (head.next === 0) return undefined;
      return this.insertCheckpoint(tx, org, head.next, head.acc.root(), (this.o.now ?? Date.now)());
    });
  }

  async size(org: string): Promise<number> {
    await this.flush();
    return inTransaction(this.o.db, async (tx) => {
      const { rows } = await tx.query(`SELECT next_seq FROM ${this.s}.audit_heads WHERE org = $1`, [
        org,
      ]);
      return rows[0] === undefined ? 0 : toInt(rows[0]['next_seq']);
    });
  }

  async *lines(org: string): AsyncIterable<string> {
    const s = this.s;
    const page = 5000;
    const prune = await inTransaction(this.o.db, (tx) =>
      tx.query(`SELECT before_seq, note FROM ${s}.audit_prunes WHERE org = $1`, [org]),
    );
    const pr = prune.rows[0];
    let after = -1;
    let cpAfter = -1;
    if (pr !== undefined) {
      yield encodePruneLine(String(pr['note']));
      after = toInt(pr['before_seq']) - 1;
      // A checkpoint of exactly the pruned size covers no retained entry.
      cpAfter = after + 1;
    }
    let pendingCps: Array<{ size: number; note: string }> = [];
    const loadCps = async (upTo: number): Promise<void> => {
      const { rows } = await inTransaction(this.o.db, (tx) =>
        tx.query(
          `SELECT size, note FROM ${s}.audit_checkpoints WHERE org = $1 AND size > $2 AND size <= $3 ORDER BY size, id`,
          [org, cpAfter, upTo],
        ),
      );
      pendingCps = pendingCps.concat(
        rows.map((r) => ({ size: toInt(r['size']), note: String(r['note']) })),
      );
      cpAfter = upTo;
    };
    for (;;) {
      const { rows } = await inTransaction(this.o.db, (tx) =>
        tx.query(
          `SELECT seq, leaf, leaf_hash, side FROM ${s}.audit_entries WHERE org = $1 AND seq > $2 ORDER BY seq LIMIT ${page}`,
          [org, after],
        ),
      );
      if (rows.length === 0) break;
      const lastSeq = toInt((rows[rows.length - 1] as Record<string, unknown>)['seq']);
      await loadCps(lastSeq + 1);
      for (const r of rows) {
        const seq = toInt(r['seq']);
        const side = r['side'] === null ? null : (JSON.parse(String(r['side'])) as Sidecar);
        yield encodeEntryLine(toBytes(r['leaf_hash']), toBytes(r['leaf']), side);
        while (pendingCps.length > 0 && (pendingCps[0] as { size: number }).size === seq + 1) {
          yield encodeCheckpointLine((pendingCps.shift() as { note: string }).note);
        }
      }
      after = lastSeq;
      if (rows.length < page) break;
    }
  }

  async verify(org: string, options: { readonly trusted?: string } = {}): Promise<Verdict> {
    await this.flush();
    return verifyLog(this.lines(org), {
      verifiers: this.verifiers,
      origin: this.originOf(org),
      ...(options.trusted === undefined ? {} : { trusted: options.trusted }),
    });
  }

  async prove(org: string, seq: number): Promise<EntryProof> {
    await this.flush();
    return proveEntry(this.lines(org), seq, this.verifiers);
  }

  stats(): { readonly appended: number; readonly transactions: number } {
    return { appended: this.appended, transactions: this.transactions };
  }

  startHeartbeat(
    orgs: () => Iterable<string>,
    options: {
      readonly intervalMs?: number;
      readonly timers?: TimerPort;
      readonly onError?: (e: unknown) => void;
    } = {},
  ): () => void {
    const ms = Math.min(options.intervalMs ?? 60_000, 60_000);
    const timers: TimerPort = options.timers ?? {
      setTimeout: (fn, t) => {
        const h = setTimeout(fn, t);
        h.unref();
        return h;
      },
      clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    };
    let stopped = false;
    let handle: unknown;
    const tick = (): void => {
      void (async () => {
        for (const org of orgs()) {
          try {
            await this.checkpoint(org);
          } catch (e) {
            options.onError?.(e);
          }
        }
      })().finally(() => {
        if (!stopped) handle = timers.setTimeout(tick, ms);
      });
    };
    handle = timers.setTimeout(tick, ms);
    return () => {
      stopped = true;
      timers.clearTimeout(handle);
    };
  }

  async prune(
    org: string,
    options: { readonly before: number; readonly actor?: string },
  ): Promise<PruneResult> {
    await this.flush();
    const before = options.before;
    if (!Number.isSafeInteger(before) || before < 0) {
      throw new AuditLogError(
        'ERR_AUDIT_INVALID_ARGUMENT',
        'before must be a non-negative integer',
      );
    }
    const s = this.s;
    return inTransaction(this.o.db, async (tx) => {
      const head = await this.lockHead(tx, org);
      const { rows: pr } = await tx.query(
        `SELECT before_seq, note FROM ${s}.audit_prunes WHERE org = $1`,
        [org],
      );
      const old =
        pr[0] === undefined ? undefined : openPruneRecord(String(pr[0]['note']), this.verifiers);
      const first = old?.before ?? 0;
      if (before <= first) return { pruned: 0, before: first };
      if (before > head.next) {
        throw new AuditLogError(
          'ERR_AUDIT_INVALID_ARGUMENT',
          `cannot prune beyond the log size ${head.next}`,
        );
      }
      const acc =
        old === undefined
          ? new RootAccumulator()
          : RootAccumulator.fromFrontier(old.before, old.frontier);
      let prev = old?.prev ?? GENESIS_PREV;
      const { rows } = await tx.query(
        `SELECT seq, leaf_hash FROM ${s}.audit_entries WHERE org = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`,
        [org, first, before],
      );
      for (const r of rows) {
        if (toInt(r['seq']) !== acc.size)
          throw new AuditLogError('ERR_AUDIT_CORRUPT', 'gap in the chain; run verify');
        prev = toBytes(r['leaf_hash']);
        acc.push(prev);
      }
      const eventSeq = head.next;
      await this.writeBatch(tx, org, [
        { org, actor: options.actor ?? 'system', action: 'audit.prune', target: String(before) },
      ]);
      const note = signPruneRecord(
        { origin: this.originOf(org), org, before, prev, frontier: acc.frontier(), eventSeq },
        this.o.signer,
      );
      await tx.query(`DELETE FROM ${s}.audit_entries WHERE org = $1 AND seq < $2`, [org, before]);
      await tx.query(`DELETE FROM ${s}.audit_checkpoints WHERE org = $1 AND size < $2`, [
        org,
        before,
      ]);
      await tx.query(
        `INSERT INTO ${s}.audit_prunes (org, before_seq, note) VALUES ($1, $2, $3)
         ON CONFLICT (org) DO UPDATE SET before_seq = EXCLUDED.before_seq, note = EXCLUDED.note`,
        [org, before, note],
      );
      return { pruned: before - first, before, eventSeq };
    });
  }

  async sweep(
    org: string,
    options: { readonly olderThan: number; readonly now?: number; readonly actor?: string },
  ): Promise<PruneResult> {
    await this.flush();
    const cutoff = (options.now ?? (this.o.now ?? Date.now)()) - options.olderThan;
    const { rows } = await inTransaction(this.o.db, (tx) =>
      tx.query(
        `SELECT coalesce(min(seq), -1) AS first_kept FROM ${this.s}.audit_entries WHERE org = $1 AND recorded_at >= $2`,
        [org, cutoff],
      ),
    );
    const firstKept = toInt(rows[0]?.['first_kept'] ?? -1);
    const before = firstKept >= 0 ? firstKept : await this.size(org);
    return this.prune(org, {
      before,
      ...(options.actor === undefined ? {} : { actor: options.actor }),
    });
  }

  async erase(
    org: string,
    subject: string,
    options: { readonly actor?: string } = {},
  ): Promise<EraseResult> {
    await this.flush();
    if (typeof subject !== 'string' || subject.length === 0) {
      throw new AuditLogError('ERR_AUDIT_INVALID_ARGUMENT', 'subject must be a non-empty string');
    }
    const s = this.s;
    return inTransaction(this.o.db, async (tx) => {
      const [r] = await this.writeBatch(tx, org, [
        { org, actor: options.actor ?? 'system', action: 'audit.erase', target: subject },
      ]);
      const eventSeq = (r as AppendReceipt).seq;
      const side: Sidecar = { erasedBy: eventSeq };
      const { rows } = await tx.query(
        `UPDATE ${s}.audit_entries SET side = $4
         WHERE org = $1 AND subject = $2 AND seq < $3 AND side IS NOT NULL AND side NOT LIKE '{"erasedBy":%'
         RETURNING seq`,
        [org, subject, eventSeq, JSON.stringify(side)],
      );
      return { erased: rows.length, eventSeq };
    });
  }

  async flush(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }
}

/**
 * Opens an org-scoped audit log on Postgres (a caller-made `pg.Pool`, or PGlite):
 * one hash chain and Merkle tree per org, a per-org sequencer that batches
 * concurrent appends into one transaction (the batches of up to 32 orgs share
 * one, in four round trips), a per-org row lock (never a global one) and
 * `PRIMARY KEY (org, seq)` as the fork guard. Run
 * {@link createPgAuditSchema} once first.
 *
 * Exported from `@palisade/audit-log/pg`.
 *
 * @param options - See {@link PgStoreOptions}.
 * @returns The store.
 * @throws AuditLogError `ERR_AUDIT_INVALID_ARGUMENT` for a bad schema name.
 * @example
 * ```ts
 * const pool = new pg.Pool({ connectionString });
 * await createPgAuditSchema(pool);
 * const store = await openPgStore({ db: pool, origin: 'example.com/audit', signer });
 * await store.append({ org: 'org-1', actor: 'user:1', action: 'member.invite', target: 'user:2' });
 * ```
 */
export async function openPgStore(options: PgStoreOptions): Promise<PgAuditStore> {
  return new PgStore(options);
}

import './support/provided-context.ts';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runWithTenant } from '../src/context.ts';
import {
  pgDriver,
  pgliteDriver,
  type TenancyConnection,
  type TenancyDriver,
} from '../src/driver.ts';
import { TenancyError } from '../src/errors.ts';
import { type TenantTransaction, tenantQuery, withTenant } from '../src/with-tenant.ts';
import { createPgliteFixture, type PgliteFixture } from './support/pglite.ts';
import {
  createSandbox,
  makeOrgs,
  notesTableSql,
  type Orgs,
  type Sandbox,
  seedCanaries,
} from './support/sandbox.ts';

const as = <T>(orgId: string, fn: () => Promise<T>): Promise<T> =>
  runWithTenant({ orgId, actorId: 'user:test' }, fn);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return TenancyError.isInstance(e) ? e.code : `non-tenancy: ${(e as Error).message}`;
  }
  return 'resolved';
}

/** Records whether any connection was checked out (to prove "before any SQL"). */
function counting(inner: TenancyDriver): { driver: TenancyDriver; connects: () => number } {
  let n = 0;
  return {
    driver: {
      name: inner.name,
      afterBegin: inner.afterBegin,
      connect: () => {
        n++;
        return inner.connect();
      },
    },
    connects: () => n,
  };
}

/** Records every exchange the scope has with its connection (a batch, a statement, a simple string): one round trip each. */
function exchanges(inner: TenancyDriver): { driver: TenancyDriver; log: string[] } {
  const log: string[] = [];
  return {
    log,
    driver: {
      name: inner.name,
      afterBegin: inner.afterBegin,
      async connect(): Promise<TenancyConnection> {
        const c = await inner.connect();
        const wrapped: TenancyConnection = {
          query: (sql, params) => {
            log.push('query');
            return c.query(sql, params);
          },
          simple: (sql) => {
            log.push(`simple ${sql}`);
            return c.simple(sql);
          },
          release: (destroy) => {
            log.push(destroy ? 'destroy' : 'release');
            return c.release(destroy);
          },
        };
        const { batch, transactionStatus } = c;
        if (batch === undefined || transactionStatus === undefined) return wrapped;
        return {
          ...wrapped,
          batch: (statements) => {
            log.push(`batch of ${statements.length}`);
            return batch.call(c, statements);
          },
          transactionStatus: () => transactionStatus.call(c),
        };
      },
    },
  };
}

interface Backend {
  driver: TenancyDriver;
  orgs: Orgs;
}

// The same claims hold on the real server and on PGlite.
function sharedClaims(name: string, get: () => Backend): void {
  describe(`${name}: tenant scope`, () => {
    it('a request with no tenant context throws ERR_TENANCY_NO_CONTEXT before checking out a connection', async () => {
      const { driver, connects } = counting(get().driver);
      expect(await codeOf(withTenant(driver, (tx) => tx.query('SELECT 1')))).toBe(
        'ERR_TENANCY_NO_CONTEXT',
      );
      expect(await codeOf(tenantQuery(driver, 'SELECT 1'))).toBe('ERR_TENANCY_NO_CONTEXT');
      expect(connects()).toBe(0);
    });

    it("a request as one org reads only that org's rows, never another org's canary", async () => {
      const { driver, orgs } = get();
      for (const org of orgs.ids) {
        const { rows } = await as(org, () =>
          tenantQuery<{ org_id: string; title: string }>(
            driver,
            'SELECT org_id, title FROM app.notes',
          ),
        );
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) expect(r.org_id).toBe(org);
        const titles = rows.map((r) => r.title);
        expect(titles).toContain(orgs.canary.get(org));
        for (const other of orgs.ids.filter((o) => o !== org)) {
          expect(titles).not.toContain(orgs.canary.get(other));
        }
      }
    });

    it("a cross-org read of another org's row id returns nothing", async () => {
      const { driver, orgs } = get();
      const [a, b] = orgs.ids as [string, string];
      const { rows } = await as(a, () =>
        tenantQuery(driver, 'SELECT * FROM app.notes WHERE id = $1', [orgs.noteId.get(b)]),
      );
      expect(rows).toEqual([]);
    });

    it("an update or delete aimed at another org's row touches nothing", async () => {
      const { driver, orgs } = get();
      const [a, b] = orgs.ids as [string, string];
      const up = await as(a, () =>
        tenantQuery(driver, "UPDATE app.notes SET title = 'pwned' WHERE id = $1", [
          orgs.noteId.get(b),
        ]),
      );
      const del = await as(a, () =>
        tenantQuery(driver, 'DELETE FROM app.notes WHERE id = $1', [orgs.noteId.get(b)]),
      );
      expect(up.rowCount).toBe(0);
      expect(del.rowCount).toBe(0);
      const still = await as(b, () =>
        tenantQuery<{ title: string }>(driver, 'SELECT title FROM app.notes WHERE id = $1', [
          orgs.noteId.get(b),
        ]),
      );
      expect(still.rows[0]?.title).toBe(orgs.canary.get(b));
    });

    it("an insert carrying another org's id is refused by the WITH CHECK of the tenant policy", async () => {
      const { driver, orgs } = get();
      const [a, b] = orgs.ids as [string, string];
      const err = await as(a, () =>
        tenantQuery(driver, 'INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [
          b,
          'smuggled',
        ]),
      ).catch((e: unknown) => e);
      expect(String((err as Error).message)).toMatch(/row-level security/);
    });

    it('session-changing statements are refused inside the scope and the transaction rolls back', async () => {
      const { driver, orgs } = get();
      const [a, b] = orgs.ids as [string, string];
      const title = `rolled-back-${randomUUID()}`;
      for (const sql of [
        `SET app.org_id = '${b}'`,
        `SELECT set_config('app.org_id', '${b}', false)`,
        'RESET ROLE',
        'SET ROLE postgres',
        'SET SESSION AUTHORIZATION postgres',
        'DISCARD ALL',
        'COMMIT',
        'LISTEN ch',
      ]) {
        const code = await codeOf(
          as(a, () =>
            withTenant(driver, async (tx) => {
              await tx.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [a, title]);
              await tx.query(sql);
            }),
          ),
        );
        expect(code, sql).toBe('ERR_TENANCY_FORBIDDEN_STATEMENT');
      }
      const { rows } = await as(a, () =>
        tenantQuery(driver, 'SELECT 1 FROM app.notes WHERE title = $1', [title]),
      );
      expect(rows).toEqual([]);
    });

    it('a statement error swallowed by the body still fails the scope and commits nothing', async () => {
      const { driver, orgs } = get();
      const a = orgs.ids[0] as string;
      const title = `swallowed-${randomUUID()}`;
      const code = await codeOf(
        as(a, () =>
          withTenant(driver, async (tx) => {
            await tx.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [a, title]);
            await tx.query('SELECT 1/0').catch(() => undefined);
            return 'looks fine';
          }),
        ),
      );
      expect(code).toBe('ERR_TENANCY_TRANSACTION_FAILED');
      const { rows } = await as(a, () =>
        tenantQuery(driver, 'SELECT 1 FROM app.notes WHERE title = $1', [title]),
      );
      expect(rows).toEqual([]);
    });

    it('a handle used after its scope ended throws ERR_TENANCY_SCOPE_CLOSED', async () => {
      const { driver, orgs } = get();
      const a = orgs.ids[0] as string;
      let leaked: TenantTransaction | undefined;
      await as(a, () =>
        withTenant(driver, async (tx) => {
          leaked = tx;
        }),
      );
      expect(await codeOf(as(a, () => (leaked as TenantTransaction).query('SELECT 1')))).toBe(
        'ERR_TENANCY_SCOPE_CLOSED',
      );
    });

    it("a handle used from another org's context throws ERR_TENANCY_CONTEXT_MISMATCH", async () => {
      const { driver, orgs } = get();
      const [a, b] = orgs.ids as [string, string];
      const code = await codeOf(
        as(a, () =>
          withTenant(driver, (tx) => as(b, () => tx.query('SELECT title FROM app.notes'))),
        ),
      );
      expect(code).toBe('ERR_TENANCY_CONTEXT_MISMATCH');
    });

    it('an aborted request rolls back and rejects with ERR_TENANCY_ABORTED', async () => {
      const { driver, orgs } = get();
      const a = orgs.ids[0] as string;
      const title = `aborted-${randomUUID()}`;
      const ac = new AbortController();
      const code = await codeOf(
        as(a, () =>
          withTenant(
            driver,
            async (tx) => {
              await tx.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [a, title]);
              ac.abort();
            },
            { signal: ac.signal },
          ),
        ),
      );
      expect(code).toBe('ERR_TENANCY_ABORTED');
      const { rows } = await as(a, () =>
        tenantQuery(driver, 'SELECT 1 FROM app.notes WHERE title = $1', [title]),
      );
      expect(rows).toEqual([]);
    });

    it('an error thrown by the body passes through unchanged after rollback', async () => {
      const { driver, orgs } = get();
      const boom = new Error('boom');
      const got = await as(orgs.ids[0] as string, () =>
        withTenant(driver, async () => {
          throw boom;
        }),
      ).catch((e: unknown) => e);
      expect(got).toBe(boom);
    });
  });
}

let pgBackend: Backend | undefined;
let sandbox: Sandbox | undefined;

// Real-server suites need PALISADE_TEST_PG_URL (CI always sets it; a missing server fails CI).
describe.skipIf(inject('pgUrl') === '')('real Postgres', () => {
  let pool1: pg.Pool;
  beforeAll(async () => {
    sandbox = await createSandbox(inject('pgAdminUrl'), 'wt');
    await sandbox.asOwner(notesTableSql(sandbox.appRole));
    const orgs = makeOrgs(3);
    await seedCanaries(sandbox.superClient, orgs);
    pgBackend = { driver: pgDriver(sandbox.appPool(4)), orgs };
    pool1 = sandbox.appPool(1);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  sharedClaims('pg', () => pgBackend as Backend);

  it('a raw app-role connection with no tenant setting reads no rows (fail closed at the database)', async () => {
    const c = await pool1.connect();
    try {
      const { rows } = await c.query('SELECT * FROM app.notes');
      expect(rows).toEqual([]);
    } finally {
      c.release();
    }
  });

  it('a pooled connection left with a session tenant setting is detected at checkout and destroyed', async () => {
    const [a, b] = (pgBackend as Backend).orgs.ids as [string, string];
    const c = await pool1.connect();
    const { rows: pidRows } = await c.query('SELECT pg_backend_pid() AS pid');
    await c.query(`SELECT set_config('app.org_id', $1, false)`, [b]);
    c.release();
    const driver = pgDriver(pool1);
    const err = await as(a, () => tenantQuery(driver, 'SELECT title FROM app.notes')).catch(
      (e: unknown) => e,
    );
    expect(TenancyError.isInstance(err) && err.code).toBe('ERR_TENANCY_DIRTY_CONNECTION');
    // The message never names the tenant that was left behind.
    expect(JSON.stringify(err)).not.toContain(b);
    expect(String((err as Error).message)).not.toContain(b);
    const { rows } = await as(a, () =>
      tenantQuery<{ pid: number }>(driver, 'SELECT pg_backend_pid() AS pid'),
    );
    expect(rows[0]?.pid).not.toBe(pidRows[0]?.pid);
  });

  it('a pooled connection left inside an open transaction is detected at checkout and destroyed', async () => {
    const [a, b] = (pgBackend as Backend).orgs.ids as [string, string];
    const c = await pool1.connect();
    await c.query('BEGIN');
    await c.query(`SELECT set_config('app.org_id', $1, true)`, [b]);
    c.release();
    const driver = pgDriver(pool1);
    expect(await codeOf(as(a, () => tenantQuery(driver, 'SELECT title FROM app.notes')))).toBe(
      'ERR_TENANCY_DIRTY_CONNECTION',
    );
    const { rows } = await as(a, () =>
      tenantQuery<{ org_id: string }>(driver, 'SELECT org_id FROM app.notes'),
    );
    for (const r of rows) expect(r.org_id).toBe(a);
  });

  it('tenantQuery on node-postgres sends the connection check, the tenant setting and the statement as one batch (one round trip)', async () => {
    const a = (pgBackend as Backend).orgs.ids[0] as string;
    const { driver, log } = exchanges(pgDriver(pool1));
    const { rows } = await as(a, () =>
      tenantQuery<{ s: string }>(driver, `SELECT current_setting('app.org_id') AS s`),
    );
    // The transaction-local setting of the first statement reached the
    // second: both ran in one transaction.
    expect(rows).toEqual([{ s: a }]);
    expect(log).toEqual(['batch of 2', 'release']);
    // The transaction ended with the batch: the setting is gone from the session.
    const c = await pool1.connect();
    try {
      const after = await c.query(`SELECT current_setting('app.org_id', true) AS s`);
      expect([null, '']).toContain(after.rows[0]?.s);
    } finally {
      c.release();
    }
  });

  it('a withTenant scope sends BEGIN, the tenant setting and its first statement in one round trip, then one per statement and COMMIT', async () => {
    const a = (pgBackend as Backend).orgs.ids[0] as string;
    const { driver, log } = exchanges(pgDriver(pool1));
    const seen = await as(a, () =>
      withTenant(driver, async (tx) => {
        const one = await tx.query<{ s: string }>(`SELECT current_setting('app.org_id') AS s`);
        const two = await tx.query<{ s: string }>(`SELECT current_setting('app.org_id') AS s`);
        return [one.rows[0]?.s, two.rows[0]?.s];
      }),
    );
    expect(seen).toEqual([a, a]);
    expect(log).toEqual(['batch of 3', 'query', 'simple COMMIT', 'release']);
  });

  it('a write batched behind a failed connection check is not committed, and the connection is destroyed', async () => {
    const [a, b] = (pgBackend as Backend).orgs.ids as [string, string];
    const driver = pgDriver(pool1);
    for (const run of [
      (title: string) =>
        tenantQuery(driver, 'INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [a, title]),
      (title: string) =>
        withTenant(driver, (tx) =>
          tx.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [a, title]),
        ),
    ]) {
      const c = await pool1.connect();
      await c.query(`SELECT set_config('app.org_id', $1, false)`, [b]);
      c.release();
      const title = `behind-dirty-${randomUUID()}`;
      expect(await codeOf(as(a, () => run(title)))).toBe('ERR_TENANCY_DIRTY_CONNECTION');
      const { rows } = await (sandbox as Sandbox).superClient.query(
        'SELECT 1 FROM app.notes WHERE title = $1',
        [title],
      );
      expect(rows).toEqual([]);
      // The next checkout is a fresh session without the leftover setting.
      const { rows: next } = await as(a, () =>
        tenantQuery<{ org_id: string }>(driver, 'SELECT org_id FROM app.notes'),
      );
      for (const r of next) expect(r.org_id).toBe(a);
    }
  });

  it('a statement that fails inside a single-statement batch commits nothing and destroys the connection', async () => {
    const a = (pgBackend as Backend).orgs.ids[0] as string;
    const { driver, log } = exchanges(pgDriver(pool1));
    const title = `failed-batch-${randomUUID()}`;
    const err = await as(a, () =>
      tenantQuery(
        driver,
        'INSERT INTO app.notes (org_id, title) SELECT $1, $2 FROM generate_series(1, 2) g WHERE 1 / (2 - g) > 0',
        [a, title],
      ),
    ).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/division by zero/);
    expect(log).toEqual(['batch of 2', 'destroy']);
    const { rows } = await (sandbox as Sandbox).superClient.query(
      'SELECT 1 FROM app.notes WHERE title = $1',
      [title],
    );
    expect(rows).toEqual([]);
  });

  it('a node-postgres pool in pipeline mode (no batches) falls back to the checked simple-protocol start', async () => {
    const [a, b] = (pgBackend as Backend).orgs.ids as [string, string];
    const piped = new pg.Pool({
      connectionString: (sandbox as Sandbox).appUrl,
      max: 1,
      pipeline: true,
    } as pg.PoolConfig);
    piped.on('error', () => {});
    try {
      const { driver, log } = exchanges(pgDriver(piped));
      const { rows } = await as(a, () =>
        tenantQuery<{ org_id: string }>(driver, 'SELECT org_id FROM app.notes'),
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.org_id).toBe(a);
      expect(log[0]).toMatch(/^simple SELECT current_setting/);
      expect(log.slice(1)).toEqual(['query', 'simple COMMIT', 'release']);
      const c = await piped.connect();
      await c.query(`SELECT set_config('app.org_id', $1, false)`, [b]);
      c.release();
      expect(await codeOf(as(a, () => tenantQuery(driver, 'SELECT 1')))).toBe(
        'ERR_TENANCY_DIRTY_CONNECTION',
      );
    } finally {
      await piped.end();
    }
  });

  it('a connection is reused after a clean commit and destroyed after any error', async () => {
    const a = (pgBackend as Backend).orgs.ids[0] as string;
    const driver = pgDriver(pool1);
    const pid = async (): Promise<unknown> =>
      (await as(a, () => tenantQuery<{ pid: number }>(driver, 'SELECT pg_backend_pid() AS pid')))
        .rows[0]?.pid;
    const first = await pid();
    expect(await pid()).toBe(first);
    await as(a, () =>
      withTenant(driver, async () => {
        throw new Error('x');
      }),
    ).catch(() => undefined);
    expect(await pid()).not.toBe(first);
  });

  it('a backend terminated mid-transaction fails that request only; the next request sees only its own rows', async () => {
    const [a] = (pgBackend as Backend).orgs.ids as [string];
    const driver = pgDriver(pool1);
    const err = await as(a, () =>
      withTenant(driver, async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await sandbox?.superClient.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        await tx.query('SELECT 1');
      }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const { rows } = await as(a, () =>
      tenantQuery<{ org_id: string }>(driver, 'SELECT org_id FROM app.notes'),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.org_id).toBe(a);
  });
});

let lite: PgliteFixture | undefined;
describe('PGlite', () => {
  beforeAll(async () => {
    lite = await createPgliteFixture(3);
  });
  afterAll(async () => {
    await lite?.db.close();
  });
  sharedClaims('pglite', () => ({
    driver: pgliteDriver((lite as PgliteFixture).db, { role: 'app_user' }),
    orgs: (lite as PgliteFixture).orgs,
  }));

  it('PGlite without a role is a superuser session and ignores row-level security (why it is not a boundary)', async () => {
    const { db, orgs } = lite as PgliteFixture;
    const driver = pgliteDriver(db);
    const { rows } = await as(orgs.ids[0] as string, () =>
      tenantQuery(driver, 'SELECT title FROM app.notes'),
    );
    expect(rows.length).toBe(orgs.ids.length);
  });
});

import './support/provided-context.ts';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runWithTenant } from '../src/context.ts';
import { PG_PREPARED_STATEMENTS_PER_CONNECTION, pgDriver } from '../src/driver.ts';
import { TenancyError } from '../src/errors.ts';
import { tenantQuery, withTenant } from '../src/with-tenant.ts';
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

const LOOKUP = 'SELECT title FROM app.notes WHERE org_id = $1 AND id = $2';
const ALL = 'SELECT title FROM app.notes';

async function preparedOn(
  client: pg.PoolClient,
): Promise<{ name: string; statement: string; generic_plans: string }[]> {
  const { rows } = await client.query(
    'SELECT name, statement, generic_plans::text FROM pg_prepared_statements',
  );
  return rows as { name: string; statement: string; generic_plans: string }[];
}

// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it; a missing
// server fails CI in the global setup).
describe.skipIf(inject('pgUrl') === '')('pgDriver preparedStatements (real Postgres)', () => {
  let sandbox: Sandbox;
  let orgs: Orgs;
  let pool1: pg.Pool;
  beforeAll(async () => {
    sandbox = await createSandbox(inject('pgAdminUrl'), 'prep');
    await sandbox.asOwner(notesTableSql(sandbox.appRole));
    orgs = makeOrgs(3);
    await seedCanaries(sandbox.superClient, orgs);
    pool1 = sandbox.appPool(1);
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('one connection serving three orgs in turn through the same prepared statements (past the switch to a generic plan) reads only the current org', async () => {
    const driver = pgDriver(pool1, { preparedStatements: true });
    for (let i = 0; i < 30; i++) {
      const org = orgs.ids[i % 3] as string;
      const other = orgs.ids[(i + 1) % 3] as string;
      const all = await as(org, () => tenantQuery<{ title: string }>(driver, ALL));
      expect(all.rows.map((r) => r.title)).toEqual([orgs.canary.get(org)]);
      // Asking by another org's key through the cached plan finds nothing.
      const cross = await as(org, () =>
        tenantQuery(driver, LOOKUP, [other, orgs.noteId.get(other)]),
      );
      expect(cross.rows).toEqual([]);
      const inScope = await as(org, () =>
        withTenant(driver, async (tx) => {
          const own = await tx.query<{ title: string }>(LOOKUP, [org, orgs.noteId.get(org)]);
          const again = await tx.query<{ title: string }>(ALL);
          return [...own.rows, ...again.rows].map((r) => r.title);
        }),
      );
      expect(inScope).toEqual([orgs.canary.get(org), orgs.canary.get(org)]);
    }
    // The statements really were prepared on the server and ran with a generic plan.
    const c = await pool1.connect();
    try {
      const prepared = await preparedOn(c);
      const lookup = prepared.find((p) => p.statement === LOOKUP);
      expect(lookup?.name).toMatch(/^palisade_[0-9a-f]{32}$/);
      expect(Number(lookup?.generic_plans)).toBeGreaterThan(0);
      expect(prepared.some((p) => p.statement.includes("set_config('app.org_id', $1, true)"))).toBe(
        true,
      );
    } finally {
      c.release();
    }
  });

  it('a statement prepared for a tenant reads nothing when run again on that connection without a tenant (fail closed)', async () => {
    const driver = pgDriver(pool1, { preparedStatements: true });
    const org = orgs.ids[0] as string;
    for (let i = 0; i < 8; i++) {
      const { rows } = await as(org, () =>
        tenantQuery(driver, LOOKUP, [org, orgs.noteId.get(org)]),
      );
      expect(rows).toHaveLength(1);
    }
    const c = await pool1.connect();
    try {
      const name = (await preparedOn(c)).find((p) => p.statement === LOOKUP)?.name;
      expect(name).toBeDefined();
      // The ids are UUIDs made by the test; EXECUTE takes no bound parameters.
      const { rows } = await c.query(
        `EXECUTE ${name}('${org}'::uuid, '${orgs.noteId.get(org)}'::uuid)`,
      );
      expect(rows).toEqual([]);
      const { rows: setting } = await c.query(
        `SELECT coalesce(current_setting('app.org_id', true), '') AS v`,
      );
      expect(setting[0]?.v).toBe('');
    } finally {
      c.release();
    }
  });

  it('with prepared statements a connection left with a session tenant setting is still detected at checkout and destroyed', async () => {
    const driver = pgDriver(pool1, { preparedStatements: true });
    const [a, b] = orgs.ids as [string, string];
    // Prepare the setting statement on this connection first.
    await as(a, () => tenantQuery(driver, ALL));
    const c = await pool1.connect();
    const { rows: pid } = await c.query('SELECT pg_backend_pid() AS pid');
    await c.query(`SELECT set_config('app.org_id', $1, false)`, [b]);
    c.release();
    const err = await as(a, () => tenantQuery(driver, ALL)).catch((e: unknown) => e);
    expect(TenancyError.isInstance(err) && err.code).toBe('ERR_TENANCY_DIRTY_CONNECTION');
    const { rows } = await as(a, () =>
      tenantQuery<{ pid: number }>(driver, 'SELECT pg_backend_pid() AS pid'),
    );
    expect(rows[0]?.pid).not.toBe(pid[0]?.pid);
    const own = await as(a, () => tenantQuery<{ title: string }>(driver, ALL));
    expect(own.rows.map((r) => r.title)).toEqual([orgs.canary.get(a)]);
  });

  it('a connection prepares at most PG_PREPARED_STATEMENTS_PER_CONNECTION statements; further statements run unnamed and still read only their org', async () => {
    const pool = sandbox.appPool(1);
    try {
      const driver = pgDriver(pool, { preparedStatements: true });
      const org = orgs.ids[1] as string;
      const n = PG_PREPARED_STATEMENTS_PER_CONNECTION + 20;
      for (let i = 0; i < n; i++) {
        const { rows } = await as(org, () =>
          tenantQuery<{ title: string }>(driver, `SELECT title, ${i} AS k FROM app.notes`),
        );
        expect(rows.map((r) => r.title)).toEqual([orgs.canary.get(org)]);
      }
      const c = await pool.connect();
      try {
        expect(await preparedOn(c)).toHaveLength(PG_PREPARED_STATEMENTS_PER_CONNECTION);
      } finally {
        c.release();
      }
    } finally {
      await pool.end();
    }
  });

  it('without the opt-in no statement is prepared on the server (the default works behind a transaction pooler)', async () => {
    const pool = sandbox.appPool(1);
    try {
      const driver = pgDriver(pool);
      const org = orgs.ids[2] as string;
      await as(org, () => tenantQuery(driver, LOOKUP, [org, orgs.noteId.get(org)]));
      await as(org, () => withTenant(driver, (tx) => tx.query(ALL)));
      const c = await pool.connect();
      try {
        expect(await preparedOn(c)).toEqual([]);
      } finally {
        c.release();
      }
    } finally {
      await pool.end();
    }
  });
});

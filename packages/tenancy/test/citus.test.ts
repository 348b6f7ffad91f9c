import './support/provided-context.ts';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { assertCitusTenantStatement, citusStartSql, withCitusTenant } from '../src/citus.ts';
import { parseTenantContext, runWithTenant } from '../src/context.ts';
import { pgDriver } from '../src/driver.ts';
import { TenancyError } from '../src/errors.ts';
import {
  createSandbox,
  makeOrgs,
  notesTableSql,
  type Sandbox,
  seedCanaries,
} from './support/sandbox.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return TenancyError.isInstance(e) ? e.code : 'other';
  }
};

describe('Citus profile: emitted SQL', () => {
  it('the Citus start SQL sets the tenant with SET LOCAL on a validated, quoted UUID literal', () => {
    const org = randomUUID();
    const sql = citusStartSql(parseTenantContext({ orgId: org, actorId: 'u' }));
    expect(sql.split(';\n')).toEqual([
      "SELECT current_setting('app.org_id', true) AS leftover, now() = statement_timestamp() AS fresh, pg_current_xact_id_if_assigned() IS NULL AS no_xid",
      'BEGIN',
      `SET LOCAL app.org_id = '${org}'`,
    ]);
    expect(
      code(() => citusStartSql({ orgId: "x'; SET app.org_id = 'y", actorId: 'u', requestId: 'r' })),
    ).toBe('ERR_TENANCY_INVALID_ARGUMENT');
  });

  it('every Citus tenant statement must compare org_id to a parameter bound to the current org', () => {
    const org = randomUUID();
    const other = randomUUID();
    expect(
      code(() => assertCitusTenantStatement('SELECT * FROM notes WHERE org_id = $1', [org], org)),
    ).toBe('ok');
    expect(
      code(() =>
        assertCitusTenantStatement(
          'SELECT * FROM notes WHERE id = $1 AND "org_id" = $2',
          [1, org],
          org,
        ),
      ),
    ).toBe('ok');
    expect(
      code(() =>
        assertCitusTenantStatement('UPDATE notes SET t = $2 WHERE org_id=$1', [org, 'x'], org),
      ),
    ).toBe('ok');
    for (const [sql, params] of [
      ['SELECT * FROM notes', []],
      ['SELECT * FROM notes WHERE org_id = $1', [other]],
      ['SELECT * FROM notes WHERE xorg_id = $1', [org]],
      ['SELECT * FROM notes WHERE org_id = $10', [org]],
      [`SELECT * FROM notes WHERE org_id = '${org}'`, []],
      ['SET LOCAL app.org_id = $1; SELECT 1 WHERE org_id = $1', [org]],
    ] as const) {
      expect(
        code(() => assertCitusTenantStatement(sql, params, org)),
        sql,
      ).toBe('ERR_TENANCY_FORBIDDEN_STATEMENT');
    }
  });
});

// The Citus profile's lifecycle on plain Postgres (SET LOCAL behaves the same
// on one node). Real-server suite: needs PALISADE_TEST_PG_URL.
describe.skipIf(inject('pgUrl') === '')('Citus profile on a single Postgres node', () => {
  let sb: Sandbox;
  const orgs = makeOrgs(3);
  beforeAll(async () => {
    sb = await createSandbox(inject('pgAdminUrl'), 'citus');
    await sb.asOwner(notesTableSql(sb.appRole));
    await seedCanaries(sb.superClient, orgs);
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('withCitusTenant reads only the current org and refuses a statement without the org_id filter', async () => {
    const driver = pgDriver(sb.appPool(2));
    const [a, b] = orgs.ids as [string, string];
    const rows = await runWithTenant({ orgId: a, actorId: 'u' }, () =>
      withCitusTenant(
        driver,
        async (tx) =>
          (await tx.query<{ title: string }>('SELECT title FROM app.notes WHERE org_id = $1', [a]))
            .rows,
      ),
    );
    expect(rows.map((r) => r.title)).toEqual([orgs.canary.get(a)]);
    // Binding B's id as the filter is refused before SQL; RLS would return nothing anyway.
    const refused = await runWithTenant({ orgId: a, actorId: 'u' }, () =>
      withCitusTenant(driver, (tx) =>
        tx.query('SELECT title FROM app.notes WHERE org_id = $1', [b]),
      ),
    ).catch((e: unknown) => (TenancyError.isInstance(e) ? e.code : 'other'));
    expect(refused).toBe('ERR_TENANCY_FORBIDDEN_STATEMENT');
  });
});

// A real Citus cluster is not installable on this machine; this suite runs
// only where PALISADE_TEST_CITUS_URL names a coordinator (superuser URL) with
// the citus extension (and roles propagated to the workers, Citus >= 11). It
// checks, through withCitusTenant as a request role without privileges, that a
// tenant statement is a single-shard router plan, that SET LOCAL reaches the
// workers (a multi-shard statement sees the current org's rows, not none) and
// that the policies hold there (not the other org's rows).
describe.skipIf((process.env.PALISADE_TEST_CITUS_URL ?? '') === '')('Citus cluster', () => {
  it('on a Citus cluster a tenant statement is a router plan, SET LOCAL reaches the workers and the policies hold there', async () => {
    const adminUrl = process.env.PALISADE_TEST_CITUS_URL ?? '';
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const tag = randomUUID().slice(0, 8);
    const schema = `pal_citus_${tag}`;
    const role = `pal_citus_app_${tag}`;
    const password = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    let pool: pg.Pool | undefined;
    try {
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await c.query(`CREATE SCHEMA ${schema}`);
      await c.query(
        `CREATE TABLE ${schema}.notes (org_id uuid NOT NULL, id uuid NOT NULL, title text, PRIMARY KEY (org_id, id))`,
      );
      await c.query(`SELECT create_distributed_table('${schema}.notes', 'org_id')`);
      await c.query(
        `INSERT INTO ${schema}.notes VALUES ($1, gen_random_uuid(), 'a'), ($2, gen_random_uuid(), 'b')`,
        [a, b],
      );
      await c.query(
        `ALTER TABLE ${schema}.notes ENABLE ROW LEVEL SECURITY; ALTER TABLE ${schema}.notes FORCE ROW LEVEL SECURITY`,
      );
      await c.query(
        `CREATE POLICY t ON ${schema}.notes AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)); CREATE POLICY p ON ${schema}.notes USING (true)`,
      );
      await c.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
      await c.query(`GRANT SELECT ON ${schema}.notes TO ${role}`);
      const plan = await c.query(`EXPLAIN SELECT title FROM ${schema}.notes WHERE org_id = $1`, [
        a,
      ]);
      expect(JSON.stringify(plan.rows)).toMatch(/Router/);
      const url = new URL(adminUrl);
      url.username = role;
      url.password = password;
      pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
      pool.on('error', () => {});
      const driver = pgDriver(pool);
      const as = <T>(org: string, fn: () => Promise<T>): Promise<T> =>
        runWithTenant({ orgId: org, actorId: 'citus-test' }, fn);
      // Single shard: the current org's row.
      const own = await as(a, () =>
        withCitusTenant(driver, (tx) =>
          tx.query<{ title: string }>(`SELECT title FROM ${schema}.notes WHERE org_id = $1`, [a]),
        ),
      );
      expect(own.rows).toEqual([{ title: 'a' }]);
      // Every shard (the OR defeats routing): the workers saw app.org_id (else
      // no rows at all) and applied the policy (else org b's row too).
      const all = await as(a, () =>
        withCitusTenant(driver, (tx) =>
          tx.query<{ org_id: string }>(
            `SELECT org_id::text AS org_id FROM ${schema}.notes WHERE org_id = $1 OR org_id <> $1`,
            [a],
          ),
        ),
      );
      expect(all.rows).toEqual([{ org_id: a }]);
    } finally {
      await pool?.end();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
      await c.end();
    }
  });
});

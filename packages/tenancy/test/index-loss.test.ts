import './support/provided-context.ts';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TenancyError } from '../src/errors.ts';
import { assertNoIndexLoss, checkIndexLoss } from '../src/index-loss.ts';
import { createSandbox, makeOrgs, type Sandbox } from './support/sandbox.ts';

// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it).
describe.skipIf(inject('pgUrl') === '')('index-loss check against the real server', () => {
  let sb: Sandbox;
  let app: pg.Client;
  const orgs = makeOrgs(50);
  beforeAll(async () => {
    sb = await createSandbox(inject('pgAdminUrl'), 'idx');
    await sb.asOwner([
      `CREATE TABLE app.docs (org_id uuid NOT NULL, id int NOT NULL, title text NOT NULL, PRIMARY KEY (org_id, id))`,
      `CREATE INDEX docs_lower_title ON app.docs (lower(title))`,
      `CREATE TABLE app.docs2 (org_id uuid NOT NULL, id int NOT NULL, title text NOT NULL, PRIMARY KEY (org_id, id))`,
      `CREATE INDEX docs2_org_lower_title ON app.docs2 (org_id, lower(title))`,
      ...['docs', 'docs2'].flatMap((t) => [
        `ALTER TABLE app.${t} ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE app.${t} FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY t ON app.${t} AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
        `CREATE POLICY p ON app.${t} USING (true)`,
        `GRANT SELECT ON app.${t} TO ${sb.appRole}`,
      ]),
    ]);
    for (const t of ['docs', 'docs2']) {
      await sb.superClient.query(
        `INSERT INTO app.${t} SELECT (($1::text[])[1 + g % 50])::uuid, g, 'Title ' || g FROM generate_series(1, 100000) g`,
        [orgs.ids],
      );
      await sb.superClient.query(`ANALYZE app.${t}`);
    }
    app = new pg.Client({ connectionString: sb.appUrl });
    await app.connect();
  });
  afterAll(async () => {
    await app?.end();
    await sb?.close();
  });

  it('a lower(title) index lost under row-level security is reported, and an org-leading index is not', async () => {
    const report = await checkIndexLoss({
      app,
      reference: sb.superClient,
      orgId: orgs.ids[0] as string,
      queries: [
        {
          name: 'docs by title',
          sql: 'SELECT id FROM app.docs WHERE lower(title) = lower($1)',
          params: ['Title 50'],
        },
        {
          name: 'docs2 by title',
          sql: 'SELECT id FROM app.docs2 WHERE lower(title) = lower($1)',
          params: ['Title 50'],
        },
      ],
    });
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.query)).toEqual(['docs by title']);
    expect(report.findings[0]?.lostIndexes).toEqual(['docs_lower_title']);
    expect(report.findings[0]?.appCost).toBeGreaterThan(
      2 * (report.findings[0]?.referenceCost ?? 0),
    );
    await expect(
      assertNoIndexLoss({
        app,
        reference: sb.superClient,
        orgId: orgs.ids[0] as string,
        queries: [
          {
            name: 'docs by title',
            sql: 'SELECT id FROM app.docs WHERE lower(title) = $1',
            params: ['title 50'],
          },
        ],
      }),
    ).rejects.toSatisfy((e) => TenancyError.isInstance(e) && e.code === 'ERR_TENANCY_INDEX_LOST');
  });

  it('the (SELECT ...)-form policy scan has the same plan shape as an app-side WHERE org_id = $1', async () => {
    const org = orgs.ids[0] as string;
    const shape = (node: Record<string, unknown>): string[] => {
      if (node['Parent Relationship'] === 'InitPlan' || node['Parent Relationship'] === 'SubPlan')
        return [];
      const own = `${String(node['Node Type'])}${node['Index Name'] ? `:${String(node['Index Name'])}` : ''}`;
      const kids = Array.isArray(node['Plans']) ? (node['Plans'] as Record<string, unknown>[]) : [];
      return [own, ...kids.flatMap(shape)];
    };
    const explain = async (c: pg.Client, sql: string, params: unknown[]): Promise<string[]> => {
      await c.query('BEGIN');
      try {
        await c.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
        const r = await c.query(`EXPLAIN (FORMAT JSON, COSTS OFF) ${sql}`, params);
        return shape(
          (r.rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]?.Plan ?? {},
        );
      } finally {
        await c.query('ROLLBACK');
      }
    };
    const viaPolicy = await explain(app, 'SELECT count(*), max(title) FROM app.docs2', []);
    const appSide = await explain(
      sb.superClient,
      'SELECT count(*), max(title) FROM app.docs2 WHERE org_id = $1',
      [org],
    );
    expect(viaPolicy).toEqual(appSide);
    expect(viaPolicy.join(' ')).toMatch(/Index/);
  });
});

// Benchmarks against the real server (PALISADE_TEST_PG_URL): each group
// compares the tenancy path with its peer in the same run.
//   1. RLS scan vs the same scan with an app-side WHERE org_id = $1 (target <= 1.05x)
//   2. point lookup with and without the policy (target <= 5% cost)
//   3. the withTenant request wrapper vs a bare statement (target <= 1.3x)
import pg from 'pg';
import { afterAll, bench, describe } from 'vitest';
import { runWithTenant } from '../src/context.ts';
import { pgDriver } from '../src/driver.ts';
import { tenantQuery } from '../src/with-tenant.ts';
import { createSandbox, makeOrgs, notesTableSql } from '../test/support/sandbox.ts';

const adminUrl = process.env.PALISADE_TEST_PG_URL ?? '';
if (adminUrl === '') throw new Error('benchmarks need PALISADE_TEST_PG_URL');

const sb = await createSandbox(adminUrl, 'bench');
await sb.asOwner(notesTableSql(sb.appRole));
const orgs = makeOrgs(50);
await sb.superClient.query(
  `INSERT INTO app.notes (org_id, id, title) SELECT (($1::text[])[1 + g % 50])::uuid, gen_random_uuid(), 'note ' || g FROM generate_series(1, 500000) g`,
  [orgs.ids],
);
await sb.superClient.query('VACUUM ANALYZE app.notes');
const org = orgs.ids[0] as string;
const { rows: pick } = await sb.superClient.query(
  'SELECT id FROM app.notes WHERE org_id = $1 LIMIT 1',
  [org],
);
const id = pick[0]?.id as string;

// RLS side: the app role with the tenant set for its session (bench only; the
// library never sets it session-wide). Peer: a role that bypasses RLS, filtering in SQL.
const rls = new pg.Client({ connectionString: sb.appUrl });
await rls.connect();
await rls.query(`SELECT set_config('app.org_id', $1, false)`, [org]);
const plain = new pg.Client({ connectionString: sb.superUrl });
await plain.connect();
const pool = sb.appPool(1);
const driver = pgDriver(pool);
// Long runs with warm-up: the CI machine has 2 cores shared with the server.
const opts = { time: 3000, warmupTime: 500 };

afterAll(async () => {
  await rls.end();
  await plain.end();
  await sb.close();
});

describe('scan of one org (10,000 of 500,000 rows)', () => {
  bench(
    'RLS policy (SELECT ...) form',
    async () => {
      await rls.query('SELECT count(*), sum(length(title)) FROM app.notes');
    },
    opts,
  );
  bench(
    'app-side WHERE org_id = $1, no RLS',
    async () => {
      await plain.query('SELECT count(*), sum(length(title)) FROM app.notes WHERE org_id = $1', [
        org,
      ]);
    },
    opts,
  );
});

describe('point lookup by (org_id, id)', () => {
  bench(
    'with the policy',
    async () => {
      await rls.query('SELECT title FROM app.notes WHERE org_id = $1 AND id = $2', [org, id]);
    },
    opts,
  );
  bench(
    'without a policy',
    async () => {
      await plain.query('SELECT title FROM app.notes WHERE org_id = $1 AND id = $2', [org, id]);
    },
    opts,
  );
});

describe('request wrapper', () => {
  bench(
    'tenantQuery (check + BEGIN + set_config, statement, COMMIT)',
    async () => {
      await runWithTenant({ orgId: org, actorId: 'bench' }, () =>
        tenantQuery(driver, 'SELECT title FROM app.notes WHERE org_id = $1 AND id = $2', [org, id]),
      );
    },
    opts,
  );
  bench(
    'bare statement on a pooled client',
    async () => {
      await pool.query('SELECT title FROM app.notes WHERE org_id = $1 AND id = $2', [org, id]);
    },
    opts,
  );
});

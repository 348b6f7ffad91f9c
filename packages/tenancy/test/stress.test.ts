import './support/provided-context.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requireTenant, runWithTenant } from '../src/context.ts';
import { pgDriver, type TenancyDriver } from '../src/driver.ts';
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

// Randomised concurrent requests across >= 50 orgs and pool sizes 1, 2, 8 and
// 16 (and pools of 2 and 8 with the preparedStatements opt-in), with jittered
// awaits, ~1% injected exceptions, ~1% aborts and backends
// terminated mid-transaction. A third of the requests are single-statement
// tenantQuery calls (check, setting and statement in one batch), a third are
// withTenant scopes with one statement and a third with two. Every request
// checks, inside its transaction, that AsyncLocalStorage, the database setting
// and every row it can see all name its own org. PALISADE_TENANCY_STRESS sets
// the request count: .ci/run sets 100,000; the default for local runs is
// 20,000 (the timeout scales with the count).
const REQUESTS = Number.parseInt(process.env.PALISADE_TENANCY_STRESS ?? '20000', 10);
const ORGS = 60;
const POOL_SIZES = [1, 2, 8, 16] as const;
const IN_FLIGHT = 96;

interface Tally {
  ok: number;
  wrong: number;
  injected: number;
  aborted: number;
  connectionLost: number;
  dirty: number;
  other: number;
  terminated: number;
}

// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it; a missing
// server fails CI in the global setup).
describe.skipIf(inject('pgUrl') === '')('stress against the real server', () => {
  let sb: Sandbox;
  let orgs: Orgs;
  let drivers: TenancyDriver[];
  beforeAll(async () => {
    sb = await createSandbox(inject('pgAdminUrl'), 'stress');
    await sb.asOwner(notesTableSql(sb.appRole));
    orgs = makeOrgs(ORGS);
    await seedCanaries(sb.superClient, orgs);
    // A few more rows per org so each read returns several rows.
    await sb.superClient.query(
      `INSERT INTO app.notes (org_id, title) SELECT org_id, title || '-' || g FROM app.notes, generate_series(1, 4) g`,
    );
    // Plus two pools with the preparedStatements opt-in: cached plans and
    // named statements must keep every request in its own org too.
    drivers = [
      ...POOL_SIZES.map((n) => pgDriver(sb.appPool(n))),
      pgDriver(sb.appPool(2), { preparedStatements: true }),
      pgDriver(sb.appPool(8), { preparedStatements: true }),
    ];
  });
  afterAll(async () => {
    await sb?.close();
  });

  it('randomized concurrent requests across 60 orgs and pool sizes 1, 2, 8, 16 observe 0 wrong tenant contexts', {
    timeout: Math.max(60_000, REQUESTS * 5),
  }, async () => {
    const t: Tally = {
      ok: 0,
      wrong: 0,
      injected: 0,
      aborted: 0,
      connectionLost: 0,
      dirty: 0,
      other: 0,
      terminated: 0,
    };
    let next = 0;
    let rnd = 0x9e3779b9;
    const random = (): number => {
      // xorshift32: reproducible jitter without Math.random.
      rnd ^= rnd << 13;
      rnd ^= rnd >>> 17;
      rnd ^= rnd << 5;
      return (rnd >>> 0) / 0x1_0000_0000;
    };
    const jitter = async (): Promise<void> => {
      const r = random();
      if (r < 0.5) return;
      if (r < 0.95) await new Promise<void>((res) => setImmediate(res));
      else await sleep(Math.floor(random() * 3));
    };
    const one = async (i: number): Promise<void> => {
      const org = orgs.ids[Math.floor(random() * ORGS)] as string;
      const driver = drivers[i % drivers.length] as TenancyDriver;
      const roll = random();
      const ac = new AbortController();
      const seesOnly = (r: { s: string; orgs: string[] | null } | undefined): boolean =>
        r !== undefined &&
        r.s === org &&
        requireTenant().orgId === org &&
        r.orgs !== null &&
        r.orgs.length === 1 &&
        r.orgs[0] === org;
      try {
        await runWithTenant({ orgId: org, actorId: 'stress' }, async () => {
          await jitter();
          if (i % 3 === 0) {
            // One statement: check, tenant setting and statement in one batch.
            const { rows } = await tenantQuery<{ s: string; orgs: string[] | null }>(
              driver,
              `SELECT current_setting('app.org_id') AS s, array_agg(DISTINCT org_id::text) AS orgs FROM app.notes`,
            );
            if (!seesOnly(rows[0])) t.wrong++;
            await jitter();
            if (requireTenant().orgId !== org) t.wrong++;
            return;
          }
          await withTenant(
            driver,
            async (tx) => {
              await jitter();
              const { rows } = await tx.query<{ s: string; orgs: string[] | null }>(
                `SELECT current_setting('app.org_id') AS s, array_agg(DISTINCT org_id::text) AS orgs FROM app.notes`,
              );
              if (!seesOnly(rows[0])) t.wrong++;
              await jitter();
              if (i % 3 === 1) {
                // A second statement on the scope's open transaction.
                const again = await tx.query<{ s: string; orgs: string[] | null }>(
                  `SELECT current_setting('app.org_id') AS s, array_agg(DISTINCT org_id::text) AS orgs FROM app.notes`,
                );
                if (!seesOnly(again.rows[0])) t.wrong++;
              }
              if (roll < 0.01) throw new Error('injected');
              if (roll < 0.02) ac.abort();
              if (requireTenant().orgId !== org) t.wrong++;
            },
            { signal: ac.signal },
          );
        });
        t.ok++;
      } catch (e) {
        if ((e as Error).message === 'injected') t.injected++;
        else if (TenancyError.isInstance(e) && e.code === 'ERR_TENANCY_ABORTED') t.aborted++;
        else if (TenancyError.isInstance(e) && e.code === 'ERR_TENANCY_DIRTY_CONNECTION') t.dirty++;
        else if (
          /terminat|Connection terminated|connection|ECONNRESET|not queryable|ERR_TENANCY_TRANSACTION_FAILED/i.test(
            `${(e as Error).message} ${TenancyError.isInstance(e) ? e.code : ''}`,
          )
        )
          t.connectionLost++;
        else t.other++;
      }
    };
    const worker = async (): Promise<void> => {
      while (next < REQUESTS) {
        const i = next++;
        await one(i);
      }
    };
    let stop = false;
    const killer = (async (): Promise<void> => {
      while (!stop) {
        await sleep(50);
        const r = await sb.superClient.query(
          `SELECT pg_terminate_backend(pid) AS k FROM pg_stat_activity
            WHERE usename = $1 AND pid <> pg_backend_pid() ORDER BY random() LIMIT 1`,
          [sb.appRole],
        );
        if (r.rows[0]?.k === true) t.terminated++;
      }
    })();
    try {
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    } finally {
      stop = true;
      await killer;
    }
    expect(t.wrong).toBe(0);
    expect(t.other).toBe(0);
    expect(t.ok + t.injected + t.aborted + t.connectionLost + t.dirty).toBe(REQUESTS);
    // The faults really happened.
    expect(t.injected).toBeGreaterThan(0);
    expect(t.aborted).toBeGreaterThan(0);
    if (REQUESTS >= 2000) expect(t.terminated).toBeGreaterThan(0);
    expect(t.ok).toBeGreaterThan(REQUESTS * 0.9);
  });
});

// Postgres appends through the per-org sequencer vs raw floors measured in the
// same run:
// - one org: 1000 concurrent appends per iteration, batched into transactions,
//   vs the same rows in one multi-row INSERT transaction;
// - 100 orgs: 2000 concurrent appends per iteration (20 per org, so 100 chains
//   and 100 signed checkpoints per iteration) vs 100 concurrent transactions
//   each inserting its org's 20 rows.
// Uses the real server when PALISADE_TEST_PG_URL is set, PGlite otherwise.
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase } from '@palisade/audit-log/pg';
import pg from 'pg';
import { bench, describe } from 'vitest';
import { auditLog, auditLogPg } from './dist.ts';

const { noteSignerFromSeed } = auditLog;
const { createPgAuditSchema, openPgStore } = auditLogPg;

const url = process.env.PALISADE_TEST_PG_URL ?? '';
const db: PgDatabase =
  url === ''
    ? (new PGlite() as unknown as PgDatabase)
    : (new pg.Pool({ connectionString: url, max: 4 }) as unknown as PgDatabase);
const schema = `audit_bench_${process.pid}`;
await createPgAuditSchema(db, schema);
const store = await openPgStore({
  db,
  origin: 'bench',
  signer: noteSignerFromSeed('bench', new Uint8Array(32).fill(3)),
  schema,
});
const BATCH = 1000;
let n = 0;
const run = async (sql: string, params: unknown[]): Promise<void> => {
  if ('transaction' in db) await db.transaction((tx) => tx.query(sql, params));
  else {
    const c = await db.connect();
    try {
      await c.query(sql, params);
    } finally {
      c.release();
    }
  }
};
await run(
  `CREATE TABLE IF NOT EXISTS ${schema}.raw (org text, seq bigint, leaf bytea, leaf_hash bytea, side text, recorded_at bigint, PRIMARY KEY (org, seq))`,
  [],
);

/** `count` concurrent appends, the k-th to org `orgOf(k)`. */
async function appendMany(count: number, orgOf: (k: number) => string): Promise<void> {
  const ps = [];
  for (let k = 0; k < count; k++)
    ps.push(
      store.append({ org: orgOf(k), actor: 'user:1', action: 'secret.read', target: `db/${n++}` }),
    );
  await Promise.all(ps);
}

const rawLeaf = Buffer.alloc(200, 97);
const rawHash = Buffer.alloc(32, 1);

/** The raw floor for one org: `count` rows of that size in one bare multi-row INSERT. */
function rawInsert(org: string, count: number): Promise<void> {
  const params: unknown[] = [];
  const values: string[] = [];
  for (let k = 0; k < count; k++) {
    const b = params.length;
    params.push(org, n++, rawLeaf, rawHash, null, Date.now());
    values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`);
  }
  return run(`INSERT INTO ${schema}.raw VALUES ${values.join(', ')}`, params);
}

const ORGS = 100;
const PER_ORG = 20;

describe(`Postgres appends for one org (${url === '' ? 'PGlite' : 'real server'}), ${BATCH} per iteration`, () => {
  bench('audit-log pg store (per-org sequencer)', () => appendMany(BATCH, () => 'org-1'), {
    time: 3000,
  });
  bench('raw floor: one multi-row INSERT of the same row count', () => rawInsert('org-1', BATCH), {
    time: 3000,
  });
});

describe(`Postgres appends across ${ORGS} orgs (${url === '' ? 'PGlite' : 'real server'}), ${ORGS * PER_ORG} per iteration`, () => {
  bench(
    'audit-log pg store, 100 orgs (per-org sequencer)',
    () => appendMany(ORGS * PER_ORG, (k) => `org-m${k % ORGS}`),
    { time: 3000 },
  );
  bench(
    'raw floor: 100 concurrent transactions, one multi-row INSERT per org',
    async () => {
      await Promise.all(Array.from({ length: ORGS }, (_, o) => rawInsert(`org-m${o}`, PER_ORG)));
    },
    { time: 3000 },
  );
});

// A private database and two private roles on the real server for one test
// file: the roles are cluster-global, so they get random suffixes, and the
// database is dropped (WITH FORCE) with its roles in close().
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTenantTableSql } from '../../src/ddl.ts';

export interface Sandbox {
  readonly dbName: string;
  readonly appRole: string;
  readonly ownerRole: string;
  /** postgres (superuser) connected to the sandbox database. */
  readonly superClient: pg.Client;
  /** URL that logs in as the app role. */
  readonly appUrl: string;
  /** URL that logs in as postgres in the sandbox database. */
  readonly superUrl: string;
  /** Runs SQL as the owner role (SET ROLE for the duration). */
  asOwner(sql: string | readonly string[]): Promise<void>;
  appPool(max: number): pg.Pool;
  close(): Promise<void>;
}

export async function createSandbox(adminUrl: string, tag: string): Promise<Sandbox> {
  const hex = randomBytes(4).toString('hex');
  const dbName = `palisade_tenancy_${tag}_${hex}`;
  const appRole = `pal_app_${tag}_${hex}`;
  const ownerRole = `pal_own_${tag}_${hex}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.query(`CREATE ROLE ${ownerRole} NOLOGIN`);
    await admin.query(`CREATE ROLE ${appRole} LOGIN`);
  } finally {
    await admin.end();
  }
  const superUrl = withUrl(adminUrl, 'postgres', dbName);
  const appUrl = withUrl(adminUrl, appRole, dbName);
  const superClient = new pg.Client({ connectionString: superUrl });
  await superClient.connect();
  await superClient.query(`
    REVOKE ALL ON DATABASE ${dbName} FROM PUBLIC;
    GRANT CONNECT ON DATABASE ${dbName} TO ${appRole};
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    CREATE SCHEMA app AUTHORIZATION ${ownerRole};
    GRANT USAGE ON SCHEMA app TO ${appRole};
    ALTER ROLE ${appRole} IN DATABASE ${dbName} SET track_activities = off;
  `);
  const pools: pg.Pool[] = [];
  return {
    dbName,
    appRole,
    ownerRole,
    superClient,
    appUrl,
    superUrl,
    async asOwner(sql) {
      const list = typeof sql === 'string' ? [sql] : sql;
      await superClient.query(`SET ROLE ${ownerRole}`);
      try {
        for (const s of list) await superClient.query(s);
      } finally {
        await superClient.query('RESET ROLE');
      }
    },
    appPool(max) {
      const pool = new pg.Pool({ connectionString: appUrl, max });
      // A terminated idle client emits 'error' on the pool; the pool drops it.
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async close() {
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
      await superClient.end().catch(() => {});
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await a.query(`DROP ROLE IF EXISTS ${appRole}`);
        await a.query(`DROP ROLE IF EXISTS ${ownerRole}`);
      } finally {
        await a.end();
      }
    },
  };
}

function withUrl(base: string, user: string, db: string): string {
  const u = new URL(base);
  u.username = user;
  u.password = '';
  u.pathname = `/${db}`;
  return u.toString();
}

/** Three (or n) orgs, each with a canary row that must never reach another org. */
export interface Orgs {
  readonly ids: string[];
  readonly canary: Map<string, string>;
  readonly noteId: Map<string, string>;
}

export function notesTableSql(appRole: string): string[] {
  return createTenantTableSql({
    schema: 'app',
    table: 'notes',
    columns: [
      { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
      { name: 'title', type: 'text', notNull: true },
      { name: 'email', type: 'text' },
    ],
    primaryKey: ['id'],
    unique: [['email']],
    appRole,
  });
}

export function makeOrgs(n: number): Orgs {
  const ids: string[] = [];
  const canary = new Map<string, string>();
  const noteId = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    ids.push(id);
    canary.set(id, `CANARY-${randomBytes(6).toString('hex')}`);
    noteId.set(id, randomUUID());
  }
  return { ids, canary, noteId };
}

/** Inserts each org's canary as a superuser (bypassing RLS on purpose). */
export async function seedCanaries(
  client: { query(sql: string, params?: unknown[]): Promise<unknown> },
  orgs: Orgs,
  table = 'app.notes',
): Promise<void> {
  for (const org of orgs.ids) {
    await client.query(`INSERT INTO ${table} (org_id, id, title, email) VALUES ($1, $2, $3, $4)`, [
      org,
      orgs.noteId.get(org),
      orgs.canary.get(org),
      `${orgs.canary.get(org)}@example.test`,
    ]);
  }
}

import './support/provided-context.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runWithTenant } from '../src/context.ts';
import { createTenantTableSql } from '../src/ddl.ts';
import { pgDriver, type TenancyDriver } from '../src/driver.ts';
import { TenancyError } from '../src/errors.ts';
import { checkPosture, type PostureFindingCode } from '../src/posture.ts';
import { withTenant } from '../src/with-tenant.ts';
import {
  createSandbox,
  makeOrgs,
  notesTableSql,
  type Orgs,
  type Sandbox,
  seedCanaries,
} from './support/sandbox.ts';

// The bypass probes of issue 7 (and a few of our own), each run against the
// real server with three orgs holding canary rows. Every probe states the
// defence expected to stop it:
//   rls       the hardened schema itself returns no canary
//   privilege the hardened role lacks the privilege (the attempt fails, no canary)
//   guard     withTenant refuses the statement before it reaches the server
//   posture   the textbook-vulnerable setup really leaks (shown) and checkPosture flags it
// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it).

type Defence = 'rls' | 'privilege' | 'guard' | 'posture';

interface World {
  sb: Sandbox;
  orgs: Orgs;
  a: string;
  b: string;
  app: pg.Pool;
  driver: TenancyDriver;
  extraRoles: string[];
  connectAs(role: string): Promise<pg.Client>;
}

interface Probe {
  readonly name: string;
  readonly defence: Defence;
  /** For posture probes: the finding expected, and the role the check runs for (default the app role). */
  readonly finding?: PostureFindingCode;
  readonly postureRole?: (w: World) => string;
  /** For posture probes: what the textbook setup visibly leaks ('canary' = org B's canary row). */
  readonly shows?: 'canary' | RegExp;
  /** Returns everything the attacker observed (rows, error messages, flags). */
  attack(w: World): Promise<string>;
  cleanup?(w: World): Promise<void>;
}

const hex = (): string => randomBytes(3).toString('hex');

/** Runs SQL as the attacker: the app role, in a transaction where it legitimately acts as org A. */
async function asAppInOrg(
  w: World,
  org: string,
  fn: (c: pg.PoolClient) => Promise<string>,
): Promise<string> {
  const c = await w.app.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
    return await fn(c);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    c.release(true);
  }
}

async function viaWrapper(w: World, sqls: string[]): Promise<string> {
  try {
    const out = await runWithTenant({ orgId: w.a, actorId: 'attacker' }, () =>
      withTenant(w.driver, async (tx) => {
        const seen: unknown[] = [];
        for (const s of sqls) seen.push((await tx.query(s)).rows);
        return JSON.stringify(seen);
      }),
    );
    return out;
  } catch (e) {
    return TenancyError.isInstance(e) ? `refused: ${e.code}` : `error: ${(e as Error).message}`;
  }
}

const rowsText = async (c: pg.ClientBase, sql: string, params: unknown[] = []): Promise<string> =>
  JSON.stringify((await c.query(sql, params)).rows);

async function probeRole(w: World, attrs: string): Promise<string> {
  const role = `pal_probe_${hex()}`;
  await w.sb.superClient.query(`CREATE ROLE ${role} LOGIN ${attrs}`);
  w.extraRoles.push(role);
  await w.sb.superClient.query(`GRANT CONNECT ON DATABASE ${w.sb.dbName} TO ${role}`);
  await w.sb.superClient.query(
    `GRANT USAGE ON SCHEMA app TO ${role}; GRANT SELECT ON app.notes TO ${role}`,
  );
  return role;
}

const probes: Probe[] = [
  {
    name: 'no tenant setting at all: a raw app-role read → returns no canary (RLS)',
    defence: 'rls',
    async attack(w) {
      const c = await w.app.connect();
      try {
        return await rowsText(c, 'SELECT * FROM app.notes');
      } finally {
        c.release(true);
      }
    },
  },
  {
    name: 'empty tenant setting (set then reset in the session) → returns no canary (RLS)',
    defence: 'rls',
    async attack(w) {
      const c = await w.app.connect();
      try {
        await c.query(`SELECT set_config('app.org_id', '', false)`);
        return await rowsText(c, 'SELECT * FROM app.notes');
      } finally {
        c.release(true);
      }
    },
  },
  {
    name: "another org's row id, read, updated and deleted as org A → returns no canary (RLS)",
    defence: 'rls',
    attack: (w) =>
      asAppInOrg(w, w.a, async (c) => {
        const id = w.orgs.noteId.get(w.b);
        const r = await rowsText(c, 'SELECT * FROM app.notes WHERE id = $1', [id]);
        const u = await c.query(`UPDATE app.notes SET title = 'x' WHERE id = $1`, [id]);
        const d = await c.query('DELETE FROM app.notes WHERE id = $1', [id]);
        return `${r} ${u.rowCount} ${d.rowCount}`;
      }),
  },
  {
    name: 'error oracle through a non-leakproof predicate (division by zero on other rows) → returns no canary (RLS)',
    defence: 'rls',
    attack: (w) =>
      asAppInOrg(w, w.a, (c) =>
        rowsText(
          c,
          `SELECT title FROM app.notes WHERE 1 / (CASE WHEN org_id <> $1::uuid THEN 0 ELSE 1 END) = 1`,
          [w.a],
        ),
      ),
  },
  {
    name: 'planner statistics of the tenant table (pg_stats most-common values) → returns no canary (RLS)',
    defence: 'rls',
    async attack(w) {
      await w.sb.superClient.query('ANALYZE app.notes');
      return asAppInOrg(w, w.a, (c) =>
        rowsText(
          c,
          `SELECT most_common_vals::text, histogram_bounds::text FROM pg_stats WHERE tablename = 'notes'`,
        ),
      );
    },
  },
  {
    name: 'the FORCEd table owner reads without a tenant setting → returns no canary (RLS)',
    defence: 'rls',
    async attack(w) {
      await w.sb.superClient.query(`SET ROLE ${w.sb.ownerRole}`);
      try {
        return await rowsText(w.sb.superClient, 'SELECT * FROM app.notes');
      } finally {
        await w.sb.superClient.query('RESET ROLE');
      }
    },
  },
  {
    name: 'superuser request role → leaks on the textbook setup and checkPosture flags ROLE_SUPERUSER',
    defence: 'posture',
    finding: 'ROLE_SUPERUSER',
    shows: 'canary',
    postureRole: (w) => w.extraRoles.at(-1) as string,
    async attack(w) {
      const role = await probeRole(w, 'SUPERUSER');
      const c = await w.connectAs(role);
      try {
        return await rowsText(c, 'SELECT title FROM app.notes');
      } finally {
        await c.end();
      }
    },
  },
  {
    name: 'BYPASSRLS request role → leaks on the textbook setup and checkPosture flags ROLE_BYPASSRLS',
    defence: 'posture',
    finding: 'ROLE_BYPASSRLS',
    shows: 'canary',
    postureRole: (w) => w.extraRoles.at(-1) as string,
    async attack(w) {
      const role = await probeRole(w, 'BYPASSRLS');
      const c = await w.connectAs(role);
      try {
        return await rowsText(c, 'SELECT title FROM app.notes');
      } finally {
        await c.end();
      }
    },
  },
  {
    name: 'table owner without FORCE ROW LEVEL SECURITY → leaks on the textbook setup and checkPosture flags TABLE_RLS_NOT_FORCED',
    defence: 'posture',
    finding: 'TABLE_RLS_NOT_FORCED',
    shows: 'canary',
    postureRole: (w) => w.extraRoles.at(-1) as string,
    async attack(w) {
      const role = await probeRole(w, '');
      await w.sb.superClient.query(`
        CREATE SCHEMA p_owner AUTHORIZATION ${role};
        SET ROLE ${role};
        CREATE TABLE p_owner.docs (org_id uuid NOT NULL, id uuid NOT NULL, title text, PRIMARY KEY (org_id, id));
        ALTER TABLE p_owner.docs ENABLE ROW LEVEL SECURITY;
        CREATE POLICY t ON p_owner.docs AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid));
        RESET ROLE;
        INSERT INTO p_owner.docs SELECT org_id, id, title FROM app.notes;`);
      const c = await w.connectAs(role);
      try {
        return await rowsText(c, 'SELECT title FROM p_owner.docs');
      } finally {
        await c.end();
      }
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP SCHEMA p_owner CASCADE');
    },
  },
  {
    name: 'view owned by a privileged role (not security_invoker) → leaks on the textbook setup and checkPosture flags VIEW_NOT_SECURITY_INVOKER',
    defence: 'posture',
    finding: 'VIEW_NOT_SECURITY_INVOKER',
    shows: 'canary',
    async attack(w) {
      await w.sb.superClient.query(
        `CREATE VIEW app.v_notes AS SELECT * FROM app.notes; GRANT SELECT ON app.v_notes TO ${w.sb.appRole}`,
      );
      return asAppInOrg(w, w.a, (c) => rowsText(c, 'SELECT title FROM app.v_notes'));
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP VIEW app.v_notes');
    },
  },
  {
    name: 'the same view with security_invoker = true → returns no canary (RLS)',
    defence: 'rls',
    async attack(w) {
      await w.sb.superClient.query(
        `CREATE VIEW app.v_inv WITH (security_invoker = true) AS SELECT * FROM app.notes; GRANT SELECT ON app.v_inv TO ${w.sb.appRole}`,
      );
      return asAppInOrg(w, w.a, (c) => rowsText(c, 'SELECT title FROM app.v_inv'));
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP VIEW app.v_inv');
    },
  },
  {
    name: 'materialized view over a tenant table → leaks on the textbook setup and checkPosture flags MATVIEW_OVER_TENANT_TABLE',
    defence: 'posture',
    finding: 'MATVIEW_OVER_TENANT_TABLE',
    shows: 'canary',
    async attack(w) {
      await w.sb.superClient.query(
        `CREATE MATERIALIZED VIEW app.mv AS SELECT * FROM app.notes; GRANT SELECT ON app.mv TO ${w.sb.appRole}`,
      );
      return asAppInOrg(w, w.a, (c) => rowsText(c, 'SELECT title FROM app.mv'));
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP MATERIALIZED VIEW app.mv');
    },
  },
  {
    name: 'SECURITY DEFINER function owned by a superuser → leaks on the textbook setup and checkPosture flags SECURITY_DEFINER_BYPASS',
    defence: 'posture',
    finding: 'SECURITY_DEFINER_BYPASS',
    shows: 'canary',
    async attack(w) {
      await w.sb.superClient.query(`
        CREATE FUNCTION app.all_titles() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
          SET search_path = pg_catalog AS $$ SELECT title FROM app.notes $$;
        GRANT EXECUTE ON FUNCTION app.all_titles() TO ${w.sb.appRole}`);
      return asAppInOrg(w, w.a, (c) => rowsText(c, 'SELECT * FROM app.all_titles()'));
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP FUNCTION app.all_titles()');
    },
  },
  {
    name: 'tenant id set from user SQL inside a request (set_config, SET, SET LOCAL) → is refused by the statement guard',
    defence: 'guard',
    attack: async (w) =>
      [
        await viaWrapper(w, [
          `SELECT set_config('app.org_id', '${w.b}', true)`,
          'SELECT title FROM app.notes',
        ]),
        await viaWrapper(w, [`SET LOCAL app.org_id = '${w.b}'`, 'SELECT title FROM app.notes']),
        await viaWrapper(w, [`SET app.org_id = '${w.b}'`, 'SELECT title FROM app.notes']),
      ].join('\n'),
  },
  {
    name: 'SET ROLE to a BYPASSRLS role the request role is a member of → leaks on the textbook setup and checkPosture flags ROLE_CAN_SET_ROLE',
    defence: 'posture',
    finding: 'ROLE_CAN_SET_ROLE',
    shows: 'canary',
    async attack(w) {
      const role = `pal_probe_${hex()}`;
      await w.sb.superClient.query(
        `CREATE ROLE ${role} NOLOGIN BYPASSRLS; GRANT ${role} TO ${w.sb.appRole}`,
      );
      w.extraRoles.push(role);
      await w.sb.superClient.query(
        `GRANT USAGE ON SCHEMA app TO ${role}; GRANT SELECT ON app.notes TO ${role}`,
      );
      const raw = await asAppInOrg(w, w.a, async (c) => {
        await c.query(`SET LOCAL ROLE ${role}`);
        return rowsText(c, 'SELECT title FROM app.notes');
      });
      const wrapped = await viaWrapper(w, [`SET ROLE ${role}`, 'SELECT title FROM app.notes']);
      expect(wrapped).toBe('refused: ERR_TENANCY_FORBIDDEN_STATEMENT');
      return raw;
    },
    async cleanup(w) {
      await w.sb.superClient.query(`REVOKE ${w.extraRoles.at(-1)} FROM ${w.sb.appRole}`);
    },
  },
  {
    name: 'pg_temp objects on the hardened role (no TEMP privilege) → fails with permission denied, no canary',
    defence: 'privilege',
    attack: (w) =>
      asAppInOrg(w, w.a, async (c) => {
        await c.query('CREATE TEMP TABLE notes AS SELECT 1');
        return 'created';
      }),
  },
  {
    name: 'pg_temp objects when TEMP is granted → temp objects can be created and checkPosture flags TEMP_GRANTED',
    defence: 'posture',
    finding: 'TEMP_GRANTED',
    shows: /^created temp objects$/,
    async attack(w) {
      await w.sb.superClient.query(`GRANT TEMP ON DATABASE ${w.sb.dbName} TO ${w.sb.appRole}`);
      return asAppInOrg(w, w.a, async (c) => {
        await c.query(
          `CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; CREATE TEMP TABLE notes (title text)`,
        );
        return 'created temp objects';
      });
    },
    async cleanup(w) {
      await w.sb.superClient.query(`REVOKE TEMP ON DATABASE ${w.sb.dbName} FROM ${w.sb.appRole}`);
    },
  },
  {
    name: 'TRUNCATE on the hardened role → fails with permission denied, no canary',
    defence: 'privilege',
    async attack(w) {
      const out = await asAppInOrg(w, w.a, async (c) => {
        await c.query('TRUNCATE app.notes');
        return 'truncated';
      });
      const left = await w.sb.superClient.query('SELECT count(*)::int AS n FROM app.notes');
      return `${out} remaining=${left.rows[0]?.n}`;
    },
  },
  {
    name: 'TRUNCATE granted → empties every org and checkPosture flags TRUNCATE_GRANTED',
    defence: 'posture',
    finding: 'TRUNCATE_GRANTED',
    shows: /^truncated; rows of every org left: 0$/,
    async attack(w) {
      await w.sb.superClient.query(`
        CREATE TABLE app.scratch (org_id uuid NOT NULL, title text);
        ALTER TABLE app.scratch ENABLE ROW LEVEL SECURITY; ALTER TABLE app.scratch FORCE ROW LEVEL SECURITY;
        INSERT INTO app.scratch SELECT org_id, title FROM app.notes;
        GRANT SELECT, TRUNCATE ON app.scratch TO ${w.sb.appRole}`);
      const out = await asAppInOrg(w, w.a, async (c) => {
        await c.query('TRUNCATE app.scratch');
        await c.query('COMMIT');
        return 'truncated';
      });
      const left = await w.sb.superClient.query('SELECT count(*)::int AS n FROM app.scratch');
      return `${out}; rows of every org left: ${left.rows[0]?.n}`;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.scratch');
    },
  },
  {
    name: 'direct read of a partition that has no policies of its own → leaks on the textbook setup and checkPosture flags PARTITION_GRANTED',
    defence: 'posture',
    finding: 'PARTITION_GRANTED',
    shows: 'canary',
    async attack(w) {
      await w.sb.asOwner([
        `CREATE TABLE app.events (org_id uuid NOT NULL, id uuid NOT NULL, title text, PRIMARY KEY (org_id, id)) PARTITION BY HASH (org_id)`,
        `CREATE TABLE app.events_p0 PARTITION OF app.events FOR VALUES WITH (MODULUS 1, REMAINDER 0)`,
        `ALTER TABLE app.events ENABLE ROW LEVEL SECURITY`,
        `ALTER TABLE app.events FORCE ROW LEVEL SECURITY`,
        `CREATE POLICY t ON app.events AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
        `CREATE POLICY p ON app.events USING (true)`,
        `GRANT SELECT ON app.events, app.events_p0 TO ${w.sb.appRole}`,
      ]);
      await w.sb.superClient.query(
        'INSERT INTO app.events SELECT org_id, id, title FROM app.notes',
      );
      const viaParent = await asAppInOrg(w, w.a, (c) =>
        rowsText(c, 'SELECT title FROM app.events'),
      );
      expect(viaParent).toContain(w.orgs.canary.get(w.a));
      expect(viaParent).not.toContain(w.orgs.canary.get(w.b));
      return asAppInOrg(w, w.a, (c) => rowsText(c, 'SELECT title FROM app.events_p0'));
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.events');
    },
  },
  {
    name: 'WITH CHECK (true): writing a row into another org → leaks on the textbook setup and checkPosture flags POLICY_RESTRICTIVE_MISSING',
    defence: 'posture',
    finding: 'POLICY_RESTRICTIVE_MISSING',
    shows: /rows planted in org B: 1 /,
    async attack(w) {
      await w.sb.asOwner([
        'CREATE TABLE app.loose (org_id uuid NOT NULL, title text)',
        'ALTER TABLE app.loose ENABLE ROW LEVEL SECURITY',
        'ALTER TABLE app.loose FORCE ROW LEVEL SECURITY',
        `CREATE POLICY p ON app.loose USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (true)`,
        `GRANT SELECT, INSERT ON app.loose TO ${w.sb.appRole}`,
      ]);
      const c = await w.app.connect();
      try {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('app.org_id', $1, true)`, [w.a]);
        await c.query('INSERT INTO app.loose VALUES ($1, $2)', [w.b, 'planted']);
        await c.query('COMMIT');
      } finally {
        c.release(true);
      }
      const planted = await w.sb.superClient.query(
        'SELECT count(*)::int AS n FROM app.loose WHERE org_id = $1',
        [w.b],
      );
      // The hardened table refuses the same write.
      const hardened = await asAppInOrg(w, w.a, async (c2) => {
        await c2.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [w.b, 'planted']);
        return 'inserted';
      });
      expect(hardened).toMatch(/row-level security/);
      return `rows planted in org B: ${planted.rows[0]?.n} ${w.orgs.canary.get(w.b)}`;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.loose');
    },
  },
  {
    name: 'oracle through a global unique index (insert a value another org holds) → leaks on the textbook setup and checkPosture flags UNIQUE_NOT_TENANT_SCOPED',
    defence: 'posture',
    finding: 'UNIQUE_NOT_TENANT_SCOPED',
    shows: /^exists-in-another-org oracle: error: duplicate key/,
    async attack(w) {
      await w.sb.asOwner([
        'CREATE TABLE app.users (org_id uuid NOT NULL, email text UNIQUE)',
        'ALTER TABLE app.users ENABLE ROW LEVEL SECURITY',
        'ALTER TABLE app.users FORCE ROW LEVEL SECURITY',
        `CREATE POLICY t ON app.users AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
        `CREATE POLICY p ON app.users USING (true) WITH CHECK (true)`,
        `GRANT SELECT, INSERT ON app.users TO ${w.sb.appRole}`,
      ]);
      const email = `${w.orgs.canary.get(w.b)}@example.test`;
      await w.sb.superClient.query('INSERT INTO app.users VALUES ($1, $2)', [w.b, email]);
      const textbook = await asAppInOrg(w, w.a, async (c) => {
        await c.query('INSERT INTO app.users VALUES ($1, $2)', [w.a, email]);
        return 'no conflict';
      });
      // The hardened table has UNIQUE (org_id, email): the same insert succeeds, so nothing is revealed.
      const hardened = await asAppInOrg(w, w.a, async (c) => {
        await c.query('INSERT INTO app.notes (org_id, title, email) VALUES ($1, $2, $3)', [
          w.a,
          't',
          email,
        ]);
        return 'no conflict';
      });
      expect(hardened).toBe('no conflict');
      return `exists-in-another-org oracle: ${textbook}`;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.users');
    },
  },
  {
    name: 'oracle through a foreign key that ignores the tenant column → leaks on the textbook setup and checkPosture flags FOREIGN_KEY_NOT_TENANT_SCOPED',
    defence: 'posture',
    finding: 'FOREIGN_KEY_NOT_TENANT_SCOPED',
    shows: /^B's id: accepted \/ unknown id: error/,
    async attack(w) {
      await w.sb.asOwner([
        'CREATE TABLE app.parents (org_id uuid NOT NULL, id uuid PRIMARY KEY)',
        'CREATE TABLE app.children (org_id uuid NOT NULL, parent_id uuid REFERENCES app.parents (id))',
        ...['parents', 'children'].flatMap((t) => [
          `ALTER TABLE app.${t} ENABLE ROW LEVEL SECURITY`,
          `ALTER TABLE app.${t} FORCE ROW LEVEL SECURITY`,
          `CREATE POLICY t ON app.${t} AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
          `CREATE POLICY p ON app.${t} USING (true) WITH CHECK (true)`,
          `GRANT SELECT, INSERT ON app.${t} TO ${w.sb.appRole}`,
        ]),
      ]);
      const parentOfB = randomUUID();
      await w.sb.superClient.query('INSERT INTO app.parents VALUES ($1, $2)', [w.b, parentOfB]);
      const probe = (id: string): Promise<string> =>
        asAppInOrg(w, w.a, async (c) => {
          await c.query('INSERT INTO app.children VALUES ($1, $2)', [w.a, id]);
          return 'accepted';
        });
      const existing = await probe(parentOfB);
      const missing = await probe(randomUUID());
      return `B's id: ${existing.slice(0, 20)} / unknown id: ${missing.slice(0, 20)}`;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.children; DROP TABLE app.parents');
    },
  },
  {
    name: 'composite tenant-led foreign keys answer the same for another org and for nobody → returns no canary (RLS)',
    defence: 'rls',
    async attack(w) {
      await w.sb.asOwner(
        createTenantTableSql({
          schema: 'app',
          table: 'comments',
          columns: [
            { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
            { name: 'note_id', type: 'uuid', notNull: true },
          ],
          primaryKey: ['id'],
          foreignKeys: [{ columns: ['note_id'], references: { table: 'notes', columns: ['id'] } }],
          appRole: w.sb.appRole,
        }),
      );
      const probe = (id: string): Promise<string> =>
        asAppInOrg(w, w.a, async (c) => {
          await c.query('INSERT INTO app.comments (org_id, note_id) VALUES ($1, $2)', [w.a, id]);
          return 'accepted';
        });
      const existing = await probe(w.orgs.noteId.get(w.b) as string);
      const missing = await probe(randomUUID());
      expect(existing.replace(/"[^"]*"/g, '')).toBe(missing.replace(/"[^"]*"/g, ''));
      expect(existing).toMatch(/foreign key/);
      return existing;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.comments');
    },
  },
  {
    name: 'oracle through upsert errors on a global primary key → leaks on the textbook setup and checkPosture flags UNIQUE_NOT_TENANT_SCOPED',
    defence: 'posture',
    finding: 'UNIQUE_NOT_TENANT_SCOPED',
    shows: /^B's id: error: new row violates row-level security.* \/ unknown id: accepted$/,
    async attack(w) {
      await w.sb.asOwner([
        'CREATE TABLE app.kv (org_id uuid NOT NULL, id uuid PRIMARY KEY, v text)',
        'ALTER TABLE app.kv ENABLE ROW LEVEL SECURITY',
        'ALTER TABLE app.kv FORCE ROW LEVEL SECURITY',
        `CREATE POLICY t ON app.kv AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
        `CREATE POLICY p ON app.kv USING (true) WITH CHECK (true)`,
        `GRANT SELECT, INSERT, UPDATE ON app.kv TO ${w.sb.appRole}`,
      ]);
      const idOfB = randomUUID();
      await w.sb.superClient.query('INSERT INTO app.kv VALUES ($1, $2, $3)', [w.b, idOfB, 'x']);
      const upsert = (id: string): Promise<string> =>
        asAppInOrg(w, w.a, async (c) => {
          await c.query(
            `INSERT INTO app.kv VALUES ($1, $2, 'y') ON CONFLICT (id) DO UPDATE SET v = 'y'`,
            [w.a, id],
          );
          return 'accepted';
        });
      // The hardened table: ON CONFLICT (org_id, id) never meets another org's row.
      const hardened = await asAppInOrg(w, w.a, async (c) => {
        await c.query(
          `INSERT INTO app.notes (org_id, id, title) VALUES ($1, $2, 't') ON CONFLICT (org_id, id) DO UPDATE SET title = 'y'`,
          [w.a, w.orgs.noteId.get(w.b)],
        );
        return 'accepted';
      });
      expect(hardened).toBe('accepted');
      return `B's id: ${await upsert(idOfB)} / unknown id: ${await upsert(randomUUID())}`;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.kv');
    },
  },
  {
    name: 'shared sequence across orgs (id gaps reveal other orgs’ activity) → leaks on the textbook setup and checkPosture flags SHARED_SEQUENCE',
    defence: 'posture',
    finding: 'SHARED_SEQUENCE',
    shows: /: 2 rows of other orgs in between$/,
    async attack(w) {
      await w.sb.asOwner([
        'CREATE TABLE app.tickets (org_id uuid NOT NULL, id bigserial, PRIMARY KEY (org_id, id))',
        'ALTER TABLE app.tickets ENABLE ROW LEVEL SECURITY',
        'ALTER TABLE app.tickets FORCE ROW LEVEL SECURITY',
        `CREATE POLICY t ON app.tickets AS RESTRICTIVE USING (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
        `CREATE POLICY p ON app.tickets USING (true) WITH CHECK (true)`,
        `GRANT SELECT, INSERT ON app.tickets TO ${w.sb.appRole}`,
        `GRANT USAGE ON SEQUENCE app.tickets_id_seq TO ${w.sb.appRole}`,
      ]);
      const ins = async (org: string): Promise<string> => {
        const c = await w.app.connect();
        try {
          await c.query('BEGIN');
          await c.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
          const r = await c.query('INSERT INTO app.tickets (org_id) VALUES ($1) RETURNING id', [
            org,
          ]);
          await c.query('COMMIT');
          return String(r.rows[0]?.id);
        } finally {
          c.release(true);
        }
      };
      const first = await ins(w.a);
      await ins(w.b);
      await ins(w.b);
      const second = await ins(w.a);
      return `org A saw ids ${first} then ${second}: ${Number(second) - Number(first) - 1} rows of other orgs in between`;
    },
    async cleanup(w) {
      await w.sb.superClient.query('DROP TABLE app.tickets');
    },
  },
  {
    name: 'pg_stat_activity of a hardened role (track_activities = off) shows no query text of concurrent sessions → returns no canary',
    defence: 'rls',
    async attack(w) {
      // The hardened role has track_activities = off (posture fix), so other
      // sessions report no query text. Org B runs a query carrying its canary literal.
      const b = await w.app.connect();
      const slow = b.query(`SELECT pg_sleep(0.3), '${w.orgs.canary.get(w.b)}'`);
      try {
        const seen: string[] = [];
        for (let i = 0; i < 5; i++) {
          seen.push(
            await asAppInOrg(w, w.a, (c) =>
              rowsText(
                c,
                'SELECT query, state FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
              ),
            ),
          );
        }
        return seen.join('\n');
      } finally {
        await slow;
        b.release(true);
      }
    },
  },
  {
    name: 'pg_stat_activity query text for a role without track_activities = off → checkPosture flags QUERY_TEXT_VISIBLE',
    defence: 'posture',
    finding: 'QUERY_TEXT_VISIBLE',
    shows: /visible/,
    postureRole: (w) => w.extraRoles.at(-1) as string,
    async attack(w) {
      await probeRole(w, '');
      return 'query text of same-role sessions is visible';
    },
  },
  {
    name: 'LISTEN / NOTIFY / pg_notify across tenants inside a request → is refused by the statement guard',
    defence: 'guard',
    attack: async (w) =>
      [
        await viaWrapper(w, ['LISTEN tenant_events']),
        await viaWrapper(w, [`NOTIFY tenant_events, '${w.orgs.canary.get(w.a)}'`]),
        await viaWrapper(w, [`SELECT pg_notify('tenant_events', 'x')`]),
      ].join('\n'),
  },
  {
    name: 'ending the managed transaction early, then reading in autocommit → is refused by the statement guard',
    defence: 'guard',
    attack: (w) => viaWrapper(w, ['COMMIT', 'SELECT title FROM app.notes']),
  },
  {
    name: 'a DO block that sets the tenant with dynamic SQL → is refused by the statement guard',
    defence: 'guard',
    attack: (w) =>
      viaWrapper(w, [
        `DO $$ BEGIN EXECUTE format('SET app.org_id = %L', '${w.b}'); END $$`,
        'SELECT title FROM app.notes',
      ]),
  },
];

// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it; a missing
// server fails CI in the global setup).
describe.skipIf(inject('pgUrl') === '')('bypass probes against the real server', () => {
  let w: World;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    const sb = await createSandbox(inject('pgAdminUrl'), 'probe');
    await sb.asOwner(notesTableSql(sb.appRole));
    const orgs = makeOrgs(3);
    await seedCanaries(sb.superClient, orgs);
    const app = sb.appPool(4);
    w = {
      sb,
      orgs,
      a: orgs.ids[0] as string,
      b: orgs.ids[1] as string,
      app,
      driver: pgDriver(app),
      extraRoles: [],
      async connectAs(role) {
        const u = new URL(sb.appUrl);
        u.username = role;
        const c = new pg.Client({ connectionString: u.toString() });
        c.on('error', () => {});
        await c.connect();
        clients.push(c);
        return c;
      },
    };
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await w?.sb.close();
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    try {
      for (const r of w?.extraRoles ?? []) await admin.query(`DROP ROLE IF EXISTS ${r}`);
    } finally {
      await admin.end();
    }
  });

  it('the hardened setup built from createTenantTableSql has no posture findings', async () => {
    const report = await checkPosture(w.sb.superClient, { appRole: w.sb.appRole });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it.each(
    probes.map(
      (p) => [`${p.name} → ${p.defence}${p.finding ? ` (${p.finding})` : ''}`, p] as const,
    ),
  )('bypass probe: %s', async (_title, probe) => {
    const otherCanaries = w.orgs.ids
      .filter((o) => o !== w.a)
      .map((o) => w.orgs.canary.get(o) as string);
    try {
      const seen = await probe.attack(w);
      if (probe.defence === 'posture') {
        const role = probe.postureRole?.(w) ?? w.sb.appRole;
        const report = await checkPosture(w.sb.superClient, { appRole: role });
        expect(report.ok).toBe(false);
        const codes = report.findings.map((f) => f.code);
        expect(codes).toContain(probe.finding);
        for (const f of report.findings) expect(f.fix.length).toBeGreaterThan(0);
        // The textbook setup really is vulnerable: show the leak or the oracle it opens.
        if (probe.shows === 'canary') expect(seen).toContain(w.orgs.canary.get(w.b));
        else expect(seen).toMatch(probe.shows as RegExp);
      } else {
        for (const canary of otherCanaries) expect(seen).not.toContain(canary);
        if (probe.defence === 'guard') {
          for (const line of seen.split('\n'))
            expect(line).toBe('refused: ERR_TENANCY_FORBIDDEN_STATEMENT');
        }
        if (probe.defence === 'privilege') expect(seen).toMatch(/permission denied/);
      }
    } finally {
      await probe.cleanup?.(w);
    }
  });

  it('after every probe the hardened setup is clean again and each org still reads exactly its own canary', async () => {
    const report = await checkPosture(w.sb.superClient, {
      appRole: w.sb.appRole,
    });
    expect(report.findings).toEqual([]);
    for (const org of w.orgs.ids) {
      const seen = await runWithTenant({ orgId: org, actorId: 'u' }, () =>
        withTenant(
          w.driver,
          async (tx) => (await tx.query<{ title: string }>('SELECT title FROM app.notes')).rows,
        ),
      );
      const titles = seen.map((r) => r.title);
      expect(titles).toContain(w.orgs.canary.get(org));
      for (const other of w.orgs.ids.filter((o) => o !== org))
        expect(titles).not.toContain(w.orgs.canary.get(other));
    }
  });
});

import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenancyError } from '../src/errors.ts';
import { checkPosture, type PostureFindingCode } from '../src/posture.ts';
import { createPgliteFixture } from './support/pglite.ts';

// Posture findings that the real-server probe table does not already cover,
// checked on PGlite (the catalog queries are the same).
let db: PGlite;
const codes = async (role = 'app_user'): Promise<PostureFindingCode[]> =>
  (await checkPosture(db, { appRole: role })).findings.map((f) => f.code);

describe('checkPosture on PGlite', () => {
  beforeAll(async () => {
    db = (await createPgliteFixture(2)).db;
    await db.exec(`
      REVOKE TEMP ON DATABASE postgres FROM PUBLIC;
      ALTER ROLE app_user SET track_activities = off;
    `);
  });
  afterAll(async () => {
    await db.close();
  });

  it('a fixture built from createTenantTableSql, with TEMP revoked and query text hidden, has no findings', async () => {
    expect(await codes()).toEqual([]);
  });

  it('an unknown request role is a finding, not a pass', async () => {
    expect(await codes('no_such_role')).toEqual(['ROLE_MISSING']);
  });

  it('a missing role name is a typed error', async () => {
    await expect(checkPosture(db, { appRole: '' })).rejects.toSatisfy(
      (e) => TenancyError.isInstance(e) && e.code === 'ERR_TENANCY_INVALID_ARGUMENT',
    );
  });

  const cases: [string, string, string, PostureFindingCode][] = [
    [
      'CREATEROLE on the request role',
      'ALTER ROLE app_user CREATEROLE',
      'ALTER ROLE app_user NOCREATEROLE',
      'ROLE_CREATEROLE',
    ],
    [
      'the request role owning a table',
      'CREATE TABLE public.mine (x int); ALTER TABLE public.mine OWNER TO app_user',
      'DROP TABLE public.mine',
      'ROLE_OWNS_OBJECTS',
    ],
    [
      'CREATE on a schema',
      'GRANT CREATE ON SCHEMA app TO app_user',
      'REVOKE CREATE ON SCHEMA app FROM app_user',
      'CREATE_GRANTED',
    ],
    [
      'CREATE on the database',
      'GRANT CREATE ON DATABASE postgres TO app_user',
      'REVOKE CREATE ON DATABASE postgres FROM app_user',
      'CREATE_GRANTED',
    ],
    [
      'row-level security disabled',
      'ALTER TABLE app.notes DISABLE ROW LEVEL SECURITY',
      'ALTER TABLE app.notes ENABLE ROW LEVEL SECURITY',
      'TABLE_RLS_DISABLED',
    ],
    [
      'a restrictive policy without WITH CHECK',
      `ALTER POLICY tenant_isolation ON app.notes WITH CHECK (true)`,
      `ALTER POLICY tenant_isolation ON app.notes WITH CHECK (org_id = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
      'POLICY_WITH_CHECK_MISSING',
    ],
    [
      'a policy calling current_setting outside (SELECT ...)',
      `CREATE POLICY bare ON app.notes USING (org_id = NULLIF(current_setting('app.org_id', true), '')::uuid)`,
      'DROP POLICY bare ON app.notes',
      'POLICY_NOT_SELECT_FORM',
    ],
    [
      'TRIGGER granted',
      'GRANT TRIGGER ON app.notes TO app_user',
      'REVOKE TRIGGER ON app.notes FROM app_user',
      'TRIGGER_GRANTED',
    ],
    [
      'REFERENCES granted',
      'GRANT REFERENCES ON app.notes TO app_user',
      'REVOKE REFERENCES ON app.notes FROM app_user',
      'REFERENCES_GRANTED',
    ],
    [
      'a view over a view over a tenant table, not security_invoker',
      `CREATE VIEW app.v1 WITH (security_invoker = true) AS SELECT * FROM app.notes;
       CREATE VIEW app.v2 AS SELECT * FROM app.v1; GRANT SELECT ON app.v2 TO app_user`,
      'DROP VIEW app.v2; DROP VIEW app.v1',
      'VIEW_NOT_SECURITY_INVOKER',
    ],
    [
      'a SECURITY DEFINER function without a pinned search_path',
      `CREATE FUNCTION app.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$`,
      'DROP FUNCTION app.f()',
      'SECURITY_DEFINER_NO_SEARCH_PATH',
    ],
    [
      'a large object readable by PUBLIC',
      `SELECT lo_create(4242); GRANT SELECT ON LARGE OBJECT 4242 TO PUBLIC`,
      'SELECT lo_unlink(4242)',
      'LARGE_OBJECT_ACCESS',
    ],
    [
      'query text of other sessions visible',
      'ALTER ROLE app_user RESET track_activities',
      'ALTER ROLE app_user SET track_activities = off',
      'QUERY_TEXT_VISIBLE',
    ],
    [
      'TEMP granted through PUBLIC',
      'GRANT TEMP ON DATABASE postgres TO PUBLIC',
      'REVOKE TEMP ON DATABASE postgres FROM PUBLIC',
      'TEMP_GRANTED',
    ],
  ];

  it.each(cases)('posture flags %s', async (_name, breakSql, fixSql, code) => {
    await db.exec(breakSql);
    try {
      const report = await checkPosture(db, { appRole: 'app_user' });
      expect(report.ok).toBe(false);
      expect(report.findings.map((f) => f.code)).toContain(code);
    } finally {
      await db.exec(fixSql);
    }
    expect(await codes()).toEqual([]);
  });

  it('an accepted SECURITY DEFINER function can be allow-listed by name', async () => {
    await db.exec(
      `CREATE FUNCTION app.ok() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT 1 $$`,
    );
    try {
      const r = await checkPosture(db, { appRole: 'app_user', allowSecurityDefiner: ['app.ok'] });
      expect(r.findings).toEqual([]);
      const flagged = await checkPosture(db, { appRole: 'app_user' });
      expect(flagged.findings.map((f) => f.code)).toEqual(['SECURITY_DEFINER_BYPASS']);
    } finally {
      await db.exec('DROP FUNCTION app.ok()');
    }
  });
});

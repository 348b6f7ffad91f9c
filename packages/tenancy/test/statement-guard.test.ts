import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TenancyError } from '../src/errors.ts';
import { assertTenantStatement } from '../src/statement-guard.ts';

const refused = [
  "SET app.org_id = 'x'",
  'set local app.org_id = 1',
  'SeT RoLe postgres',
  'SET SESSION AUTHORIZATION postgres',
  'RESET app.org_id',
  'RESET ROLE',
  'DISCARD ALL',
  "SELECT set_config('app.org_id', 'x', false)",
  "SELECT pg_catalog.set_config('app.org_id', 'x', true)",
  `SELECT "set_config"('app.org_id', 'x', false)`,
  "SELECT 1; SET app.org_id = 'x'",
  "SELECT 1 /* ; */ ; SET app.org_id = 'x'",
  "SELECT 'a;b'; RESET ALL",
  'BEGIN',
  'START TRANSACTION',
  'COMMIT',
  'END',
  'ROLLBACK',
  'ABORT',
  'PREPARE TRANSACTION $$x$$',
  'PREPARE q AS SELECT 1',
  'LISTEN ch',
  "NOTIFY ch, 'x'",
  "SELECT pg_notify('ch', 'x')",
  'DO $$ BEGIN PERFORM 1; END $$',
  'CALL p()',
  'TRUNCATE app.notes',
  'ALTER ROLE CURRENT_USER SET app.org_id = 1',
  'CREATE TEMP TABLE t (x int)',
  'CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
  'SELECT * FROM pg_temp.notes',
  'REFRESH MATERIALIZED VIEW app.mv',
  'DECLARE c CURSOR WITH HOLD FOR SELECT 1',
  'SELECT * INTO newtable FROM app.notes',
  "EXPLAIN ANALYZE SET app.org_id = 'x'",
  "SELECT U&'\\0073et_config'",
  "SELECT $q$ set_config('app.org_id','x',false) $q$",
  "SELECT E'set\\_config'",
  '',
  '  ;  ',
  "SELECT 'unterminated",
  'SELECT 1 /* unterminated',
  'SELECT pg_terminate_backend(1)',
  "SELECT lo_import('/etc/passwd')",
];

const accepted = [
  'SELECT * FROM app.notes WHERE id = $1',
  "UPDATE app.notes SET title = 'set' WHERE id = $1",
  'INSERT INTO app.notes (org_id, title) VALUES ($1, $2) ON CONFLICT (org_id, id) DO UPDATE SET title = EXCLUDED.title',
  'DELETE FROM app.notes WHERE id = $1 RETURNING id',
  "SELECT current_setting('app.org_id', true)",
  'WITH x AS (SELECT 1) SELECT * FROM x',
  'SAVEPOINT s1',
  'ROLLBACK TO SAVEPOINT s1',
  'RELEASE SAVEPOINT s1',
  'EXPLAIN (FORMAT JSON) SELECT * FROM app.notes',
  'SELECT \'reset\' AS word, "settings" FROM t',
  'INSERT INTO t SELECT * FROM u',
  'SELECT 1 -- SET app.org_id',
];

describe('statement guard', () => {
  it.each(refused)('refuses %j', (sql) => {
    let err: unknown;
    try {
      assertTenantStatement(sql);
    } catch (e) {
      err = e;
    }
    expect(TenancyError.isInstance(err) && err.code).toBe('ERR_TENANCY_FORBIDDEN_STATEMENT');
  });

  it.each(accepted)('accepts %j', (sql) => {
    expect(() => assertTenantStatement(sql)).not.toThrow();
  });

  const ws = fc.constantFrom(' ', '\n', '\t', '/* c */', ' -- c\n');
  const kw = fc.constantFrom(
    'SET',
    'RESET',
    'DISCARD',
    'BEGIN',
    'COMMIT',
    'LISTEN',
    'NOTIFY',
    'TRUNCATE',
  );
  test.prop([fc.string({ maxLength: 20 }), ws, kw, fc.boolean()])(
    'a session-changing keyword at the start of any statement is refused, whatever precedes it and however it is spelled',
    (prefix, space, keyword, upper) => {
      const safePrefix = `SELECT ${JSON.stringify(prefix).replaceAll("'", "''").replaceAll('"', "'")};`;
      const k = upper ? keyword : keyword.toLowerCase();
      expect(() => assertTenantStatement(`${safePrefix}${space}${k} x`)).toThrow(TenancyError);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { createTenantTableSql, tenantPolicySql, tenantPredicate } from '../src/ddl.ts';
import { TenancyError } from '../src/errors.ts';
import { quoteIdent } from '../src/sql-ident.ts';

const code = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return TenancyError.isInstance(e) ? e.code : 'other';
  }
};

describe('policy DDL', () => {
  it("the tenant predicate is the (SELECT NULLIF(current_setting(...), '')::uuid) form", () => {
    expect(tenantPredicate()).toBe(
      `"org_id" = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)`,
    );
  });

  it('generated policies ENABLE and FORCE RLS with a RESTRICTIVE tenant policy whose WITH CHECK matches its USING', () => {
    const [enable, force, restrictive, permissive] = tenantPolicySql({
      schema: 'app',
      table: 'notes',
    });
    expect(enable).toBe('ALTER TABLE "app"."notes" ENABLE ROW LEVEL SECURITY');
    expect(force).toBe('ALTER TABLE "app"."notes" FORCE ROW LEVEL SECURITY');
    const p = tenantPredicate();
    expect(restrictive).toBe(
      `CREATE POLICY "tenant_isolation" ON "app"."notes" AS RESTRICTIVE FOR ALL TO PUBLIC USING (${p}) WITH CHECK (${p})`,
    );
    expect(permissive).toMatch(/AS PERMISSIVE FOR ALL TO PUBLIC/);
  });

  it('feature policies are permissive extras and replace the default permissive policy', () => {
    const sql = tenantPolicySql({
      schema: 'app',
      table: 'notes',
      featurePolicies: [{ name: 'readers', command: 'select', using: 'true' }],
    });
    expect(sql).toHaveLength(4);
    expect(sql[3]).toBe(
      'CREATE POLICY "readers" ON "app"."notes" AS PERMISSIVE FOR SELECT TO PUBLIC USING (true)',
    );
    expect(
      code(() =>
        tenantPolicySql({
          schema: 'app',
          table: 'n',
          featurePolicies: [{ name: 'x', command: 'insert', using: 'true' }],
        }),
      ),
    ).toBe('ERR_TENANCY_INVALID_ARGUMENT');
  });

  it('tables lead every primary, unique and foreign key with the tenant column and grant no TRUNCATE', () => {
    const sql = createTenantTableSql({
      schema: 'app',
      table: 'comments',
      columns: [
        { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
        { name: 'note_id', type: 'uuid', notNull: true },
        { name: 'slug', type: 'text' },
      ],
      primaryKey: ['id'],
      unique: [['slug']],
      foreignKeys: [
        {
          columns: ['note_id'],
          references: { table: 'notes', columns: ['id'] },
          onDelete: 'cascade',
        },
      ],
      appRole: 'app_user',
    });
    expect(sql[0]).toContain('PRIMARY KEY ("org_id", "id")');
    expect(sql[0]).toContain('UNIQUE ("org_id", "slug")');
    expect(sql[0]).toContain(
      'FOREIGN KEY ("org_id", "note_id") REFERENCES "app"."notes" ("org_id", "id") ON DELETE CASCADE',
    );
    expect(sql.at(-1)).toBe(
      'GRANT SELECT, INSERT, UPDATE, DELETE ON "app"."comments" TO "app_user"',
    );
  });

  it.each([
    ['a quote in an identifier', () => quoteIdent('a"b')],
    ['an upper-case identifier', () => quoteIdent('Notes')],
    ['an overlong identifier', () => quoteIdent('a'.repeat(64))],
    [
      'a type with SQL in it',
      () =>
        createTenantTableSql({
          schema: 'a',
          table: 'b',
          primaryKey: ['id'],
          columns: [{ name: 'id', type: 'int); DROP TABLE x; --' }],
        }),
    ],
    [
      'a default outside the allow-list',
      () =>
        createTenantTableSql({
          schema: 'a',
          table: 'b',
          primaryKey: ['id'],
          columns: [{ name: 'id', type: 'int', default: "nextval('s')" as never }],
        }),
    ],
    [
      'a key on an unknown column',
      () =>
        createTenantTableSql({
          schema: 'a',
          table: 'b',
          primaryKey: ['nope'],
          columns: [{ name: 'id', type: 'int' }],
        }),
    ],
    [
      'a key on the tenant column',
      () =>
        createTenantTableSql({
          schema: 'a',
          table: 'b',
          primaryKey: ['org_id'],
          columns: [{ name: 'id', type: 'int' }],
        }),
    ],
    [
      'no primary key',
      () =>
        createTenantTableSql({
          schema: 'a',
          table: 'b',
          primaryKey: [],
          columns: [{ name: 'id', type: 'int' }],
        }),
    ],
  ])('DDL generation refuses %s with ERR_TENANCY_INVALID_ARGUMENT', (_n, fn) => {
    expect(code(fn)).toBe('ERR_TENANCY_INVALID_ARGUMENT');
  });
});

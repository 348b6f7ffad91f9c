import { TenancyError } from './errors.ts';
import { quoteIdent } from './sql-ident.ts';

/** One column of a tenant table (the tenant column itself is added for you). */
export interface TenantColumn {
  /** Column name (lower-case identifier). */
  readonly name: string;
  /** SQL type, e.g. `uuid`, `text`, `timestamptz`, `numeric(10,2)`, `jsonb`, `text[]`. */
  readonly type: string;
  /** Adds NOT NULL. */
  readonly notNull?: boolean;
  /** A default from a fixed allow-list (no shared sequences: use `gen_random_uuid()`). */
  readonly default?: 'now()' | 'gen_random_uuid()' | 'true' | 'false' | '0' | "''" | "'{}'::jsonb";
}

/** A foreign key to another tenant table; the tenant column leads it automatically. */
export interface TenantForeignKey {
  /** Local columns (without the tenant column). */
  readonly columns: readonly string[];
  /** The referenced tenant table (`schema.table` or `table`) and its columns (without the tenant column). */
  readonly references: { readonly table: string; readonly columns: readonly string[] };
  /** ON DELETE action. */
  readonly onDelete?: 'cascade' | 'restrict' | 'no action';
}

/** A permissive feature policy added next to the restrictive tenant policy. */
export interface FeaturePolicy {
  /** Policy name (identifier). */
  readonly name: string;
  /** Command it applies to. */
  readonly command: 'all' | 'select' | 'insert' | 'update' | 'delete';
  /** USING expression (trusted SQL written by the developer, never user input). */
  readonly using?: string;
  /** WITH CHECK expression (trusted SQL). */
  readonly withCheck?: string;
}

/** The specification of a tenant table. */
export interface TenantTableSpec {
  /** Schema (identifier). */
  readonly schema: string;
  /** Table (identifier). */
  readonly table: string;
  /** The tenant column (default `org_id`, type uuid, NOT NULL, first in every key). */
  readonly tenantColumn?: string;
  /** Other columns. */
  readonly columns: readonly TenantColumn[];
  /** Primary key columns without the tenant column (the key becomes `(org_id, ...)`). */
  readonly primaryKey: readonly string[];
  /** Unique keys without the tenant column (each becomes `(org_id, ...)`). */
  readonly unique?: readonly (readonly string[])[];
  /** Foreign keys to other tenant tables (each becomes `(org_id, ...)`). */
  readonly foreignKeys?: readonly TenantForeignKey[];
  /** Permissive feature policies. When none are given, one permissive policy mirrors the tenant policy. */
  readonly featurePolicies?: readonly FeaturePolicy[];
  /** A role to GRANT SELECT, INSERT, UPDATE, DELETE to (never TRUNCATE, REFERENCES or TRIGGER). */
  readonly appRole?: string;
}

const TYPE = /^[a-z][a-z0-9_ ]{0,40}(?:\(\d{1,4}(?:,\s?\d{1,4})?\))?(?:\[\])?$/;
const DEFAULTS = new Set(['now()', 'gen_random_uuid()', 'true', 'false', '0', "''", "'{}'::jsonb"]);

function qualified(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || parts.length === 0) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'invalid table name');
  }
  return parts.map(quoteIdent).join('.');
}

/**
 * The tenant predicate in the `(SELECT ...)` form: Postgres evaluates it once
 * per statement (an InitPlan), it behaves the same on fresh and reused
 * connections, and a missing or empty setting yields NULL, so no row matches.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param tenantColumn - The tenant column (default `org_id`).
 * @returns SQL such as `"org_id" = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)`.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for an invalid identifier.
 * @example
 * ```ts
 * tenantPredicate(); // "org_id" = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)
 * ```
 */
export function tenantPredicate(tenantColumn = 'org_id'): string {
  return `${quoteIdent(tenantColumn)} = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)`;
}

/**
 * Row-level security statements for an existing tenant table: ENABLE and
 * FORCE row level security, a RESTRICTIVE tenant policy with the matching
 * WITH CHECK, and permissive feature policies (or one mirroring the tenant
 * policy when none are given, since restrictive policies alone admit nothing).
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param spec - Schema, table, tenant column and feature policies.
 * @returns Statements to run in order (as the table owner, in a migration).
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for invalid identifiers.
 * @example
 * ```ts
 * for (const s of tenantPolicySql({ schema: 'app', table: 'notes' })) await admin.query(s);
 * ```
 */
export function tenantPolicySql(
  spec: Pick<TenantTableSpec, 'schema' | 'table' | 'tenantColumn' | 'featurePolicies'>,
): string[] {
  const t = `${quoteIdent(spec.schema)}.${quoteIdent(spec.table)}`;
  const pred = tenantPredicate(spec.tenantColumn ?? 'org_id');
  const out = [
    `ALTER TABLE ${t} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${t} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY "tenant_isolation" ON ${t} AS RESTRICTIVE FOR ALL TO PUBLIC USING (${pred}) WITH CHECK (${pred})`,
  ];
  const features = spec.featurePolicies ?? [];
  if (features.length === 0) {
    out.push(
      `CREATE POLICY "tenant_access" ON ${t} AS PERMISSIVE FOR ALL TO PUBLIC USING (${pred}) WITH CHECK (${pred})`,
    );
  }
  for (const p of features) {
    if (!['all', 'select', 'insert', 'update', 'delete'].includes(p.command)) {
      throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'invalid policy command');
    }
    if (p.command === 'insert' && p.using !== undefined) {
      throw new TenancyError(
        'ERR_TENANCY_INVALID_ARGUMENT',
        'an INSERT policy takes WITH CHECK only',
      );
    }
    if ((p.command === 'select' || p.command === 'delete') && p.withCheck !== undefined) {
      throw new TenancyError(
        'ERR_TENANCY_INVALID_ARGUMENT',
        'SELECT and DELETE policies take USING only',
      );
    }
    if (p.using === undefined && p.withCheck === undefined) {
      throw new TenancyError(
        'ERR_TENANCY_INVALID_ARGUMENT',
        'a feature policy needs USING or WITH CHECK',
      );
    }
    out.push(
      `CREATE POLICY ${quoteIdent(p.name)} ON ${t} AS PERMISSIVE FOR ${p.command.toUpperCase()} TO PUBLIC` +
        (p.using === undefined ? '' : ` USING (${p.using})`) +
        (p.withCheck === undefined ? '' : ` WITH CHECK (${p.withCheck})`),
    );
  }
  return out;
}

/**
 * CREATE TABLE plus row-level security for a tenant table: the tenant column
 * leads the primary key, every unique key and every foreign key (so no index
 * or constraint answers questions about another tenant's rows), and the
 * policies of {@link tenantPolicySql}. Identifiers are validated and quoted.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param spec - The table.
 * @returns Statements to run in order, as the (non-bypass) owner role.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for invalid identifiers, types or defaults.
 * @example
 * ```ts
 * createTenantTableSql({ schema: 'app', table: 'notes', primaryKey: ['id'],
 *   columns: [{ name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' }, { name: 'title', type: 'text' }] });
 * ```
 */
export function createTenantTableSql(spec: TenantTableSpec): string[] {
  const tc = spec.tenantColumn ?? 'org_id';
  const t = `${quoteIdent(spec.schema)}.${quoteIdent(spec.table)}`;
  const cols = [`${quoteIdent(tc)} uuid NOT NULL`];
  const names = new Set([tc]);
  for (const c of spec.columns) {
    if (names.has(c.name))
      throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'duplicate column');
    names.add(c.name);
    if (typeof c.type !== 'string' || !TYPE.test(c.type)) {
      throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'invalid column type');
    }
    if (c.default !== undefined && !DEFAULTS.has(c.default)) {
      throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'default not in the allow-list');
    }
    cols.push(
      `${quoteIdent(c.name)} ${c.type}${c.notNull === true ? ' NOT NULL' : ''}${c.default === undefined ? '' : ` DEFAULT ${c.default}`}`,
    );
  }
  const keyCols = (list: readonly string[]): string => {
    for (const k of list) {
      if (!names.has(k) || k === tc) {
        throw new TenancyError(
          'ERR_TENANCY_INVALID_ARGUMENT',
          'key column is not a non-tenant column',
        );
      }
    }
    return [tc, ...list].map(quoteIdent).join(', ');
  };
  if (spec.primaryKey.length === 0) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'a primary key is required');
  }
  cols.push(`PRIMARY KEY (${keyCols(spec.primaryKey)})`);
  for (const u of spec.unique ?? []) cols.push(`UNIQUE (${keyCols(u)})`);
  for (const fk of spec.foreignKeys ?? []) {
    const ref = fk.references.table.includes('.')
      ? qualified(fk.references.table)
      : `${quoteIdent(spec.schema)}.${quoteIdent(fk.references.table)}`;
    if (fk.columns.length !== fk.references.columns.length || fk.columns.length === 0) {
      throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'foreign key column counts differ');
    }
    const onDelete = fk.onDelete === undefined ? '' : ` ON DELETE ${fk.onDelete.toUpperCase()}`;
    if (fk.onDelete !== undefined && !['cascade', 'restrict', 'no action'].includes(fk.onDelete)) {
      throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'invalid ON DELETE action');
    }
    cols.push(
      `FOREIGN KEY (${keyCols(fk.columns)}) REFERENCES ${ref} (${[tc, ...fk.references.columns].map(quoteIdent).join(', ')})${onDelete}`,
    );
  }
  const out = [
    `CREATE TABLE ${t} (\n  ${cols.join(',\n  ')}\n)`,
    ...tenantPolicySql({ ...spec, tenantColumn: tc }),
  ];
  if (spec.appRole !== undefined) {
    out.push(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${t} TO ${quoteIdent(spec.appRole)}`);
  }
  return out;
}

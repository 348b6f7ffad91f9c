import { TenancyError } from './errors.ts';

/** The subset of a client (pg `Client`/`Pool`, PGlite) the checks use. */
export interface SqlClientLike {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Stable codes of posture findings. */
export type PostureFindingCode =
  | 'ROLE_MISSING'
  | 'ROLE_SUPERUSER'
  | 'ROLE_BYPASSRLS'
  | 'ROLE_CREATEROLE'
  | 'ROLE_OWNS_OBJECTS'
  | 'ROLE_CAN_SET_ROLE'
  | 'TEMP_GRANTED'
  | 'CREATE_GRANTED'
  | 'TABLE_RLS_DISABLED'
  | 'TABLE_RLS_NOT_FORCED'
  | 'POLICY_RESTRICTIVE_MISSING'
  | 'POLICY_WITH_CHECK_MISSING'
  | 'POLICY_NOT_SELECT_FORM'
  | 'TRUNCATE_GRANTED'
  | 'TRIGGER_GRANTED'
  | 'REFERENCES_GRANTED'
  | 'PARTITION_GRANTED'
  | 'UNIQUE_NOT_TENANT_SCOPED'
  | 'FOREIGN_KEY_NOT_TENANT_SCOPED'
  | 'SHARED_SEQUENCE'
  | 'VIEW_NOT_SECURITY_INVOKER'
  | 'MATVIEW_OVER_TENANT_TABLE'
  | 'SECURITY_DEFINER_BYPASS'
  | 'SECURITY_DEFINER_NO_SEARCH_PATH'
  | 'LARGE_OBJECT_ACCESS'
  | 'QUERY_TEXT_VISIBLE';

/** One problem the posture check found, with the fix. */
export interface PostureFinding {
  /** Stable code. */
  readonly code: PostureFindingCode;
  /** The role, table, view or function concerned (catalog names only). */
  readonly subject: string;
  /** What is wrong and how it leaks. */
  readonly message: string;
  /** The SQL or step that fixes it. */
  readonly fix: string;
}

/** The result of {@link checkPosture}. */
export interface PostureReport {
  /** True when there are no findings. */
  readonly ok: boolean;
  /** Every finding, in a stable order. */
  readonly findings: readonly PostureFinding[];
}

/** Options of {@link checkPosture}. */
export interface CheckPostureOptions {
  /** The role requests run as. */
  readonly appRole: string;
  /** The tenant column that marks a tenant table (default `org_id`). */
  readonly tenantColumn?: string;
  /** SECURITY DEFINER functions (`schema.name`) reviewed and accepted (for example a signed-context verifier). */
  readonly allowSecurityDefiner?: readonly string[];
  /**
   * Skip the `QUERY_TEXT_VISIBLE` check. Accept it only when every value is a
   * bound parameter, so query text never carries tenant data.
   */
  readonly dangerouslyAllowQueryTextVisible?: boolean;
}

type Row = Record<string, unknown>;

async function rows(client: SqlClientLike, sql: string, params: unknown[] = []): Promise<Row[]> {
  const r = (await client.query(sql, params)) as { rows?: Row[] };
  return Array.isArray(r?.rows) ? r.rows : [];
}

const q = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const qq = (schema: string, name: string): string => `${q(schema)}.${q(name)}`;
const bool = (v: unknown): boolean => v === true || v === 't';
const SYSTEM = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

function invoker(reloptions: unknown): boolean {
  const list = Array.isArray(reloptions) ? (reloptions as string[]) : [];
  return list.some((o) => /^security_invoker=(true|on|1|yes)$/i.test(o));
}

/**
 * Checks that row-level security actually binds the request role: the role is
 * not a superuser, has no BYPASSRLS or CREATEROLE, owns nothing, is a member
 * of no other role (so it cannot `SET ROLE` upward), has no TEMP or CREATE,
 * no TRUNCATE/TRIGGER/REFERENCES and no grants on partitions; every table with
 * the tenant column has RLS enabled and forced and a restrictive policy with
 * WITH CHECK, in the `(SELECT ...)` form; keys and foreign keys are led by the
 * tenant column; no shared sequences; views over tenant tables are
 * `security_invoker`; no materialized view over tenant tables is readable; no
 * SECURITY DEFINER function runs as a bypassing owner; no large objects are
 * reachable; other sessions' query text is hidden. Read-only: it only queries
 * the catalogs, from any role that can read them.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param client - A connection to the database (the caller's; any role).
 * @param options - The request role and tenant column.
 * @returns Findings, each with its fix; `ok` when there are none.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for a missing role name.
 * @example
 * ```ts
 * const report = await checkPosture(adminClient, { appRole: 'app_user' });
 * if (!report.ok) throw new Error(report.findings.map((f) => f.fix).join('\n'));
 * ```
 */
export async function checkPosture(
  client: SqlClientLike,
  options: CheckPostureOptions,
): Promise<PostureReport> {
  if (typeof options?.appRole !== 'string' || options.appRole === '') {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'checkPosture needs an appRole');
  }
  if (typeof client?.query !== 'function') {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'checkPosture needs a client');
  }
  const role = options.appRole;
  const tc = options.tenantColumn ?? 'org_id';
  const allowDefiner = new Set(options.allowSecurityDefiner ?? []);
  const out: PostureFinding[] = [];
  const add = (code: PostureFindingCode, subject: string, message: string, fix: string): void => {
    out.push({ code, subject, message, fix });
  };

  const [r] = await rows(
    client,
    'SELECT oid::int8::text AS oid, rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = $1',
    [role],
  );
  if (r === undefined) {
    add('ROLE_MISSING', role, 'the request role does not exist', `CREATE ROLE ${q(role)} LOGIN`);
    return { ok: false, findings: out };
  }
  const oid = String(r['oid']);
  if (bool(r['rolsuper'])) {
    add(
      'ROLE_SUPERUSER',
      role,
      'a superuser ignores row-level security',
      `ALTER ROLE ${q(role)} NOSUPERUSER`,
    );
  }
  if (bool(r['rolbypassrls'])) {
    add(
      'ROLE_BYPASSRLS',
      role,
      'BYPASSRLS ignores every policy',
      `ALTER ROLE ${q(role)} NOBYPASSRLS`,
    );
  }
  if (bool(r['rolcreaterole'])) {
    add(
      'ROLE_CREATEROLE',
      role,
      'CREATEROLE can grant itself membership in other roles',
      `ALTER ROLE ${q(role)} NOCREATEROLE`,
    );
  }

  const owned = await rows(
    client,
    `SELECT 'table' AS kind, n.nspname AS s, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relowner = $1::oid AND ${SYSTEM}
     UNION ALL SELECT 'function', n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proowner = $1::oid AND ${SYSTEM}
     UNION ALL SELECT 'schema', n.nspname, n.nspname FROM pg_namespace n WHERE n.nspowner = $1::oid
     UNION ALL SELECT 'database', d.datname, d.datname FROM pg_database d WHERE d.datdba = $1::oid
     ORDER BY 1, 2, 3`,
    [oid],
  );
  for (const o of owned) {
    const subject =
      o['kind'] === 'table' || o['kind'] === 'function'
        ? qq(String(o['s']), String(o['name']))
        : q(String(o['name']));
    add(
      'ROLE_OWNS_OBJECTS',
      `${String(o['kind'])} ${subject}`,
      'an owner can disable or alter row-level security on what it owns',
      `ALTER ${String(o['kind']).toUpperCase()} ${subject}${o['kind'] === 'function' ? '(...)' : ''} OWNER TO <migration_owner>`,
    );
  }

  const member = await rows(
    client,
    `SELECT r.rolname FROM pg_roles r WHERE r.oid <> $1::oid AND pg_has_role($1::oid, r.oid, 'MEMBER') ORDER BY 1`,
    [oid],
  );
  for (const m of member) {
    add(
      'ROLE_CAN_SET_ROLE',
      String(m['rolname']),
      'the request role is a member of another role and can SET ROLE to it (or inherit its rights)',
      `REVOKE ${q(String(m['rolname']))} FROM ${q(role)}`,
    );
  }

  const [db] = await rows(
    client,
    `SELECT current_database() AS db, has_database_privilege($1::oid, current_database(), 'TEMP') AS temp,
            has_database_privilege($1::oid, current_database(), 'CREATE') AS create`,
    [oid],
  );
  if (db !== undefined && bool(db['temp'])) {
    add(
      'TEMP_GRANTED',
      String(db['db']),
      'TEMP lets the role create pg_temp objects that shadow tables and hijack functions without a pinned search_path',
      `REVOKE TEMP ON DATABASE ${q(String(db['db']))} FROM PUBLIC, ${q(role)}`,
    );
  }
  if (db !== undefined && bool(db['create'])) {
    add(
      'CREATE_GRANTED',
      String(db['db']),
      'CREATE on the database lets the role create schemas it owns',
      `REVOKE CREATE ON DATABASE ${q(String(db['db']))} FROM PUBLIC, ${q(role)}`,
    );
  }
  const createSchemas = await rows(
    client,
    `SELECT n.nspname FROM pg_namespace n WHERE has_schema_privilege($1::oid, n.oid, 'CREATE') AND ${SYSTEM} ORDER BY 1`,
    [oid],
  );
  for (const s of createSchemas) {
    add(
      'CREATE_GRANTED',
      q(String(s['nspname'])),
      'CREATE on a schema lets the role own views and functions next to tenant tables',
      `REVOKE CREATE ON SCHEMA ${q(String(s['nspname']))} FROM PUBLIC, ${q(role)}`,
    );
  }

  const tables = await rows(
    client,
    `SELECT c.oid::int8::text AS oid, n.nspname AS s, c.relname AS t, c.relrowsecurity AS rls, c.relforcerowsecurity AS force,
            c.relispartition AS part, a.attnum AS attnum,
            has_table_privilege($1::oid, c.oid, 'SELECT') OR has_table_privilege($1::oid, c.oid, 'INSERT')
              OR has_table_privilege($1::oid, c.oid, 'UPDATE') OR has_table_privilege($1::oid, c.oid, 'DELETE') AS dml,
            has_table_privilege($1::oid, c.oid, 'TRUNCATE') AS trunc,
            has_table_privilege($1::oid, c.oid, 'TRIGGER') AS trig,
            has_table_privilege($1::oid, c.oid, 'REFERENCES') AS refs
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.relkind IN ('r', 'p') AND ${SYSTEM}
      ORDER BY n.nspname, c.relname`,
    [oid, tc],
  );
  const tenantOids = tables.map((t) => String(t['oid']));
  const policies = await rows(
    client,
    `SELECT pol.polrelid::int8::text AS rel, pol.polname, pol.polpermissive, pol.polcmd::text AS cmd,
            (0::oid = ANY(pol.polroles) OR $1::oid = ANY(pol.polroles)) AS applies,
            pg_get_expr(pol.polqual, pol.polrelid) AS qual, pg_get_expr(pol.polwithcheck, pol.polrelid) AS wcheck
       FROM pg_policy pol ORDER BY pol.polname`,
    [oid],
  );
  const selectForm = (expr: unknown): boolean =>
    typeof expr !== 'string' || !/current_setting\s*\(/i.test(expr) || /\(\s*SELECT\b/i.test(expr);
  // The tenant comes from the setting, or from the signed-context verifier.
  const scoped = (expr: unknown): boolean =>
    typeof expr === 'string' &&
    expr.includes(tc) &&
    /(current_setting|verified_org)\s*\(/i.test(expr) &&
    /\(\s*SELECT\b/i.test(expr);

  for (const t of tables) {
    const subject = qq(String(t['s']), String(t['t']));
    if (!bool(t['rls'])) {
      add(
        'TABLE_RLS_DISABLED',
        subject,
        'row-level security is off: every row is visible',
        `ALTER TABLE ${subject} ENABLE ROW LEVEL SECURITY`,
      );
    }
    if (!bool(t['force'])) {
      add(
        'TABLE_RLS_NOT_FORCED',
        subject,
        'the table owner bypasses policies unless RLS is forced',
        `ALTER TABLE ${subject} FORCE ROW LEVEL SECURITY`,
      );
    }
    const mine = policies.filter((p) => String(p['rel']) === String(t['oid']));
    const restrictive = mine.filter(
      (p) =>
        !bool(p['polpermissive']) && p['cmd'] === '*' && bool(p['applies']) && scoped(p['qual']),
    );
    if (restrictive.length === 0) {
      add(
        'POLICY_RESTRICTIVE_MISSING',
        subject,
        'no RESTRICTIVE FOR ALL policy binds the tenant column to app.org_id, so any permissive policy widens access across tenants',
        `CREATE POLICY tenant_isolation ON ${subject} AS RESTRICTIVE FOR ALL TO PUBLIC USING (${q(tc)} = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)) WITH CHECK (${q(tc)} = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
      );
    } else if (!restrictive.some((p) => scoped(p['wcheck']))) {
      add(
        'POLICY_WITH_CHECK_MISSING',
        subject,
        'the restrictive tenant policy has no matching WITH CHECK: rows can be written into another tenant',
        `ALTER POLICY ${q(String(restrictive[0]?.['polname']))} ON ${subject} WITH CHECK (${q(tc)} = (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid))`,
      );
    }
    for (const p of mine) {
      if (!selectForm(p['qual']) || !selectForm(p['wcheck'])) {
        add(
          'POLICY_NOT_SELECT_FORM',
          `${subject} policy ${q(String(p['polname']))}`,
          'current_setting() outside (SELECT ...) is evaluated per row and behaves differently across reused connections',
          `wrap the setting: (SELECT NULLIF(current_setting('app.org_id', true), '')::uuid)`,
        );
      }
    }
    if (bool(t['trunc'])) {
      add(
        'TRUNCATE_GRANTED',
        subject,
        'TRUNCATE ignores row-level security and empties every tenant',
        `REVOKE TRUNCATE ON ${subject} FROM PUBLIC, ${q(role)}`,
      );
    }
    if (bool(t['trig'])) {
      add(
        'TRIGGER_GRANTED',
        subject,
        'TRIGGER lets the role attach code that sees other tenants\u2019 rows',
        `REVOKE TRIGGER ON ${subject} FROM PUBLIC, ${q(role)}`,
      );
    }
    if (bool(t['refs'])) {
      add(
        'REFERENCES_GRANTED',
        subject,
        'REFERENCES lets the role build foreign keys that probe other tenants\u2019 keys',
        `REVOKE REFERENCES ON ${subject} FROM PUBLIC, ${q(role)}`,
      );
    }
    if (bool(t['part']) && bool(t['dml'])) {
      add(
        'PARTITION_GRANTED',
        subject,
        "direct access to a partition skips the parent's policies",
        `REVOKE ALL ON ${subject} FROM PUBLIC, ${q(role)}`,
      );
    }
  }

  if (tenantOids.length > 0) {
    const uniques = await rows(
      client,
      `SELECT n.nspname AS s, ic.relname AS idx
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = $2
        WHERE i.indisunique AND i.indrelid::int8::text = ANY($1::text[]) AND NOT (a.attnum = ANY(i.indkey::int2[]))
        ORDER BY 1, 2`,
      [tenantOids, tc],
    );
    for (const u of uniques) {
      const subject = qq(String(u['s']), String(u['idx']));
      add(
        'UNIQUE_NOT_TENANT_SCOPED',
        subject,
        'a unique index without the tenant column is global: insert and upsert errors reveal other tenants\u2019 values',
        `replace it with a unique index that starts with ${q(tc)}`,
      );
    }
    const fks = await rows(
      client,
      `SELECT n.nspname AS s, c.relname AS t, con.conname
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attname = $2
         JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attname = $2
        WHERE con.contype = 'f' AND con.conrelid::int8::text = ANY($1::text[]) AND con.confrelid::int8::text = ANY($1::text[])
          AND NOT (a.attnum = ANY(con.conkey) AND fa.attnum = ANY(con.confkey))
        ORDER BY 1, 2, 3`,
      [tenantOids, tc],
    );
    for (const f of fks) {
      add(
        'FOREIGN_KEY_NOT_TENANT_SCOPED',
        `${qq(String(f['s']), String(f['t']))} constraint ${q(String(f['conname']))}`,
        'foreign-key checks ignore row-level security: a key into another tenant succeeds and reveals the row exists',
        `make the key (${q(tc)}, ...) REFERENCES parent (${q(tc)}, ...)`,
      );
    }
    const seqs = await rows(
      client,
      `SELECT n.nspname AS s, c.relname AS t, a.attname AS col
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.oid::int8::text = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped
          AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')
        ORDER BY 1, 2, 3`,
      [tenantOids],
    );
    for (const s of seqs) {
      add(
        'SHARED_SEQUENCE',
        `${qq(String(s['s']), String(s['t']))}.${q(String(s['col']))}`,
        'a sequence shared by all tenants leaks other tenants\u2019 activity through gaps in ids',
        'use uuid keys (DEFAULT gen_random_uuid()) or a per-tenant counter',
      );
    }

    const deps = await rows(
      client,
      `SELECT DISTINCT v.oid::int8::text AS v, n.nspname AS s, v.relname AS name, v.relkind::text AS kind, v.reloptions AS opts,
              d.refobjid::int8::text AS ref, has_table_privilege($1::oid, v.oid, 'SELECT') AS readable
         FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
         JOIN pg_rewrite rw ON rw.ev_class = v.oid
         JOIN pg_depend d ON d.objid = rw.oid AND d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
        WHERE v.relkind IN ('v', 'm') AND d.refobjid <> v.oid AND ${SYSTEM}`,
      [oid],
    );
    // Transitive: a view over a view over a tenant table reads tenant rows too.
    const reads = new Set(tenantOids);
    for (let changed = true; changed; ) {
      changed = false;
      for (const d of deps) {
        if (reads.has(String(d['ref'])) && !reads.has(String(d['v']))) {
          reads.add(String(d['v']));
          changed = true;
        }
      }
    }
    const seen = new Set<string>();
    for (const d of deps) {
      const v = String(d['v']);
      if (!reads.has(v) || seen.has(v) || !bool(d['readable'])) continue;
      seen.add(v);
      const subject = qq(String(d['s']), String(d['name']));
      if (d['kind'] === 'm') {
        add(
          'MATVIEW_OVER_TENANT_TABLE',
          subject,
          'a materialized view stores rows without row-level security; every reader sees what its refresh saw',
          `REVOKE ALL ON ${subject} FROM PUBLIC, ${q(role)} (or drop it)`,
        );
      } else if (!invoker(d['opts'])) {
        add(
          'VIEW_NOT_SECURITY_INVOKER',
          subject,
          "the view runs with its owner's rights, so the owner's RLS bypass applies to every reader",
          `ALTER VIEW ${subject} SET (security_invoker = true)`,
        );
      }
    }
  }

  const definers = await rows(
    client,
    `SELECT n.nspname AS s, p.proname AS name, r.rolsuper OR r.rolbypassrls AS bypass,
            EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = p.proowner AND c.oid::int8::text = ANY($2::text[]) AND NOT c.relforcerowsecurity) AS owner_unforced,
            EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) cfg WHERE cfg LIKE 'search\\_path=%') AS pinned
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_roles r ON r.oid = p.proowner
      WHERE p.prosecdef AND has_function_privilege($1::oid, p.oid, 'EXECUTE') AND ${SYSTEM}
      ORDER BY 1, 2`,
    [oid, tenantOids],
  );
  for (const f of definers) {
    const subject = qq(String(f['s']), String(f['name']));
    if (allowDefiner.has(`${String(f['s'])}.${String(f['name'])}`)) continue;
    if (bool(f['bypass']) || bool(f['owner_unforced'])) {
      add(
        'SECURITY_DEFINER_BYPASS',
        subject,
        'a SECURITY DEFINER function runs as an owner that bypasses row-level security',
        `REVOKE EXECUTE ON FUNCTION ${subject} FROM PUBLIC, ${q(role)} (or make it SECURITY INVOKER)`,
      );
    }
    if (!bool(f['pinned'])) {
      add(
        'SECURITY_DEFINER_NO_SEARCH_PATH',
        subject,
        'a SECURITY DEFINER function without a pinned search_path can be hijacked through pg_temp',
        `ALTER FUNCTION ${subject} SET search_path = pg_catalog, pg_temp`,
      );
    }
  }

  const [lo] = await rows(
    client,
    `SELECT current_setting('lo_compat_privileges') AS compat,
            (SELECT count(*) FROM pg_largeobject_metadata l
              WHERE l.lomowner = $1::oid OR EXISTS (SELECT 1 FROM aclexplode(l.lomacl) a WHERE a.grantee IN (0::oid, $1::oid)))::int AS n`,
    [oid],
  );
  if (lo !== undefined && (lo['compat'] === 'on' || Number(lo['n']) > 0)) {
    add(
      'LARGE_OBJECT_ACCESS',
      role,
      'large objects have no row-level security',
      'SET lo_compat_privileges = off; REVOKE large-object grants from the role and PUBLIC',
    );
  }

  if (options.dangerouslyAllowQueryTextVisible !== true) {
    const [ta] = await rows(
      client,
      `SELECT current_setting('track_activities') AS server,
              (SELECT string_agg(cfg, ',') FROM pg_db_role_setting s, unnest(s.setconfig) cfg
                WHERE s.setrole = $1::oid AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))) AS role_cfg`,
      [oid],
    );
    const roleOff =
      typeof ta?.['role_cfg'] === 'string' &&
      /(^|,)track_activities=(off|false|0)(,|$)/.test(ta['role_cfg']);
    if (ta !== undefined && ta['server'] === 'on' && !roleOff) {
      add(
        'QUERY_TEXT_VISIBLE',
        role,
        'pg_stat_activity shows each session of the role the query text of its other sessions, including any literal tenant data',
        `ALTER ROLE ${q(role)} SET track_activities = off (as a superuser), and bind every value as a parameter`,
      );
    }
  }
  return { ok: out.length === 0, findings: out };
}

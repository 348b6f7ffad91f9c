import { hmacSha256 } from '@palisade/crypto';
import { TenancyError } from './errors.ts';
import { parseOrgId } from './ids.ts';
import { quoteIdent } from './sql-ident.ts';

/** Options of {@link signedContextSql}. */
export interface SignedContextSqlOptions {
  /** Schema for the verifier (created, owned by `verifierRole`). Default `tenancy`. */
  readonly schema?: string;
  /** A NOLOGIN role that owns the key table and the verifier; not superuser, not BYPASSRLS, owns no tenant table. */
  readonly verifierRole: string;
  /** The request role: gets USAGE on the schema and EXECUTE on the verifier, nothing on the key table. */
  readonly appRole: string;
  /** The 32-byte HMAC key the application signs contexts with. */
  readonly key: Uint8Array;
}

const enc = new TextEncoder();
const hex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'the signing key must be 32 bytes');
  }
}

/**
 * Signs a tenant context for the database: `<org>.<expiry unix seconds>.<hex HMAC-SHA256>`.
 * `withTenant(db, fn, { signingKey })` sets it as `app.org_ctx` next to `app.org_id`.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param key - The 32-byte key shared with the database verifier.
 * @param orgId - The org (canonical UUID).
 * @param expiresAt - Expiry in unix seconds.
 * @returns The token.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for a bad key, org or expiry.
 * @example
 * ```ts
 * const token = signTenantContext(key, orgId, Math.floor(Date.now() / 1000) + 60);
 * ```
 */
export function signTenantContext(key: Uint8Array, orgId: string, expiresAt: number): string {
  checkKey(key);
  const org = parseOrgId(orgId);
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'expiresAt must be unix seconds');
  }
  const body = `${org}.${expiresAt}`;
  return `${body}.${hex(hmacSha256(key, enc.encode(body)))}`;
}

/**
 * DDL for the signed-context verifier: a key table readable only by the
 * verifier role, and `<schema>.verified_org()`, a SECURITY DEFINER function
 * with a pinned search_path that recomputes HMAC-SHA256 over `app.org_ctx`
 * with the built-in `sha256()` (no extension) and returns the org only when
 * the MAC matches and the token has not expired. Use it in policies as
 * `org_id = (SELECT <schema>.verified_org())`: SQL that forges `app.org_id`
 * (or a token without the key) then reads nothing. Run as a superuser; the
 * key appears in these statements, so run them over a trusted channel and do
 * not log them. The role that creates policies using the verifier needs
 * USAGE on the schema and EXECUTE on the function as well.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param options - Roles, schema and key.
 * @returns Statements to run in order.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for bad identifiers or key.
 * @example
 * ```ts
 * for (const s of signedContextSql({ verifierRole: 'tenancy_verifier', appRole: 'app_user', key })) await admin.query(s);
 * ```
 */
export function signedContextSql(options: SignedContextSqlOptions): string[] {
  checkKey(options.key);
  const schema = quoteIdent(options.schema ?? 'tenancy');
  const verifier = quoteIdent(options.verifierRole);
  const app = quoteIdent(options.appRole);
  // HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); the padded keys are stored.
  const block = new Uint8Array(64);
  block.set(options.key);
  const ipad = block.map((b) => b ^ 0x36);
  const opad = block.map((b) => b ^ 0x5c);
  return [
    `CREATE SCHEMA ${schema} AUTHORIZATION ${verifier}`,
    `CREATE TABLE ${schema}."signing_key" (ipad bytea NOT NULL, opad bytea NOT NULL)`,
    `ALTER TABLE ${schema}."signing_key" OWNER TO ${verifier}`,
    `REVOKE ALL ON ${schema}."signing_key" FROM PUBLIC`,
    `INSERT INTO ${schema}."signing_key" VALUES ('\\x${hex(ipad)}'::bytea, '\\x${hex(opad)}'::bytea)`,
    `CREATE FUNCTION ${schema}."verified_org"() RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
  tok text := current_setting('app.org_ctx', true);
  parts text[];
  k record;
BEGIN
  IF tok IS NULL OR tok !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.[0-9]{1,15}\\.[0-9a-f]{64}$' THEN
    RETURN NULL;
  END IF;
  parts := string_to_array(tok, '.');
  IF parts[2]::bigint < extract(epoch FROM statement_timestamp())::bigint THEN
    RETURN NULL;
  END IF;
  SELECT ipad, opad INTO k FROM ${schema}."signing_key" LIMIT 1;
  IF k IS NULL THEN
    RETURN NULL;
  END IF;
  IF encode(sha256(k.opad || sha256(k.ipad || convert_to(parts[1] || '.' || parts[2], 'UTF8'))), 'hex') <> parts[3] THEN
    RETURN NULL;
  END IF;
  RETURN parts[1]::uuid;
END
$fn$`,
    `ALTER FUNCTION ${schema}."verified_org"() OWNER TO ${verifier}`,
    `REVOKE ALL ON FUNCTION ${schema}."verified_org"() FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${app}`,
    `GRANT EXECUTE ON FUNCTION ${schema}."verified_org"() TO ${app}`,
  ];
}

/**
 * The tenant predicate that trusts only a signed context:
 * `"org_id" = (SELECT "tenancy"."verified_org"())`. Use it as the feature
 * policy or in a custom restrictive policy next to {@link signedContextSql}.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param tenantColumn - Default `org_id`.
 * @param schema - Default `tenancy`.
 * @returns The predicate SQL.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for bad identifiers.
 * @example
 * ```ts
 * signedTenantPredicate(); // "org_id" = (SELECT "tenancy"."verified_org"())
 * ```
 */
export function signedTenantPredicate(tenantColumn = 'org_id', schema = 'tenancy'): string {
  return `${quoteIdent(tenantColumn)} = (SELECT ${quoteIdent(schema)}."verified_org"())`;
}

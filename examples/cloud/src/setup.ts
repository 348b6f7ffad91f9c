// Wires the service to a database: the real server when DATABASE_URL (a
// superuser or schema-owner URL) is given, otherwise embedded PGlite.
// PGlite is a correctness guard and demo engine, not a security boundary:
// its session user is always a superuser.
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { noteSignerFromSeed } from '@palisade/audit-log';
import { createPgAuditSchema, openPgStore, type PgAuditStore } from '@palisade/audit-log/pg';
import { generateMasterKey, type MasterKey } from '@palisade/crypto';
import { pgDriver, pgliteDriver, type TenancyDriver } from '@palisade/tenancy';
import pg from 'pg';
import { cloudSchemaSql, type OwnerSql } from './cloud-app.ts';

export interface CloudDatabase {
  readonly kind: 'postgres' | 'pglite';
  readonly tenancy: TenancyDriver;
  readonly owner: OwnerSql;
  readonly audit: PgAuditStore;
  readonly master: MasterKey;
  close(): Promise<void>;
}

const signer = () => noteSignerFromSeed('palisade.cloud/audit', new Uint8Array(randomBytes(32)));

export async function openCloudDatabase(databaseUrl?: string): Promise<CloudDatabase> {
  const master = generateMasterKey();
  if (databaseUrl === undefined || databaseUrl === '') {
    const db = await PGlite.create();
    await db.exec('CREATE ROLE app_user NOLOGIN');
    for (const sql of cloudSchemaSql('app_user')) await db.exec(sql);
    await createPgAuditSchema(db);
    const audit = await openPgStore({ db, origin: 'palisade.cloud/audit', signer: signer() });
    return {
      kind: 'pglite',
      tenancy: pgliteDriver(db, { role: 'app_user' }),
      owner: {
        query: (sql, params) =>
          db.query(sql, params ? [...params] : []) as Promise<{ rows: Record<string, unknown>[] }>,
      },
      audit,
      master,
      async close() {
        await audit.flush();
        await db.close();
      },
    };
  }
  // The app role: LOGIN, no superuser, no BYPASSRLS, owns nothing.
  const appRole = `palisade_app_${randomBytes(4).toString('hex')}`;
  const ownerPool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await ownerPool.query(`CREATE ROLE ${appRole} LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT`);
  for (const sql of cloudSchemaSql(appRole)) await ownerPool.query(sql);
  await createPgAuditSchema(ownerPool);
  const appUrl = new URL(databaseUrl);
  appUrl.username = appRole;
  appUrl.password = '';
  const appPool = new pg.Pool({ connectionString: appUrl.toString(), max: 8 });
  const audit = await openPgStore({
    db: ownerPool,
    origin: 'palisade.cloud/audit',
    signer: signer(),
  });
  return {
    kind: 'postgres',
    tenancy: pgDriver(appPool),
    owner: { query: (sql, params) => ownerPool.query(sql, params ? [...params] : []) },
    audit,
    master,
    async close() {
      await audit.flush();
      await appPool.end();
      await ownerPool.query('DROP SCHEMA IF EXISTS app CASCADE');
      await ownerPool.query(`DROP OWNED BY ${appRole}`);
      await ownerPool.query(`DROP ROLE IF EXISTS ${appRole}`);
      await ownerPool.end();
    },
  };
}

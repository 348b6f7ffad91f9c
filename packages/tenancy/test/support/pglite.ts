import { PGlite } from '@electric-sql/pglite';
import { createTenantTableSql } from '../../src/ddl.ts';
import { makeOrgs, type Orgs, seedCanaries } from './sandbox.ts';

export interface PgliteFixture {
  readonly db: PGlite;
  readonly orgs: Orgs;
}

/** PGlite with an owner role, an app role, app.notes from the DDL generator, and canaries. */
export async function createPgliteFixture(n = 3): Promise<PgliteFixture> {
  const db = await PGlite.create();
  await db.exec(`
    CREATE ROLE app_owner NOLOGIN;
    CREATE ROLE app_user NOLOGIN;
    CREATE SCHEMA app AUTHORIZATION app_owner;
    GRANT USAGE ON SCHEMA app TO app_user;
    SET ROLE app_owner;
  `);
  for (const s of createTenantTableSql({
    schema: 'app',
    table: 'notes',
    columns: [
      { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
      { name: 'title', type: 'text', notNull: true },
      { name: 'email', type: 'text' },
    ],
    primaryKey: ['id'],
    unique: [['email']],
    appRole: 'app_user',
  })) {
    await db.exec(s);
  }
  await db.exec('RESET ROLE');
  const orgs = makeOrgs(n);
  await seedCanaries(db, orgs);
  return { db, orgs };
}

import { PGlite } from '@electric-sql/pglite';
import { expect, it } from 'vitest';
import { createTenantTableSql, pgliteDriver, runWithTenant, tenantQuery } from '../src/index.ts';

it('the README example runs as written and a fresh org sees no rows', async () => {
  const pg = await PGlite.create();
  await pg.exec('CREATE ROLE app_user; CREATE SCHEMA app; GRANT USAGE ON SCHEMA app TO app_user');
  for (const s of createTenantTableSql({
    schema: 'app',
    table: 'notes',
    primaryKey: ['id'],
    appRole: 'app_user',
    columns: [
      { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
      { name: 'title', type: 'text' },
    ],
  }))
    await pg.exec(s);
  const db = pgliteDriver(pg, { role: 'app_user' });
  const orgId = crypto.randomUUID();
  await pg.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2)', [
    crypto.randomUUID(),
    'other org',
  ]);
  const { rows } = await runWithTenant({ orgId, actorId: 'user:1' }, () =>
    tenantQuery(db, 'SELECT * FROM app.notes'),
  );
  expect(rows).toEqual([]);
  await pg.close();
});

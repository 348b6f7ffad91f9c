import './support/provided-context.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runWithTenant } from '../src/context.ts';
import { createTenantTableSql } from '../src/ddl.ts';
import { pgDriver } from '../src/driver.ts';
import { checkPosture } from '../src/posture.ts';
import {
  signedContextSql,
  signedTenantPredicate,
  signTenantContext,
} from '../src/signed-context.ts';
import { tenantQuery } from '../src/with-tenant.ts';
import { createSandbox, makeOrgs, type Sandbox } from './support/sandbox.ts';

// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it).
describe.skipIf(inject('pgUrl') === '')('signed tenant context against the real server', () => {
  let sb: Sandbox;
  const key = new Uint8Array(randomBytes(32));
  const orgs = makeOrgs(2);
  const [a, b] = orgs.ids as [string, string];
  const verifier = `pal_ver_${randomBytes(4).toString('hex')}`;
  let raw: pg.Client;
  beforeAll(async () => {
    sb = await createSandbox(inject('pgAdminUrl'), 'signed');
    await sb.superClient.query(`CREATE ROLE ${verifier} NOLOGIN`);
    for (const s of signedContextSql({ verifierRole: verifier, appRole: sb.appRole, key }))
      await sb.superClient.query(s);
    // The table owner (who creates the policy) also needs to reach the verifier.
    await sb.superClient.query(
      `GRANT USAGE ON SCHEMA tenancy TO ${sb.ownerRole}; GRANT EXECUTE ON FUNCTION tenancy.verified_org() TO ${sb.ownerRole}`,
    );
    const pred = signedTenantPredicate();
    await sb.asOwner(
      createTenantTableSql({
        schema: 'app',
        table: 'secrets',
        columns: [
          { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
          { name: 'body', type: 'text' },
        ],
        primaryKey: ['id'],
        featurePolicies: [{ name: 'signed', command: 'all', using: pred, withCheck: pred }],
        appRole: sb.appRole,
      }),
    );
    for (const org of orgs.ids) {
      await sb.superClient.query('INSERT INTO app.secrets (org_id, body) VALUES ($1, $2)', [
        org,
        orgs.canary.get(org),
      ]);
    }
    raw = new pg.Client({ connectionString: sb.appUrl });
    await raw.connect();
  });
  afterAll(async () => {
    await raw?.end();
    await sb?.close();
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${verifier}`).finally(() => admin.end());
  });

  const readAs = async (settings: Record<string, string>): Promise<string[]> => {
    await raw.query('BEGIN');
    try {
      for (const [k, v] of Object.entries(settings))
        await raw.query('SELECT set_config($1, $2, true)', [k, v]);
      return (await raw.query('SELECT body FROM app.secrets')).rows.map((r) => String(r.body));
    } finally {
      await raw.query('ROLLBACK');
    }
  };
  const soon = (): number => Math.floor(Date.now() / 1000) + 60;

  it('withTenant with a signing key reads its own org through the signed-context policy', async () => {
    const { rows } = await runWithTenant({ orgId: a, actorId: 'u' }, () =>
      tenantQuery<{ body: string }>(pgDriver(sb.appPool(1)), 'SELECT body FROM app.secrets'),
    );
    expect(rows).toEqual([]);
    const { rows: signed } = await runWithTenant({ orgId: a, actorId: 'u' }, async () => {
      const { withTenant } = await import('../src/with-tenant.ts');
      return withTenant(
        pgDriver(sb.appPool(1)),
        (tx) => tx.query<{ body: string }>('SELECT body FROM app.secrets'),
        {
          signingKey: key,
        },
      );
    });
    expect(signed.map((r) => r.body)).toEqual([orgs.canary.get(a)]);
  });

  it('SQL that forges app.org_id, a token without the key, an edited token or an expired token reads nothing', async () => {
    expect(await readAs({ 'app.org_id': b })).toEqual([]);
    const good = signTenantContext(key, a, soon());
    expect(await readAs({ 'app.org_id': a, 'app.org_ctx': good })).toEqual([orgs.canary.get(a)]);
    const wrongKey = signTenantContext(new Uint8Array(randomBytes(32)), b, soon());
    expect(await readAs({ 'app.org_id': b, 'app.org_ctx': wrongKey })).toEqual([]);
    const edited = good.replace(a, b);
    expect(await readAs({ 'app.org_id': b, 'app.org_ctx': edited })).toEqual([]);
    const expired = signTenantContext(key, b, Math.floor(Date.now() / 1000) - 5);
    expect(await readAs({ 'app.org_id': b, 'app.org_ctx': expired })).toEqual([]);
  });

  it('the request role cannot read the signing key, and the posture check accepts the verifier', async () => {
    const err = await raw.query('SELECT * FROM tenancy.signing_key').catch((e: Error) => e.message);
    expect(err).toMatch(/permission denied/);
    const report = await checkPosture(sb.superClient, { appRole: sb.appRole });
    expect(report.findings).toEqual([]);
  });
});

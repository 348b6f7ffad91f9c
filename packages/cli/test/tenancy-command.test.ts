import { randomBytes } from 'node:crypto';
import { createTenantTableSql } from '@palisade/tenancy';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { tenancyCommand } from '../src/commands/tenancy.ts';
import { captureIO } from './support.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgAdminUrl: string;
  }
}

const human = { json: false };

describe('palisade tenancy (arguments)', () => {
  it('a missing subcommand, URL or role is a usage error', async () => {
    const io = captureIO();
    await expect(tenancyCommand.run([], io, human)).rejects.toBeInstanceOf(UsageError);
    await expect(
      tenancyCommand.run(['check', '--app-role', 'x'], io, human),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      tenancyCommand.run(['check', '--database-url', 'postgres://x'], io, human),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(tenancyCommand.run(['check', '--bogus'], io, human)).rejects.toBeInstanceOf(
      UsageError,
    );
  });

  it('an unreachable database exits 1 without echoing the URL or its password', async () => {
    const io = captureIO();
    const code = await tenancyCommand.run(
      ['check', '--database-url', 'postgres://u:hunter2@127.0.0.1:1/db', '--app-role', 'r'],
      io,
      human,
    );
    expect(code).toBe(1);
    expect(io.err()).toMatch(/could not connect/);
    expect(io.err() + io.out()).not.toContain('hunter2');
  });
});

// Real-server suite: needs PALISADE_TEST_PG_URL (CI always sets it). It makes
// its own database so that revoking TEMP from PUBLIC affects nobody else.
describe.skipIf(inject('pgUrl') === '')('palisade tenancy check against the real server', () => {
  const hex = randomBytes(4).toString('hex');
  const db = `palisade_cli_tenancy_${hex}`;
  const app = `pal_cli_app_${hex}`;
  const owner = `pal_cli_own_${hex}`;
  const bypass = `pal_cli_byp_${hex}`;
  let url: string;
  const admin = (): pg.Client => new pg.Client({ connectionString: inject('pgAdminUrl') });
  beforeAll(async () => {
    const a = admin();
    await a.connect();
    try {
      await a.query(`CREATE DATABASE ${db}`);
      await a.query(
        `CREATE ROLE ${owner} NOLOGIN; CREATE ROLE ${app} LOGIN; CREATE ROLE ${bypass} LOGIN BYPASSRLS`,
      );
    } finally {
      await a.end();
    }
    const u = new URL(inject('pgAdminUrl'));
    u.pathname = `/${db}`;
    url = u.toString();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC; REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        CREATE SCHEMA app AUTHORIZATION ${owner}; GRANT USAGE ON SCHEMA app TO ${app};
        ALTER ROLE ${app} IN DATABASE ${db} SET track_activities = off; SET ROLE ${owner}`);
      for (const s of createTenantTableSql({
        schema: 'app',
        table: 'notes',
        columns: [{ name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' }],
        primaryKey: ['id'],
        appRole: app,
      })) {
        await c.query(s);
      }
    } finally {
      await c.end();
    }
  });
  afterAll(async () => {
    const a = admin();
    await a.connect();
    try {
      await a.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await a.query(
        `DROP ROLE IF EXISTS ${app}; DROP ROLE IF EXISTS ${owner}; DROP ROLE IF EXISTS ${bypass}`,
      );
    } finally {
      await a.end();
    }
  });

  it('tenancy check exits 0 with no findings for a hardened request role', async () => {
    const io = captureIO();
    const code = await tenancyCommand.run(
      ['check', '--database-url', url, '--app-role', app],
      io,
      human,
    );
    expect(io.out()).toMatch(/no findings/);
    expect(code).toBe(0);
  });

  it('tenancy check exits 1 and prints each finding with its fix for a BYPASSRLS role (--json)', async () => {
    const io = captureIO();
    const code = await tenancyCommand.run(
      ['check', '--database-url', url, '--app-role', bypass],
      io,
      { json: true },
    );
    expect(code).toBe(1);
    const doc = JSON.parse(io.out()) as { ok: boolean; findings: { code: string; fix: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.findings.map((f) => f.code)).toContain('ROLE_BYPASSRLS');
    for (const f of doc.findings) expect(f.fix).not.toBe('');
  });
});

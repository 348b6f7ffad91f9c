// Gives every test run its own Postgres database on the real server named by
// PALISADE_TEST_PG_URL, and drops it afterwards. Under CI=true a missing or
// unreachable server fails the run; locally, Postgres-server suites are skipped
// (PGlite suites always run).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of this run's fresh database, or '' when no server was given. */
    pgUrl: string;
    /** Connection string of the server's maintenance database (for creating roles and databases). */
    pgAdminUrl: string;
  }
}

export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const adminUrl = process.env.PALISADE_TEST_PG_URL ?? '';
  if (adminUrl === '') {
    if (process.env.CI) {
      throw new Error(
        'CI=true but PALISADE_TEST_PG_URL is not set: Postgres suites must run in CI.',
      );
    }
    project.provide('pgUrl', '');
    project.provide('pgAdminUrl', '');
    return undefined;
  }
  const name = `palisade_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  project.provide('pgUrl', url.toString());
  project.provide('pgAdminUrl', adminUrl);
  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
}

import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { test } from '@fast-check/vitest';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TenancyError } from '../src/errors.ts';
import {
  assertWorkspaceReadStatement,
  openWorkspaceReader,
  openWorkspaceWriter,
  resolveWorkspacePath,
} from '../src/sqlite.ts';
import { codeOf } from './support/error-code.ts';

let base: string;
let dataDir: string;

const code = codeOf;

function makeWorkspace(id: string, secret: string): void {
  const w = openWorkspaceWriter({ dataDir, workspaceId: id, create: true });
  w.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  w.run('INSERT INTO notes (body) VALUES (?)', [secret]);
  w.close();
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'palisade-tenancy-sqlite-'));
  dataDir = join(base, 'data');
  mkdirSync(dataDir);
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('workspace paths', () => {
  it('a workspace resolves to its own folder directly under <dataDir>/workspaces', () => {
    const p = resolveWorkspacePath({ dataDir, workspaceId: 'alice' });
    expect(p.dir).toBe(join(p.root, 'workspaces', 'alice'));
    expect(p.file).toBe(join(p.dir, 'workspace.db'));
  });

  const hostile = fc.oneof(
    fc.constantFrom(
      '..',
      '.',
      'alice/../bob',
      '../data-evil/x',
      'alice/',
      '/etc/passwd',
      'a\\b',
      'alice\0',
      'con',
      'nul',
      'lpt1',
      'xn--bob-xyz',
      'ALICE',
      'alice ',
      '',
      'ａlice',
      'аlice',
      'alice\u200b',
      'a'.repeat(64),
    ),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc
      .tuple(
        fc.constantFrom('alice', 'bob', '..', '.', ''),
        fc.constantFrom('/', '\\', '\0', '%2f', '..'),
        fc.string({ maxLength: 6 }),
      )
      .map(([a, s, b]) => `${a}${s}${b}`),
  );

  test.prop([hostile])(
    'for any hostile workspace id the resolved path stays inside its own folder or the id is refused',
    (id) => {
      let p: ReturnType<typeof resolveWorkspacePath> | undefined;
      try {
        p = resolveWorkspacePath({ dataDir, workspaceId: id });
      } catch (e) {
        expect(TenancyError.isInstance(e)).toBe(true);
        return;
      }
      const parent = join(p.root, 'workspaces');
      expect(relative(parent, p.dir)).toBe(id);
      expect(dirname(p.dir)).toBe(parent);
      expect(dirname(p.file)).toBe(p.dir);
      expect(id).toMatch(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
    },
  );

  it('a workspace folder that is a symlink to another workspace is refused', () => {
    makeWorkspace('bob', 'bob-secret');
    symlinkSync(join(dataDir, 'workspaces', 'bob'), join(dataDir, 'workspaces', 'alice'));
    expect(code(() => resolveWorkspacePath({ dataDir, workspaceId: 'alice' }))).toBe(
      'ERR_TENANCY_PATH_ESCAPE',
    );
    expect(code(() => openWorkspaceReader({ dataDir, workspaceId: 'alice' }))).toBe(
      'ERR_TENANCY_PATH_ESCAPE',
    );
  });

  it("a database file symlinked or hard-linked to another workspace's file is refused", () => {
    makeWorkspace('bob', 'bob-secret');
    mkdirSync(join(dataDir, 'workspaces', 'alice'));
    symlinkSync(
      join(dataDir, 'workspaces', 'bob', 'workspace.db'),
      join(dataDir, 'workspaces', 'alice', 'workspace.db'),
    );
    expect(code(() => openWorkspaceReader({ dataDir, workspaceId: 'alice' }))).toBe(
      'ERR_TENANCY_PATH_ESCAPE',
    );
    rmSync(join(dataDir, 'workspaces', 'alice', 'workspace.db'));
    linkSync(
      join(dataDir, 'workspaces', 'bob', 'workspace.db'),
      join(dataDir, 'workspaces', 'alice', 'workspace.db'),
    );
    expect(code(() => openWorkspaceReader({ dataDir, workspaceId: 'alice' }))).toBe(
      'ERR_TENANCY_PATH_ESCAPE',
    );
  });

  it('a workspaces folder that is a symlink out of the data directory is refused', () => {
    const outside = join(base, 'data-evil');
    mkdirSync(join(outside, 'alice'), { recursive: true });
    symlinkSync(outside, join(dataDir, 'workspaces'));
    expect(code(() => resolveWorkspacePath({ dataDir, workspaceId: 'alice' }))).toBe(
      'ERR_TENANCY_PATH_ESCAPE',
    );
  });

  it('a relative or missing data directory is a typed error', () => {
    expect(code(() => resolveWorkspacePath({ dataDir: 'data', workspaceId: 'alice' }))).toBe(
      'ERR_TENANCY_INVALID_ARGUMENT',
    );
    expect(
      code(() => resolveWorkspacePath({ dataDir: join(base, 'nope'), workspaceId: 'alice' })),
    ).toBe('ERR_TENANCY_INVALID_ARGUMENT');
  });
});

describe('read-only query path', () => {
  beforeEach(() => {
    makeWorkspace('alice', 'alice-secret');
    makeWorkspace('bob', 'bob-secret');
  });

  it('the reader reads its own workspace and a missing workspace is ERR_TENANCY_WORKSPACE_NOT_FOUND', () => {
    const r = openWorkspaceReader({ dataDir, workspaceId: 'alice' });
    expect(r.all('SELECT body FROM notes')).toEqual([{ body: 'alice-secret' }]);
    r.close();
    expect(code(() => openWorkspaceReader({ dataDir, workspaceId: 'carol' }))).toBe(
      'ERR_TENANCY_WORKSPACE_NOT_FOUND',
    );
  });

  it('a raw readonly better-sqlite3 handle can ATTACH another workspace (why the allow-list exists)', () => {
    const raw = new Database(join(dataDir, 'workspaces', 'alice', 'workspace.db'), {
      readonly: true,
    });
    raw.exec(`ATTACH '${join(dataDir, 'workspaces', 'bob', 'workspace.db')}' AS b`);
    expect(raw.prepare('SELECT body FROM b.notes').all()).toEqual([{ body: 'bob-secret' }]);
    raw.close();
  });

  const bobFile = (): string => join(dataDir, 'workspaces', 'bob', 'workspace.db');
  it.each([
    ['ATTACH', () => `ATTACH '${bobFile()}' AS b`],
    ['ATTACH with odd quoting', () => `/* x */ attach database "${bobFile()}" as "b"`],
    ['DETACH', () => 'DETACH main'],
    ['VACUUM', () => 'VACUUM'],
    [
      'VACUUM INTO another workspace',
      () => `VACUUM INTO '${join(dataDir, 'workspaces', 'bob', 'copy.db')}'`,
    ],
    ['load_extension()', () => "SELECT load_extension('/tmp/evil.so')"],
    ['a writing PRAGMA', () => 'PRAGMA user_version = 7'],
    ['PRAGMA query_only off', () => 'PRAGMA query_only = OFF'],
    ['a reading PRAGMA', () => 'PRAGMA table_info(notes)'],
    ['INSERT', () => "INSERT INTO notes (body) VALUES ('x')"],
    ['a CTE that deletes', () => 'WITH x AS (SELECT 1) DELETE FROM notes'],
    ['two statements', () => "SELECT 1; ATTACH 'x' AS y"],
    ['BEGIN', () => 'BEGIN'],
    ['an empty statement', () => '  '],
  ])('the reader refuses %s', (_name, sql) => {
    const r = openWorkspaceReader({ dataDir, workspaceId: 'alice' });
    try {
      expect(code(() => r.all(sql()))).toBe('ERR_TENANCY_SQLITE_FORBIDDEN');
    } finally {
      r.close();
    }
  });

  it('SQL-level load_extension is disabled even on a raw handle', () => {
    const raw = new Database(join(dataDir, 'workspaces', 'alice', 'workspace.db'), {
      readonly: true,
    });
    expect(() => raw.prepare("SELECT load_extension('/tmp/evil.so')").get()).toThrow(
      /not authorized/,
    );
    raw.close();
  });

  it('the writer is a separate handle that refuses ATTACH, VACUUM INTO and PRAGMA too', () => {
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'alice' });
    try {
      expect(w.run('INSERT INTO notes (body) VALUES (?)', ['more']).changes).toBe(1);
      expect(code(() => w.run(`ATTACH '${bobFile()}' AS b`))).toBe('ERR_TENANCY_SQLITE_FORBIDDEN');
      expect(
        code(() => w.run(`VACUUM INTO '${join(dataDir, 'workspaces', 'bob', 'copy.db')}'`)),
      ).toBe('ERR_TENANCY_SQLITE_FORBIDDEN');
      expect(code(() => w.run('PRAGMA journal_mode = DELETE'))).toBe(
        'ERR_TENANCY_SQLITE_FORBIDDEN',
      );
    } finally {
      w.close();
    }
  });

  it('the read allow-list accepts plain reads', () => {
    for (const sql of [
      'SELECT 1',
      'with x as (select 1) select * from x',
      'VALUES (1)',
      "SELECT 'attach' AS w",
    ]) {
      expect(() => assertWorkspaceReadStatement(sql)).not.toThrow();
    }
  });
});

describe('workspace databases and the tenant context', () => {
  it('without an explicit id the current tenant workspace is opened, and with no context ERR_TENANCY_NO_CONTEXT', async () => {
    const { runWithTenant } = await import('../src/context.ts');
    makeWorkspace('alice', 'alice-secret');
    makeWorkspace('bob', 'bob-secret');
    expect(code(() => openWorkspaceReader({ dataDir }))).toBe('ERR_TENANCY_NO_CONTEXT');
    const ctx = {
      orgId: '0b7e3f3a-8c1d-4b7e-9f2a-1c2d3e4f5a6b',
      actorId: 'u',
      workspaceId: 'alice',
    };
    const rows = runWithTenant(ctx, () => {
      const r = openWorkspaceReader({ dataDir });
      try {
        return r.all('SELECT body FROM notes');
      } finally {
        r.close();
      }
    });
    expect(rows).toEqual([{ body: 'alice-secret' }]);
    expect(
      runWithTenant(ctx, () => code(() => openWorkspaceReader({ dataDir, workspaceId: 'bob' }))),
    ).toBe('ERR_TENANCY_CONTEXT_MISMATCH');
    expect(
      runWithTenant({ ...ctx, workspaceId: undefined }, () =>
        code(() => openWorkspaceReader({ dataDir })),
      ),
    ).toBe('ERR_TENANCY_NO_CONTEXT');
  });
});

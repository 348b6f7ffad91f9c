import { createHmac, hkdfSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { deriveWorkspaceKey, type MasterKey, masterKeyFromBytes } from '@palisade/crypto';
import CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TenancyError } from '../src/errors.ts';
import { openWorkspaceReader, openWorkspaceWriter } from '../src/sqlite.ts';
import { deriveWorkspaceDatabaseKey, type WorkspaceDatabaseKey } from '../src/sqlite-key.ts';
import { codeOf } from './support/error-code.ts';

let base: string;
let dataDir: string;
let master: MasterKey;

const code = codeOf;

const otherMasterKey = (): MasterKey =>
  masterKeyFromBytes(Uint8Array.from({ length: 32 }, (_, i) => 255 - i));

const keyFor = (m: MasterKey, workspaceId: string): WorkspaceDatabaseKey =>
  deriveWorkspaceDatabaseKey(deriveWorkspaceKey(m, workspaceId));

/** Every byte of every file in the workspace folder (database, WAL, shared memory). */
function workspaceBytes(workspaceId: string): Buffer {
  const dir = join(dataDir, 'workspaces', workspaceId);
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'palisade-tenancy-sqlite-enc-'));
  dataDir = join(base, 'data');
  mkdirSync(dataDir);
  // A fixed master key (bytes 0..31), so the known-answer vector below is reproducible.
  master = masterKeyFromBytes(Uint8Array.from({ length: 32 }, (_, i) => i));
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

// Node 24: the worker running this file sometimes dies (an exit without a
// JS error, so a native crash) when it runs beside the other SQLite tests. Seen
// in one of two CI runs and one of three local runs on Node 24.21.0 with
// better-sqlite3-multiple-ciphers 12.11.1; never on Node 20 (every run passes).
// Until the crash is found, this suite runs on Node 20 only; encryption at
// rest is not claimed on Node 24 (see the tenancy claims and the issue note).
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

describe.skipIf(NODE_MAJOR >= 24)('workspace SQLite encrypted at rest', () => {
  it('an encrypted workspace file holds no plaintext: the canary is in no byte of the database, WAL or shared-memory file', async () => {
    const canary = `CANARY-${'k9'.repeat(12)}`;
    const databaseKey = keyFor(master, 'docs');
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'docs', create: true, databaseKey });
    w.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    for (let i = 0; i < 50; i++) w.run('INSERT INTO notes (body) VALUES (?)', [`${canary}-${i}`]);
    // With the writer still open, the rows sit in the WAL: it must be encrypted too.
    const whileOpen = workspaceBytes('docs');
    expect(whileOpen.length).toBeGreaterThan(4096);
    expect(whileOpen.includes(canary)).toBe(false);
    expect(whileOpen.includes('CREATE TABLE')).toBe(false);
    w.close();
    const closed = workspaceBytes('docs');
    expect(closed.includes(canary)).toBe(false);
    expect(closed.includes('SQLite format 3')).toBe(false);
    // The same key reads it back.
    const r = openWorkspaceReader({ dataDir, workspaceId: 'docs', databaseKey });
    expect(r.all('SELECT count(*) AS n FROM notes WHERE body LIKE ?', [`${canary}%`])).toEqual([
      { n: 50 },
    ]);
    r.close();
  });

  it('the same file without the encryption key is plaintext SQLite with the canary in it (the control)', () => {
    const canary = `CANARY-${'p3'.repeat(12)}`;
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'plain', create: true });
    w.run('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    w.run('INSERT INTO notes (body) VALUES (?)', [canary]);
    w.close();
    expect(workspaceBytes('plain').includes(canary)).toBe(true);
  });

  it('a wrong key, no key, or a key of another master fails with ERR_TENANCY_DECRYPTION_FAILED and reveals no row', async () => {
    const databaseKey = keyFor(master, 'docs');
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'docs', create: true, databaseKey });
    w.run('CREATE TABLE notes (body TEXT)');
    w.run("INSERT INTO notes (body) VALUES ('secret')");
    w.close();
    const wrong = keyFor(otherMasterKey(), 'docs');
    const errors: unknown[] = [];
    for (const open of [
      () => openWorkspaceReader({ dataDir, workspaceId: 'docs', databaseKey: wrong }),
      () => openWorkspaceReader({ dataDir, workspaceId: 'docs' }),
      () => openWorkspaceWriter({ dataDir, workspaceId: 'docs', databaseKey: wrong }),
      () => openWorkspaceWriter({ dataDir, workspaceId: 'docs' }),
    ]) {
      try {
        open();
        errors.push('opened');
      } catch (e) {
        errors.push(e);
      }
    }
    for (const e of errors) {
      expect(TenancyError.isInstance(e) && e.code).toBe('ERR_TENANCY_DECRYPTION_FAILED');
      expect(JSON.stringify(e)).not.toContain('secret');
      expect(String(e)).not.toContain('secret');
    }
    // The right key still opens it afterwards: the failed attempts changed nothing.
    const r = openWorkspaceReader({ dataDir, workspaceId: 'docs', databaseKey });
    expect(r.all('SELECT body FROM notes')).toEqual([{ body: 'secret' }]);
    r.close();
  });

  it('a key for a plaintext workspace file fails with ERR_TENANCY_DECRYPTION_FAILED', async () => {
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'plain', create: true });
    w.run('CREATE TABLE notes (body TEXT)');
    w.close();
    const databaseKey = keyFor(master, 'plain');
    expect(code(() => openWorkspaceReader({ dataDir, workspaceId: 'plain', databaseKey }))).toBe(
      'ERR_TENANCY_DECRYPTION_FAILED',
    );
  });

  it("one workspace's database key is refused for another workspace", async () => {
    const bobKey = keyFor(master, 'bob');
    const w = openWorkspaceWriter({
      dataDir,
      workspaceId: 'bob',
      create: true,
      databaseKey: bobKey,
    });
    w.close();
    expect(
      code(() =>
        openWorkspaceWriter({ dataDir, workspaceId: 'alice', create: true, databaseKey: bobKey }),
      ),
    ).toBe('ERR_TENANCY_CONTEXT_MISMATCH');
  });

  it('the encrypted query path stays read-only and still refuses ATTACH, VACUUM INTO, PRAGMA key/rekey and the cipher functions', async () => {
    const databaseKey = keyFor(master, 'docs');
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'docs', create: true, databaseKey });
    w.run('CREATE TABLE notes (body TEXT)');
    w.run("INSERT INTO notes (body) VALUES ('x')");
    for (const sql of [
      "PRAGMA rekey = 'x'",
      "ATTACH DATABASE 'other.db' AS o KEY ''",
      `VACUUM INTO '${join(base, 'copy.db')}'`,
      "SELECT sqlite3mc_config('cipher')",
    ]) {
      expect(
        code(() => w.run(sql)),
        sql,
      ).toBe('ERR_TENANCY_SQLITE_FORBIDDEN');
    }
    w.close();
    const r = openWorkspaceReader({ dataDir, workspaceId: 'docs', databaseKey });
    for (const sql of [
      "INSERT INTO notes (body) VALUES ('y')",
      "PRAGMA key = 'x'",
      "PRAGMA rekey = ''",
      "ATTACH DATABASE 'other.db' AS o",
      `VACUUM INTO '${join(base, 'copy.db')}'`,
      "SELECT sqlite3mc_codec_data('cipher_salt')",
      "SELECT load_extension('x')",
      // A read whose statement writes through a CTE is still a write.
      'WITH t AS (SELECT 1) DELETE FROM notes',
    ]) {
      expect(
        code(() => r.all(sql)),
        sql,
      ).toBe('ERR_TENANCY_SQLITE_FORBIDDEN');
    }
    expect(r.all('SELECT body FROM notes')).toEqual([{ body: 'x' }]);
    r.close();
  });

  it('a database key shows only its workspace id in String, JSON and inspect', async () => {
    const databaseKey = keyFor(master, 'docs');
    for (const shown of [String(databaseKey), JSON.stringify(databaseKey), inspect(databaseKey)]) {
      expect(shown).toContain('docs');
      expect(shown).not.toMatch(/[0-9a-f]{32}/);
    }
    expect(Object.keys(databaseKey)).toEqual(['workspaceId']);
  });

  it('the derivation is stable: a fixed master key and workspace id give the recorded key (existing files stay readable)', async () => {
    // Known answer, computed independently below from the documented
    // derivation: a change in @palisade/crypto's key schedule or in this
    // derivation would make every encrypted workspace unreadable.
    const databaseKey = keyFor(master, 'docs');
    const w = openWorkspaceWriter({ dataDir, workspaceId: 'docs', create: true, databaseKey });
    w.run('CREATE TABLE notes (body TEXT)');
    w.run("INSERT INTO notes (body) VALUES ('kat')");
    w.close();
    // The file is a plain SQLCipher 4 database under that raw key: the cipher
    // build opens it with the recorded hex and nothing of ours in between.
    const raw = new CipherDatabase(join(dataDir, 'workspaces', 'docs', 'workspace.db'), {
      readonly: true,
    });
    try {
      raw.pragma(`cipher = 'sqlcipher'`);
      raw.pragma('legacy = 4');
      raw.pragma(`key = "x'${EXPECTED_DOCS_KEY_HEX}'"`);
      expect(raw.prepare('SELECT body FROM notes').all()).toEqual([{ body: 'kat' }]);
    } finally {
      raw.close();
    }
    // Other workspaces and other master keys give other keys.
    for (const other of [keyFor(master, 'docs2'), keyFor(otherMasterKey(), 'docs')]) {
      expect(
        code(() => openWorkspaceReader({ dataDir, workspaceId: 'docs', databaseKey: other })),
      ).not.toBe('ok');
    }
  });
});

/**
 * The documented derivation, written out with node:crypto alone for master
 * key bytes 0..31 and workspace `docs`: the workspace secret is
 * HKDF-SHA-256(master, salt "palisade/crypto/v1/hkdf-extract",
 * info lp("palisade/crypto/v1", "workspace-key/v1", "docs")), and the
 * database key is HKDF-Expand(secret, lp("palisade/crypto/v1",
 * "external-key/v1", "palisade/tenancy/sqlite-at-rest/v1"), 32).
 */
const EXPECTED_DOCS_KEY_HEX = ((): string => {
  const lp = (...parts: string[]): Buffer =>
    Buffer.concat(
      parts.flatMap((p) => {
        const n = Buffer.alloc(4);
        n.writeUInt32BE(Buffer.byteLength(p));
        return [n, Buffer.from(p)];
      }),
    );
  const secret = Buffer.from(
    hkdfSync(
      'sha256',
      Uint8Array.from({ length: 32 }, (_, i) => i),
      Buffer.from('palisade/crypto/v1/hkdf-extract'),
      lp('palisade/crypto/v1', 'workspace-key/v1', 'docs'),
      32,
    ),
  );
  return createHmac('sha256', secret)
    .update(lp('palisade/crypto/v1', 'external-key/v1', 'palisade/tenancy/sqlite-at-rest/v1'))
    .update(Buffer.from([1]))
    .digest('hex');
})();

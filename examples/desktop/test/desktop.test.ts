import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CryptoError,
  deriveExternalKey,
  deriveWorkspaceKey,
  masterKeyFromFile,
} from '@palisade/crypto';
import CipherDatabase from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { openDesktopApp } from '../src/desktop-app.ts';

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Opens a workspace file with the SQLCipher build and the page key derived
 * from the app's master key, outside the app (as an attacker holding the key
 * could).
 */
function openRaw(appDataDir: string, repo: string, workspace: string): CipherDatabase.Database {
  using master = masterKeyFromFile(join(appDataDir, 'master.key'));
  const raw = deriveExternalKey(
    deriveWorkspaceKey(master, workspace),
    'palisade/tenancy/sqlite-at-rest/v1',
  );
  const db = new CipherDatabase(join(repo, '.palisade', 'workspaces', workspace, 'workspace.db'));
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.pragma(`key = "x'${Buffer.from(raw).toString('hex')}'"`);
  raw.fill(0);
  return db;
}

/** Every file under `dir` with its size and mtime, except the excluded top-level paths. */
function snapshot(dir: string, exclude: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (exclude.some((x) => p === x || p.startsWith(`${x}/`))) continue;
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else
        out.set(relative(dir, p), `${st.size}:${st.mtimeMs}:${readFileSync(p).toString('base64')}`);
    }
  };
  walk(dir);
  return out;
}

function fixture() {
  const root = mkdtempSync(join(tmpdir(), 'palisade-desktop-test-'));
  temps.push(root);
  const home = join(root, 'home');
  const repo = join(root, 'repo');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
  };
  writeFileSync(join(root, 'gitconfig'), '[user]\n\tname = T\n\temail = t@example.com\n');
  execFileSync('mkdir', ['-p', home]);
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'remote.git')], { env });
  execFileSync('git', ['init', '-q', '-b', 'main', repo], { env });
  writeFileSync(join(repo, 'README.md'), 'x\n');
  execFileSync('git', ['add', '.'], { cwd: repo, env });
  execFileSync('git', ['commit', '-q', '-m', 'init'], { cwd: repo, env });
  execFileSync('git', ['remote', 'add', 'origin', join(root, 'remote.git')], { cwd: repo, env });
  return { root, home, repo, env, appDataDir: join(root, 'app-data') };
}

/** Opens the app on a fixture's repository as user `t`. */
function openApp(f: ReturnType<typeof fixture>): ReturnType<typeof openDesktopApp> {
  return openDesktopApp({ repo: f.repo, appDataDir: f.appDataDir, user: 't', gitEnv: f.env });
}

describe('desktop composition (examples/desktop)', () => {
  it('runs to completion in a network namespace without interfaces', () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const r = spawnSync('unshare', ['-n', process.execPath, main], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/(\d+) of \1 checks passed/);
    expect(r.status).toBe(0);
  });

  it('writes only under .palisade/, the repository .git/ and the app data directory', async () => {
    const f = fixture();
    const allowed = [join(f.repo, '.palisade'), join(f.repo, '.git'), f.appDataDir];
    const before = snapshot(f.root, allowed);
    const app = await openApp(f);
    await app.createAgentWorktree('a1');
    await app.setPrivacyMode('redacted');
    await app.saveNote('ws-1', 'n', 'text');
    await app.backupWorkspace('ws-1');
    await app.verifyAudit();
    await app.close();
    expect(snapshot(f.root, allowed)).toEqual(before);
  });

  it('an agent in a contained worktree cannot push with plain git, and the remote stays unchanged', async () => {
    const f = fixture();
    const app = await openApp(f);
    const wt = await app.createAgentWorktree('a1');
    await app.close();
    writeFileSync(join(wt, 'x.txt'), 'x\n');
    execFileSync('git', ['add', 'x.txt'], { cwd: wt, env: f.env });
    execFileSync('git', ['commit', '-q', '-m', 'agent'], { cwd: wt, env: f.env });
    for (const args of [
      ['push', 'origin', 'HEAD:main'],
      ['push', '--no-verify', 'origin', 'HEAD:x'],
      ['push', join(f.root, 'remote.git'), 'HEAD:y'],
    ]) {
      expect(spawnSync('git', args, { cwd: wt, env: f.env }).status).not.toBe(0);
    }
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)'], {
      cwd: join(f.root, 'remote.git'),
      env: f.env,
      encoding: 'utf8',
    });
    expect(refs.trim()).toBe('');
  });

  it('workspace files are encrypted at rest: no note, id or schema text on disk, and no open without the workspace database key', async () => {
    const f = fixture();
    const app = await openApp(f);
    await app.saveNote('ws-1', 'canary-note-id-7f3a', 'canary note text 7f3a');
    expect(await app.readNote('ws-1', 'canary-note-id-7f3a')).toBe('canary note text 7f3a');
    await app.close();
    const dir = join(f.repo, '.palisade', 'workspaces', 'ws-1');
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    const onDisk = Buffer.concat(files.map((n) => readFileSync(join(dir, n))));
    for (const text of [
      'canary-note-id-7f3a',
      'canary note text',
      'CREATE TABLE',
      'notes',
      'SQLite format 3',
    ]) {
      expect(onDisk.includes(Buffer.from(text)), text).toBe(false);
    }
    // Plain SQLite cannot read it; the cipher build with the derived key can.
    const Plain = (await import('better-sqlite3')).default;
    const plain = new Plain(join(dir, 'workspace.db'), { readonly: true });
    expect(() => plain.prepare('SELECT count(*) FROM notes').get()).toThrow(/not a database/);
    plain.close();
    const cipher = openRaw(f.appDataDir, f.repo, 'ws-1');
    expect(cipher.prepare('SELECT id FROM notes').all()).toEqual([{ id: 'canary-note-id-7f3a' }]);
    cipher.close();
  });

  it('a workspace note sealed for one workspace never opens under another workspace key', async () => {
    const f = fixture();
    const app = await openApp(f);
    await app.saveNote('ws-1', 'n', 'only for ws-1');
    expect(await app.readNote('ws-1', 'n')).toBe('only for ws-1');
    // An attacker who holds both files' page keys moves ws-1's sealed row into
    // ws-2's file: ws-2's sealing key and context still refuse it.
    await app.saveNote('ws-2', 'n', 'placeholder');
    const src = openRaw(f.appDataDir, f.repo, 'ws-1');
    const row = src.prepare('SELECT sealed FROM notes WHERE id = ?').get('n') as { sealed: Buffer };
    src.close();
    const dst = openRaw(f.appDataDir, f.repo, 'ws-2');
    dst.prepare('UPDATE notes SET sealed = ? WHERE id = ?').run(row.sealed, 'n');
    dst.close();
    const err = await app.readNote('ws-2', 'n').catch((e: unknown) => e);
    expect(CryptoError.isInstance(err) && err.code).toBe('ERR_CRYPTO_DECRYPTION_FAILED');
    await app.close();
  });
});

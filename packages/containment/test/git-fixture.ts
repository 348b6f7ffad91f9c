// Real git repositories, worktrees and bare remotes in temp dirs for the
// containment tests. Every git process gets a pinned environment so the
// machine's own git config never leaks in.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixture {
  readonly root: string;
  readonly env: Record<string, string>;
  readonly repo: string;
  readonly remote: string;
  git(
    cwd: string,
    args: readonly string[],
    extraEnv?: Record<string, string>,
  ): SpawnSyncReturns<string>;
  /** Runs git and throws with its stderr when it fails. */
  ok(cwd: string, args: readonly string[]): string;
  addWorktree(name: string, branch?: string): string;
  cleanup(): void;
}

export function baseEnv(root: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: join(root, 'home'),
    LANG: 'C.UTF-8',
    GIT_CONFIG_GLOBAL: join(root, 'home', '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    GIT_TERMINAL_PROMPT: '0',
  };
}

export function makeFixture(name = 'repo'): Fixture {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-cont-')));
  mkdirSync(join(root, 'home'));
  writeFileSync(
    join(root, 'home', '.gitconfig'),
    '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n[push]\n\tdefault = current\n',
  );
  const env = baseEnv(root);
  const git = (cwd: string, args: readonly string[], extraEnv: Record<string, string> = {}) =>
    spawnSync('git', args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ok = (cwd: string, args: readonly string[]): string => {
    const r = git(cwd, args);
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  const remote = join(root, 'remote.git');
  const repo = join(root, name);
  ok(root, ['init', '-q', '--bare', '-b', 'main', remote]);
  ok(root, ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), 'hello\n');
  ok(repo, ['add', 'README.md']);
  ok(repo, ['commit', '-q', '-m', 'initial']);
  ok(repo, ['remote', 'add', 'origin', remote]);
  ok(repo, ['push', '-q', 'origin', 'main']);
  return {
    root,
    env,
    repo,
    remote,
    git,
    ok,
    addWorktree(wtName: string, branch = wtName): string {
      const p = join(root, wtName);
      ok(repo, ['worktree', 'add', '-q', '-b', branch, p]);
      return p;
    },
    cleanup(): void {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Writes an executable hook script. */
export function writeHook(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/** The remote's ref value, or null. */
export function remoteRef(f: Fixture, ref: string): string | null {
  const r = f.git(f.remote, ['rev-parse', '--verify', '-q', ref]);
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * A byte-level snapshot of a repository's git state: every file under the
 * common git dir (objects, logs and the index excluded) with its mode and
 * content, and every directory with its mode.
 */
export function snapshotGitState(commonDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const skip = new Set(['objects', 'logs', 'index', 'FETCH_HEAD', 'ORIG_HEAD']);
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (rel === '' && skip.has(name)) continue;
      if (name === 'index' || name === 'logs') continue;
      const p = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[`${r}/`] = (st.mode & 0o7777).toString(8);
        walk(p, r);
      } else {
        out[r] =
          `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      }
    }
  };
  walk(commonDir, '');
  return out;
}

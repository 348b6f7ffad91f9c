import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containCommand } from '../src/commands/contain.ts';
import { captureIO } from './support.ts';

let root = '';
let env: Record<string, string> = {};
let repo = '';
let wt = '';
let remote = '';

const git = (cwd: string, args: string[]) => spawnSync('git', args, { cwd, env, encoding: 'utf8' });

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'palisade-contain-cmd-')));
  mkdirSync(join(root, 'home'));
  writeFileSync(join(root, 'home', '.gitconfig'), '[user]\n\tname = T\n\temail = t@example.com\n');
  env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: join(root, 'home'),
    GIT_CONFIG_GLOBAL: join(root, 'home', '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '1',
  };
  remote = join(root, 'remote.git');
  repo = join(root, 'repo');
  wt = join(root, 'agent');
  git(root, ['init', '-q', '--bare', '-b', 'main', remote]);
  git(root, ['init', '-q', '-b', 'main', repo]);
  git(repo, ['commit', '-q', '--allow-empty', '-m', 'initial']);
  git(repo, ['remote', 'add', 'origin', remote]);
  git(repo, ['push', '-q', 'origin', 'main']);
  git(repo, ['worktree', 'add', '-q', '-b', 'agent', wt]);
  git(wt, ['commit', '-q', '--allow-empty', '-m', 'agent work']);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const json = { json: true };
const text = { json: false };

describe('palisade contain', () => {
  it('install --all-worktrees, verify, status and uninstall round-trip; a contained push is refused', async () => {
    const io = captureIO({ env });
    expect(await containCommand.run(['install', '--all-worktrees', repo], io, json)).toBe(0);
    expect(JSON.parse(io.out()).installed).toHaveLength(2);
    expect(git(wt, ['push', '--no-verify', 'origin', 'agent']).status).not.toBe(0);
    const v = captureIO({ env });
    expect(await containCommand.run(['verify', repo], v, text)).toBe(0);
    expect(v.out()).toContain('ok: 2 contained worktree(s), 0 alert(s)');
    const s = captureIO({ env });
    expect(await containCommand.run(['status', repo], s, json)).toBe(0);
    expect(JSON.parse(s.out()).contained).toHaveLength(2);
    expect(
      await containCommand.run(['uninstall', '--all-worktrees', repo], captureIO({ env }), text),
    ).toBe(0);
    expect(git(wt, ['config', '--get', 'core.hooksPath']).status).toBe(1);
  });

  it('verify exits 1 and names the layer when a layer was tampered with', async () => {
    expect(await containCommand.run(['install', wt], captureIO({ env }), text)).toBe(0);
    git(wt, ['config', '--worktree', '--unset', 'core.hooksPath']);
    const v = captureIO({ env });
    expect(await containCommand.run(['verify', wt], v, text)).toBe(1);
    expect(v.out()).toContain('[hooks-path]');
  });

  it('promote without a TTY and without --yes refuses with exit 1 and pushes nothing', async () => {
    await containCommand.run(['install', wt], captureIO({ env }), text);
    const io = captureIO({ env });
    const code = await containCommand.run(
      ['promote', wt, '--remote', 'origin', '--branch', 'feature'],
      io,
      text,
    );
    expect(code).toBe(1);
    expect(io.err()).toContain('promotion refused: no terminal to ask on and no --yes');
    expect(git(remote, ['rev-parse', '-q', '--verify', 'refs/heads/feature']).status).not.toBe(0);
  });

  it('promote on a TTY publishes only after the human types yes', async () => {
    await containCommand.run(['install', wt], captureIO({ env }), text);
    const sha = git(wt, ['rev-parse', 'HEAD']).stdout.trim();
    const no = new PassThrough() as PassThrough & { isTTY?: boolean };
    no.isTTY = true;
    no.end('no\n');
    const ioNo = { ...captureIO({ env, tty: true }), stdin: no };
    expect(
      await containCommand.run(
        ['promote', wt, '--remote', 'origin', '--branch', 'feature'],
        ioNo,
        text,
      ),
    ).toBe(1);
    expect(git(remote, ['rev-parse', '-q', '--verify', 'refs/heads/feature']).status).not.toBe(0);
    const yes = new PassThrough() as PassThrough & { isTTY?: boolean };
    yes.isTTY = true;
    yes.end('yes\n');
    const base = captureIO({ env, tty: true });
    const ioYes = { ...base, stdin: yes };
    expect(
      await containCommand.run(
        ['promote', wt, '--remote', 'origin', '--branch', 'feature'],
        ioYes,
        text,
      ),
    ).toBe(0);
    expect(base.err()).toContain('commits (1):');
    expect(git(remote, ['rev-parse', 'refs/heads/feature']).stdout.trim()).toBe(sha);
  });

  it('promote --yes (the host app confirmation) publishes the pinned SHA and prints the audit record as JSON', async () => {
    await containCommand.run(['install', wt], captureIO({ env }), text);
    const sha = git(wt, ['rev-parse', 'HEAD']).stdout.trim();
    const io = captureIO({ env });
    expect(
      await containCommand.run(
        ['promote', wt, '--remote', 'origin', '--branch', 'feature', '--yes'],
        io,
        json,
      ),
    ).toBe(0);
    const record = JSON.parse(io.out());
    expect(record.sha).toBe(sha);
    expect(record.remoteRefVerified).toBe(true);
    expect(git(remote, ['rev-parse', 'refs/heads/feature']).stdout.trim()).toBe(sha);
  });

  it('shim writes an executable git shim that refuses push', async () => {
    const io = captureIO({ env });
    expect(await containCommand.run(['shim', join(root, 'bin')], io, json)).toBe(0);
    const shim = JSON.parse(io.out()).shim as string;
    const r = spawnSync(shim, ['push'], { cwd: wt, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('refused by the containment shim');
  });

  it('bad usage throws a UsageError (exit 2 in main)', async () => {
    await expect(containCommand.run([], captureIO({ env }), text)).rejects.toThrow(
      /missing subcommand/,
    );
    await expect(containCommand.run(['promote', wt], captureIO({ env }), text)).rejects.toThrow(
      /--remote/,
    );
    await expect(
      containCommand.run(['install', '--bogus'], captureIO({ env }), text),
    ).rejects.toThrow();
  });
});

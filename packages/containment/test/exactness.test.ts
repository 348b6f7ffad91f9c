import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installContainment, uninstallContainment } from '../src/install.ts';
import { verifyContainment } from '../src/verify.ts';
import { type Fixture, makeFixture, snapshotGitState, writeHook } from './git-fixture.ts';

// Real git under a loaded 2-core machine: generous per-test time limits (no timed assertions).
vi.setConfig({ testTimeout: 300_000 });

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

const runs = (n: number): number => Number(process.env['PALISADE_CONTAIN_RUNS'] ?? n);

describe('install and uninstall are exact', () => {
  it('installing N times leaves byte-identical state, modes included', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    const common = join(f.repo, '.git');
    const first = await installContainment(wt, { env: f.env });
    expect(first.changed).toBe(true);
    const once = snapshotGitState(common);
    for (let i = 0; i < 5; i++) {
      const again = await installContainment(wt, { env: f.env });
      expect(again.changed).toBe(false);
      expect(snapshotGitState(common)).toEqual(once);
    }
    expect(once['palisade/hooks/pre-push']?.startsWith('755 ')).toBe(true);
    expect(once['palisade/bin/git-remote-contained']?.startsWith('755 ')).toBe(true);
  });

  it('uninstall restores the pre-install state byte for byte, removing extensions.worktreeConfig only if install added it', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    writeHook(join(f.repo, '.git', 'hooks', 'pre-push'), 'exit 0');
    const common = join(f.repo, '.git');
    const before = snapshotGitState(common);
    await installContainment(wt, { env: f.env });
    await installContainment(f.repo, { env: f.env });
    expect(f.ok(f.repo, ['config', '--local', '--get', 'extensions.worktreeConfig']).trim()).toBe(
      'true',
    );
    await uninstallContainment(wt, { env: f.env });
    await uninstallContainment(f.repo, { env: f.env });
    expect(snapshotGitState(common)).toEqual(before);

    // When the repository already had the extension, uninstall keeps it.
    f.ok(f.repo, ['config', 'extensions.worktreeConfig', 'true']);
    const withExt = snapshotGitState(common);
    await installContainment(wt, { env: f.env });
    await uninstallContainment(wt, { env: f.env });
    expect(snapshotGitState(common)).toEqual(withExt);
  });

  it('a contained worktree removed with git worktree remove raises no alert, and releasing the rest restores the repository exactly', async () => {
    f = makeFixture();
    const a = f.addWorktree('a');
    const common = join(f.repo, '.git');
    const initial = snapshotGitState(common);
    await installContainment(a, { env: f.env });
    const b = f.addWorktree('b');
    await installContainment(b, { env: f.env });
    f.ok(f.repo, ['worktree', 'remove', '--force', b]);
    f.ok(f.repo, ['branch', '-D', 'b']);
    expect((await verifyContainment(f.repo, { env: f.env })).alerts).toEqual([]);
    const report = await uninstallContainment(a, { env: f.env });
    expect(report.removedRepositoryLayers).toBe(true);
    const after = snapshotGitState(common);
    // `git branch -D` writes packed-refs itself; everything else is byte for byte as before.
    if (initial['packed-refs'] === undefined) delete after['packed-refs'];
    expect(after).toEqual(initial);
  });

  it('paths with spaces and unicode are contained and restored exactly', async () => {
    f = makeFixture('répo with spaces ✓');
    const wt = f.addWorktree('agent wörktree ☃', 'agent');
    const common = join(f.repo, '.git');
    const before = snapshotGitState(common);
    await installContainment(wt, { env: f.env });
    const push = f.git(wt, ['push', '--no-verify', 'origin', 'HEAD:refs/heads/z']);
    expect(push.status).not.toBe(0);
    const hooks = f.ok(wt, ['rev-parse', '--git-path', 'hooks']).trim();
    expect(hooks).toBe(join(common, 'palisade', 'hooks'));
    expect((await verifyContainment(wt, { env: f.env })).alerts).toEqual([]);
    await uninstallContainment(wt, { env: f.env });
    expect(snapshotGitState(common)).toEqual(before);
  });

  fcTest.prop(
    [
      fc.array(
        fc.record({
          op: fc.constantFrom('install', 'uninstall'),
          target: fc.integer({ min: 0, max: 2 }),
        }),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
    ],
    { numRuns: runs(8) },
  )(
    'for any sequence of install/uninstall, uninstalling everything returns the repository to its initial state',
    async (ops) => {
      const fx = makeFixture();
      try {
        const wts = [fx.repo, fx.addWorktree('a'), fx.addWorktree('b')];
        const common = join(fx.repo, '.git');
        const initial = snapshotGitState(common);
        for (const { op, target } of ops) {
          const wt = wts[target] ?? fx.repo;
          if (op === 'install') await installContainment(wt, { env: fx.env });
          else await uninstallContainment(wt, { env: fx.env });
        }
        for (const wt of wts) await uninstallContainment(wt, { env: fx.env });
        expect(snapshotGitState(common)).toEqual(initial);
      } finally {
        fx.cleanup();
      }
    },
  );

  it('100 concurrent installs in one repository, racing real git config writers, all succeed and leave one exact state', async () => {
    f = makeFixture();
    const fx = f;
    const wts = [fx.repo, fx.addWorktree('w1'), fx.addWorktree('w2'), fx.addWorktree('w3')];
    const n = runs(100);
    // Real git processes take .git/config.lock at the same time as the installs.
    const writers = Array.from(
      { length: 20 },
      (_, i) =>
        new Promise<number>((resolve) => {
          const child = spawn('git', ['config', '--local', `palisadetest.k${i}`, 'v'], {
            cwd: fx.repo,
            env: fx.env,
            stdio: 'ignore',
          });
          child.on('close', (code) => resolve(code ?? -1));
        }),
    );
    const installs = Array.from({ length: n }, (_, i) =>
      installContainment(wts[i % wts.length] ?? fx.repo, { env: fx.env }).then(
        () => 0,
        () => 1,
      ),
    );
    const results = await Promise.all(installs);
    await Promise.all(writers);
    expect(results.filter((r) => r !== 0).length).toBe(0);
    const report = await verifyContainment(fx.repo, { env: fx.env });
    expect(report.alerts).toEqual([]);
    expect(report.contained.length).toBe(4);
    const snap = snapshotGitState(join(fx.repo, '.git'));
    for (const wt of wts) await installContainment(wt, { env: fx.env });
    expect(snapshotGitState(join(fx.repo, '.git'))).toEqual(snap);
  }, 240_000);
});

// Install cost per worktree, measured in process against a real repository:
// a fresh install, an idempotent re-install, an install+uninstall round trip,
// the peer (the same per-worktree keys written with one `git config
// --worktree` process per key, as a hand-rolled installer does), and 200
// worktrees contained one after another (target: p95 <= 30 ms per worktree,
// 200 worktrees <= 5 s).
import { spawnSync } from 'node:child_process';
import { afterAll, bench, describe } from 'vitest';
import { installContainment, uninstallContainment } from '../src/index.ts';
import { makeFixture } from '../test/git-fixture.ts';

const fx = makeFixture('bench-repo');
const WORKTREES = Number(process.env['PALISADE_BENCH_WORKTREES'] ?? 200);
const pool: string[] = [];
for (let i = 0; i < WORKTREES; i++) pool.push(fx.addWorktree(`wt-${i}`));
const single = fx.addWorktree('single');
const peerWt = fx.addWorktree('peer');
fx.ok(fx.repo, ['config', 'extensions.worktreeConfig', 'true']);
const env = fx.env;
afterAll(() => fx.cleanup());

const git = (args: string[]): void => {
  const r = spawnSync('git', args, { cwd: peerWt, env });
  if (r.status !== 0) throw new Error(String(r.stderr));
};

describe('containment install', () => {
  bench(
    'install + uninstall one worktree (round trip)',
    async () => {
      await installContainment(single, { env });
      await uninstallContainment(single, { env });
    },
    { time: 2000 },
  );

  bench(
    'idempotent re-install of a contained worktree',
    async () => {
      await installContainment(pool[0] ?? single, { env });
    },
    { time: 2000 },
  );

  bench(
    'peer: the same keys via one git config --worktree process per key (set + unset)',
    () => {
      git(['config', '--worktree', 'core.hooksPath', '/x/hooks']);
      git(['config', '--worktree', 'remote.origin.pushurl', 'contained::origin']);
      git(['config', '--worktree', 'url.contained::.pushInsteadOf', '']);
      git(['config', '--worktree', 'palisade.contained', 'true']);
      git(['config', '--worktree', '--remove-section', 'core']);
      git(['config', '--worktree', '--remove-section', 'remote.origin']);
      git(['config', '--worktree', '--remove-section', 'url.contained::']);
      git(['config', '--worktree', '--remove-section', 'palisade']);
    },
    { time: 2000 },
  );

  // Runs once, in order: all installs, then all uninstalls.
  bench(
    `${WORKTREES} worktrees contained sequentially`,
    async () => {
      for (const wt of pool) await installContainment(wt, { env });
    },
    { iterations: 1, warmupIterations: 0, time: 0 },
  );

  bench(
    `${WORKTREES} worktrees released sequentially`,
    async () => {
      for (const wt of pool) await uninstallContainment(wt, { env });
    },
    { iterations: 1, warmupIterations: 0, time: 0 },
  );
});

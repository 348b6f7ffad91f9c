// Install cost per worktree, measured in process against a real repository
// (targets: install p95 <= 30 ms per worktree; 200 worktrees sequentially in
// <= 5 s).
//
// - first install: every sample contains a FRESH worktree (never contained
//   before) of a repository whose other worktrees are already contained;
// - re-install: the idempotent install of an already contained worktree;
// - the peer: a hand-rolled installer writing the same per-worktree keys with
//   one `git config --worktree` process per key, on fresh worktrees too;
// - 200 worktrees contained one after another, each install timed.
//
// tinybench reports p75/p99 but not p95, so each bench also times its own
// samples and the file writes a percentile summary (with the load average)
// to stdout when it ends. Benchmarks are not tests: figures depend on the
// machine and its load.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { installContainment, uninstallContainment } from '../src/index.ts';
import { makeFixture } from '../test/git-fixture.ts';

const SEQUENTIAL = 200;
const FIRST_SAMPLES = 60;

const fx = makeFixture('bench-repo');
const env = fx.env;
fx.ok(fx.repo, ['config', 'extensions.worktreeConfig', 'true']);
const worktrees = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => fx.addWorktree(`${prefix}-${i}`));
const sequentialPool = worktrees('seq', SEQUENTIAL);
const freshPool = worktrees('fresh', FIRST_SAMPLES);
const peerPool = worktrees('peer', FIRST_SAMPLES);
const single = fx.addWorktree('single');
const contained = fx.addWorktree('contained');
await installContainment(contained, { env }); // so every re-install sample is a re-install
afterAll(() => fx.cleanup());

/**
 * CPU time (ms) used so far by this process and its waited-for children (the
 * git processes): less sensitive to the machine's load than wall time. Linux
 * (/proc/self/stat, clock ticks of 10 ms); elsewhere this process only.
 */
function cpuMs(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime, stime, cutime, cstime are fields 14-17 (indices 11-14 after the command).
    return [11, 12, 13, 14].reduce((t, i) => t + Number(fields[i]), 0) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** Samples (ms) per series, CPU ms in total, and the 1-minute load average when each series started and ended. */
interface Series {
  readonly samples: number[];
  cpu: number;
  loadStart: number;
  loadEnd: number;
}
const series = new Map<string, Series>();
async function timed(name: string, fn: () => unknown): Promise<void> {
  let s = series.get(name);
  if (s === undefined) {
    s = { samples: [], cpu: 0, loadStart: loadavg()[0] ?? 0, loadEnd: 0 };
    series.set(name, s);
  }
  const c0 = cpuMs();
  const t0 = performance.now();
  await fn();
  s.samples.push(performance.now() - t0);
  s.cpu += cpuMs() - c0;
  s.loadEnd = loadavg()[0] ?? 0;
}

/** Nearest-rank percentile. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

afterAll(() => {
  const lines = ['', 'containment install: per-sample percentiles (ms), nearest rank'];
  for (const [name, s] of series) {
    const sorted = [...s.samples].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const f = (x: number): string => x.toFixed(1);
    lines.push(
      `  ${name}: n=${sorted.length} mean=${f(mean)} p50=${f(percentile(sorted, 0.5))} p95=${f(percentile(sorted, 0.95))} p99=${f(percentile(sorted, 0.99))} max=${f(sorted.at(-1) ?? NaN)} total=${f(mean * sorted.length)} cpu/sample=${f(s.cpu / sorted.length)} (load ${s.loadStart.toFixed(2)} -> ${s.loadEnd.toFixed(2)})`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
});

/** Takes the next never-used worktree of a pool; fails the bench rather than measure a re-install. */
function take(pool: string[], what: string): string {
  const wt = pool.shift();
  if (wt === undefined) throw new Error(`the ${what} pool is used up: raise FIRST_SAMPLES`);
  return wt;
}

const peerGit = (cwd: string, args: string[]): void => {
  const r = spawnSync('git', args, { cwd, env });
  if (r.status !== 0) throw new Error(String(r.stderr));
};

// Exactly FIRST_SAMPLES runs, no warm-up (a warm-up run would use up a fresh worktree). The bench
// functions are async functions: tinybench calls any other function once more, to see whether it
// returns a promise.
const onePerWorktree = { iterations: FIRST_SAMPLES, time: 0, warmupIterations: 0, warmupTime: 0 };

describe('containment install', () => {
  bench(
    'idempotent re-install of a contained worktree',
    async () => {
      await timed('re-install', () => installContainment(contained, { env }));
    },
    { time: 3000 },
  );

  bench(
    'first install of a fresh worktree (other worktrees already contained)',
    async () => {
      const wt = take(freshPool, 'fresh worktree');
      await timed('first install', () => installContainment(wt, { env }));
    },
    onePerWorktree,
  );

  bench(
    'peer: first install by hand, one git config --worktree process per key, of a fresh worktree',
    async () => {
      const wt = take(peerPool, 'peer worktree');
      await timed('peer first install', () => {
        peerGit(wt, ['config', '--worktree', 'core.hooksPath', '/x/hooks']);
        peerGit(wt, ['config', '--worktree', 'remote.origin.pushurl', 'contained::origin']);
        peerGit(wt, ['config', '--worktree', 'url.contained::.pushInsteadOf', '']);
        peerGit(wt, ['config', '--worktree', 'palisade.contained', 'true']);
      });
    },
    onePerWorktree,
  );

  bench(
    'install + uninstall one worktree (round trip)',
    async () => {
      await timed('round trip', async () => {
        await installContainment(single, { env });
        await uninstallContainment(single, { env });
      });
    },
    { time: 3000 },
  );

  // Runs once, in order: all installs, then all uninstalls.
  bench(
    '200 worktrees contained sequentially',
    async () => {
      for (const wt of sequentialPool)
        await timed('200 sequential, each install', () => installContainment(wt, { env }));
    },
    { iterations: 1, warmupIterations: 0, warmupTime: 0, time: 0 },
  );

  bench(
    '200 worktrees released sequentially',
    async () => {
      for (const wt of sequentialPool)
        await timed('200 sequential, each uninstall', () => uninstallContainment(wt, { env }));
    },
    { iterations: 1, warmupIterations: 0, warmupTime: 0, time: 0 },
  );
});

import { appendFileSync, chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installContainment } from '../src/install.ts';
import { verifyContainment } from '../src/verify.ts';
import { type Fixture, makeFixture } from './git-fixture.ts';

// Real git under a loaded 2-core machine: generous per-test time limits (no timed assertions).
vi.setConfig({ testTimeout: 300_000 });

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

async function contained(): Promise<{ fx: Fixture; wt: string }> {
  f = makeFixture();
  const wt = f.addWorktree('agent');
  await installContainment(wt, { env: f.env });
  return { fx: f, wt };
}

describe('verifyContainment', () => {
  it('raises zero alerts on ordinary agent work: commits, branches, fetch, new remotes and new worktrees', async () => {
    const { fx, wt } = await contained();
    writeFileSync(join(wt, 'x.txt'), 'x\n');
    fx.ok(wt, ['add', 'x.txt']);
    fx.ok(wt, ['commit', '-q', '-m', 'work']);
    fx.ok(wt, ['branch', 'feature']);
    fx.ok(wt, ['checkout', '-q', '-b', 'topic']);
    fx.ok(wt, ['fetch', '-q', 'origin']);
    fx.ok(wt, ['remote', 'add', 'upstream', fx.remote]);
    fx.ok(wt, ['worktree', 'add', '-q', '-b', 'sub', join(fx.root, 'agent-sub')]);
    fx.ok(wt, ['stash', 'list']);
    const report = await verifyContainment(fx.repo, { env: fx.env });
    expect(report.alerts).toEqual([]);
    expect(report.ok).toBe(true);
    // The worktree the agent made from its contained worktree inherited containment.
    expect(report.contained).toContain(join(fx.root, 'agent-sub'));
  });

  const tampers: ReadonlyArray<{
    name: string;
    layer: string;
    run: (fx: Fixture, wt: string) => void;
  }> = [
    {
      name: 'unset core.hooksPath in the worktree config',
      layer: 'hooks-path',
      run: (fx, wt) => fx.ok(wt, ['config', '--worktree', '--unset', 'core.hooksPath']),
    },
    {
      name: 'point core.hooksPath elsewhere',
      layer: 'hooks-path',
      run: (fx, wt) => fx.ok(wt, ['config', '--worktree', 'core.hooksPath', '/dev/null']),
    },
    {
      name: 'remove the per-worktree push URL',
      layer: 'push-urls',
      run: (fx, wt) => fx.ok(wt, ['config', '--worktree', '--unset-all', 'remote.origin.pushurl']),
    },
    {
      name: 'add a real push URL in the shared config',
      layer: 'push-urls',
      run: (fx, wt) =>
        fx.ok(wt, ['config', '--local', '--add', 'remote.origin.pushurl', fx.remote]),
    },
    {
      name: 'rewrite contained:: back with insteadOf',
      layer: 'push-urls',
      run: (fx, wt) =>
        fx.ok(wt, ['config', '--local', `url.${fx.remote}.insteadOf`, 'contained::origin']),
    },
    {
      name: 'a longer pushInsteadOf that beats the catch-all',
      layer: 'url-rewrite',
      run: (fx, wt) =>
        fx.ok(wt, [
          'config',
          '--local',
          'url.https://github.com/.pushInsteadOf',
          'https://github.com/',
        ]),
    },
    {
      name: 'remove the catch-all pushInsteadOf',
      layer: 'url-rewrite',
      run: (fx, wt) =>
        fx.ok(wt, ['config', '--worktree', '--unset-all', 'url.contained::.pushInsteadOf']),
    },
    {
      name: 'turn off extensions.worktreeConfig',
      layer: 'hooks-path',
      run: (fx, wt) => fx.ok(wt, ['config', '--local', 'extensions.worktreeConfig', 'false']),
    },
    {
      name: 'delete the per-worktree config file',
      layer: 'worktree-config',
      run: (fx) => rmSync(join(fx.repo, '.git', 'worktrees', 'agent', 'config.worktree')),
    },
    {
      name: 'empty the containment pre-push hook',
      layer: 'hook-files',
      run: (fx) =>
        writeFileSync(
          join(fx.repo, '.git', 'palisade', 'hooks', 'pre-push'),
          '#!/bin/sh\nexit 0\n',
        ),
    },
    {
      name: 'make the pre-push hook non-executable',
      layer: 'hook-files',
      run: (fx) => chmodSync(join(fx.repo, '.git', 'palisade', 'hooks', 'pre-push'), 0o644),
    },
    {
      name: 'replace the remote helper',
      layer: 'remote-helper',
      run: (fx) =>
        appendFileSync(
          join(fx.repo, '.git', 'palisade', 'bin', 'git-remote-contained'),
          'exit 0\n',
        ),
    },
    {
      name: 'empty the list of contained worktrees the shared pre-push reads',
      layer: 'common-pre-push',
      run: (fx) => writeFileSync(join(fx.repo, '.git', 'palisade', 'contained-worktrees'), ''),
    },
    {
      name: 'overwrite the shared pre-push',
      layer: 'common-pre-push',
      run: (fx) => writeFileSync(join(fx.repo, '.git', 'hooks', 'pre-push'), '#!/bin/sh\nexit 0\n'),
    },
    {
      name: 'a global pushInsteadOf for the real remote',
      layer: 'push-urls',
      run: (fx) =>
        appendFileSync(
          fx.env.GIT_CONFIG_GLOBAL ?? '',
          `[url "${fx.remote}"]\n\tinsteadOf = contained::origin\n`,
        ),
    },
  ];

  it('detects tampering with every layer: hooksPath, push URLs, URL rewrites, worktreeConfig, the config file, hook files and modes, the remote helper and the shared pre-push', async () => {
    const missed: string[] = [];
    for (const t of tampers) {
      const { fx, wt } = await contained();
      try {
        expect((await verifyContainment(fx.repo, { env: fx.env })).ok, t.name).toBe(true);
        t.run(fx, wt);
        const report = await verifyContainment(fx.repo, { env: fx.env });
        if (report.ok || !report.alerts.map((a) => a.layer).includes(t.layer as never))
          missed.push(t.name);
      } finally {
        fx.cleanup();
        f = undefined;
      }
    }
    expect(missed).toEqual([]);
  }, 240_000);
});

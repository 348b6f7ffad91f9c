import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installContainment, uninstallContainment } from '../src/install.ts';
import { promote } from '../src/promote.ts';
import { verifyContainment } from '../src/verify.ts';
import {
  type Fixture,
  makeFixture,
  remoteRef,
  snapshotGitState,
  writeHook,
} from './git-fixture.ts';

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

describe('includeIf fallback (no extensions.worktreeConfig)', () => {
  it('the includeIf gitdir: fallback contains a worktree without extensions.worktreeConfig, keeps husky-style shared hooks chained, and uninstalls byte for byte', async () => {
    f = makeFixture('repo with space');
    const fx = f;
    const wt = fx.addWorktree('agent one', 'agent');
    const other = fx.addWorktree('other');
    const common = join(fx.repo, '.git');
    // A husky-style shared core.hooksPath whose pre-commit must keep running.
    const shared = join(fx.root, 'shared hooks');
    mkdirSync(shared);
    writeHook(
      join(shared, 'pre-commit'),
      `echo shared-pre-commit >> ${JSON.stringify(join(fx.root, 'log'))}`,
    );
    fx.ok(fx.repo, ['config', 'core.hooksPath', shared]);
    const before = snapshotGitState(common);
    const report = await installContainment(wt, { env: fx.env, strategy: 'include-if' });
    expect(report.remotes).toEqual(['origin']);
    expect(fx.git(wt, ['config', '--get', 'extensions.worktreeConfig']).status).toBe(1);
    expect(fx.ok(wt, ['rev-parse', '--git-path', 'hooks']).trim()).toBe(
      join(common, 'palisade', 'hooks'),
    );
    // Refused at the push URL, and at the hook when the URL layer is bypassed.
    expect(fx.git(wt, ['push', '--no-verify', 'origin', 'HEAD:refs/heads/a']).status).not.toBe(0);
    const hook = fx.git(wt, [
      '-c',
      `url.${fx.remote}.pushInsteadOf=${fx.remote}`,
      'push',
      fx.remote,
      'HEAD:refs/heads/b',
    ]);
    expect(hook.stderr).toContain('palisade: push refused');
    expect(remoteRef(fx, 'refs/heads/a')).toBeNull();
    expect(remoteRef(fx, 'refs/heads/b')).toBeNull();
    fx.ok(wt, ['commit', '-q', '--allow-empty', '-m', 'agent commit']);
    expect(readFileSync(join(fx.root, 'log'), 'utf8')).toBe('shared-pre-commit\n');
    // The other worktree is not affected.
    expect(fx.git(other, ['push', 'origin', 'HEAD:refs/heads/other']).status).toBe(0);
    const v = await verifyContainment(fx.repo, { env: fx.env });
    expect(v.alerts).toEqual([]);
    expect(v.contained).toEqual([wt]);
    // Idempotent.
    const once = snapshotGitState(common);
    expect((await installContainment(wt, { env: fx.env, strategy: 'include-if' })).changed).toBe(
      false,
    );
    expect(snapshotGitState(common)).toEqual(once);
    await uninstallContainment(wt, { env: fx.env });
    // Refs and COMMIT_EDITMSG moved (the agent's commit, the human's push); every other byte is back.
    const noRefs = (snap: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(snap).filter(
          ([k]) => !k.startsWith('refs/') && !k.endsWith('COMMIT_EDITMSG'),
        ),
      );
    expect(noRefs(snapshotGitState(common))).toEqual(noRefs(before));
  });

  it('promotion works with the includeIf fallback and runs the repository pre-push, not the containment one', async () => {
    f = makeFixture();
    const fx = f;
    const wt = fx.addWorktree('agent');
    const log = join(fx.root, 'pp.log');
    writeHook(
      join(fx.repo, '.git', 'hooks', 'pre-push'),
      `echo repo-pre-push >> ${JSON.stringify(log)}`,
    );
    await installContainment(wt, { env: fx.env, strategy: 'include-if' });
    fx.ok(wt, ['commit', '-q', '--allow-empty', '-m', 'agent work']);
    expect(fx.git(wt, ['push', 'origin', 'agent']).status).not.toBe(0);
    const record = await promote({
      worktree: wt,
      remote: 'origin',
      branch: 'feature',
      env: fx.env,
      confirm: () => true,
    });
    expect(remoteRef(fx, 'refs/heads/feature')).toBe(record.sha);
    expect(readFileSync(log, 'utf8')).toBe('repo-pre-push\n');
    expect(record.containmentVerified).toBe(true);
  });
});

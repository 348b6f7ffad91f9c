import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { installContainment } from '../src/install.ts';
import { type Fixture, makeFixture, remoteRef, writeHook } from './git-fixture.ts';

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

describe('installContainment', () => {
  it('a contained linked worktree cannot git push, and fetch still works', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    const report = await installContainment(wt, { env: f.env });
    expect(report.remotes).toEqual(['origin']);
    f.ok(wt, ['commit', '-q', '--allow-empty', '-m', 'agent work']);
    const push = f.git(wt, ['push', 'origin', 'agent']);
    expect(push.status).not.toBe(0);
    // Without the helper on PATH git itself refuses the unknown contained:: transport.
    expect(push.stderr).toContain('remote-contained');
    expect(remoteRef(f, 'refs/heads/agent')).toBeNull();
    expect(f.git(wt, ['fetch', 'origin']).status).toBe(0);
  });

  it('git push --no-verify from a contained worktree is refused by the push-URL layer', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    const push = f.git(wt, ['push', '--no-verify', 'origin', 'HEAD:refs/heads/x'], {
      PATH: `${join(f.repo, '.git', 'palisade', 'bin')}:${f.env.PATH}`,
    });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain("palisade: push to 'origin' refused");
    expect(remoteRef(f, 'refs/heads/x')).toBeNull();
  });

  it('the contained pre-push hook refuses a push that slips past the push-URL layer', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    const push = f.git(wt, [
      '-c',
      `url.${f.remote}.pushInsteadOf=${f.remote}`,
      'push',
      f.remote,
      'HEAD:refs/heads/y',
    ]);
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain('palisade: push refused: this worktree is contained');
    expect(remoteRef(f, 'refs/heads/y')).toBeNull();
  });

  it('the main worktree stays able to push when only a linked worktree is contained', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    writeHook(join(f.repo, '.git', 'hooks', 'pre-push'), 'echo original-pre-push-ran >&2; exit 0');
    await installContainment(wt, { env: f.env });
    f.ok(f.repo, ['commit', '-q', '--allow-empty', '-m', 'human work']);
    const push = f.git(f.repo, ['push', 'origin', 'main']);
    expect(push.status).toBe(0);
    expect(push.stderr).toContain('original-pre-push-ran');
  });

  it('with only a linked worktree contained, a push from inside it through the main git dir (--git-dir) is refused by the shared pre-push', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    const push = f.git(wt, ['--git-dir', join(f.repo, '.git'), 'push', 'origin', 'agent']);
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain('palisade: push refused');
    expect(remoteRef(f, 'refs/heads/agent')).toBeNull();
  });

  it('a re-install in the same process repairs tampered hook files, even a same-size edit with its mtime put back', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    // Let the files settle (the install remembers files it verified whose last change
    // is over a second old), then verify them once more so they are remembered.
    await sleep(1100);
    await installContainment(wt, { env: f.env });
    const hooks = join(f.repo, '.git', 'palisade', 'hooks');
    const prePush = join(hooks, 'pre-push');
    const helper = join(f.repo, '.git', 'palisade', 'bin', 'git-remote-contained');
    const original = readFileSync(prePush);
    const { mtimeNs } = statSync(prePush, { bigint: true });
    const disarmed = Buffer.from(`#!/bin/sh\nexit 0\n#`.padEnd(original.length, ' '));
    expect(disarmed.length).toBe(original.length);
    writeFileSync(prePush, disarmed); // in place: same inode, same size
    // Put the mtime back to the nanosecond (GNU touch); only the ctime shows the edit.
    const ns = String(mtimeNs % 1_000_000_000n).padStart(9, '0');
    spawnSync('touch', ['-m', '-d', `@${mtimeNs / 1_000_000_000n}.${ns}`, prePush]);
    expect(statSync(prePush, { bigint: true }).mtimeNs).toBe(mtimeNs);
    chmodSync(helper, 0o644);
    const push = () =>
      f?.git(wt, [
        '-c',
        `url.${f.remote}.pushInsteadOf=${f.remote}`,
        'push',
        f.remote,
        'HEAD:refs/heads/z',
      ]);
    expect(push()?.status).toBe(0); // the tampering works: the hook no longer refuses

    const report = await installContainment(wt, { env: f.env });
    expect(report.changed).toBe(false); // the config was intact; only files were repaired
    expect(readFileSync(prePush).equals(original)).toBe(true);
    expect(statSync(prePush).mode & 0o7777).toBe(0o755);
    expect(statSync(helper).mode & 0o7777).toBe(0o755);
    f.ok(wt, ['commit', '-q', '--allow-empty', '-m', 'more']);
    expect(push()?.status).not.toBe(0);
  });
});

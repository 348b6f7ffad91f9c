import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainmentError } from '../src/errors.ts';
import { installContainment } from '../src/install.ts';
import { type PromotionPlan, promote } from '../src/promote.ts';
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

async function agentWorktree(
  prePush?: (fx: Fixture) => string,
): Promise<{ fx: Fixture; wt: string }> {
  f = makeFixture();
  const wt = f.addWorktree('agent');
  if (prePush !== undefined) writeHook(join(f.repo, '.git', 'hooks', 'pre-push'), prePush(f));
  await installContainment(wt, { env: f.env });
  writeFileSync(join(wt, 'feature.txt'), 'feature\n');
  f.ok(wt, ['add', 'feature.txt']);
  f.ok(wt, ['commit', '-q', '-m', 'add feature']);
  return { fx: f, wt };
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return ContainmentError.isInstance(e) ? e.code : String(e);
  }
};

describe('promote', () => {
  it('publishes exactly the pinned SHA once, with the repository pre-push hook running, and returns an audit record', async () => {
    const { fx, wt } = await agentWorktree(
      (x) =>
        `echo "pre-push $1" >> ${JSON.stringify(join(x.root, 'pre-push.log'))}; cat >/dev/null; exit 0`,
    );
    const log = join(fx.root, 'pre-push.log');
    const pinned = fx.ok(wt, ['rev-parse', 'HEAD']).trim();
    let seen: PromotionPlan | undefined;
    const record = await promote({
      worktree: wt,
      remote: 'origin',
      branch: 'feature',
      env: fx.env,
      confirm: (plan) => {
        seen = plan;
        // The agent keeps working while the human reads the plan: not published.
        writeFileSync(join(wt, 'late.txt'), 'late\n');
        fx.ok(wt, ['add', 'late.txt']);
        fx.ok(wt, ['commit', '-q', '-m', 'agent commit after pinning']);
        return true;
      },
    });
    expect(seen?.sha).toBe(pinned);
    expect(seen?.commits.map((c) => c.subject)).toEqual(['add feature']);
    expect(seen?.files).toEqual([{ status: 'A', path: 'feature.txt' }]);
    expect(remoteRef(fx, 'refs/heads/feature')).toBe(pinned);
    expect(fx.ok(wt, ['rev-parse', 'HEAD']).trim()).not.toBe(pinned);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(record.sha).toBe(pinned);
    expect(record.remoteRefVerified).toBe(true);
    expect(record.containmentVerified).toBe(true);
    expect(record.action).toBe('git.promote');
    // Containment still holds for the agent afterwards.
    expect(
      fx.git(wt, ['push', '--no-verify', 'origin', 'HEAD:refs/heads/feature2']).status,
    ).not.toBe(0);
    expect(remoteRef(fx, 'refs/heads/feature2')).toBeNull();
  });

  it('refuses without an explicit confirmation, and when the host says no: nothing is pushed', async () => {
    const { fx, wt } = await agentWorktree();
    expect(
      await codeOf(promote({ worktree: wt, remote: 'origin', branch: 'x', env: fx.env } as never)),
    ).toBe('ERR_CONTAINMENT_PROMOTION_REFUSED');
    expect(
      await codeOf(
        promote({ worktree: wt, remote: 'origin', branch: 'x', env: fx.env, confirm: () => false }),
      ),
    ).toBe('ERR_CONTAINMENT_PROMOTION_REFUSED');
    expect(
      await codeOf(
        promote({
          worktree: wt,
          remote: 'origin',
          branch: 'x',
          env: fx.env,
          confirm: () => 'yes' as never,
        }),
      ),
    ).toBe('ERR_CONTAINMENT_PROMOTION_REFUSED');
    expect(
      await codeOf(
        promote({
          worktree: wt,
          remote: 'origin',
          branch: 'x',
          env: fx.env,
          confirm: () => {
            throw new Error('host crashed');
          },
        }),
      ),
    ).toBe('ERR_CONTAINMENT_PROMOTION_REFUSED');
    expect(remoteRef(fx, 'refs/heads/x')).toBeNull();
  });

  it('a failing repository pre-push hook stops the promotion (it is never bypassed with --no-verify)', async () => {
    const { fx, wt } = await agentWorktree(() => 'echo "repo policy says no" >&2; exit 1');
    expect(
      await codeOf(
        promote({
          worktree: wt,
          remote: 'origin',
          branch: 'feature',
          env: fx.env,
          confirm: () => true,
        }),
      ),
    ).toBe('ERR_CONTAINMENT_PROMOTION_FAILED');
    expect(remoteRef(fx, 'refs/heads/feature')).toBeNull();
  });

  it('the plan carries a secret scan of the diff (rule id, file, line; never the secret itself)', async () => {
    const { fx, wt } = await agentWorktree();
    const secret = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'.slice(0, 36)}`;
    writeFileSync(join(wt, 'config.env'), `NAME=demo\nGITHUB_TOKEN=${secret}\n`);
    fx.ok(wt, ['add', 'config.env']);
    fx.ok(wt, ['commit', '-q', '-m', 'oops']);
    let plan: PromotionPlan | undefined;
    expect(
      await codeOf(
        promote({
          worktree: wt,
          remote: 'origin',
          branch: 'feature',
          env: fx.env,
          confirm: (p) => {
            plan = p;
            return false;
          },
        }),
      ),
    ).toBe('ERR_CONTAINMENT_PROMOTION_REFUSED');
    const hit = plan?.findings.find((x) => x.file === 'config.env');
    expect(hit?.line).toBe(2);
    expect(JSON.stringify(plan)).not.toContain(secret);
  });

  it('promotion changes no containment file: config, config.worktree, hooks and the containment dir are byte-identical before and after', async () => {
    const { fx, wt } = await agentWorktree();
    const before = snapshotGitState(join(fx.repo, '.git'));
    await promote({
      worktree: wt,
      remote: 'origin',
      branch: 'feature',
      env: fx.env,
      confirm: () => true,
    });
    const after = snapshotGitState(join(fx.repo, '.git'));
    for (const [k, v] of Object.entries(before)) {
      if (
        k.startsWith('palisade/') ||
        k === 'config' ||
        k.endsWith('config.worktree') ||
        k.startsWith('hooks/')
      )
        expect(after[k], k).toBe(v);
    }
    expect((await verifyContainment(fx.repo, { env: fx.env })).ok).toBe(true);
  });

  it('rejects bad branch names and unknown remotes with typed errors', async () => {
    const { fx, wt } = await agentWorktree();
    expect(
      await codeOf(
        promote({
          worktree: wt,
          remote: 'origin',
          branch: 'bad..name',
          env: fx.env,
          confirm: () => true,
        }),
      ),
    ).toBe('ERR_CONTAINMENT_INVALID_ARGUMENT');
    expect(
      await codeOf(
        promote({ worktree: wt, remote: 'nope', branch: 'ok', env: fx.env, confirm: () => true }),
      ),
    ).toBe('ERR_CONTAINMENT_INVALID_ARGUMENT');
    expect(
      await codeOf(
        promote({
          worktree: wt,
          remote: '--upload-pack=x',
          branch: 'ok',
          env: fx.env,
          confirm: () => true,
        }),
      ),
    ).toBe('ERR_CONTAINMENT_INVALID_ARGUMENT');
  });

  it('in a husky repository (shared core.hooksPath), promotion runs the repository pre-push from that hooks path', async () => {
    f = makeFixture();
    const fx = f;
    const wt = fx.addWorktree('agent');
    const husky = join(wt, '.husky', '_');
    mkdirSync(husky, { recursive: true });
    const log = join(fx.root, 'husky.log');
    writeHook(join(husky, 'pre-push'), `echo "husky pre-push" >> ${JSON.stringify(log)}; exit 0`);
    fx.ok(fx.repo, ['config', 'core.hooksPath', '.husky/_']);
    await installContainment(wt, { env: fx.env });
    fx.ok(wt, ['commit', '-q', '--allow-empty', '-m', 'agent work']);
    const record = await promote({
      worktree: wt,
      remote: 'origin',
      branch: 'feature',
      env: fx.env,
      confirm: () => true,
    });
    expect(readFileSync(log, 'utf8')).toBe('husky pre-push\n');
    expect(remoteRef(fx, 'refs/heads/feature')).toBe(record.sha);
  });
});

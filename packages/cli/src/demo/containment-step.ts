import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installContainment, promote, verifyContainment } from '@palisade/containment';
import type { DemoStep } from './step.ts';

/**
 * The containment step of `palisade demo`: a real repository, a bare remote
 * and a linked worktree for the agent; containment installed; the agent's
 * `git push` and `git push --no-verify` refused (exit codes observed, remote
 * unchanged); then the human's promotion publishes exactly the pinned SHA
 * (remote ref read back), while a commit the agent made meanwhile stays
 * unpublished. `ok` only when every one of these was observed.
 */
export const containmentStep: DemoStep = {
  id: 'containment',
  title: 'Agent worktrees never push; the human promotes one pinned commit',
  pkg: '@palisade/containment',
  docs: 'packages/containment/README.md',
  async run(ctx) {
    const facts: string[] = [];
    let ok = true;
    const home = join(ctx.dir, 'home');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Demo\n\temail = demo@example.com\n');
    // A pinned git environment: the demo never reads or changes your own git config.
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      LANG: 'C',
    };
    const git = (cwd: string, args: string[], extra: Record<string, string> = {}) =>
      spawnSync('git', args, { cwd, env: { ...env, ...extra }, encoding: 'utf8' });
    const exitOf = (r: ReturnType<typeof git>): string =>
      r.status === null ? `signal ${String(r.signal)}` : String(r.status);
    const must = (cwd: string, args: string[]): string => {
      const r = git(cwd, args);
      if (r.status !== 0) throw new Error(`git ${args[0] ?? ''} failed: ${r.stderr.trim()}`);
      return r.stdout.trim();
    };
    const remoteRef = (ref: string): string | null => {
      const r = git(remote, ['rev-parse', '-q', '--verify', ref]);
      return r.status === 0 ? r.stdout.trim() : null;
    };

    // 1. A repository, a bare remote and a linked worktree for the agent.
    const remote = join(ctx.dir, 'remote.git');
    const repo = join(ctx.dir, 'repo');
    const wt = join(ctx.dir, 'agent-worktree');
    must(ctx.dir, ['init', '-q', '--bare', '-b', 'main', remote]);
    must(ctx.dir, ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'README.md'), 'demo\n');
    must(repo, ['add', 'README.md']);
    must(repo, ['commit', '-q', '-m', 'initial']);
    must(repo, ['remote', 'add', 'origin', remote]);
    must(repo, ['push', '-q', 'origin', 'main']);
    must(repo, ['worktree', 'add', '-q', '-b', 'agent', wt]);
    ctx.say('made a repository, a bare remote and a linked worktree for the agent');

    // 2. Contain the agent's worktree.
    const report = await installContainment(wt, { env });
    facts.push(
      `containment installed in the agent worktree (push URLs: ${report.remotes.join(', ')} -> contained::)`,
    );
    ctx.say(`installed containment: hooks in ${report.hooksDir}`);

    // 3. The agent commits and tries to publish: refused, twice.
    writeFileSync(join(wt, 'feature.txt'), 'agent work\n');
    must(wt, ['add', 'feature.txt']);
    must(wt, ['commit', '-q', '-m', 'agent: add feature']);
    const pinned = must(wt, ['rev-parse', 'HEAD']);
    // The agent's PATH has the containment bin dir (as the shim sets it), so the remote helper says why.
    const agentPath = { PATH: `${join(repo, '.git', 'palisade', 'bin')}:${env['PATH'] ?? ''}` };
    const push = git(wt, ['push', 'origin', 'agent'], agentPath);
    const noVerify = git(wt, ['push', '--no-verify', 'origin', 'agent'], agentPath);
    const refused =
      push.status !== 0 && noVerify.status !== 0 && remoteRef('refs/heads/agent') === null;
    ok &&= refused;
    ctx.say(
      `agent: git push -> exit ${exitOf(push)}; git push --no-verify -> exit ${exitOf(noVerify)}`,
    );
    const why = (push.stderr.split('\n').find((l) => l.startsWith('palisade:')) ?? '').trim();
    if (why !== '') ctx.say(why);
    facts.push(
      `the agent's git push exited ${exitOf(push)} and git push --no-verify exited ${exitOf(noVerify)}; the remote has no agent branch`,
    );

    // 4. The human promotes: the plan is shown, the SHA pinned; the agent's later commit stays local.
    let shown = 0;
    const record = await promote({
      worktree: wt,
      remote: 'origin',
      branch: 'feature',
      env,
      confirm: (plan) => {
        shown = plan.commits.length;
        ctx.say(
          `human sees ${plan.commits.length} commit(s), ${plan.files.length} file(s), ${plan.findings.length} secret finding(s); confirms`,
        );
        writeFileSync(join(wt, 'late.txt'), 'after pinning\n');
        must(wt, ['add', 'late.txt']);
        must(wt, ['commit', '-q', '-m', 'agent: commit made while the human reads']);
        return true;
      },
    });
    const published = remoteRef('refs/heads/feature');
    const head = must(wt, ['rev-parse', 'HEAD']);
    const exact = published === pinned && record.sha === pinned && head !== pinned && shown === 1;
    ok &&= exact;
    facts.push(
      `promotion published exactly the pinned ${pinned.slice(0, 12)} (remote ref read back); the agent's later commit ${head.slice(0, 12)} was not published`,
    );
    ctx.say(`remote feature = ${String(published).slice(0, 12)} (pinned ${pinned.slice(0, 12)})`);

    // 5. Containment still holds afterwards.
    const after = await verifyContainment(repo, { env });
    const again = git(wt, ['push', '--no-verify', 'origin', 'HEAD:refs/heads/feature'], agentPath);
    const holds = after.ok && again.status !== 0 && remoteRef('refs/heads/feature') === pinned;
    ok &&= holds;
    facts.push(
      `after promotion containment verified with ${after.alerts.length} alert(s) and the agent's next push exited ${exitOf(again)}`,
    );
    return { ok, facts };
  },
};

// The push-route matrix: every way of publishing from a contained worktree we
// know of, the layer expected to stop it in each tier, and the routes that
// only the sandbox tier stops, shown publishing when only the in-repo layers
// are present (an honest limit, tested as such).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { scrubAgentEnv, writeGitShim } from '../src/agent-env.ts';
import { installContainment, listWorktrees } from '../src/install.ts';
import { detectSandbox, runSandboxed } from '../src/sandbox.ts';
import { type Fixture, makeFixture } from './git-fixture.ts';

// Real git under a loaded 2-core machine: generous per-test time limits (no timed assertions).
vi.setConfig({ testTimeout: 300_000 });

/** Which layer stops a route: in-repo layers, the shim, or only the sandbox. */
type Stop = 'push-url' | 'hook' | 'shim' | 'sandbox';

interface Route {
  readonly name: string;
  /** A sh script run in the contained worktree; $REMOTE is the bare remote, $MAIN the main worktree, $COMMON the git dir. */
  readonly sh: string;
  /** The layer that stops it with in-repo containment only (git invoked directly). */
  readonly inRepo: Stop;
  /** The layer that stops it when the agent's PATH has the shim. */
  readonly withShim: Stop;
}

const ROUTES: readonly Route[] = [
  { name: 'git push', sh: 'git push', inRepo: 'push-url', withShim: 'shim' },
  {
    name: 'git push origin agent',
    sh: 'git push origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git push --no-verify',
    sh: 'git push --no-verify origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git push --no-veri (abbreviation)',
    sh: 'git push --no-veri origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git push --force',
    sh: 'git push --force origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git -c core.hooksPath=/dev/null push',
    sh: 'git -c core.hooksPath=/dev/null push origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'explicit path URL',
    sh: 'git push "$REMOTE" agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'explicit file:// URL',
    sh: 'git push "file://$REMOTE" agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git push --repo=<path>',
    sh: 'git push --repo="$REMOTE" agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'new remote',
    sh: 'git remote add evil "$REMOTE" && git push evil agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'new remote --no-verify',
    sh: 'git remote add evil "$REMOTE" && git push --no-verify evil agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'GIT_CONFIG_COUNT hooksPath override',
    sh: 'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/dev/null git push origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'GIT_CONFIG_COUNT pushurl added, --no-verify',
    sh: 'GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.pushurl GIT_CONFIG_VALUE_0="$REMOTE" git push --no-verify origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'GIT_CONFIG_PARAMETERS pushurl added, --no-verify',
    sh: "GIT_CONFIG_PARAMETERS=\"'remote.origin.pushurl'='$REMOTE'\" git push --no-verify origin agent",
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'command-line alias',
    sh: 'git -c alias.p=push p origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'persistent alias with --no-verify',
    sh: 'git config alias.pp "push --no-verify" && git pp origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'shell alias',
    sh: 'git config alias.sp "!git push origin agent" && git sp',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git push --mirror',
    sh: 'git push --mirror origin',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  { name: 'git push --all', sh: 'git push --all origin', inRepo: 'push-url', withShim: 'shim' },
  {
    name: 'git push --tags',
    sh: 'git tag v9 && git push --tags origin',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'several refspecs',
    sh: 'git push origin HEAD:refs/heads/x +agent:refs/heads/agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git -c remote.origin.pushurl=<path> push --no-verify',
    sh: 'git -c remote.origin.pushurl="$REMOTE" push --no-verify origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'git -c url.<path>.pushInsteadOf=<path> push <path>',
    sh: 'git -c url."$REMOTE".pushInsteadOf="$REMOTE" push "$REMOTE" agent',
    inRepo: 'hook',
    withShim: 'shim',
  },
  {
    name: 'a new worktree made by the agent',
    sh: 'git worktree add -q ../agent-new -b agent-new && cd ../agent-new && git push --no-verify origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'push from the main worktree (-C)',
    sh: 'git -C "$MAIN" push --no-verify origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'push with --git-dir of the common dir',
    sh: 'git --git-dir="$COMMON" push --no-verify origin agent',
    inRepo: 'push-url',
    withShim: 'shim',
  },
  {
    name: 'strip the worktree layers, then push',
    sh: 'git config --worktree --unset core.hooksPath; git config --worktree --unset-all remote.origin.pushurl; git config --worktree --unset-all url.contained::.pushInsteadOf; git push origin agent',
    inRepo: 'hook',
    withShim: 'shim',
  },
  {
    name: 'git remote set-url --push (shared config), then push',
    sh: 'git remote set-url --push origin "$REMOTE"; git push origin agent',
    inRepo: 'hook',
    withShim: 'shim',
  },
  // Routes that pass every in-repo layer: only the shim (git by name) or the sandbox stops them.
  {
    name: 'git remote set-url --push (shared config), then push --no-verify',
    sh: 'git remote set-url --push origin "$REMOTE"; git push --no-verify origin agent',
    inRepo: 'shim',
    withShim: 'shim',
  },
  {
    name: 'explicit URL with its own pushInsteadOf and --no-verify',
    sh: 'git -c url."$REMOTE".pushInsteadOf="$REMOTE" push --no-verify "$REMOTE" agent',
    inRepo: 'shim',
    withShim: 'shim',
  },
  { name: 'git send-pack', sh: 'git send-pack "$REMOTE" agent', inRepo: 'shim', withShim: 'shim' },
  {
    name: 'strip every layer with --no-verify',
    sh: 'git config --worktree --unset core.hooksPath; git config --worktree --unset-all remote.origin.pushurl; git config --worktree --unset-all url.contained::.pushInsteadOf; git push --no-verify origin agent',
    inRepo: 'shim',
    withShim: 'shim',
  },
  {
    name: 'clone the repository elsewhere and push from the clone',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a sh parameter expansion, not a template
    sh: 'git clone -q "$COMMON" "${TMPDIR:-/tmp}/palisade-route-clone-$$" && cd "${TMPDIR:-/tmp}/palisade-route-clone-$$" && git push "$REMOTE" origin/agent:refs/heads/agent; rc=$?; cd / && rm -rf "${TMPDIR:-/tmp}/palisade-route-clone-$$"; exit $rc',
    inRepo: 'shim',
    withShim: 'shim',
  },
  // Only the sandbox stops these: git's own programs by absolute path, out-of-band writes, and
  // git run inside a local-path remote (a different repository: no in-repo layer applies).
  {
    name: 'fetch into the local bare remote from inside it',
    sh: 'git -C "$REMOTE" fetch -q "$COMMON" agent:refs/heads/agent',
    inRepo: 'sandbox',
    withShim: 'sandbox',
  },
  {
    name: '"$(git --exec-path)/git-send-pack"',
    sh: '"$(git --exec-path)/git-send-pack" "$REMOTE" agent',
    inRepo: 'sandbox',
    withShim: 'sandbox',
  },
  {
    name: 'the real git by absolute path',
    sh: '"$REALGIT" -c url."$REMOTE".pushInsteadOf="$REMOTE" push --no-verify "$REMOTE" agent',
    inRepo: 'sandbox',
    withShim: 'sandbox',
  },
  {
    name: 'out-of-band write into the remote',
    sh: 'cp -R "$COMMON/objects/." "$REMOTE/objects/" && git rev-parse agent > "$REMOTE/refs/heads/agent"',
    inRepo: 'sandbox',
    withShim: 'sandbox',
  },
];

interface Outcome {
  readonly exit: number;
  readonly stderr: string;
  readonly published: boolean;
}

const REAL_GIT = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();

/** A repository with all worktrees contained and one new commit on `agent` in a linked worktree. */
async function build(): Promise<{ fx: Fixture; wt: string }> {
  const fx = makeFixture();
  const wt = fx.addWorktree('agent');
  writeFileSync(join(wt, 'agent.txt'), 'agent work\n');
  fx.ok(wt, ['add', 'agent.txt']);
  fx.ok(wt, ['commit', '-q', '-m', 'agent work']);
  for (const w of await listWorktrees(fx.repo, { env: fx.env }))
    await installContainment(w.path, { env: fx.env });
  return { fx, wt };
}

function vars(fx: Fixture): Record<string, string> {
  return { REMOTE: fx.remote, MAIN: fx.repo, COMMON: join(fx.repo, '.git'), REALGIT: REAL_GIT };
}

function published(fx: Fixture): boolean {
  const r = fx.git(fx.remote, ['for-each-ref', '--format=%(refname)', 'refs/heads/', 'refs/tags/']);
  return r.stdout.split('\n').some((l) => l !== '' && l !== 'refs/heads/main');
}

function classify(o: Outcome): Stop | 'published' | 'other' {
  if (o.published) return 'published';
  if (o.stderr.includes('refused by the containment shim')) return 'shim';
  if (o.stderr.includes('palisade: push refused: this worktree is contained')) return 'hook';
  if (
    o.stderr.includes("'remote-contained' is not a git command") ||
    o.stderr.includes('palisade: push to')
  )
    return 'push-url';
  return 'other';
}

const sandbox = detectSandbox();
let template: { fx: Fixture; wt: string; backup: string } | undefined;

/**
 * Restores the template repository at its original path (built once, copied
 * back with `cp -a` before every route so absolute paths stay valid).
 */
async function setup(): Promise<{ fx: Fixture; wt: string }> {
  if (template === undefined) {
    const t = await build();
    const backup = `${t.fx.root}.template`;
    const r = spawnSync('cp', ['-a', t.fx.root, backup]);
    if (r.status !== 0) throw new Error('cp -a failed');
    template = { ...t, backup };
  }
  const { fx, wt, backup } = template;
  rmSync(fx.root, { recursive: true, force: true });
  const r = spawnSync('cp', ['-a', backup, fx.root]);
  if (r.status !== 0) throw new Error('cp -a failed');
  return { fx: { ...fx, cleanup: () => undefined }, wt };
}
const shimDirs: string[] = [];

describe('push-route matrix', () => {
  let shimRoot: Fixture;
  let shimDir = '';
  beforeAll(async () => {
    shimRoot = makeFixture('shim-holder');
    shimDir = (await writeGitShim(join(shimRoot.root, 'agent-bin'))).dir;
    shimDirs.push(shimDir);
  });
  afterAll(() => {
    shimRoot.cleanup();
    if (template !== undefined) {
      template.fx.cleanup();
      rmSync(template.backup, { recursive: true, force: true });
    }
  });

  it('tier 1, in-repo layers only: every route is stopped by its expected layer (push URL or hook), and the routes only the shim or the sandbox stop are shown publishing', async () => {
    const expected: Record<string, string> = {};
    const observed: Record<string, string> = {};
    for (const route of ROUTES) {
      expected[route.name] =
        route.inRepo === 'shim' || route.inRepo === 'sandbox' ? 'published' : route.inRepo;
      const { fx, wt } = await setup();
      const r = spawnSync('sh', ['-c', route.sh], {
        cwd: wt,
        env: { ...fx.env, ...vars(fx) },
        encoding: 'utf8',
      });
      const outcome = { exit: r.status ?? -1, stderr: r.stderr, published: published(fx) };
      const got = classify(outcome);
      observed[route.name] = got !== 'published' && outcome.exit === 0 ? `${got} (exit 0)` : got;
    }
    expect(observed).toEqual(expected);
  }, 300_000);

  it('tier 2, the git shim first on PATH with a scrubbed environment: every route that names git is refused by the shim, except git programs by absolute path, out-of-band writes and git run inside a local-path remote, which still publish', async () => {
    const expected: Record<string, string> = {};
    const observed: Record<string, string> = {};
    for (const route of ROUTES) {
      expected[route.name] = route.withShim === 'sandbox' ? 'published' : route.withShim;
      const { fx, wt } = await setup();
      const env = {
        ...scrubAgentEnv(fx.env, { shimDir }),
        GIT_CONFIG_GLOBAL: fx.env.GIT_CONFIG_GLOBAL ?? '',
        GIT_CONFIG_NOSYSTEM: '1',
        ...vars(fx),
      };
      const r = spawnSync('sh', ['-c', route.sh], { cwd: wt, env, encoding: 'utf8' });
      observed[route.name] = classify({
        exit: r.status ?? -1,
        stderr: r.stderr,
        published: published(fx),
      });
    }
    expect(observed).toEqual(expected);
  }, 300_000);

  // bubblewrap runs here and CI installs it, so CI requires this tier; a
  // machine that cannot run bwrap skips only the sandbox tier.
  it.skipIf(!sandbox.available && !process.env.CI)(
    'tier 3, the bubblewrap sandbox with the shim: no route in the matrix reaches the remote, the absolute-path and out-of-band routes included',
    async () => {
      const observed: Record<string, string> = {};
      for (const route of ROUTES) {
        const { fx, wt } = await setup();
        const r = await runSandboxed({
          worktree: wt,
          command: 'sh',
          args: ['-c', route.sh],
          env: { ...fx.env, ...vars(fx) },
          shimDir,
        });
        observed[route.name] = published(fx)
          ? 'published'
          : r.exitCode === 0
            ? 'exit 0 but not published'
            : 'refused';
      }
      expect(observed).toEqual(Object.fromEntries(ROUTES.map((r) => [r.name, 'refused'])));
    },
  );
});

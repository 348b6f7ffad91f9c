import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCRUBBED_ENV_NAMES, scrubAgentEnv, writeGitShim } from '../src/agent-env.ts';
import { installContainment } from '../src/install.ts';
import { verifyContainment } from '../src/verify.ts';
import { type Fixture, makeFixture, remoteRef } from './git-fixture.ts';

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

async function shimmed(): Promise<{
  fx: Fixture;
  wt: string;
  run: (args: string[], extra?: Record<string, string>) => ReturnType<typeof spawnSync>;
}> {
  f = makeFixture();
  const fx = f;
  const wt = fx.addWorktree('agent');
  await installContainment(wt, { env: fx.env });
  const shim = await writeGitShim(join(fx.root, 'agent-bin'));
  const run = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(shim.shim, args, { cwd: wt, env: { ...fx.env, ...extra }, encoding: 'utf8' });
  return { fx, wt, run };
}

const refused = (r: ReturnType<typeof spawnSync>): boolean =>
  r.status === 1 && String(r.stderr).includes('refused by the containment shim');

describe('the git shim', () => {
  it('lets ordinary agent work through unchanged: status, add, commit, branch, log, fetch, worktree, config reads', async () => {
    const { fx, wt, run } = await shimmed();
    writeFileSync(join(wt, 'w.txt'), 'w\n');
    for (const args of [
      ['status', '--short'],
      ['add', 'w.txt'],
      ['-c', 'user.name=Agent', 'commit', '-q', '-m', 'shimmed commit'],
      ['branch', 'b2'],
      ['--no-pager', 'log', '--oneline', '-1'],
      ['-C', wt, 'fetch', '-q', 'origin'],
      ['config', 'user.email', 'agent@example.com'],
      ['config', '--get', 'remote.origin.pushurl'],
      ['worktree', 'list'],
      ['--version'],
    ]) {
      const r = run(args);
      expect(r.status, `${args.join(' ')}: ${String(r.stderr)}`).toBe(0);
    }
    expect(fx.ok(wt, ['log', '-1', '--format=%s']).trim()).toBe('shimmed commit');
    expect((await verifyContainment(fx.repo, { env: fx.env })).ok).toBe(true);
  });

  it('fails closed on push whatever global options precede it, abbreviations included', async () => {
    const { fx, run } = await shimmed();
    const variants = [
      ['push'],
      ['push', '--no-veri', 'origin', 'agent'],
      ['push', '--no-verify', 'origin', 'agent'],
      ['-C', '.', 'push'],
      ['-c', 'user.name=x', 'push'],
      ['--git-dir', join(fx.repo, '.git'), 'push'],
      [`--git-dir=${join(fx.repo, '.git')}`, 'push'],
      ['--no-pager', '--literal-pathspecs', 'push'],
      ['--exec-path=/usr/lib/git-core', 'push'],
      ['-p', 'push'],
      ['--namespace', 'x', 'push'],
      ['send-pack', fx.remote, 'agent'],
      ['http-push', 'https://example.com/x.git', 'agent'],
      ['receive-pack', fx.remote],
      ['remote-https', 'origin', 'https://example.com'],
      ['-c', 'alias.p=push', 'p'],
    ];
    for (const args of variants) expect(refused(run(args)), args.join(' ')).toBe(true);
    expect(remoteRef(fx, 'refs/heads/agent')).toBeNull();
  });

  it('refuses aliases that resolve to a publishing command, through several levels', async () => {
    const { fx, wt, run } = await shimmed();
    fx.ok(wt, ['config', 'alias.a1', 'a2 --force']);
    fx.ok(wt, ['config', 'alias.a2', 'push --no-verify']);
    fx.ok(wt, ['config', 'alias.sh1', '!f() { git send-pack "$@"; }; f']);
    fx.ok(wt, ['config', 'alias.st', 'status']);
    expect(refused(run(['a1', 'origin']))).toBe(true);
    expect(refused(run(['sh1', fx.remote]))).toBe(true);
    expect(run(['st']).status).toBe(0);
  });

  it('refuses edits and overrides of containment keys by config, -c, --config-env and GIT_CONFIG_*', async () => {
    const { run } = await shimmed();
    const cases: Array<[string[], Record<string, string>?]> = [
      [['config', '--worktree', '--unset', 'core.hooksPath']],
      [['config', '--unse', 'core.hooksPath']],
      [['config', 'core.hookspath', '/dev/null']],
      [['config', '--add', 'remote.origin.pushurl', '/tmp/x']],
      [['config', 'url./tmp/x.pushInsteadOf', '/tmp/x']],
      [['config', 'extensions.worktreeConfig', 'false']],
      [['config', 'alias.p', 'push']],
      [['config', 'include.path', '/tmp/evil']],
      [['config', '--edit']],
      [['config', '--ed']],
      [['-c', 'core.hooksPath=/dev/null', 'status']],
      [['-c', 'Core.HooksPath=/dev/null', 'status']],
      [['--config-env=core.hooksPath=EVIL', 'status'], { EVIL: '/dev/null' }],
      [
        ['status'],
        {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'remote.origin.pushurl',
          GIT_CONFIG_VALUE_0: '/tmp/x',
        },
      ],
      [['status'], { GIT_CONFIG_PARAMETERS: "'core.hookspath'='/dev/null'" }],
      [['remote', 'set-url', '--push', 'origin', '/tmp/x']],
      [['remote', 'remove', 'origin']],
      [['remote', 'rename', 'origin', 'o2']],
      [['--bogus-global-option', 'status']],
    ];
    for (const [args, extra] of cases) expect(refused(run(args, extra)), args.join(' ')).toBe(true);
  });
});

describe('scrubAgentEnv', () => {
  it('removes credential sockets, askpass and credential helpers, ssh overrides, GIT_CONFIG_* and forge tokens', () => {
    const input: Record<string, string> = {
      PATH: '/usr/bin',
      HOME: '/home/u',
      SSH_AUTH_SOCK: '/run/ssh.sock',
      GIT_ASKPASS: '/bin/askpass',
      SSH_ASKPASS: '/bin/askpass',
      GH_TOKEN: 'ghp_x',
      GITHUB_TOKEN: 'ghs_x',
      GITLAB_TOKEN: 'glpat-x',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'core.hooksPath',
      GIT_CONFIG_VALUE_0: '/dev/null',
      GIT_CONFIG_PARAMETERS: "'a'='b'",
      GIT_CONFIG_GLOBAL: '/tmp/g',
      GIT_SSH_COMMAND: 'ssh -i key',
      GITHUB_ENTERPRISE_TOKEN: 'x',
      GITEA_ACCESS_TOKEN: 'x',
      CI_JOB_TOKEN: 'x',
      EDITOR: 'vi',
    };
    const out = scrubAgentEnv(input, { shimDir: '/opt/shim' });
    expect(Object.keys(out).sort()).toEqual(['EDITOR', 'GIT_TERMINAL_PROMPT', 'HOME', 'PATH']);
    expect(out['PATH']).toBe('/opt/shim:/usr/bin');
    expect(out['GIT_TERMINAL_PROMPT']).toBe('0');
    expect(Object.isFrozen(out)).toBe(true);
    expect(input['SSH_AUTH_SOCK']).toBe('/run/ssh.sock');
    expect(SCRUBBED_ENV_NAMES).toContain('SSH_AUTH_SOCK');
  });

  it('rejects a non-object environment with a TypeError', () => {
    expect(() => scrubAgentEnv(null as never)).toThrow(TypeError);
  });
});

describe('no kill switch', () => {
  const SWITCHES: Record<string, string> = {
    PALISADE_DISABLE: '1',
    PALISADE_DISABLED: 'true',
    PALISADE_CONTAINMENT: 'off',
    PALISADE_CONTAIN: '0',
    PALISADE_SKIP: '1',
    PALISADE_ALLOW_PUSH: '1',
    PALISADE_BYPASS: '1',
    PALISADE_PROMOTE: '1',
    HUSKY: '0',
    LEFTHOOK: '0',
    SKIP: 'pre-push',
    GIT_HOOKS_DISABLED: '1',
    CI: 'true',
  };

  it('no environment variable disables containment: pushes stay refused with PALISADE_DISABLE=1 and similar set', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    for (const args of [
      ['push', 'origin', 'agent'],
      ['-c', `url.${f.remote}.pushInsteadOf=${f.remote}`, 'push', f.remote, 'agent'],
    ]) {
      const r = f.git(wt, args, SWITCHES);
      expect(r.status).not.toBe(0);
    }
    expect(remoteRef(f, 'refs/heads/agent')).toBeNull();
  });

  it('no rc file disables containment: .palisaderc, palisade.config.json and a [palisade] disable=true git config are ignored', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    for (const dir of [wt, f.repo, f.env.HOME ?? f.root]) {
      writeFileSync(join(dir, '.palisaderc'), 'disable=true\ncontainment=off\n');
      writeFileSync(join(dir, 'palisade.config.json'), '{"containment":false,"disable":true}\n');
    }
    writeFileSync(
      f.env.GIT_CONFIG_GLOBAL ?? '',
      '[palisade]\n\tdisable = true\n\tcontained = false\n',
      { flag: 'a' },
    );
    const r = f.git(wt, [
      '-c',
      `url.${f.remote}.pushInsteadOf=${f.remote}`,
      'push',
      f.remote,
      'agent',
    ]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('palisade: push refused');
    expect(remoteRef(f, 'refs/heads/agent')).toBeNull();
  });
});

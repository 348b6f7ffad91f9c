// Properties of the agent git shim, run against the real shim script under
// dash, bash and busybox ash, with real git in a real contained worktree.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { writeGitShim } from '../src/agent-env.ts';
import { installContainment } from '../src/install.ts';
import { type Fixture, makeFixture, remoteRef } from './git-fixture.ts';

// Each run spawns processes: a CI-sized budget unless PALISADE_FC_RUNS raises it.
const RUNS = Math.min(Number(process.env['PALISADE_FC_RUNS'] ?? 100), 30);
const SHELLS = [['/usr/bin/dash'], ['/bin/bash'], ['/usr/bin/busybox', 'ash']] as const;

let fx: Fixture;
let wt = '';
let shim = '';
beforeAll(async () => {
  fx = makeFixture();
  wt = fx.addWorktree('agent');
  fx.ok(wt, ['commit', '-q', '--allow-empty', '-m', 'agent work']);
  await installContainment(wt, { env: fx.env });
  shim = (await writeGitShim(join(fx.root, 'agent-bin'))).shim;
});
afterAll(() => fx.cleanup());

/** Global options git 2.39 accepts before the command, as argv fragments. */
const globalOption = (): fc.Arbitrary<readonly string[]> =>
  fc.oneof(
    fc.constantFrom(
      ['--no-pager'],
      ['-P'],
      ['-p'],
      ['--paginate'],
      ['--literal-pathspecs'],
      ['--no-literal-pathspecs'],
      ['--glob-pathspecs'],
      ['--icase-pathspecs'],
      ['--no-optional-locks'],
      ['--no-replace-objects'],
      ['-C', '.'],
      ['--work-tree=.'],
      ['--namespace', 'ns'],
      ['--namespace=ns'],
      ['--exec-path=/usr/lib/git-core'],
    ),
    fc
      .tuple(
        fc.constantFrom('user.name', 'color.ui', 'core.pager', 'log.decorate'),
        fc.stringMatching(/^[a-z0-9]{0,8}$/),
      )
      .map(([k, v]) => ['-c', `${k}=${v}`]),
  );

const runShim = (shell: readonly string[], args: string[]) =>
  spawnSync(shell[0] ?? 'sh', [...shell.slice(1), shim, ...args], {
    cwd: wt,
    env: fx.env,
    encoding: 'utf8',
  });

describe('git shim properties', () => {
  test.prop(
    [
      fc.constantFrom(...SHELLS),
      fc.array(globalOption(), { maxLength: 5 }),
      fc.constantFrom(
        'push',
        'send-pack',
        'http-push',
        'receive-pack',
        'remote-https',
        'remote-ext',
      ),
      fc.array(
        fc.constantFrom(
          '--no-verify',
          '--no-veri',
          '--no-v',
          '--force',
          '--mirror',
          '--all',
          'origin',
          'HEAD:refs/heads/x',
          '-f',
          '--',
        ),
        { maxLength: 4 },
      ),
    ],
    { numRuns: RUNS },
  )(
    'for any global options before it, under dash, bash or busybox ash, the shim refuses every publishing command and the remote is unchanged',
    (shell, globals, command, rest) => {
      const r = runShim(shell, [...globals.flat(), command, ...rest]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('refused by the containment shim');
      expect(remoteRef(fx, 'refs/heads/x')).toBeNull();
      expect(remoteRef(fx, 'refs/heads/agent')).toBeNull();
    },
  );

  test.prop(
    [
      fc.constantFrom(...SHELLS),
      fc.array(globalOption(), { maxLength: 4 }),
      fc.constantFrom(
        ['status', '--short'],
        ['log', '--oneline', '-1'],
        ['rev-parse', 'HEAD'],
        ['branch', '--list'],
        ['config', '--get', 'user.name'],
        ['nonexistent-cmd'],
      ),
    ],
    { numRuns: RUNS },
  )(
    'for any global options, the shim is transparent for non-publishing commands: same exit code and stdout as the real git',
    (shell, globals, command) => {
      const args = [...globals.flat(), ...command];
      const viaShim = runShim(shell, args);
      const real = spawnSync('git', args, { cwd: wt, env: fx.env, encoding: 'utf8' });
      expect(viaShim.status).toBe(real.status);
      expect(viaShim.stdout).toBe(real.stdout);
    },
  );
});

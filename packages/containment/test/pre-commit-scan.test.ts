import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installContainment } from '../src/install.ts';
import { verifyContainment } from '../src/verify.ts';
import { type Fixture, makeFixture, writeHook } from './git-fixture.ts';

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

/** A stand-in `palisade` whose `scan --staged` exits 1 when the staged diff contains "SECRET". */
function fakePalisade(fx: Fixture): Record<string, string> {
  const bin = join(fx.root, 'bin');
  mkdirSync(bin, { recursive: true });
  writeHook(
    join(bin, 'palisade'),
    '[ "$1 $2" = "scan --staged" ] || exit 2\nif git diff --cached | grep -q SECRET; then echo "finding: generic-secret" >&2; exit 1; fi\nexit 0',
  );
  return { PATH: `${bin}:${fx.env.PATH}` };
}

async function setup(mode: 'warn' | 'block'): Promise<{ fx: Fixture; wt: string }> {
  f = makeFixture();
  const wt = f.addWorktree('agent');
  writeHook(join(f.repo, '.git', 'hooks', 'pre-commit'), `echo repo-pre-commit-ran >&2; exit 0`);
  await installContainment(wt, { env: f.env, preCommitScan: mode });
  writeFileSync(join(wt, 'cfg.txt'), 'password=SECRET\n');
  f.ok(wt, ['add', 'cfg.txt']);
  return { fx: f, wt };
}

describe('pre-commit secret warning', () => {
  it('the pre-commit hook warns on a staged secret and lets the commit through by default', async () => {
    const { fx, wt } = await setup('warn');
    const r = fx.git(wt, ['commit', '-q', '-m', 'with secret'], fakePalisade(fx));
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      'palisade: warning: the staged diff looks like it contains a secret',
    );
    expect(r.stderr).toContain('repo-pre-commit-ran');
    expect((await verifyContainment(fx.repo, { env: fx.env })).ok).toBe(true);
  });

  it('the --block variant refuses the commit on a staged secret', async () => {
    const { fx, wt } = await setup('block');
    const r = fx.git(wt, ['commit', '-q', '-m', 'with secret'], fakePalisade(fx));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('palisade: commit blocked');
    expect(fx.ok(wt, ['log', '-1', '--format=%s']).trim()).toBe('initial');
  });

  it('without palisade on PATH the hook stays silent and chains to the repository pre-commit', async () => {
    const { fx, wt } = await setup('block');
    const r = fx.git(wt, ['commit', '-q', '-m', 'no scanner'], { PATH: '/usr/bin:/bin' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('repo-pre-commit-ran\n');
  });

  it('a scanner that fails (exit other than 1) is reported and never counted as a finding, even with --block', async () => {
    const { fx, wt } = await setup('block');
    const bin = join(fx.root, 'broken-bin');
    mkdirSync(bin, { recursive: true });
    writeHook(join(bin, 'palisade'), 'exit 2');
    const r = fx.git(wt, ['commit', '-q', '-m', 'scanner broken'], {
      PATH: `${bin}:${fx.env.PATH}`,
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(
      'palisade scan --staged failed (exit 2); the commit was not scanned',
    );
  });
});

import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainmentError } from '../src/errors.ts';
import { installContainment } from '../src/install.ts';
import { detectSandbox, runSandboxed } from '../src/sandbox.ts';
import { verifyContainment } from '../src/verify.ts';
import { type Fixture, makeFixture, remoteRef } from './git-fixture.ts';

let f: Fixture | undefined;
let server: Server | undefined;
afterEach(async () => {
  f?.cleanup();
  f = undefined;
  if (server !== undefined) await new Promise((r) => server?.close(r));
  server = undefined;
});

const sandbox = detectSandbox();

describe('sandbox tier', () => {
  it('says plainly when bubblewrap is unavailable', () => {
    const missing = detectSandbox('/nonexistent/bwrap');
    expect(missing.available).toBe(false);
    expect(missing.reason).toBe('bubblewrap (bwrap) is not installed');
  });

  it('runSandboxed refuses with ERR_CONTAINMENT_SANDBOX_UNAVAILABLE when bubblewrap is missing', async () => {
    f = makeFixture();
    try {
      await runSandboxed({
        worktree: f.repo,
        command: 'true',
        bwrap: '/nonexistent/bwrap',
        env: f.env,
      });
      expect.unreachable();
    } catch (e) {
      expect(ContainmentError.isInstance(e) && e.code).toBe('ERR_CONTAINMENT_SANDBOX_UNAVAILABLE');
    }
  });

  // bubblewrap runs here and CI installs it, so CI requires this tier; a
  // machine that cannot run bwrap skips only the sandbox tier.
  it.skipIf(!sandbox.available && !process.env.CI)(
    'inside the sandbox the containment files and .git/config are read-only, ordinary commits still work, and a local-path push is refused',
    async () => {
      f = makeFixture();
      const wt = f.addWorktree('agent');
      await installContainment(wt, { env: f.env });
      const script = [
        'echo x > s.txt && git add s.txt && git commit -q -m sandboxed || exit 10',
        'git config --worktree --unset core.hooksPath && exit 11',
        'git config --local extensions.worktreeConfig false && exit 12',
        `echo 'exit 0' > "${join(f.repo, '.git', 'palisade', 'hooks', 'pre-push')}" && exit 13`,
        `echo 'exit 0' > "${join(f.repo, '.git', 'hooks', 'pre-push')}" && exit 14`,
        `"$(git --exec-path)/git-send-pack" "${f.remote}" HEAD:refs/heads/escaped && exit 15`,
        'exit 0',
      ].join('\n');
      const r = await runSandboxed({
        worktree: wt,
        command: 'sh',
        args: ['-c', script],
        env: f.env,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(f.ok(wt, ['log', '-1', '--format=%s']).trim()).toBe('sandboxed');
      expect(remoteRef(f, 'refs/heads/escaped')).toBeNull();
      expect((await verifyContainment(f.repo, { env: f.env })).ok).toBe(true);
    },
  );

  // bubblewrap runs here and CI installs it, so CI requires this tier; a
  // machine that cannot run bwrap skips only the sandbox tier.
  it.skipIf(!sandbox.available && !process.env.CI)(
    'inside the sandbox there is no route to the network, not even to a server on the host loopback',
    async () => {
      f = makeFixture();
      server = createServer((s) => s.end('hello'));
      await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
      const addr = server.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      const probe = `node -e "require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(7))"`;
      // Outside the sandbox the same probe connects (exit 0): the sandbox makes the difference.
      expect(spawnSync('sh', ['-c', probe]).status).toBe(0);
      const r = await runSandboxed({
        worktree: f.repo,
        command: 'sh',
        args: ['-c', probe],
        env: f.env,
      });
      expect(r.exitCode).toBe(7);
    },
  );
});

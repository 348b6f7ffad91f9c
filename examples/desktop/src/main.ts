// Runs the desktop composition end to end in temp directories and reports
// what it observed. Exit code 0 only if every step behaved as claimed.
//   pnpm --filter @palisade/example-desktop build && pnpm --filter @palisade/example-desktop start
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '@palisade/crypto';
import { RedactionError } from '@palisade/redaction';
import { openDesktopApp } from './desktop-app.ts';

const root = mkdtempSync(join(tmpdir(), 'palisade-desktop-'));
const home = join(root, 'home');
const repo = join(root, 'repo');
const remote = join(root, 'remote.git');
const env: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: home,
  GIT_CONFIG_GLOBAL: join(root, 'gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  LANG: 'C',
};
const checks: Array<[string, boolean]> = [];
const check = (what: string, ok: boolean) => {
  checks.push([what, ok]);
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
};

try {
  writeFileSync(
    env['GIT_CONFIG_GLOBAL'] as string,
    '[user]\n\tname = Dana\n\temail = dana@example.com\n',
  );
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8' });
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  git(root, 'init', '-q', '-b', 'main', repo);
  writeFileSync(join(repo, 'README.md'), '# shop\n');
  writeFileSync(join(repo, '.gitignore'), '.palisade/\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'initial');
  git(repo, 'remote', 'add', 'origin', remote);

  const app = await openDesktopApp({
    repo,
    appDataDir: join(root, 'app-data'),
    user: 'dana',
    gitEnv: env,
  });
  try {
    const wt = await app.createAgentWorktree('agent-1');
    writeFileSync(join(wt, 'feature.txt'), 'agent work\n');
    git(wt, 'add', 'feature.txt');
    git(wt, 'commit', '-q', '-m', 'agent change');
    const push = spawnSync('git', ['push', 'origin', 'HEAD:agent'], {
      cwd: wt,
      env,
      encoding: 'utf8',
    });
    check(
      'containment: the agent worktree cannot push (git push exits non-zero)',
      push.status !== 0,
    );
    const noVerify = spawnSync('git', ['push', '--no-verify', 'origin', 'HEAD:agent'], {
      cwd: wt,
      env,
    });
    check('containment: git push --no-verify is refused too', noVerify.status !== 0);
    check(
      'containment: every layer verifies after the agent turn',
      await app.verifyAgentWorktree(wt),
    );

    const token = createToken({ prefix: 'palk' }).token;
    const ctx = {
      files: [
        { path: '.env', content: 'AWS_ACCESS_KEY_ID=AKIAZ3MSJV6WQ7KXGZ4B\n' },
        { path: 'src/app.ts', content: `const apiKey = '${token}';\nconst home = '${home}';\n` },
      ],
    };
    let offRefused = false;
    try {
      app.contextForCloud(ctx);
    } catch (e) {
      offRefused = RedactionError.isInstance(e) && e.code === 'ERR_REDACTION_EGRESS_DISABLED';
    }
    check(
      'redaction: privacy mode is off by default and nothing leaves',
      app.privacyMode() === 'off' && offRefused,
    );
    await app.setPrivacyMode('redacted');
    const out = app.contextForCloud(ctx);
    const sent = JSON.stringify(out);
    check('redaction: redacted mode drops .env', !out.files.some((f) => f.path === '.env'));
    check('redaction: redacted mode replaces the API token', !sent.includes(token));

    await app.saveNote('ws-alpha', 'n1', 'alpha secret');
    await app.saveNote('ws-beta', 'n1', 'beta secret');
    check(
      'crypto + tenancy: a note round-trips through its workspace',
      (await app.readNote('ws-alpha', 'n1')) === 'alpha secret',
    );
    const backup = await app.backupWorkspace('ws-alpha');
    const restored = await app.restoreBackup(backup);
    const onDisk = readFileSync(join(app.palisadeDir, 'workspaces', 'ws-alpha', 'workspace.db'));
    check(
      'tenancy: the workspace file is encrypted at rest (no SQLite header, no note text on disk)',
      !onDisk.includes('SQLite format 3') && !onDisk.includes('alpha secret'),
    );
    check(
      'crypto: the age backup of a workspace restores its encrypted file byte for byte',
      Buffer.from(restored).equals(onDisk),
    );

    const verdict = await app.verifyAudit();
    check(`audit-log: the local history verifies (${verdict.status})`, verdict.status === 'OK');
  } finally {
    await app.close();
  }
} catch (e) {
  check(`unexpected error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, false);
} finally {
  rmSync(root, { recursive: true, force: true });
}
const failed = checks.filter(([, ok]) => !ok).length;
process.stdout.write(`${checks.length - failed} of ${checks.length} checks passed\n`);
process.exitCode = failed === 0 ? 0 : 1;

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrubAgentEnv } from './agent-env.ts';
import { ContainmentError } from './errors.ts';
import type { GitEnv } from './internal/git.ts';
import { resolveLayout } from './internal/layout.ts';
import { HIDDEN_HOME_DIRS, HIDDEN_HOME_FILES, readOnlyPaths } from './internal/sandbox-paths.ts';

/** Whether the OS sandbox tier can run here, and why not when it cannot. */
export interface SandboxAvailability {
  readonly available: boolean;
  /** The sandbox tool in use (`bwrap`, bubblewrap), or null. */
  readonly tool: 'bwrap' | null;
  /** A plain-language reason, e.g. "bubblewrap is not installed". */
  readonly reason: string;
}

/**
 * Detects whether the sandbox tier is available: Linux with bubblewrap
 * (`bwrap`) able to create a mount and network namespace. Where it is not,
 * the reason says so plainly (macOS: Seatbelt `sandbox-exec` is not wired up
 * by this package; Windows: none).
 *
 * Exported from `@palisade/containment`.
 *
 * @param bwrap - The bubblewrap binary (default `bwrap` on PATH).
 * @returns Availability and the reason.
 * @example Say plainly when there is no sandbox.
 * ```ts
 * const s = detectSandbox();
 * if (!s.available) warn(`no OS sandbox: ${s.reason}`);
 * ```
 */
export function detectSandbox(bwrap = 'bwrap'): SandboxAvailability {
  if (process.platform !== 'linux') {
    return {
      available: false,
      tool: null,
      reason: `the sandbox tier needs Linux with bubblewrap; on ${process.platform} only the in-repo and shim tiers apply`,
    };
  }
  const r = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--unshare-net', 'true'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (r.error !== undefined)
    return { available: false, tool: null, reason: 'bubblewrap (bwrap) is not installed' };
  if (r.status !== 0) {
    return {
      available: false,
      tool: null,
      reason: `bubblewrap cannot create namespaces here (${r.stderr.trim() || `exit ${String(r.status)}`})`,
    };
  }
  return { available: true, tool: 'bwrap', reason: 'bubblewrap with mount and network namespaces' };
}

/** Options of {@link runSandboxed}. */
export interface SandboxOptions {
  /** The worktree the agent works in (writable, with its git dir). */
  readonly worktree: string;
  /** The command and its arguments. */
  readonly command: string;
  readonly args?: readonly string[];
  /** The environment before scrubbing (default `process.env`); it is always passed through {@link scrubAgentEnv}. */
  readonly env?: GitEnv;
  /** A shim dir to put first on PATH inside the sandbox. */
  readonly shimDir?: string;
  /** Extra writable directories (e.g. a package cache). */
  readonly writable?: readonly string[];
  /** The bubblewrap binary (default `bwrap`). */
  readonly bwrap?: string;
}

/** The outcome of a sandboxed command. */
export interface SandboxResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Builds the bubblewrap argument list for {@link runSandboxed}: the whole
 * file system read-only, then writable binds for the worktree, the
 * repository's git dir and a private temp dir, then read-only binds again for
 * every containment file (`.git/config`, all `config.worktree` files, the
 * worktree's `.git` file, the shared hooks dir and `<git-common-dir>/palisade`),
 * credential stores hidden, and no network namespace route.
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - The worktree and extra writable dirs.
 * @param tmp - The private writable temp dir.
 * @returns The arguments for `bwrap` before the command.
 * @throws {ContainmentError} `ERR_CONTAINMENT_NOT_A_REPOSITORY` when `worktree` is not a git worktree.
 * @example Inspect the profile.
 * ```ts
 * const args = await sandboxProfile({ worktree: '/repo', command: 'sh' }, '/tmp/x');
 * ```
 */
export async function sandboxProfile(options: SandboxOptions, tmp: string): Promise<string[]> {
  const layout = await resolveLayout(options.worktree, options.env);
  const a = ['--die-with-parent', '--unshare-net', '--unshare-ipc', '--new-session'];
  a.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc');
  a.push('--bind', tmp, tmp);
  a.push('--bind', layout.worktree, layout.worktree);
  a.push('--bind', layout.commonDir, layout.commonDir);
  for (const w of options.writable ?? []) a.push('--bind', w, w);
  for (const p of readOnlyPaths(layout, options.shimDir)) a.push('--ro-bind', p, p);
  const home = options.env?.['HOME'] ?? homedir();
  for (const d of HIDDEN_HOME_DIRS) if (existsSync(join(home, d))) a.push('--tmpfs', join(home, d));
  for (const f of HIDDEN_HOME_FILES)
    if (existsSync(join(home, f))) a.push('--ro-bind', '/dev/null', join(home, f));
  a.push('--chdir', layout.worktree);
  return a;
}

/**
 * Runs an agent command in the opt-in sandbox tier (Linux, bubblewrap): no
 * network, credential stores hidden, a scrubbed environment, and the
 * containment files and every path outside the worktree and its repository
 * read-only. Local-path remotes are outside the writable set, so a push to one
 * is refused too, even by `git-send-pack` from `git --exec-path`.
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - Worktree, command, environment.
 * @returns Exit code and captured output.
 * @throws {ContainmentError} `ERR_CONTAINMENT_SANDBOX_UNAVAILABLE` when bubblewrap cannot run here,
 *   `ERR_CONTAINMENT_NOT_A_REPOSITORY` when `worktree` is not a git worktree.
 * @example Run an agent's shell command in the sandbox.
 * ```ts
 * const r = await runSandboxed({ worktree: '/repo/wt', command: 'sh', args: ['-c', 'git push'] });
 * ```
 */
export async function runSandboxed(options: SandboxOptions): Promise<SandboxResult> {
  const bwrap = options.bwrap ?? 'bwrap';
  const avail = detectSandbox(bwrap);
  if (!avail.available)
    throw new ContainmentError('ERR_CONTAINMENT_SANDBOX_UNAVAILABLE', avail.reason);
  const tmp = await mkdtemp(join(tmpdir(), 'palisade-sandbox-'));
  try {
    const profile = await sandboxProfile(options, tmp);
    const base = scrubAgentEnv(
      options.env ?? process.env,
      options.shimDir === undefined ? {} : { shimDir: options.shimDir },
    );
    const env = { ...base, TMPDIR: tmp };
    return await new Promise<SandboxResult>((resolveRun, reject) => {
      const child = spawn(bwrap, [...profile, '--', options.command, ...(options.args ?? [])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString('utf8');
      });
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        resolveRun({ exitCode: code ?? (signal === null ? 1 : 128), stdout, stderr });
      });
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

import { accessSync, constants, realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { ContainmentError } from './errors.ts';
import { shippedText } from './hook-files.ts';
import { writeFileAtomic } from './internal/fs-atomic.ts';

/** Options of {@link writeGitShim}. */
export interface GitShimOptions {
  /** Absolute path of the real git (default: the first `git` on `PATH` outside `dir`). */
  readonly realGit?: string;
  /** The `PATH` searched for the real git (default: `process.env.PATH`). */
  readonly path?: string;
}

/** What {@link writeGitShim} wrote. */
export interface GitShim {
  /** The directory to put first on the agent's `PATH`. */
  readonly dir: string;
  /** The shim itself (`<dir>/git`). */
  readonly shim: string;
  /** The real git the shim execs. */
  readonly realGit: string;
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the agent-process `git` shim (POSIX sh, no Node at run time) and the
 * `git-remote-contained` helper into `dir`. Put `dir` first on the agent's
 * `PATH` (see {@link scrubAgentEnv}). The shim parses git's global options
 * exactly, resolves aliases with the real git, and fails closed on `push`,
 * `send-pack`, `http-push`, `receive-pack`, remote helpers, and on edits or
 * overrides of containment keys; everything else runs unchanged.
 *
 * This is the second tier: it governs git invoked by name. A process that
 * runs the real git by absolute path, or `git-send-pack` from
 * `git --exec-path`, is outside it; only the sandbox tier stops that.
 *
 * Exported from `@palisade/containment`.
 *
 * @param dir - Directory for the shim (created if missing).
 * @param options - The real git, or the PATH to find it on.
 * @returns The shim's paths.
 * @throws {ContainmentError} `ERR_CONTAINMENT_GIT_FAILED` when no real git is found.
 * @example Give an agent a PATH whose git cannot publish.
 * ```ts
 * const shim = await writeGitShim('/var/lib/app/agent-bin');
 * spawn(agentCmd, { env: scrubAgentEnv(process.env, { shimDir: shim.dir }) });
 * ```
 */
export async function writeGitShim(dir: string, options: GitShimOptions = {}): Promise<GitShim> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new TypeError('dir must be a non-empty string');
  const absDir = resolve(dir);
  await mkdir(absDir, { recursive: true, mode: 0o755 });
  const realDir = realpathSync(absDir);
  let realGit = options.realGit;
  if (realGit === undefined) {
    for (const entry of (options.path ?? process.env['PATH'] ?? '').split(delimiter)) {
      if (entry === '' || !isAbsolute(entry)) continue;
      let real: string;
      try {
        real = realpathSync(entry);
      } catch {
        continue;
      }
      if (real === realDir) continue;
      const candidate = join(entry, 'git');
      if (isExecutable(candidate)) {
        realGit = candidate;
        break;
      }
    }
  }
  if (realGit === undefined || !isAbsolute(realGit)) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_GIT_FAILED',
      'no real git found on PATH for the shim',
    );
  }
  const text = shippedText('git-shim')
    .replace('@PALISADE_REAL_GIT@', shQuote(realGit))
    .replace('@PALISADE_SHIM_DIR@', shQuote(absDir));
  const shim = join(absDir, 'git');
  await writeFileAtomic(shim, text, 0o755);
  await writeFileAtomic(
    join(absDir, 'git-remote-contained'),
    shippedText('git-remote-contained'),
    0o755,
  );
  return { dir: absDir, shim, realGit };
}

/** Options of {@link scrubAgentEnv}. */
export interface ScrubOptions {
  /** A shim directory (from {@link writeGitShim}) to put first on `PATH`. */
  readonly shimDir?: string;
}

/**
 * Exact environment variable names that {@link scrubAgentEnv} removes (besides
 * the `GIT_CONFIG_*`, `GIT_CREDENTIAL*` and forge-token name patterns).
 *
 * Exported from `@palisade/containment`.
 *
 * @example List what an agent will not see.
 * ```ts
 * SCRUBBED_ENV_NAMES.includes('SSH_AUTH_SOCK'); // true
 * ```
 */
export const SCRUBBED_ENV_NAMES: readonly string[] = Object.freeze([
  'SSH_AUTH_SOCK',
  'SSH_AGENT_PID',
  'SSH_ASKPASS',
  'SSH_ASKPASS_REQUIRE',
  'GIT_ASKPASS',
  'SUDO_ASKPASS',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_SSH_VARIANT',
  'GIT_PROXY_COMMAND',
  'GIT_EXEC_PATH',
  'GIT_TEMPLATE_DIR',
  'GIT_CONFIG',
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'GH_ENTERPRISE_TOKEN',
  'GITHUB_ENTERPRISE_TOKEN',
  'GITHUB_PAT',
  'GITLAB_TOKEN',
  'GL_TOKEN',
  'GITLAB_PRIVATE_TOKEN',
  'CI_JOB_TOKEN',
  'CI_JOB_JWT',
  'BITBUCKET_TOKEN',
  'BITBUCKET_APP_PASSWORD',
  'GITEA_TOKEN',
  'FORGEJO_TOKEN',
  'CODEBERG_TOKEN',
  'AZURE_DEVOPS_EXT_PAT',
  'SYSTEM_ACCESSTOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'GPG_AGENT_INFO',
  'GNOME_KEYRING_CONTROL',
  'DBUS_SESSION_BUS_ADDRESS',
  'KRB5CCNAME',
  'XDG_RUNTIME_DIR',
]);

/** Name patterns removed: git config injection, credential helpers and forge tokens. */
const SCRUBBED_PATTERNS: readonly RegExp[] = [
  /^GIT_CONFIG_/,
  /^GIT_CREDENTIAL/,
  /^(GH|GITHUB|GITLAB|GL|BITBUCKET|GITEA|FORGEJO|SRHT|SOURCEHUT)_.*(TOKEN|PAT|PASSWORD|SECRET|KEY)/,
];

/**
 * Returns a copy of `env` for an agent process without credential sockets,
 * askpass and credential helpers, ssh command overrides, git config injection
 * (`GIT_CONFIG_*`) and forge tokens, with `GIT_TERMINAL_PROMPT=0` so git never
 * prompts, and the shim directory first on `PATH` when given. The input is not
 * modified; the result is frozen.
 *
 * Exported from `@palisade/containment`.
 *
 * @param env - The environment to start from (e.g. `process.env`).
 * @param options - The shim directory to put first on `PATH`.
 * @returns The scrubbed environment.
 * @throws {TypeError} When `env` is not an object.
 * @example Spawn the agent with a scrubbed environment.
 * ```ts
 * spawn('agent', [], { env: scrubAgentEnv(process.env, { shimDir: '/opt/app/agent-bin' }) });
 * ```
 */
export function scrubAgentEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: ScrubOptions = {},
): Readonly<Record<string, string>> {
  if (typeof env !== 'object' || env === null) throw new TypeError('env must be an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    const upper = k.toUpperCase();
    if (SCRUBBED_ENV_NAMES.includes(upper)) continue;
    if (SCRUBBED_PATTERNS.some((re) => re.test(upper))) continue;
    out[k] = v;
  }
  out['GIT_TERMINAL_PROMPT'] = '0';
  if (options.shimDir !== undefined) {
    const path = out['PATH'];
    out['PATH'] =
      path === undefined || path === '' ? options.shimDir : `${options.shimDir}${delimiter}${path}`;
  }
  return Object.freeze(out);
}

import { type SimpleGit, simpleGit } from 'simple-git';

/** Environment for git child processes; `undefined` values are dropped. */
export type GitEnv = Readonly<Record<string, string | undefined>>;

/** The outcome of one git invocation. */
export interface GitResult {
  readonly ok: boolean;
  /** git's exit code (0 when `ok`). */
  readonly exitCode: number;
  readonly stdout: string;
  /** git's stderr (or simple-git's message) when `ok` is false. */
  readonly stderr: string;
}

class GitExit extends Error {
  readonly exitCode: number;
  constructor(exitCode: number, stderr: string) {
    super(stderr);
    this.exitCode = exitCode;
  }
}

function cleanEnv(env: GitEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

// Building a simple-git instance costs more than the git process it runs, so
// instances are reused per (cwd, environment contents); independent calls on
// one instance do not affect each other. Bounded: cleared when full.
const clients = new Map<string, SimpleGit>();
const MAX_CLIENTS = 256;

function cachedClient(cwd: string, env: GitEnv | undefined): SimpleGit {
  const envKey =
    env === undefined
      ? ''
      : JSON.stringify(
          Object.keys(env)
            .sort()
            .map((k) => [k, env[k]]),
        );
  const key = `${cwd}\0${envKey}`;
  let git = clients.get(key);
  if (git === undefined) {
    if (clients.size >= MAX_CLIENTS) clients.clear();
    git = client(cwd, env);
    clients.set(key, git);
  }
  return git;
}

function client(cwd: string, env: GitEnv | undefined): SimpleGit {
  const base = env === undefined ? undefined : cleanEnv(env);
  const git = simpleGit({
    baseDir: cwd,
    // The environment is the caller's decision (tests pin GIT_CONFIG_GLOBAL,
    // promotion passes its own); simple-git otherwise strips GIT_* keys.
    errors: (error, result) =>
      result.exitCode === 0
        ? error
        : new GitExit(result.exitCode, Buffer.concat(result.stdErr).toString('utf8')),
    allowEnvironment: base === undefined ? [] : Object.keys(base),
    unsafe: {
      allowUnsafeHooksPath: true,
      allowUnsafeUrlRewrite: true,
      allowUnsafeConfigPaths: true,
      allowUnsafeConfigEnvCount: true,
      allowUnsafeAlias: true,
      allowUnsafeInclude: true,
    },
  });
  return base === undefined ? git : git.env(base);
}

/**
 * Runs `git <args>` in `cwd` through simple-git (argv, never a shell string).
 * Never throws for a non-zero exit: the result says `ok: false`.
 */
export async function runGit(
  cwd: string,
  args: readonly string[],
  env?: GitEnv,
): Promise<GitResult> {
  try {
    const stdout = await cachedClient(cwd, env).raw([...args]);
    return { ok: true, exitCode: 0, stdout, stderr: '' };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const exitCode = e instanceof GitExit ? e.exitCode : 128;
    return { ok: false, exitCode, stdout: '', stderr: message };
  }
}

/** Like {@link runGit} but returns stdout and throws the message on failure. */
export async function gitOut(cwd: string, args: readonly string[], env?: GitEnv): Promise<string> {
  const r = await runGit(cwd, args, env);
  if (!r.ok) throw new Error(r.stderr);
  return r.stdout;
}

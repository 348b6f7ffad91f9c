import { isAbsolute, join, resolve } from 'node:path';
import { ContainmentError } from '../errors.ts';
import { type GitEnv, runGit } from './git.ts';

/** Where one worktree's git state lives. */
export interface WorktreeLayout {
  /** The worktree's top-level directory. */
  readonly worktree: string;
  /** The worktree's own git dir (`.git` for the main worktree, `.git/worktrees/<id>` for linked). */
  readonly gitDir: string;
  /** The repository's common git dir (`.git`). */
  readonly commonDir: string;
  /** The per-worktree config file that `extensions.worktreeConfig` enables. */
  readonly worktreeConfigFile: string;
  /** `<commonDir>/palisade`: hooks, helper, state. */
  readonly containmentDir: string;
  readonly hooksDir: string;
  readonly binDir: string;
}

/** Resolves a worktree path to its layout; throws for non-repositories and bare repositories. */
export async function resolveLayout(path: string, env?: GitEnv): Promise<WorktreeLayout> {
  if (typeof path !== 'string' || path.length === 0)
    throw new TypeError('worktree path must be a non-empty string');
  const r = await runGit(
    path,
    [
      'rev-parse',
      '--is-bare-repository',
      '--absolute-git-dir',
      '--git-common-dir',
      '--show-toplevel',
    ],
    env,
  );
  if (!r.ok) {
    throw new ContainmentError('ERR_CONTAINMENT_NOT_A_REPOSITORY', `not a git worktree: ${path}`);
  }
  const [bare, gitDir, common, top] = r.stdout.replace(/\n$/, '').split('\n');
  if (
    bare === 'true' ||
    top === undefined ||
    top === '' ||
    gitDir === undefined ||
    common === undefined
  ) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_BARE_REPOSITORY',
      `a bare repository has no worktree to contain: ${path}`,
    );
  }
  const commonDir = isAbsolute(common) ? common : resolve(path, common);
  const containmentDir = join(commonDir, 'palisade');
  return {
    worktree: top,
    gitDir,
    commonDir,
    worktreeConfigFile: join(gitDir, 'config.worktree'),
    containmentDir,
    hooksDir: join(containmentDir, 'hooks'),
    binDir: join(containmentDir, 'bin'),
  };
}

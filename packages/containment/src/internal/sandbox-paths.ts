import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { WorktreeLayout } from './layout.ts';

/** Credential stores hidden from a sandboxed agent (relative to the home directory). */
export const HIDDEN_HOME_DIRS: readonly string[] = [
  '.ssh',
  '.gnupg',
  '.config/gh',
  '.config/glab-cli',
  '.docker',
  '.aws',
  '.kube',
];

/** Credential files hidden from a sandboxed agent (relative to the home directory). */
export const HIDDEN_HOME_FILES: readonly string[] = [
  '.git-credentials',
  '.config/git/credentials',
  '.netrc',
  '.npmrc',
];

/**
 * The existing containment files a sandboxed agent must not write, although
 * they lie inside the writable repository: the shared config, every
 * per-worktree config and worktree link, the shared hooks dir, the
 * containment dir, the worktree's `.git` file and the shim dir.
 */
export function readOnlyPaths(layout: WorktreeLayout, shimDir?: string): string[] {
  const out: string[] = [];
  const ro = (p: string): void => {
    if (existsSync(p)) out.push(p);
  };
  ro(join(layout.commonDir, 'config'));
  ro(join(layout.commonDir, 'config.worktree'));
  ro(join(layout.commonDir, 'hooks'));
  ro(join(layout.commonDir, 'palisade'));
  ro(join(layout.worktree, '.git'));
  const wtDir = join(layout.commonDir, 'worktrees');
  if (existsSync(wtDir)) {
    for (const id of readdirSync(wtDir).sort()) {
      ro(join(wtDir, id, 'config.worktree'));
      ro(join(wtDir, id, 'commondir'));
      ro(join(wtDir, id, 'gitdir'));
    }
  }
  if (shimDir !== undefined) ro(shimDir);
  return out;
}

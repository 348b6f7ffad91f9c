import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Every hook name git 2.39 runs. A contained worktree's hooks directory has a
 * file for each, so the repository's own hooks of every kind still run.
 *
 * Exported from `@palisade/containment`.
 *
 * @example Check that a hook name is chained.
 * ```ts
 * GIT_HOOK_NAMES.includes('commit-msg'); // true
 * ```
 */
export const GIT_HOOK_NAMES: readonly string[] = Object.freeze([
  'applypatch-msg',
  'commit-msg',
  'fsmonitor-watchman',
  'p4-changelist',
  'p4-post-changelist',
  'p4-pre-submit',
  'p4-prepare-changelist',
  'post-applypatch',
  'post-checkout',
  'post-commit',
  'post-index-change',
  'post-merge',
  'post-receive',
  'post-rewrite',
  'post-update',
  'pre-applypatch',
  'pre-auto-gc',
  'pre-commit',
  'pre-merge-commit',
  'pre-push',
  'pre-rebase',
  'pre-receive',
  'prepare-commit-msg',
  'proc-receive',
  'push-to-checkout',
  'reference-transaction',
  'sendemail-validate',
  'update',
]);

/** Names of the POSIX sh files shipped in the package's `hooks/` folder. */
export type ShippedFile =
  | 'palisade-hook'
  | '_palisade-chain'
  | 'git-remote-contained'
  | 'common-pre-push'
  | 'pre-commit-secrets'
  | 'git-shim';

const cache = new Map<ShippedFile, string>();

/** The absolute path of a shipped hook file (`<package>/hooks/<name>`). */
export function shippedPath(name: ShippedFile): string {
  return fileURLToPath(new URL(`../hooks/${name}`, import.meta.url));
}

/** The text of a shipped hook file (LF line endings, as published). */
export function shippedText(name: ShippedFile): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(shippedPath(name), 'utf8');
    cache.set(name, text);
  }
  return text;
}

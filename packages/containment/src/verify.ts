import { realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GIT_HOOK_NAMES, shippedText } from './hook-files.ts';
import { _BLOCK_HEADER, type ContainmentOptions, listWorktrees, readState } from './install.ts';
import { readOrNull } from './internal/fs-atomic.ts';
import { type GitEnv, runGit } from './internal/git.ts';
import { resolveLayout, type WorktreeLayout } from './internal/layout.ts';

/** The layer a {@link ContainmentAlert} is about. */
export type ContainmentLayer =
  | 'hooks-path'
  | 'hook-files'
  | 'push-urls'
  | 'url-rewrite'
  | 'remote-helper'
  | 'common-pre-push'
  | 'worktree-config'
  | 'state';

/** One sign of tampering (or of a layer that no longer holds). */
export interface ContainmentAlert {
  readonly layer: ContainmentLayer;
  /** The worktree the alert is about (the repository's main worktree for repository-wide layers). */
  readonly worktree: string;
  readonly message: string;
}

/** The result of {@link verifyContainment}. */
export interface VerifyReport {
  /** True when every contained worktree's layers hold (no alerts). */
  readonly ok: boolean;
  readonly alerts: readonly ContainmentAlert[];
  /** The worktrees checked (contained ones: recorded at install or carrying a copied containment block). */
  readonly contained: readonly string[];
  /** Worktrees of the repository that are not contained (information, not an alert). */
  readonly uncontained: readonly string[];
}

/** URLs used to probe how an explicit-URL push would be rewritten. */
const PROBE_URLS: readonly string[] = [
  'https://github.com/palisade-probe/probe.git',
  'git@github.com:palisade-probe/probe.git',
  'ssh://git@gitlab.com/palisade-probe/probe.git',
  'http://192.0.2.1/probe.git',
  'git://example.com/probe.git',
  'file:///palisade-probe/probe.git',
  '/palisade-probe/probe.git',
  '../palisade-probe.git',
];

async function checkFile(path: string, expected: string, mode: number): Promise<string | null> {
  const cur = await readOrNull(path);
  if (cur === null) return `missing: ${path}`;
  if (cur.toString('utf8') !== expected) return `modified: ${path}`;
  const m = (await stat(path)).mode & 0o777;
  if (m !== mode) return `mode ${m.toString(8)} instead of ${mode.toString(8)}: ${path}`;
  return null;
}

async function verifyRepositoryFiles(
  layout: WorktreeLayout,
  alerts: ContainmentAlert[],
  commonPrePush: boolean,
  scan: string,
  lists: Readonly<Record<string, string>>,
): Promise<void> {
  const add = (layer: ContainmentLayer, message: string): void => {
    alerts.push({ layer, worktree: layout.worktree, message });
  };
  // The lists the shared pre-push reads to know which worktrees are contained.
  for (const [name, expected] of Object.entries(lists)) {
    const problem = await checkFile(join(layout.containmentDir, name), expected, 0o644);
    if (problem !== null) add('common-pre-push', problem);
  }
  const hook = shippedText('palisade-hook');
  for (const name of GIT_HOOK_NAMES) {
    const expected =
      name === 'pre-commit' && scan !== 'off' ? shippedText('pre-commit-secrets') : hook;
    const problem = await checkFile(join(layout.hooksDir, name), expected, 0o755);
    if (problem !== null) add('hook-files', problem);
  }
  const chain = await checkFile(
    join(layout.hooksDir, '_palisade-chain'),
    shippedText('_palisade-chain'),
    0o755,
  );
  if (chain !== null) add('hook-files', chain);
  const helper = await checkFile(
    join(layout.binDir, 'git-remote-contained'),
    shippedText('git-remote-contained'),
    0o755,
  );
  if (helper !== null) add('remote-helper', helper);
  if (commonPrePush) {
    const p = await checkFile(
      join(layout.commonDir, 'hooks', 'pre-push'),
      shippedText('common-pre-push'),
      0o755,
    );
    if (p !== null) add('common-pre-push', p);
  }
}

async function verifyWorktree(
  layout: WorktreeLayout,
  env: GitEnv | undefined,
  alerts: ContainmentAlert[],
  recordedRemotes: readonly string[],
): Promise<void> {
  const add = (layer: ContainmentLayer, message: string): void => {
    alerts.push({ layer, worktree: layout.worktree, message });
  };
  // Layer: the effective hooks directory is the containment hooks directory.
  const hp = await runGit(layout.worktree, ['rev-parse', '--git-path', 'hooks'], env);
  const effective = hp.ok ? hp.stdout.trim() : '';
  const want = await realpath(layout.hooksDir).catch(() => layout.hooksDir);
  const got = await realpath(join(layout.worktree, effective)).catch(() => effective);
  const gotAbs = effective.startsWith('/') ? await realpath(effective).catch(() => effective) : got;
  if (gotAbs !== want)
    add('hooks-path', `hooks run from ${effective || '(unknown)'}, not ${layout.hooksDir}`);

  // Layers: every configured remote's push URL, and every probe URL, must be rewritten to contained::.
  const remoteList = await runGit(layout.worktree, ['remote'], env);
  const remotes = remoteList.ok ? remoteList.stdout.split('\n').filter((r) => r !== '') : [];
  const urls = await runGit(
    layout.worktree,
    ['config', '--get-regexp', '^remote\\..*\\.url$'],
    env,
  );
  const probeUrls = [...PROBE_URLS];
  for (const line of urls.stdout.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp !== -1) probeUrls.push(line.slice(sp + 1));
  }
  const args: string[] = [];
  probeUrls.forEach((u, i) => {
    args.push('-c', `remote.palisade-probe-${i}.url=${u}`);
  });
  const rv = await runGit(layout.worktree, [...args, 'remote', '-v'], env);
  if (!rv.ok) {
    add('push-urls', 'git remote -v failed');
    return;
  }
  const pushUrls = new Map<string, string[]>();
  for (const line of rv.stdout.split('\n')) {
    const m = /^(\S+)\t(.*) \(push\)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined)
      pushUrls.set(m[1], [...(pushUrls.get(m[1]) ?? []), m[2]]);
  }
  for (const r of recordedRemotes) {
    const urls = pushUrls.get(r);
    if (urls !== undefined && !urls.includes(`contained::${r}`)) {
      add('push-urls', `remote ${r} lost its per-worktree push URL contained::${r}`);
    }
  }
  for (const line of rv.stdout.split('\n')) {
    const m = /^(\S+)\t(.*) \(push\)$/.exec(line);
    if (m === null) continue;
    const [, name = '', url = ''] = m;
    if (url.startsWith('contained::')) continue;
    if (name.startsWith('palisade-probe-'))
      add('url-rewrite', `an explicit-URL push to ${url} is not rewritten to contained::`);
    else if (remotes.includes(name))
      add('push-urls', `remote ${name} pushes to ${url}, not to contained::`);
  }
}

/**
 * Checks every layer of every contained worktree of a repository: the
 * effective hooks directory, each remote's effective push URLs (after every
 * rewrite rule in every scope), how explicit-URL pushes would be rewritten
 * (probed with real git), the hook and helper files (content and mode), the
 * shared pre-push, and that worktrees recorded as contained still are. Meant
 * to run after every agent turn; ordinary work (commits, branches, fetch,
 * new worktrees, new remotes) raises no alert.
 *
 * Exported from `@palisade/containment`.
 *
 * @param repo - A path inside any worktree of the repository.
 * @param options - Git environment.
 * @returns The alerts (empty when containment holds).
 * @throws {ContainmentError} `ERR_CONTAINMENT_NOT_A_REPOSITORY` or `ERR_CONTAINMENT_STATE_CORRUPT`.
 * @example Check after an agent turn.
 * ```ts
 * const report = await verifyContainment('/repo');
 * if (!report.ok) for (const a of report.alerts) notify(a.layer, a.message);
 * ```
 */
export async function verifyContainment(
  repo: string,
  options: ContainmentOptions = {},
): Promise<VerifyReport> {
  const env = options.env;
  const first = await resolveLayout(repo, env);
  const state = await readState(first);
  const alerts: ContainmentAlert[] = [];
  const contained: string[] = [];
  const uncontained: string[] = [];
  const worktrees = await listWorktrees(repo, options);
  const seenGitDirs = new Set<string>();
  for (const wt of worktrees) {
    if (wt.bare) continue;
    let layout: WorktreeLayout;
    try {
      layout = await resolveLayout(wt.path, env);
    } catch {
      continue; // a worktree whose directory is gone (prunable)
    }
    seenGitDirs.add(layout.gitDir);
    const entry = state?.worktrees[layout.gitDir];
    const recorded = entry !== undefined;
    const configFile = entry?.configFile ?? layout.worktreeConfigFile;
    const cfg = await readOrNull(configFile);
    let carries = cfg?.toString('utf8').includes(_BLOCK_HEADER) === true;
    if (entry?.include !== undefined) {
      const shared = await readOrNull(join(layout.commonDir, 'config'));
      carries &&= shared?.toString('utf8').includes(entry.include) === true;
    }
    if (!recorded && !carries) {
      uncontained.push(layout.worktree);
      continue;
    }
    contained.push(layout.worktree);
    if (recorded && !carries) {
      alerts.push({
        layer: 'worktree-config',
        worktree: layout.worktree,
        message: `the containment block was removed from ${configFile}`,
      });
    }
    await verifyWorktree(layout, env, alerts, state?.worktrees[layout.gitDir]?.remotes ?? []);
  }
  if (state === null) {
    if (contained.length > 0)
      alerts.push({
        layer: 'state',
        worktree: first.worktree,
        message: 'the containment state record is missing',
      });
  } else {
    const gitDirs = Object.keys(state.worktrees).sort();
    const tops = Object.values(state.worktrees)
      .map((w) => w.worktree)
      .sort();
    await verifyRepositoryFiles(first, alerts, state.commonPrePush !== null, state.preCommitScan, {
      contained: gitDirs.map((l) => `${l}\n`).join(''),
      'contained-worktrees': tops.map((l) => `${l}\n`).join(''),
    });
    for (const [gitDir, entry] of Object.entries(state.worktrees)) {
      if (!seenGitDirs.has(gitDir) && (await readOrNull(join(gitDir, 'HEAD'))) !== null) {
        alerts.push({
          layer: 'state',
          worktree: entry.worktree,
          message: 'a contained worktree is no longer listed by git',
        });
      }
    }
  }
  return { ok: alerts.length === 0, alerts, contained, uncontained };
}

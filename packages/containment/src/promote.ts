import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { type Finding, scan } from '@palisade/redaction';
import { ContainmentError } from './errors.ts';
import { type ContainmentOptions, readState } from './install.ts';
import { type GitEnv, runGit } from './internal/git.ts';
import { parseScopedList } from './internal/git-config-text.ts';
import { resolveLayout, type WorktreeLayout } from './internal/layout.ts';
import { type ContainmentAlert, verifyContainment } from './verify.ts';

/** One commit that a promotion publishes. */
export interface PromotionCommit {
  readonly sha: string;
  readonly subject: string;
}

/** One file that a promotion publishes a change to. */
export interface PromotionFile {
  /** git's status letter: A, M, D, R, C, T. */
  readonly status: string;
  readonly path: string;
}

/** A secret-scan finding in the diff to be published (never the matched value). */
export interface PromotionFinding {
  readonly ruleId: string;
  readonly kind: Finding['kind'];
  readonly confidence: Finding['confidence'];
  readonly fingerprint: string;
  readonly file: string;
  /** Line number in the new version of the file (1-based). */
  readonly line: number;
}

/** What the human is asked to confirm: exactly what will be published. */
export interface PromotionPlan {
  readonly worktree: string;
  readonly remote: string;
  /** The URL the push goes to. */
  readonly remoteUrl: string;
  readonly branch: string;
  /** The pinned commit: exactly this SHA is pushed, whatever the worktree does meanwhile. */
  readonly sha: string;
  /** The remote branch's value before the push, or null when the branch is new. */
  readonly previousRemoteSha: string | null;
  readonly commits: readonly PromotionCommit[];
  readonly files: readonly PromotionFile[];
  readonly findings: readonly PromotionFinding[];
}

/**
 * The host app's explicit confirmation. Only a return value of exactly `true`
 * publishes; anything else (false, a throw, a non-boolean) refuses.
 */
export type ConfirmPromotion = (plan: PromotionPlan) => boolean | Promise<boolean>;

/** Options of {@link promote}. */
export interface PromoteOptions extends ContainmentOptions {
  /** The contained worktree to publish from. */
  readonly worktree: string;
  /** The remote name (e.g. `origin`). */
  readonly remote: string;
  /** The branch to create or fast-forward on the remote. */
  readonly branch: string;
  /** The host's explicit confirmation (required). */
  readonly confirm: ConfirmPromotion;
  /** The commit to publish (default `HEAD`), resolved and pinned before confirmation. */
  readonly ref?: string;
}

/** The audit record of one promotion. */
export interface PromotionRecord {
  readonly action: 'git.promote';
  readonly worktree: string;
  readonly remote: string;
  readonly remoteUrl: string;
  readonly branch: string;
  readonly sha: string;
  readonly previousRemoteSha: string | null;
  readonly commits: readonly string[];
  readonly files: readonly string[];
  /** Number of secret-scan findings the human saw and confirmed anyway. */
  readonly findings: number;
  readonly confirmedAt: string;
  readonly pushedAt: string;
  /** True: the remote ref was read back and equals `sha`. */
  readonly remoteRefVerified: true;
  /** True when containment verified clean right after the push. */
  readonly containmentVerified: boolean;
  readonly alerts: readonly ContainmentAlert[];
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

async function must(
  cwd: string,
  args: readonly string[],
  env: GitEnv,
  what: string,
): Promise<string> {
  const r = await runGit(cwd, args, env);
  if (!r.ok)
    throw new ContainmentError('ERR_CONTAINMENT_GIT_FAILED', `${what} failed`, { cause: r.stderr });
  return r.stdout;
}

async function remoteUrlOf(layout: WorktreeLayout, remote: string, env: GitEnv): Promise<string> {
  const list = parseScopedList(
    await must(layout.worktree, ['config', '--list', '--show-scope', '-z'], env, 'git config'),
  );
  const key = `remote.${remote}.pushurl`;
  for (const e of list) {
    if (
      e.scope !== 'worktree' &&
      e.scope !== 'command' &&
      e.key === key &&
      e.value !== null &&
      !e.value.startsWith('contained::')
    ) {
      return e.value;
    }
  }
  const r = await runGit(layout.worktree, ['ls-remote', '--get-url', remote], env);
  const url = r.stdout.trim();
  if (!r.ok || url === '' || url === remote) {
    throw new ContainmentError('ERR_CONTAINMENT_INVALID_ARGUMENT', `no such remote: ${remote}`);
  }
  return url;
}

async function lsRemote(
  layout: WorktreeLayout,
  url: string,
  branch: string,
  env: GitEnv,
): Promise<string | null> {
  const out = await must(
    layout.worktree,
    ['ls-remote', '--', url, `refs/heads/${branch}`],
    env,
    'git ls-remote',
  );
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (ref === `refs/heads/${branch}` && sha !== undefined) return sha;
  }
  return null;
}

function scanPatch(patch: string): PromotionFinding[] {
  const findings: PromotionFinding[] = [];
  let file = '';
  let line = 0;
  for (const raw of patch.split('\n')) {
    if (raw.startsWith('+++ ')) {
      file = raw.startsWith('+++ b/') ? raw.slice(6) : raw.slice(4);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk !== null) {
      line = Number(hunk[1]);
      continue;
    }
    if (raw.startsWith('+')) {
      for (const f of scan(raw.slice(1))) {
        findings.push({
          ruleId: f.ruleId,
          kind: f.kind,
          confidence: f.confidence,
          fingerprint: f.fingerprint,
          file,
          line,
        });
      }
      line++;
    } else if (!raw.startsWith('-')) line++;
  }
  return findings;
}

async function originalPrePush(layout: WorktreeLayout, env: GitEnv): Promise<string | null> {
  const list = parseScopedList(
    await must(layout.worktree, ['config', '--list', '--show-scope', '-z'], env, 'git config'),
  );
  let shared: string | null = null;
  for (const e of list) {
    if (
      e.key === 'core.hookspath' &&
      (e.scope === 'local' || e.scope === 'global' || e.scope === 'system') &&
      // The includeIf fallback puts our own hooks dir in the local scope: skip it.
      e.value !== layout.hooksDir
    )
      shared = e.value ?? '';
  }
  if (shared !== null && shared !== '') {
    const dir = shared.startsWith('~/') ? join(env['HOME'] ?? '', shared.slice(2)) : shared;
    return join(isAbsolute(dir) ? dir : resolve(layout.worktree, dir), 'pre-push');
  }
  const state = await readState(layout);
  const commonHook = join(layout.commonDir, 'hooks', 'pre-push');
  if (state?.commonPrePush?.hadOriginal === true) return `${commonHook}.palisade-orig`;
  if (state?.commonPrePush != null) return null;
  return commonHook;
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Builds the {@link PromotionPlan} for publishing `ref` from a worktree: pins
 * the SHA, lists the exact commits and files, and scans the added lines of the
 * diff with `@palisade/redaction`. Reads the remote's branch with
 * `git ls-remote` (git connects to the remote; this package does not).
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - Worktree, remote, branch and ref (the confirm callback is not called).
 * @returns The plan.
 * @throws {ContainmentError} `ERR_CONTAINMENT_INVALID_ARGUMENT` for an unknown remote, bad branch
 *   name or unknown ref; `ERR_CONTAINMENT_GIT_FAILED` when git fails.
 * @example Show what would be published.
 * ```ts
 * const plan = await planPromotion({ worktree, remote: 'origin', branch: 'feature' });
 * ```
 */
export async function planPromotion(
  options: Omit<PromoteOptions, 'confirm'>,
): Promise<PromotionPlan> {
  const { worktree, remote, branch } = options;
  for (const [k, v] of [
    ['worktree', worktree],
    ['remote', remote],
    ['branch', branch],
  ] as const) {
    if (typeof v !== 'string' || v.length === 0)
      throw new TypeError(`${k} must be a non-empty string`);
  }
  const env: GitEnv = options.env ?? process.env;
  const layout = await resolveLayout(worktree, env);
  if (remote.startsWith('-') || /[\s:]/.test(remote)) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
      `invalid remote name: ${remote}`,
    );
  }
  const okBranch = await runGit(layout.worktree, ['check-ref-format', `refs/heads/${branch}`], env);
  if (!okBranch.ok || branch.startsWith('-')) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
      `invalid branch name: ${branch}`,
    );
  }
  const ref = options.ref ?? 'HEAD';
  const revParsed = await runGit(
    layout.worktree,
    ['rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`],
    env,
  );
  const sha = revParsed.stdout.trim();
  if (!revParsed.ok || !SHA.test(sha))
    throw new ContainmentError('ERR_CONTAINMENT_INVALID_ARGUMENT', `unknown commit: ${ref}`);
  const remoteUrl = await remoteUrlOf(layout, remote, env);
  const previousRemoteSha = await lsRemote(layout, remoteUrl, branch, env);
  const haveBase =
    previousRemoteSha !== null &&
    (await runGit(layout.worktree, ['cat-file', '-e', `${previousRemoteSha}^{commit}`], env)).ok;
  const range = haveBase
    ? [sha, '--not', previousRemoteSha ?? '']
    : [sha, '--not', `--remotes=${remote}`];
  const log = await must(
    layout.worktree,
    ['log', '--format=%H%x00%s', ...range, '--'],
    env,
    'git log',
  );
  const commits = log
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [c = '', subject = ''] = l.split('\0');
      return { sha: c, subject };
    });
  const names = await must(
    layout.worktree,
    ['log', '--format=', '--name-status', '--no-renames', ...range, '--'],
    env,
    'git log --name-status',
  );
  const fileMap = new Map<string, string>();
  for (const l of names.split('\n')) {
    const [status, path] = l.split('\t');
    if (status !== undefined && path !== undefined && status !== '' && !fileMap.has(path))
      fileMap.set(path, status);
  }
  const files = [...fileMap]
    .map(([path, status]) => ({ status, path }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const patch = await must(
    layout.worktree,
    [
      'log',
      '-p',
      '--format=',
      '--no-color',
      '--no-ext-diff',
      '--no-renames',
      '-U0',
      ...range,
      '--',
    ],
    env,
    'git log -p',
  );
  const findings = scanPatch(patch);
  return Object.freeze({
    worktree: layout.worktree,
    remote,
    remoteUrl,
    branch,
    sha,
    previousRemoteSha,
    commits: Object.freeze(commits),
    files: Object.freeze(files),
    findings: Object.freeze(findings),
  });
}

/**
 * Promotion, the explicit human step: shows the host the exact commits and
 * files to be published and a secret scan of the diff, pins the SHA (commits
 * the agent adds meanwhile are not published), and only when the host's
 * `confirm` returns exactly `true` pushes that SHA once to the remote's real
 * URL. The repository's own pre-push hook still runs (never `--no-verify`).
 * The containment layers are bypassed only inside that one git process, by
 * command-line settings that exist nowhere else (containment stays installed
 * the whole time, so a concurrent agent push is still refused). Afterwards the
 * remote ref is read back and containment is re-verified.
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - Worktree, remote, branch, the confirm callback, and the git environment
 *   (default: this process's environment, so the human's credentials apply).
 * @returns The audit record.
 * @throws {ContainmentError} `ERR_CONTAINMENT_PROMOTION_REFUSED` without confirmation;
 *   `ERR_CONTAINMENT_PROMOTION_FAILED` when the push (e.g. the repository's pre-push hook) or
 *   the remote ref check fails; `ERR_CONTAINMENT_INVALID_ARGUMENT` for a bad remote, branch or ref.
 * @example Publish after the human said yes.
 * ```ts
 * const record = await promote({ worktree, remote: 'origin', branch: 'feature', confirm: (plan) => askHuman(plan) });
 * auditLog.append(record);
 * ```
 */
export async function promote(options: PromoteOptions): Promise<PromotionRecord> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an object');
  if (typeof options.confirm !== 'function') {
    throw new ContainmentError(
      'ERR_CONTAINMENT_PROMOTION_REFUSED',
      'promotion needs an explicit confirmation callback from the host',
    );
  }
  const env: GitEnv = options.env ?? process.env;
  const plan = await planPromotion({ ...options, env });
  let answer: unknown;
  try {
    answer = await options.confirm(plan);
  } catch (cause) {
    throw new ContainmentError('ERR_CONTAINMENT_PROMOTION_REFUSED', 'the confirmation failed', {
      cause,
    });
  }
  if (answer !== true)
    throw new ContainmentError(
      'ERR_CONTAINMENT_PROMOTION_REFUSED',
      'the promotion was not confirmed',
    );
  const confirmedAt = new Date().toISOString();
  const layout = await resolveLayout(plan.worktree, env);

  // One-invocation hooks dir: runs the repository's own pre-push, nothing else.
  const hooks = await mkdtemp(join(tmpdir(), 'palisade-promote-'));
  try {
    const orig = await originalPrePush(layout, env);
    const body =
      orig === null
        ? '#!/bin/sh\nexit 0\n'
        : `#!/bin/sh\nif [ -f ${shQuote(orig)} ] && [ -x ${shQuote(orig)} ]; then exec ${shQuote(orig)} "$@"; fi\nexit 0\n`;
    await writeFile(join(hooks, 'pre-push'), body, { mode: 0o755 });
    const url = plan.remoteUrl;
    const push = await runGit(
      layout.worktree,
      [
        '-c',
        `core.hooksPath=${hooks}`,
        '-c',
        `url.${url}.pushInsteadOf=${url}`,
        'push',
        '--porcelain',
        '--',
        url,
        `${plan.sha}:refs/heads/${plan.branch}`,
      ],
      env,
    );
    if (!push.ok) {
      throw new ContainmentError(
        'ERR_CONTAINMENT_PROMOTION_FAILED',
        "the push was rejected (by the remote or the repository's pre-push hook)",
        {
          cause: push.stderr,
        },
      );
    }
  } finally {
    await rm(hooks, { recursive: true, force: true });
  }
  const pushedAt = new Date().toISOString();
  const after = await lsRemote(layout, plan.remoteUrl, plan.branch, env);
  if (after !== plan.sha) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_PROMOTION_FAILED',
      `the remote branch is ${after ?? 'missing'}, not the pinned ${plan.sha}`,
    );
  }
  const verify = await verifyContainment(layout.worktree, { env });
  return Object.freeze({
    action: 'git.promote',
    worktree: plan.worktree,
    remote: plan.remote,
    remoteUrl: plan.remoteUrl,
    branch: plan.branch,
    sha: plan.sha,
    previousRemoteSha: plan.previousRemoteSha,
    commits: Object.freeze(plan.commits.map((c) => c.sha)),
    files: Object.freeze(plan.files.map((f) => f.path)),
    findings: plan.findings.length,
    confirmedAt,
    pushedAt,
    remoteRefVerified: true,
    containmentVerified: verify.ok,
    alerts: verify.alerts,
  });
}

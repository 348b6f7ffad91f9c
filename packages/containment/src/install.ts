import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainmentError } from './errors.ts';
import { GIT_HOOK_NAMES, shippedText } from './hook-files.ts';
import {
  type AtomicFile,
  fileIdentity,
  readOrNull,
  replaceFileAtomic,
  settleAll,
  withLockFile,
  writeConfigLocked,
  writeFileAtomic,
  writeFilesAtomic,
} from './internal/fs-atomic.ts';
import { type GitEnv, type GitResult, runGit } from './internal/git.ts';
import {
  type ConfigEntry,
  parseScopedList,
  quoteConfigValue,
  quoteSubsection,
  remoteNames,
} from './internal/git-config-text.ts';
import { resolveLayout, type WorktreeLayout } from './internal/layout.ts';

/** Options shared by install, uninstall, verify and status. */
export interface ContainmentOptions {
  /**
   * The complete environment for the git processes this package runs
   * (default: this process's environment, from which simple-git strips
   * `GIT_*` variables). Tests pin `GIT_CONFIG_GLOBAL` and `GIT_CONFIG_NOSYSTEM` here.
   */
  readonly env?: GitEnv;
}

/** Options of {@link installContainment}. */
export interface InstallOptions extends ContainmentOptions {
  /**
   * The optional pre-commit secret warning: `'warn'` runs `palisade scan
   * --staged` (when `palisade` is on PATH) and lets the commit through,
   * `'block'` refuses the commit on a finding. Default `'off'`.
   */
  readonly preCommitScan?: 'off' | 'warn' | 'block';
  /**
   * Where the per-worktree settings live. `'worktree-config'` (default):
   * `config.worktree`, enabled by `extensions.worktreeConfig` (git >= 2.20;
   * copied into worktrees made with `git worktree add`). `'include-if'`: the
   * fallback for tools that do not read `config.worktree` (e.g. libgit2): a
   * file in the containment dir, included from the shared config by
   * `[includeIf "gitdir:<worktree git dir>"]`.
   */
  readonly strategy?: 'worktree-config' | 'include-if';
}

/** What {@link installContainment} did for one worktree. */
export interface InstallReport {
  readonly worktree: string;
  readonly gitDir: string;
  readonly commonDir: string;
  /** The containment hooks directory the worktree's `core.hooksPath` points at. */
  readonly hooksDir: string;
  /** The remotes whose push URL now points at `contained::<remote>`. */
  readonly remotes: readonly string[];
  /** False when the worktree was already contained exactly this way (nothing was written). */
  readonly changed: boolean;
  /** True when the shared-hooks `pre-push` was installed (no shared `core.hooksPath`). */
  readonly commonPrePush: boolean;
}

/** What {@link uninstallContainment} did for one worktree. */
export interface UninstallReport {
  readonly worktree: string;
  /** False when the worktree was not contained. */
  readonly wasContained: boolean;
  /** True when this was the last contained worktree and the repository-wide files were removed. */
  readonly removedRepositoryLayers: boolean;
}

interface WorktreeState {
  readonly worktree: string;
  readonly configFile: string;
  /** The per-worktree config before install, base64, or null when absent. */
  readonly before: string | null;
  /** sha256 of the per-worktree config right after install. */
  readonly afterSha256: string;
  /** The exact block install appended. */
  readonly block: string;
  /** The remotes whose push URL the block sets to `contained::<remote>`. */
  readonly remotes: readonly string[];
  /** With the includeIf fallback: the exact text appended to the shared config. */
  readonly include?: string;
}

interface SharedConfigState {
  /** Bytes of `<common>/config` before install (base64). */
  readonly before: string;
  readonly afterSha256: string;
  /** Value of `extensions.worktreeConfig` before install, or null when unset. */
  readonly previousValue: string | null;
}

interface CommonHookState {
  readonly hadOriginal: boolean;
  readonly createdHooksDir: boolean;
}

/** The small state record kept in `<common>/palisade/state.json`. */
export interface ContainmentState {
  readonly version: 1;
  readonly sharedConfig: SharedConfigState | null;
  readonly commonPrePush: CommonHookState | null;
  readonly preCommitScan: 'off' | 'warn' | 'block';
  readonly worktrees: Readonly<Record<string, WorktreeState>>;
}

const BLOCK_HEADER =
  '# palisade containment (managed by @palisade/containment; remove with `palisade contain uninstall`)\n';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The per-worktree config block that contains a worktree. */
export function containmentBlock(hooksDir: string, remotes: readonly string[]): string {
  let s = BLOCK_HEADER;
  s += `[core]\n\thooksPath = ${quoteConfigValue(hooksDir)}\n`;
  for (const r of remotes) {
    s += `[remote ${quoteSubsection(r)}]\n\tpushurl = ${quoteConfigValue(`contained::${r}`)}\n`;
  }
  s += '[url "contained::"]\n\tpushInsteadOf = ""\n';
  s += '[palisade]\n\tcontained = true\n';
  return s;
}

/** Reads the state record, or `null` when the repository is not contained. */
export async function readState(layout: WorktreeLayout): Promise<ContainmentState | null> {
  return (await readStateText(layout))?.state ?? null;
}

/** The state record and its exact text (so an unchanged record is not written again). */
async function readStateText(
  layout: WorktreeLayout,
): Promise<{ readonly state: ContainmentState; readonly text: string } | null> {
  const raw = await readOrNull(join(layout.containmentDir, 'state.json'));
  if (raw === null) return null;
  try {
    const text = raw.toString('utf8');
    const parsed = JSON.parse(text) as ContainmentState;
    if (parsed.version !== 1 || typeof parsed.worktrees !== 'object')
      throw new Error('bad version');
    return { state: parsed, text };
  } catch (cause) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_STATE_CORRUPT',
      'the containment state record is unreadable',
      {
        cause,
      },
    );
  }
}

function stableJson(state: ContainmentState): string {
  const sortedWorktrees: Record<string, WorktreeState> = {};
  for (const k of Object.keys(state.worktrees).sort()) {
    const v = state.worktrees[k];
    if (v !== undefined) sortedWorktrees[k] = v;
  }
  return `${JSON.stringify({ ...state, worktrees: sortedWorktrees }, null, 2)}\n`;
}

const listConfig = (layout: WorktreeLayout, env: GitEnv | undefined): Promise<GitResult> =>
  runGit(layout.worktree, ['config', '--list', '--show-scope', '-z'], env);

function parseListing(r: GitResult): ConfigEntry[] {
  if (!r.ok)
    throw new ContainmentError('ERR_CONTAINMENT_GIT_FAILED', 'git config --list failed', {
      cause: r.stderr,
    });
  return parseScopedList(r.stdout);
}

async function scopedConfig(
  layout: WorktreeLayout,
  env: GitEnv | undefined,
): Promise<ConfigEntry[]> {
  return parseListing(await listConfig(layout, env));
}

/**
 * The config files whose contents install and uninstall change (under the
 * containment lock): the shared config and the worktree's own config file.
 */
const watchedConfigFiles = (layout: WorktreeLayout): string[] => [
  join(layout.commonDir, 'config'),
  layout.worktreeConfigFile,
];

/**
 * `git config --list` started before the containment lock is taken, so the
 * git process runs while the lock is acquired and the hook files are written.
 * The identities of the files that concurrent installs write are taken before
 * git starts; {@link settleConfig} uses the listing only if they are unchanged
 * once the lock is held, and otherwise lists again under the lock.
 */
interface EarlyConfig {
  readonly identities: Promise<(string | null)[]>;
  readonly listing: Promise<GitResult>;
}

function startConfigListing(layout: WorktreeLayout, env: GitEnv | undefined): EarlyConfig {
  const identities = Promise.all(watchedConfigFiles(layout).map(fileIdentity));
  // Never rejects: runGit reports failure in its result; a failed stat lists again later.
  const listing = identities.then(
    () => listConfig(layout, env),
    () => listConfig(layout, env),
  );
  return { identities: identities.catch(() => []), listing };
}

/** Call with the containment lock held: the early listing, or a fresh one if a watched file changed. */
async function settleConfig(
  layout: WorktreeLayout,
  early: EarlyConfig,
  env: GitEnv | undefined,
): Promise<ConfigEntry[]> {
  const [before, listing, now] = await Promise.all([
    early.identities,
    early.listing,
    Promise.all(watchedConfigFiles(layout).map(fileIdentity)),
  ]);
  const unchanged = before.length === now.length && before.every((id, i) => id === now[i]);
  if (unchanged && listing.ok) return parseScopedList(listing.stdout);
  return scopedConfig(layout, env);
}

/** True when a shared (system, global or local) `core.hooksPath` is set. */
function sharedHooksPath(entries: readonly ConfigEntry[], ownHooksDir?: string): string | null {
  let v: string | null = null;
  for (const e of entries) {
    if (
      e.key === 'core.hookspath' &&
      (e.scope === 'local' || e.scope === 'global' || e.scope === 'system') &&
      // The includeIf fallback sets our own hooks dir in the local scope: not the repository's.
      e.value !== ownHooksDir
    ) {
      v = e.value ?? '';
    }
  }
  return v;
}

async function writeRepositoryFiles(
  layout: WorktreeLayout,
  scan: 'off' | 'warn' | 'block',
): Promise<void> {
  await settleAll([
    mkdir(layout.hooksDir, { recursive: true, mode: 0o755 }),
    mkdir(layout.binDir, { recursive: true, mode: 0o755 }),
  ]);
  const hook = shippedText('palisade-hook');
  const files: AtomicFile[] = GIT_HOOK_NAMES.map((name) => ({
    path: join(layout.hooksDir, name),
    content: name === 'pre-commit' && scan !== 'off' ? shippedText('pre-commit-secrets') : hook,
    mode: 0o755,
  }));
  files.push(
    {
      path: join(layout.hooksDir, '_palisade-chain'),
      content: shippedText('_palisade-chain'),
      mode: 0o755,
    },
    {
      path: join(layout.binDir, 'git-remote-contained'),
      content: shippedText('git-remote-contained'),
      mode: 0o755,
    },
  );
  const modeFile = join(layout.hooksDir, '_palisade-scan-mode');
  if (scan === 'block') files.push({ path: modeFile, content: 'block\n', mode: 0o644 });
  await settleAll([
    writeFilesAtomic(files),
    scan === 'block' ? Promise.resolve() : rm(modeFile, { force: true }),
  ]);
}

async function ensureWorktreeConfigExtension(
  layout: WorktreeLayout,
  entries: readonly ConfigEntry[],
  state: ContainmentState,
  env: GitEnv | undefined,
): Promise<SharedConfigState | null> {
  let current: string | null = null;
  for (const e of entries)
    if (e.scope === 'local' && e.key === 'extensions.worktreeconfig') current = e.value ?? 'true';
  const isTrue = current !== null && /^(true|yes|on|1)$/i.test(current);
  if (isTrue) return state.sharedConfig;
  const configPath = join(layout.commonDir, 'config');
  const before = (await readOrNull(configPath)) ?? Buffer.alloc(0);
  if (current === null) {
    const text = before.toString('utf8');
    const sep = text.length === 0 || text.endsWith('\n') ? '' : '\n';
    await writeConfigLocked(
      configPath,
      `${text}${sep}[extensions]\n\tworktreeConfig = true\n`,
      0o644,
    );
  } else {
    const r = await runGit(
      layout.worktree,
      ['config', '--local', 'extensions.worktreeConfig', 'true'],
      env,
    );
    if (!r.ok)
      throw new ContainmentError(
        'ERR_CONTAINMENT_GIT_FAILED',
        'could not enable extensions.worktreeConfig',
        { cause: r.stderr },
      );
  }
  const after = (await readOrNull(configPath)) ?? Buffer.alloc(0);
  return (
    state.sharedConfig ?? {
      before: before.toString('base64'),
      afterSha256: sha256(after),
      previousValue: current,
    }
  );
}

async function installCommonPrePush(
  layout: WorktreeLayout,
  state: ContainmentState,
): Promise<CommonHookState> {
  const dir = join(layout.commonDir, 'hooks');
  const target = join(dir, 'pre-push');
  const ours = shippedText('common-pre-push');
  let createdHooksDir = state.commonPrePush?.createdHooksDir ?? false;
  let hadOriginal = state.commonPrePush?.hadOriginal ?? false;
  try {
    await readdir(dir);
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o755 });
    createdHooksDir = true;
  }
  const current = await readOrNull(target);
  if (current !== null && current.toString('utf8') !== ours && state.commonPrePush === null) {
    await rename(target, `${target}.palisade-orig`);
    hadOriginal = true;
  }
  await writeFileAtomic(target, ours, 0o755);
  return { hadOriginal, createdHooksDir };
}

/** The two lists the hooks read: contained git dirs, contained worktrees (one per line, sorted). */
function containedLists(state: ContainmentState): [string, string] {
  const lines = (xs: readonly string[]): string =>
    [...xs]
      .sort()
      .map((l) => `${l}\n`)
      .join('');
  return [
    lines(Object.keys(state.worktrees)),
    lines(Object.values(state.worktrees).map((w) => w.worktree)),
  ];
}

/**
 * Writes the state record and the two lists the hooks read. `stored` is the
 * record as read under the same lock: a file whose new text differs from what
 * that record implies is replaced without being read again; an unchanged one
 * is compared first (and left alone when intact, so re-installs change nothing).
 */
async function saveState(
  layout: WorktreeLayout,
  state: ContainmentState,
  stored: { readonly state: ContainmentState; readonly text: string } | null,
): Promise<void> {
  const next = [stableJson(state), ...containedLists(state)];
  const previous = stored === null ? [] : [stored.text, ...containedLists(stored.state)];
  const names = ['state.json', 'contained', 'contained-worktrees'];
  await settleAll(
    names.map((name, i) => {
      const path = join(layout.containmentDir, name);
      const text = next[i] as string;
      return text === previous[i]
        ? writeFileAtomic(path, text, 0o644)
        : replaceFileAtomic(path, Buffer.from(text, 'utf8'), 0o644);
    }),
  );
}

const emptyState = (scan: 'off' | 'warn' | 'block'): ContainmentState => ({
  version: 1,
  sharedConfig: null,
  commonPrePush: null,
  preCommitScan: scan,
  worktrees: {},
});

/**
 * Contains one worktree: its per-worktree config points `core.hooksPath` at
 * the containment hooks (which refuse pre-push and chain every other hook to
 * the repository's own), every remote's push URL at `contained::<remote>`
 * (refused by the shipped `git-remote-contained` helper, or by git itself when
 * the helper is not on PATH), and every other push URL through the catch-all
 * `url."contained::".pushInsteadOf ""`. Where the repository has no shared
 * `core.hooksPath`, the shared `.git/hooks/pre-push` also refuses in contained
 * worktrees (the original is kept and still runs elsewhere).
 *
 * Idempotent (a second install writes nothing) and safe to run concurrently
 * (installs in one repository are serialised by a lock file; config files are
 * written under git's own `.lock` protocol with retries).
 *
 * Exported from `@palisade/containment`.
 *
 * @param worktree - A path inside the worktree to contain.
 * @param options - Git environment and the optional pre-commit scan.
 * @returns What was installed.
 * @throws {ContainmentError} `ERR_CONTAINMENT_NOT_A_REPOSITORY`, `ERR_CONTAINMENT_BARE_REPOSITORY`,
 *   `ERR_CONTAINMENT_GIT_FAILED` or `ERR_CONTAINMENT_STATE_CORRUPT`.
 * @example Contain an agent's worktree.
 * ```ts
 * const report = await installContainment('/repo/.worktrees/agent-1');
 * report.remotes; // ['origin']
 * ```
 */
export async function installContainment(
  worktree: string,
  options: InstallOptions = {},
): Promise<InstallReport> {
  const env = options.env;
  const scan = options.preCommitScan ?? 'off';
  if (scan !== 'off' && scan !== 'warn' && scan !== 'block')
    throw new RangeError('preCommitScan must be off, warn or block');
  const strategy = options.strategy ?? 'worktree-config';
  if (strategy !== 'worktree-config' && strategy !== 'include-if')
    throw new RangeError('strategy must be worktree-config or include-if');
  const resolved = await resolveLayout(worktree, env);
  const layout: WorktreeLayout =
    strategy === 'worktree-config'
      ? resolved
      : {
          ...resolved,
          worktreeConfigFile: join(
            resolved.containmentDir,
            'worktrees',
            `${sha256(resolved.gitDir).slice(0, 16)}.config`,
          ),
        };
  const early = startConfigListing(layout, env);
  return withLockFile(join(layout.commonDir, 'palisade.lock'), async () => {
    const stored = await readStateText(layout);
    let state = stored?.state ?? emptyState(scan);
    const [entries] = await settleAll([
      settleConfig(layout, early, env),
      writeRepositoryFiles(layout, scan),
    ]);
    const remotes = remoteNames(entries);
    const shared = sharedHooksPath(entries, layout.hooksDir);
    // The shared pre-push (hooks dir) and the shared config are distinct files: written concurrently.
    const [commonPrePush, sharedConfig, include] = await settleAll([
      shared === null ? installCommonPrePush(layout, state) : Promise.resolve(state.commonPrePush),
      strategy === 'worktree-config'
        ? ensureWorktreeConfigExtension(layout, entries, state, env)
        : Promise.resolve(state.sharedConfig),
      strategy === 'include-if'
        ? ensureInclude(layout, state.worktrees[layout.gitDir]?.include)
        : Promise.resolve(undefined),
    ]);

    const block = containmentBlock(layout.hooksDir, remotes);
    const currentBuf = await readOrNull(layout.worktreeConfigFile);
    const current = currentBuf?.toString('utf8') ?? null;
    const existing = state.worktrees[layout.gitDir];
    let changed = false;
    let entry: WorktreeState;
    if (
      existing !== undefined &&
      current !== null &&
      sha256(current) === existing.afterSha256 &&
      existing.block === block
    ) {
      entry = existing;
    } else {
      // Strip a previous block of ours (remotes changed, or a config copied by `git worktree add`).
      let base = current ?? '';
      const prevBlock = existing?.block;
      if (prevBlock !== undefined && base.endsWith(prevBlock))
        base = base.slice(0, -prevBlock.length);
      else {
        const at = base.indexOf(BLOCK_HEADER);
        if (at !== -1) base = base.slice(0, at);
      }
      const sep = base.length === 0 || base.endsWith('\n') ? '' : '\n';
      const next = `${base}${sep}${block}`;
      if (next !== current) {
        await writeConfigLocked(layout.worktreeConfigFile, next, 0o644);
        changed = true;
      }
      const before =
        existing !== undefined
          ? existing.before
          : current === null || base === ''
            ? null
            : Buffer.from(base).toString('base64');
      entry = {
        worktree: layout.worktree,
        configFile: layout.worktreeConfigFile,
        before,
        afterSha256: sha256(next),
        block,
        remotes,
        ...(include === undefined ? {} : { include }),
      };
    }
    state = {
      version: 1,
      sharedConfig,
      commonPrePush,
      preCommitScan: scan,
      worktrees: { ...state.worktrees, [layout.gitDir]: entry },
    };
    await saveState(layout, state, stored);
    return {
      worktree: layout.worktree,
      gitDir: layout.gitDir,
      commonDir: layout.commonDir,
      hooksDir: layout.hooksDir,
      remotes,
      changed,
      commonPrePush: commonPrePush !== null,
    };
  });
}

/** Escapes glob characters for a `gitdir:` pattern (git matches it with wildmatch). */
const globEscape = (p: string): string => p.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** Appends `[includeIf "gitdir:<git dir>"] path = <file>` to the shared config once; returns the exact text appended. */
async function ensureInclude(
  layout: WorktreeLayout,
  previous: string | undefined,
): Promise<string> {
  await mkdir(join(layout.containmentDir, 'worktrees'), { recursive: true, mode: 0o755 });
  const configPath = join(layout.commonDir, 'config');
  const text = ((await readOrNull(configPath)) ?? Buffer.alloc(0)).toString('utf8');
  const section = `${BLOCK_HEADER}[includeIf ${quoteSubsection(`gitdir:${globEscape(layout.gitDir)}`)}]\n\tpath = ${quoteConfigValue(layout.worktreeConfigFile)}\n`;
  if (previous?.endsWith(section) && text.includes(previous)) return previous;
  if (text.includes(section)) return section;
  const include = `${text.length === 0 || text.endsWith('\n') ? '' : '\n'}${section}`;
  await writeConfigLocked(configPath, `${text}${include}`, 0o644);
  return include;
}

function removeBlock(text: string, block: string): string {
  const at = text.lastIndexOf(block);
  if (at !== -1) return text.slice(0, at) + text.slice(at + block.length);
  const h = text.indexOf(BLOCK_HEADER);
  if (h === -1) return text;
  // Remove the header and the sections that follow it up to the palisade section's end.
  const end = text.indexOf('[palisade]\n\tcontained = true\n', h);
  if (end === -1) return text.slice(0, h);
  return text.slice(0, h) + text.slice(end + '[palisade]\n\tcontained = true\n'.length);
}

async function restoreWorktreeConfig(entry: WorktreeState): Promise<void> {
  const current = await readOrNull(entry.configFile);
  if (current === null) return;
  if (sha256(current) === entry.afterSha256) {
    if (entry.before === null) await rm(entry.configFile, { force: true });
    else
      await writeConfigLocked(
        entry.configFile,
        Buffer.from(entry.before, 'base64').toString('utf8'),
        0o644,
      );
    return;
  }
  const next = removeBlock(current.toString('utf8'), entry.block);
  if (next === '' && entry.before === null) await rm(entry.configFile, { force: true });
  else if (next !== current.toString('utf8'))
    await writeConfigLocked(entry.configFile, next, 0o644);
}

async function removeRepositoryLayers(
  layout: WorktreeLayout,
  state: ContainmentState,
  env: GitEnv | undefined,
): Promise<void> {
  if (state.commonPrePush !== null) {
    const target = join(layout.commonDir, 'hooks', 'pre-push');
    const cur = await readOrNull(target);
    if (cur !== null && cur.toString('utf8') === shippedText('common-pre-push'))
      await rm(target, { force: true });
    if (state.commonPrePush.hadOriginal) {
      const orig = `${target}.palisade-orig`;
      if ((await readOrNull(orig)) !== null) await rename(orig, target);
    }
    if (state.commonPrePush.createdHooksDir)
      await rmdir(join(layout.commonDir, 'hooks')).catch(() => undefined);
  }
  if (state.sharedConfig !== null) {
    const configPath = join(layout.commonDir, 'config');
    const cur = (await readOrNull(configPath)) ?? Buffer.alloc(0);
    if (sha256(cur) === state.sharedConfig.afterSha256) {
      await writeConfigLocked(
        configPath,
        Buffer.from(state.sharedConfig.before, 'base64').toString('utf8'),
        0o644,
      );
    } else if (state.sharedConfig.previousValue === null) {
      await runGit(
        layout.worktree,
        ['config', '--local', '--unset-all', 'extensions.worktreeConfig'],
        env,
      );
      const left = await runGit(
        layout.worktree,
        ['config', '--local', '--get-regexp', '^extensions\\.'],
        env,
      );
      if (left.stdout.trim() === '')
        await runGit(layout.worktree, ['config', '--local', '--remove-section', 'extensions'], env);
    } else {
      await runGit(
        layout.worktree,
        ['config', '--local', 'extensions.worktreeConfig', state.sharedConfig.previousValue],
        env,
      );
    }
  }
  await rm(layout.containmentDir, { recursive: true, force: true });
}

/**
 * Removes containment from one worktree, restoring its per-worktree config
 * byte for byte when nothing else changed it (otherwise removing exactly the
 * block install added). When it was the last contained worktree, the
 * repository-wide layers go too: the shared `pre-push` (the original is put
 * back), `extensions.worktreeConfig` (only if install added it) and the
 * containment directory.
 *
 * Exported from `@palisade/containment`.
 *
 * @param worktree - A path inside the contained worktree.
 * @param options - Git environment.
 * @returns What was removed.
 * @throws {ContainmentError} `ERR_CONTAINMENT_NOT_A_REPOSITORY`, `ERR_CONTAINMENT_BARE_REPOSITORY`
 *   or `ERR_CONTAINMENT_STATE_CORRUPT`.
 * @example Release a worktree after the agent session.
 * ```ts
 * await uninstallContainment('/repo/.worktrees/agent-1');
 * ```
 */
export async function uninstallContainment(
  worktree: string,
  options: ContainmentOptions = {},
): Promise<UninstallReport> {
  const env = options.env;
  const layout = await resolveLayout(worktree, env);
  const lockPath = join(layout.commonDir, 'palisade.lock');
  const state0 = await readState(layout);
  if (state0 === null) {
    // Not installed here: strip a copied block (a worktree made by `git worktree add` from a contained one).
    const cur = await readOrNull(layout.worktreeConfigFile);
    if (cur?.toString('utf8').includes(BLOCK_HEADER)) {
      const next = removeBlock(cur.toString('utf8'), '\0');
      if (next === '') await rm(layout.worktreeConfigFile, { force: true });
      else await writeConfigLocked(layout.worktreeConfigFile, next, 0o644);
      return { worktree: layout.worktree, wasContained: true, removedRepositoryLayers: false };
    }
    return { worktree: layout.worktree, wasContained: false, removedRepositoryLayers: false };
  }
  return withLockFile(lockPath, async () => {
    const stored = await readStateText(layout);
    const state = stored?.state ?? emptyState('off');
    const entry = state.worktrees[layout.gitDir];
    let wasContained = entry !== undefined;
    if (entry !== undefined) await restoreWorktreeConfig(entry);
    if (entry?.include !== undefined) {
      const configPath = join(layout.commonDir, 'config');
      const cur = ((await readOrNull(configPath)) ?? Buffer.alloc(0)).toString('utf8');
      const at = cur.lastIndexOf(entry.include);
      if (at !== -1) {
        await writeConfigLocked(
          configPath,
          cur.slice(0, at) + cur.slice(at + entry.include.length),
          0o644,
        );
      }
    } else {
      const cur = await readOrNull(layout.worktreeConfigFile);
      if (cur?.toString('utf8').includes(BLOCK_HEADER)) {
        wasContained = true;
        const next = removeBlock(cur.toString('utf8'), '\0');
        if (next === '') await rm(layout.worktreeConfigFile, { force: true });
        else await writeConfigLocked(layout.worktreeConfigFile, next, 0o644);
      }
    }
    // Drop this worktree, and worktrees git no longer has (removed with `git worktree remove`).
    const others = Object.entries(state.worktrees).filter(([gitDir]) => gitDir !== layout.gitDir);
    const present = await settleAll<(string | null)[]>(
      others.map(([gitDir]) => fileIdentity(join(gitDir, 'HEAD'))),
    );
    const rest: Record<string, WorktreeState> = {};
    others.forEach(([gitDir, w], i) => {
      if (present[i] !== null) rest[gitDir] = w;
    });
    if (Object.keys(rest).length === 0) {
      await removeRepositoryLayers(layout, state, env);
      return { worktree: layout.worktree, wasContained, removedRepositoryLayers: true };
    }
    await saveState(layout, { ...state, worktrees: rest }, stored);
    return { worktree: layout.worktree, wasContained, removedRepositoryLayers: false };
  });
}

/** One worktree of a repository as `git worktree list` reports it. */
export interface WorktreeInfo {
  readonly path: string;
  readonly bare: boolean;
}

/**
 * Lists a repository's worktrees (`git worktree list --porcelain`).
 *
 * Exported from `@palisade/containment`.
 *
 * @param repo - A path inside any worktree of the repository.
 * @param options - Git environment.
 * @returns The worktrees, main first.
 * @throws {ContainmentError} `ERR_CONTAINMENT_NOT_A_REPOSITORY` when `repo` is not in a git repository.
 * @example List worktrees.
 * ```ts
 * const wts = await listWorktrees('/repo');
 * ```
 */
export async function listWorktrees(
  repo: string,
  options: ContainmentOptions = {},
): Promise<WorktreeInfo[]> {
  const r = await runGit(repo, ['worktree', 'list', '--porcelain', '-z'], options.env);
  if (!r.ok)
    throw new ContainmentError('ERR_CONTAINMENT_NOT_A_REPOSITORY', `not a git repository: ${repo}`);
  const out: WorktreeInfo[] = [];
  let cur: { path: string; bare: boolean } | null = null;
  for (const field of r.stdout.split('\0')) {
    if (field.startsWith('worktree ')) {
      if (cur !== null) out.push(cur);
      cur = { path: field.slice('worktree '.length), bare: false };
    } else if (field === 'bare' && cur !== null) cur.bare = true;
  }
  if (cur !== null) out.push(cur);
  return out;
}

/** Reports whether the state record lists a worktree's git dir (internal helper for verify/status). */
export async function _containedGitDirs(
  layout: WorktreeLayout,
): Promise<Readonly<Record<string, WorktreeState>>> {
  return (await readState(layout))?.worktrees ?? {};
}

/** Returns the repository's common `core.hooksPath` setting (for promotion's hook chain). */
export async function _sharedHooksPath(
  layout: WorktreeLayout,
  env: GitEnv | undefined,
): Promise<string | null> {
  return sharedHooksPath(await scopedConfig(layout, env), layout.hooksDir);
}

export { BLOCK_HEADER as _BLOCK_HEADER, sha256 as _sha256 };

import fs from 'node:fs';
import path from 'node:path';
import micromatch from 'micromatch';
import { ContainmentError } from './errors.ts';

/** Why the path guard allowed or refused a path. */
export type PathDecisionReason =
  | 'inside-root'
  | 'outside-roots'
  | 'denied-glob'
  | 'empty'
  | 'nul-byte'
  | 'encoded'
  | 'symlink'
  | 'symlink-loop'
  | 'traversal-after-missing'
  | 'unresolvable';

/** The decision of the path guard on one path. */
export interface PathDecision {
  /** True only when the resolved path is inside a root and matches no denied glob. */
  readonly allowed: boolean;
  /**
   * The physical path after resolving `..` and every symlink like the kernel
   * does (the deepest existing ancestor's real path plus the missing rest), or
   * `''` when the input could not be resolved.
   */
  readonly resolved: string;
  /** Why. */
  readonly reason: PathDecisionReason;
  /** The (real) root the path is inside, when it is inside one. */
  readonly root?: string;
  /** For `'denied-glob'`: the glob that matched. */
  readonly pattern?: string;
}

/** Options of {@link createPathGuard}. */
export interface PathGuardOptions {
  /** Absolute directories that may be accessed (they must exist; their real paths are used). */
  readonly roots: readonly string[];
  /**
   * micromatch globs refused even inside a root, matched case-insensitively
   * against the path relative to its root (and every parent folder of it), and
   * against the absolute path. `.git` refuses the folder and everything in it.
   */
  readonly deny?: readonly string[];
  /**
   * Follow symlinks below a root (default true): the target must then be
   * inside a root. When false, any symlink at or below a root is refused.
   */
  readonly followSymlinks?: boolean;
  /** Base for relative paths. Default: the first root. */
  readonly base?: string;
  /**
   * `true`: a path must spell every component of a root exactly as the
   * root's real path does. Default `false`: a component spelled in another
   * case is accepted only when the file system itself resolves that spelling
   * to the root's own directory (a case-insensitive file system), confirmed
   * by device and inode, or, where those differ per spelling (FUSE), by a
   * directory listing with exactly one entry of that name in any case. On a
   * case-sensitive file system such a spelling names another directory and
   * is refused.
   */
  readonly caseSensitive?: boolean;
}

/** A path guard. Decisions are made at call time; see the README for the check-then-use race. */
export interface PathGuard {
  /** Decides a path (absolute, or relative to `base`). */
  check(path: string): PathDecision;
  /**
   * Like `check`, but returns the resolved path or throws.
   *
   * @throws {ContainmentError} `ERR_CONTAINMENT_PATH_DENIED` when the path is refused (the decision is the `cause`).
   */
  assertAllowed(path: string): string;
  /** The real paths of the roots. */
  readonly roots: readonly string[];
}

interface Root {
  readonly real: string;
  /** `real` split on `/` (`['', 'data', 'ws']`; `['', '']` for `/`). */
  readonly parts: readonly string[];
  readonly caseSensitive: boolean;
}

const ENCODED = /%(2e|2f|5c|00)/i;
const MAX_SYMLINKS = 40;

const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/**
 * True when the file system resolves the name `spelled` in `dir` to the same
 * directory as the name `name` (which differs from it only in case). Device
 * and inode decide where they identify the directory (kernel file systems:
 * ext4 casefold, vfat, APFS, NTFS). FUSE file systems such as exfat-fuse give
 * each spelling its own inode number, so the directory listing decides there:
 * both names must resolve, and exactly one entry may fold to them. JavaScript
 * case folding is not the file system's (the Kelvin sign `K` lower-cases to
 * `k`, but exFAT keeps `Kit` and `kit` apart; exFAT keeps NFC and NFD names
 * apart), so two entries that fold alike are ambiguous, and refused.
 */
function sameDirectory(dir: string, spelled: string, name: string): boolean {
  let a: fs.Stats;
  let b: fs.Stats;
  try {
    a = fs.statSync(dir === '/' ? `/${spelled}` : `${dir}/${spelled}`);
    b = fs.statSync(dir === '/' ? `/${name}` : `${dir}/${name}`);
  } catch {
    return false;
  }
  if (!a.isDirectory() || !b.isDirectory() || a.dev !== b.dev) return false;
  if (a.ino === b.ino) return true;
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return false;
  }
  const key = fold(name);
  let alike = 0;
  for (const e of entries) if (fold(e) === key) alike++;
  return alike === 1;
}

/**
 * The components of `p` below `root` when `p` is inside it, else `undefined`.
 * A component spelled differently from the root's is accepted only when it
 * folds alike and the file system confirms it names the same directory.
 */
function remainderInside(p: string, root: Root): string[] | undefined {
  const parts = p.split('/');
  if (root.real === '/') return parts.slice(1).filter((c) => c !== '');
  const n = root.parts.length;
  if (parts.length < n) return undefined;
  for (let i = 1; i < n; i++) {
    const want = root.parts[i] as string;
    const got = parts[i] as string;
    if (got === want) continue;
    if (root.caseSensitive || fold(got) !== fold(want)) return undefined;
    if (!sameDirectory(root.parts.slice(0, i).join('/') || '/', got, want)) return undefined;
  }
  return parts.slice(n);
}

interface Resolution {
  readonly resolved: string;
  readonly error?: 'symlink' | 'symlink-loop' | 'traversal-after-missing' | 'unresolvable';
}

/**
 * Resolves an absolute path the way the kernel walks it: component by
 * component, `..` applied to the physical parent, symlinks substituted where
 * they occur. The missing tail of a path that does not (fully) exist is
 * appended to the real path of its deepest existing ancestor; `..` in that
 * tail is refused.
 */
function resolvePhysical(
  absolute: string,
  followSymlinks: boolean,
  insideAnyRoot: (p: string) => boolean,
): Resolution {
  const queue = absolute.split('/').reverse();
  let current = '/';
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.pop() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.dirname(current);
      continue;
    }
    const candidate = current === '/' ? `/${part}` : `${current}/${part}`;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(candidate, { throwIfNoEntry: false });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { resolved: '', error: 'unresolvable' };
      st = undefined;
    }
    if (st === undefined) {
      const rest = [part, ...queue.reverse()].filter((p) => p !== '' && p !== '.');
      if (rest.includes('..')) return { resolved: '', error: 'traversal-after-missing' };
      return { resolved: current === '/' ? `/${rest.join('/')}` : `${current}/${rest.join('/')}` };
    }
    if (st.isSymbolicLink()) {
      if (!followSymlinks && insideAnyRoot(candidate)) return { resolved: '', error: 'symlink' };
      hops++;
      if (hops > MAX_SYMLINKS) return { resolved: '', error: 'symlink-loop' };
      let target: string;
      try {
        target = fs.readlinkSync(candidate);
      } catch {
        return { resolved: '', error: 'unresolvable' };
      }
      if (target.includes('\0')) return { resolved: '', error: 'unresolvable' };
      if (target.startsWith('/')) current = '/';
      const parts = target.split('/');
      for (let i = parts.length - 1; i >= 0; i--) queue.push(parts[i] as string);
      continue;
    }
    current = candidate;
    if (!st.isDirectory()) {
      // Components after a non-directory cannot be walked by the kernel
      // (ENOTDIR): treat them like a missing tail.
      const rest = queue.reverse().filter((p) => p !== '' && p !== '.');
      if (rest.length === 0) break;
      if (rest.includes('..')) return { resolved: '', error: 'traversal-after-missing' };
      return { resolved: `${current}/${rest.join('/')}` };
    }
  }
  return { resolved: current };
}

/**
 * Creates a path guard that decides whether a path is inside one of the
 * allowed roots and outside the denied globs, after resolving it the way the
 * file system will: `..` on the physical parent, every symlink (file or
 * directory, chains, loops), the deepest existing ancestor of a path that
 * does not exist yet. It defeats `..` traversal, sibling-prefix folders
 * (`/data/ws` vs `/data/ws-evil`), symlinks out of a root and case tricks
 * (another spelling of a root is accepted only when the file system resolves
 * it to the root itself; look-alikes that JavaScript folds together but the
 * file system keeps apart are refused; deny globs always match
 * case-insensitively). Empty paths, NUL bytes and percent-encoded
 * `.`, `/`, `\` or NUL (`%2e`, `%2f`, `%5c`, `%00`) are refused. A backslash
 * is an ordinary file-name character on POSIX and is treated as one.
 *
 * The decision is made at check time: a path can change between the check
 * and its use. Use {@link openInside} to open a file without that race.
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - The roots, denied globs and symlink policy; see {@link PathGuardOptions}.
 * @returns A frozen {@link PathGuard}.
 * @throws {TypeError} When an option has the wrong type.
 * @throws {ContainmentError} `ERR_CONTAINMENT_INVALID_ARGUMENT` when a root is not an absolute path to an existing directory, or a glob is empty; `ERR_CONTAINMENT_UNSUPPORTED_PLATFORM` on Windows.
 * @example Keep an agent inside its worktree.
 * ```ts
 * const guard = createPathGuard({ roots: ['/work/ws'], deny: ['.git', '**\/.env*'] });
 * guard.check('/work/ws/src/a.ts').allowed; // true
 * guard.check('/work/ws/../ws-evil/x').allowed; // false (outside-roots)
 * guard.assertAllowed('/work/ws/.git/config'); // throws ERR_CONTAINMENT_PATH_DENIED
 * ```
 */
export function createPathGuard(options: PathGuardOptions): PathGuard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  if (process.platform === 'win32') {
    // Drive letters, UNC and device paths, 8.3 names and reparse points need
    // their own resolver; refusing is better than deciding with POSIX rules.
    throw new ContainmentError(
      'ERR_CONTAINMENT_UNSUPPORTED_PLATFORM',
      'path guard: Windows is not supported (POSIX path semantics only)',
    );
  }
  if (!Array.isArray(options.roots) || options.roots.length === 0) {
    throw new TypeError('options.roots must be a non-empty array of absolute paths');
  }
  const followSymlinks = options.followSymlinks ?? true;
  if (typeof followSymlinks !== 'boolean') throw new TypeError('followSymlinks must be a boolean');
  if (options.caseSensitive !== undefined && typeof options.caseSensitive !== 'boolean') {
    throw new TypeError('caseSensitive must be a boolean');
  }
  const roots: Root[] = options.roots.map((r): Root => {
    if (typeof r !== 'string' || !path.isAbsolute(r) || r.includes('\0')) {
      throw new ContainmentError(
        'ERR_CONTAINMENT_INVALID_ARGUMENT',
        'path guard: every root must be an absolute path',
      );
    }
    let real: string;
    try {
      real = fs.realpathSync(r);
      if (!fs.statSync(real).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new ContainmentError(
        'ERR_CONTAINMENT_INVALID_ARGUMENT',
        'path guard: every root must be an existing directory',
        { cause: e },
      );
    }
    return { real, parts: real.split('/'), caseSensitive: options.caseSensitive ?? false };
  });
  const deny = options.deny ?? [];
  if (!Array.isArray(deny)) throw new TypeError('options.deny must be an array of globs');
  for (const g of deny) {
    if (typeof g !== 'string' || g === '') {
      throw new ContainmentError('ERR_CONTAINMENT_INVALID_ARGUMENT', 'path guard: empty glob');
    }
  }
  const matchers = deny.map((g) => ({
    glob: g,
    test: micromatch.matcher(g, { dot: true, nocase: true }),
  }));
  const base = options.base ?? (roots[0] as Root).real;
  if (typeof base !== 'string' || !path.isAbsolute(base)) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
      'path guard: base must be an absolute path',
    );
  }

  /** The root `p` is inside, with the components of `p` below it. */
  const rootOf = (p: string): { root: Root; below: string[] } | undefined => {
    for (const root of roots) {
      const below = remainderInside(p, root);
      if (below !== undefined) return { root, below };
    }
    return undefined;
  };

  const deniedBy = (p: string, below: readonly string[]): string | undefined => {
    if (matchers.length === 0) return undefined;
    const candidates = [p];
    for (let i = 1; i <= below.length; i++) candidates.push(below.slice(0, i).join('/'));
    for (const m of matchers) for (const c of candidates) if (m.test(c)) return m.glob;
    return undefined;
  };

  const check = (input: string): PathDecision => {
    if (typeof input !== 'string') throw new TypeError('path must be a string');
    if (input === '') return Object.freeze({ allowed: false, resolved: '', reason: 'empty' });
    if (input.includes('\0')) {
      return Object.freeze({ allowed: false, resolved: '', reason: 'nul-byte' });
    }
    if (ENCODED.test(input)) {
      return Object.freeze({ allowed: false, resolved: '', reason: 'encoded' });
    }
    const absolute = path.isAbsolute(input) ? input : `${base}/${input}`;
    // Deny globs also apply to the path as written (before symlinks), when
    // that lies inside a root.
    const lexical = path.resolve(absolute);
    const lexicalRoot = rootOf(lexical);
    if (lexicalRoot !== undefined) {
      const pattern = deniedBy(lexical, lexicalRoot.below);
      if (pattern !== undefined) {
        return Object.freeze({ allowed: false, resolved: '', reason: 'denied-glob', pattern });
      }
    }
    // Fast path: an existing path is resolved by the kernel itself in one
    // call (realpath(3)). A missing path, a loop or symlink refusal takes the
    // component-by-component walk, which follows the same rules.
    let r: Resolution | undefined;
    if (followSymlinks) {
      try {
        r = { resolved: fs.realpathSync.native(absolute) };
      } catch {
        r = undefined;
      }
    }
    r ??= resolvePhysical(absolute, followSymlinks, (p) => rootOf(p) !== undefined);
    if (r.error !== undefined) {
      return Object.freeze({ allowed: false, resolved: r.resolved, reason: r.error });
    }
    const inside = rootOf(r.resolved);
    if (inside === undefined) {
      return Object.freeze({ allowed: false, resolved: r.resolved, reason: 'outside-roots' });
    }
    const { root } = inside;
    const pattern = deniedBy(r.resolved, inside.below);
    if (pattern !== undefined) {
      return Object.freeze({
        allowed: false,
        resolved: r.resolved,
        reason: 'denied-glob',
        root: root.real,
        pattern,
      });
    }
    return Object.freeze({
      allowed: true,
      resolved: r.resolved,
      reason: 'inside-root',
      root: root.real,
    });
  };

  return Object.freeze({
    check,
    assertAllowed(input: string): string {
      const d = check(input);
      if (!d.allowed) throw pathDeniedError(d);
      return d.resolved;
    },
    roots: Object.freeze(roots.map((r) => r.real)),
  });
}

/**
 * Builds the typed error for a refused path decision. The message carries the
 * reason only; the decision (with the resolved path) is the `cause`.
 *
 * Exported from `@palisade/containment`.
 *
 * @param decision - A decision with `allowed: false`.
 * @returns A {@link ContainmentError} with code `ERR_CONTAINMENT_PATH_DENIED`.
 * @example Turn a decision into an error.
 * ```ts
 * const d = guard.check('../outside');
 * if (!d.allowed) throw pathDeniedError(d);
 * ```
 */
export function pathDeniedError(decision: PathDecision): ContainmentError {
  return new ContainmentError('ERR_CONTAINMENT_PATH_DENIED', `path denied: ${decision.reason}`, {
    cause: decision,
  });
}

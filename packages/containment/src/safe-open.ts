import fs from 'node:fs';
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';
import { ContainmentError } from './errors.ts';
import { type PathDecision, type PathGuard, pathDeniedError } from './path-guard.ts';

/** The string open flags {@link openInside} accepts (as in `fs.open`). */
export type OpenInsideFlags = 'r' | 'r+' | 'w' | 'wx' | 'w+' | 'wx+' | 'a' | 'ax' | 'a+' | 'ax+';

const C = fs.constants;
const FLAG_MAP: Readonly<Record<OpenInsideFlags, number>> = {
  r: C.O_RDONLY,
  'r+': C.O_RDWR,
  w: C.O_TRUNC | C.O_CREAT | C.O_WRONLY,
  wx: C.O_TRUNC | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  'w+': C.O_TRUNC | C.O_CREAT | C.O_RDWR,
  'wx+': C.O_TRUNC | C.O_CREAT | C.O_RDWR | C.O_EXCL,
  a: C.O_APPEND | C.O_CREAT | C.O_WRONLY,
  ax: C.O_APPEND | C.O_CREAT | C.O_WRONLY | C.O_EXCL,
  'a+': C.O_APPEND | C.O_CREAT | C.O_RDWR,
  'ax+': C.O_APPEND | C.O_CREAT | C.O_RDWR | C.O_EXCL,
};

/** Test seams of {@link _openInside}; not part of the public API. */
export interface OpenInsideInternals {
  /** Runs between the check and the `open` call (to stage a race in tests). */
  readonly beforeOpen?: (decision: PathDecision) => void | Promise<void>;
  /** Use `/proc/self/fd` (default: when it exists). False forces the dev/ino fallback. */
  readonly useProcFd?: boolean;
}

const raceError = (): ContainmentError =>
  new ContainmentError(
    'ERR_CONTAINMENT_PATH_DENIED',
    'path denied: the path changed between check and open',
  );

function toFlags(flags: OpenInsideFlags | number): number {
  if (typeof flags === 'number') {
    if (!Number.isInteger(flags) || flags < 0) throw new RangeError('flags must be a valid number');
    return flags;
  }
  const n = FLAG_MAP[flags];
  if (n === undefined)
    throw new TypeError('flags must be one of r, r+, w, wx, w+, wx+, a, ax, a+, ax+');
  return n;
}

/**
 * Opens a file only if it is inside the guard's roots, closing the
 * check-then-use race: the path is checked, the resolved (symlink-free) path
 * is opened with `O_NOFOLLOW` (a final component swapped for a symlink fails),
 * and the opened descriptor itself is then re-checked: on Linux through
 * `/proc/self/fd/<fd>` (the kernel's own record of what was opened), elsewhere
 * by comparing `fstat` dev/ino with a fresh `realpath` of the checked path. On
 * any mismatch (a directory swapped for a symlink in between, a rename, a
 * deleted file) the descriptor is closed and the open refused.
 *
 * Exported from `@palisade/containment`.
 *
 * @param guard - The path guard.
 * @param filePath - The path to open (absolute, or relative to the guard's base).
 * @param flags - `fs.open` string flags or a number (default `'r'`); `O_NOFOLLOW` is always added.
 * @param mode - File mode for created files (default `0o666` before umask).
 * @returns An open `FileHandle` on the checked file. The caller closes it.
 * @throws {ContainmentError} `ERR_CONTAINMENT_PATH_DENIED` when the path is refused or changed between check and open.
 * @throws {TypeError} When `flags` is not a supported flag string.
 * @example Read a file the agent named, safely.
 * ```ts
 * const fh = await openInside(guard, 'src/index.ts');
 * try { await fh.readFile('utf8'); } finally { await fh.close(); }
 * ```
 */
export function openInside(
  guard: PathGuard,
  filePath: string,
  flags: OpenInsideFlags | number = 'r',
  mode?: number,
): Promise<FileHandle> {
  return _openInside(guard, filePath, flags, mode, {});
}

let procFdAvailable: boolean | undefined;

/**
 * {@link openInside} with test seams. Internal: not re-exported from the package.
 *
 * @internal
 */
export async function _openInside(
  guard: PathGuard,
  filePath: string,
  flags: OpenInsideFlags | number,
  mode: number | undefined,
  internals: OpenInsideInternals,
): Promise<FileHandle> {
  if (typeof guard !== 'object' || guard === null || typeof guard.check !== 'function') {
    throw new TypeError('guard must be a PathGuard from createPathGuard()');
  }
  const numeric = toFlags(flags) | (C.O_NOFOLLOW ?? 0);
  const decision = guard.check(filePath);
  if (!decision.allowed) throw pathDeniedError(decision);
  if (internals.beforeOpen !== undefined) await internals.beforeOpen(decision);
  let handle: FileHandle;
  try {
    handle = await open(decision.resolved, numeric, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw new ContainmentError(
        'ERR_CONTAINMENT_PATH_DENIED',
        'path denied: the final component is a symlink',
        { cause: e },
      );
    }
    throw e;
  }
  try {
    if (procFdAvailable === undefined) procFdAvailable = fs.existsSync('/proc/self/fd');
    const useProc = internals.useProcFd ?? procFdAvailable;
    if (useProc) {
      const actual = await readlink(`/proc/self/fd/${handle.fd}`);
      const again = guard.check(actual);
      if (actual !== decision.resolved || !again.allowed || again.resolved !== actual) {
        throw raceError();
      }
    } else {
      const [opened, fresh] = await Promise.all([handle.stat(), realpath(decision.resolved)]);
      const again = guard.check(fresh);
      const current = await stat(fresh);
      if (
        fresh !== decision.resolved ||
        !again.allowed ||
        current.dev !== opened.dev ||
        current.ino !== opened.ino
      ) {
        throw raceError();
      }
    }
  } catch (e) {
    await handle.close();
    if (ContainmentError.isInstance(e)) throw e;
    throw new ContainmentError(
      'ERR_CONTAINMENT_PATH_DENIED',
      'path denied: the opened file could not be verified',
      { cause: e },
    );
  }
  return handle;
}

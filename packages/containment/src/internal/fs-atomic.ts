import { randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** Reads a file, or `null` when it does not exist. */
export async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** The file's permission bits, or `null` when it does not exist. */
export async function modeOrNull(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

interface Stamp {
  /** Device, inode, size, mode, mtime and ctime (ns): any write or chmod changes it. */
  readonly identity: string;
  readonly mode: number;
  readonly ctimeMs: number;
}

async function stampOrNull(path: string): Promise<Stamp | null> {
  try {
    const s = await stat(path, { bigint: true });
    const mode = Number(s.mode & 0o7777n);
    return {
      identity: `${s.dev}:${s.ino}:${s.size}:${mode}:${s.mtimeNs}:${s.ctimeNs}`,
      mode,
      ctimeMs: Number(s.ctimeNs / 1_000_000n),
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Files this process read back and found exactly as wanted: their stamp then,
 * and the bytes. While a file's stamp is unchanged its content is too (a
 * write, truncation, rename over it or chmod changes the ctime, which no one
 * but the clock's owner can set back), so the next write of the same bytes
 * needs one `stat` instead of a read. Bounded: cleared when full.
 */
const verified = new Map<string, { readonly stamp: string; readonly bytes: Buffer }>();
const VERIFIED_MAX = 4096;
/**
 * A file is remembered only if its last change is older than this when the
 * read starts: timestamps are coarse (a clock tick), so a change made right
 * after an equally recent one could otherwise keep the same ctime.
 */
const SETTLED_MS = 1000;

/**
 * Writes `content` with `mode` through a unique temp file and a rename, so a
 * reader never sees a half-written file and concurrent writers never share a
 * temp file. A file that already has exactly this content and mode is left
 * untouched (so repeated installs leave identical state, mtimes included);
 * whether it does is decided by reading it, or by one `stat` when this process
 * already read it with its current stamp.
 */
export async function writeFileAtomic(
  path: string,
  content: Buffer | string,
  mode: number,
): Promise<boolean> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const known = verified.get(path);
  if (known?.bytes.equals(bytes)) {
    const now = await stampOrNull(path);
    if (now?.mode === mode && now.identity === known.stamp) return false;
  }
  verified.delete(path);
  const readStart = Date.now();
  const before = await stampOrNull(path);
  const current = before === null ? null : await readOrNull(path);
  if (before !== null && before.mode === mode && current?.equals(bytes)) {
    const after = await stampOrNull(path);
    if (after?.identity === before.identity && before.ctimeMs < readStart - SETTLED_MS) {
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(path, { stamp: before.identity, bytes: Buffer.from(bytes) });
    }
    return false;
  }
  await replaceFileAtomic(path, bytes, mode);
  return true;
}

/**
 * Replaces (or creates) `path` with `bytes` and `mode` through a unique temp
 * file and a rename, without first reading it: for callers that already know
 * the content differs.
 */
export async function replaceFileAtomic(path: string, bytes: Buffer, mode: number): Promise<void> {
  const tmp = `${path}.palisade-${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** One file for {@link writeFilesAtomic}. */
export interface AtomicFile {
  readonly path: string;
  readonly content: Buffer | string;
  readonly mode: number;
}

/**
 * Waits for every promise, then throws the first rejection: unlike
 * `Promise.all`, nothing is still writing when the caller sees the error (and
 * releases its lock).
 */
export async function settleAll<T extends readonly unknown[]>(
  work: {
    readonly [K in keyof T]: Promise<T[K]>;
  },
): Promise<T> {
  const results = await Promise.allSettled(work);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * {@link writeFileAtomic} for several distinct files at once (the writes are
 * independent, so they run concurrently). Resolves when every write is done;
 * returns how many files changed.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[]): Promise<number> {
  const changed = await settleAll<boolean[]>(
    files.map((f) => writeFileAtomic(f.path, f.content, f.mode)),
  );
  return changed.filter(Boolean).length;
}

/**
 * A file's identity (device, inode, size, mtime and ctime in nanoseconds), or
 * `null` when it does not exist. Every config writer (git, this package)
 * replaces the file by renaming a lock file over it, so any write changes the
 * identity.
 */
export async function fileIdentity(path: string): Promise<string | null> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Writes a git config file under git's own lock protocol: create
 * `<file>.lock` exclusively (retrying while git or another installer holds
 * it), write, then rename over the file. Keeps the file's existing mode.
 */
export async function writeConfigLocked(
  path: string,
  content: string,
  defaultMode: number,
): Promise<void> {
  const lock = `${path}.lock`;
  const mode = (await modeOrNull(path)) ?? defaultMode;
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(lock, 'wx', mode);
      try {
        await fh.writeFile(content, 'utf8');
        await fh.chmod(mode);
      } finally {
        await fh.close();
      }
      await rename(lock, path);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || Date.now() > deadline) {
        if (code !== 'EEXIST') await rm(lock, { force: true }).catch(() => undefined);
        throw e;
      }
      await sleep(2 + Math.floor(Math.random() * Math.min(50, 2 * (attempt + 1))));
    }
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL). A lock
 * older than `staleMs` (a crashed holder) is broken. Used to serialise
 * installs and uninstalls in one repository.
 */
export async function withLockFile<T>(
  path: string,
  fn: () => Promise<T>,
  staleMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(path, 'wx', 0o644);
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw e;
      try {
        const s = await stat(path);
        if (Date.now() - s.mtimeMs > staleMs) {
          // Claim the stale lock by touching it, then remove and retry.
          await utimes(path, new Date(), new Date());
          await rm(path, { force: true });
          continue;
        }
      } catch {
        // vanished between open and stat: retry at once
        continue;
      }
      await sleep(1 + Math.floor(Math.random() * Math.min(40, 2 * (attempt + 1))));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

// A cross-process lock built from plain files (no native addons):
// the lock file is created atomically with link(2) from a temp file holding
// our PID, so its content is always complete. A lock whose PID is no longer
// alive is stale and is broken by renaming it away first, so two breakers
// cannot both succeed.
import { randomBytes } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { AuditLogError } from '../errors.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Takes the lock at `lockPath`, waiting up to `timeoutMs`. Returns the release function. */
export async function acquireFileLock(
  lockPath: string,
  timeoutMs: number,
): Promise<() => Promise<void>> {
  const token = `${process.pid}`;
  const tmp = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(tmp, token);
  const deadline = Date.now() + timeoutMs;
  try {
    let spins = 0;
    for (;;) {
      try {
        await link(tmp, lockPath);
        return async () => {
          await unlink(lockPath).catch(() => undefined);
        };
      } catch (e) {
        if (errCode(e) !== 'EEXIST') throw e;
      }
      let holder: number | undefined;
      try {
        holder = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
      } catch (e) {
        if (errCode(e) === 'ENOENT') continue;
        throw e;
      }
      if (Number.isSafeInteger(holder) && holder !== process.pid && !isAlive(holder)) {
        await breakStale(lockPath, holder);
        continue;
      }
      if (Date.now() > deadline) {
        throw new AuditLogError(
          'ERR_AUDIT_LOCK_TIMEOUT',
          `could not take the log lock in ${timeoutMs} ms`,
        );
      }
      spins++;
      await sleep(Math.min(1 + Math.floor(Math.random() * spins), 20));
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function breakStale(lockPath: string, deadPid: number): Promise<void> {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return;
    throw e;
  }
  const content = await readFile(aside, 'utf8').catch(() => '');
  if (Number.parseInt(content, 10) !== deadPid) {
    // We moved a live holder's fresh lock aside: put it back if nobody took the slot.
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainmentError, createPathGuard, openInside } from '../src/index.ts';
import { _openInside } from '../src/safe-open.ts';

let tmp: string;
let ws: string;
let outside: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-so-')));
  ws = path.join(tmp, 'ws');
  outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(ws, 'dir'), { recursive: true });
  fs.mkdirSync(path.join(outside, 'dir'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'dir', 'file.txt'), 'inside');
  fs.writeFileSync(path.join(outside, 'dir', 'file.txt'), 'SECRET');
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function codeOf(p: Promise<unknown>): Promise<unknown> {
  try {
    const fh = await p;
    await (fh as fs.promises.FileHandle).close();
    return 'opened';
  } catch (e) {
    return ContainmentError.isInstance(e) ? e.code : (e as NodeJS.ErrnoException).code;
  }
}

describe('openInside', () => {
  it('opens a file inside the root and reads it', async () => {
    const guard = createPathGuard({ roots: [ws] });
    const fh = await openInside(guard, 'dir/file.txt');
    try {
      expect(await fh.readFile('utf8')).toBe('inside');
    } finally {
      await fh.close();
    }
  });

  it('creates a new file inside the root with write flags', async () => {
    const guard = createPathGuard({ roots: [ws] });
    const fh = await openInside(guard, 'dir/new.txt', 'wx');
    await fh.writeFile('hello');
    await fh.close();
    expect(fs.readFileSync(path.join(ws, 'dir', 'new.txt'), 'utf8')).toBe('hello');
  });

  it('refuses a path outside the root without opening it', async () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(await codeOf(openInside(guard, '../outside/dir/file.txt'))).toBe(
      'ERR_CONTAINMENT_PATH_DENIED',
    );
    fs.symlinkSync(path.join(outside, 'dir', 'file.txt'), path.join(ws, 'link.txt'));
    expect(await codeOf(openInside(guard, 'link.txt'))).toBe('ERR_CONTAINMENT_PATH_DENIED');
  });

  it('refuses when a directory is swapped for a symlink to outside between check and open (/proc/self/fd check)', async () => {
    const guard = createPathGuard({ roots: [ws] });
    const swap = (): void => {
      fs.renameSync(path.join(ws, 'dir'), path.join(ws, 'dir-old'));
      fs.symlinkSync(path.join(outside, 'dir'), path.join(ws, 'dir'));
    };
    // Without the re-check, this open would read the outside file.
    const result = await codeOf(
      _openInside(guard, 'dir/file.txt', 'r', undefined, { beforeOpen: swap, useProcFd: true }),
    );
    expect(result).toBe('ERR_CONTAINMENT_PATH_DENIED');
    expect(fs.readFileSync(path.join(ws, 'dir', 'file.txt'), 'utf8')).toBe('SECRET');
  });

  it('refuses the same swap on the fstat dev/ino fallback used where /proc is absent', async () => {
    const guard = createPathGuard({ roots: [ws] });
    const swap = (): void => {
      fs.renameSync(path.join(ws, 'dir'), path.join(ws, 'dir-old'));
      fs.symlinkSync(path.join(outside, 'dir'), path.join(ws, 'dir'));
    };
    const result = await codeOf(
      _openInside(guard, 'dir/file.txt', 'r', undefined, { beforeOpen: swap, useProcFd: false }),
    );
    expect(result).toBe('ERR_CONTAINMENT_PATH_DENIED');
  });

  it('refuses when the final component is swapped for a symlink between check and open (O_NOFOLLOW)', async () => {
    const guard = createPathGuard({ roots: [ws] });
    const swap = (): void => {
      fs.unlinkSync(path.join(ws, 'dir', 'file.txt'));
      fs.symlinkSync(path.join(outside, 'dir', 'file.txt'), path.join(ws, 'dir', 'file.txt'));
    };
    for (const useProcFd of [true, false]) {
      fs.rmSync(path.join(ws, 'dir', 'file.txt'));
      fs.writeFileSync(path.join(ws, 'dir', 'file.txt'), 'inside');
      const result = await codeOf(
        _openInside(guard, 'dir/file.txt', 'r', undefined, { beforeOpen: swap, useProcFd }),
      );
      expect([useProcFd, result]).toEqual([useProcFd, 'ERR_CONTAINMENT_PATH_DENIED']);
    }
  });

  it('accepts a same-inode hard link swapped in between check and open (it is the same file, inside the root)', async () => {
    const guard = createPathGuard({ roots: [ws] });
    const swap = (): void => {
      fs.renameSync(path.join(ws, 'dir', 'file.txt'), path.join(ws, 'dir', 'moved.txt'));
      fs.linkSync(path.join(ws, 'dir', 'moved.txt'), path.join(ws, 'dir', 'file.txt'));
    };
    // A hard link to the same inode inside the root is the same file: allowed.
    const fh = await _openInside(guard, 'dir/file.txt', 'r', undefined, {
      beforeOpen: swap,
      useProcFd: false,
    });
    expect(await fh.readFile('utf8')).toBe('inside');
    await fh.close();
  });

  it('rejects unknown flag strings with TypeError', async () => {
    const guard = createPathGuard({ roots: [ws] });
    await expect(openInside(guard, 'dir/file.txt', 'rw' as 'r')).rejects.toThrow(TypeError);
  });
});

// The path guard on a REAL case-insensitive file system: an exFAT image on a
// loop device, mounted through FUSE (Debian's exfat-fuse; this kernel has no
// vfat/exfat driver and no ext4 casefold). exFAT folds case with the upcase
// table stored on the volume, keeps NFC and NFD names apart, and, through
// exfat-fuse, gives each spelling of a name its own inode number.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPathGuard, openInside } from '../src/index.ts';

interface Mount {
  readonly dir: string;
  readonly mnt: string;
  readonly loop: string;
}

/** The first of `name`, `/usr/sbin/name`, `/sbin/name` that runs, or undefined. */
function tool(name: string, probe: string[]): string | undefined {
  for (const cmd of [name, `/usr/sbin/${name}`, `/sbin/${name}`]) {
    const r = spawnSync(cmd, probe, { encoding: 'utf8' });
    if (r.error === undefined) return cmd;
  }
  return undefined;
}

/** Mounts a fresh exFAT image, or says exactly what this machine lacks. */
function mountExfat(): Mount | string {
  if (process.platform !== 'linux')
    return `needs Linux loop devices and FUSE (this is ${process.platform})`;
  const uid = process.getuid?.();
  if (uid !== 0) return `needs root to attach a loop device and mount (uid is ${uid})`;
  if (!fs.existsSync('/dev/fuse')) return 'no /dev/fuse: FUSE is not available here';
  const mkfs = tool('mkfs.exfat', ['-V']);
  if (mkfs === undefined) return 'mkfs.exfat not found (Debian package exfatprogs)';
  const mountExfatFuse = tool('mount.exfat-fuse', ['-V']);
  if (mountExfatFuse === undefined) return 'mount.exfat-fuse not found (Debian package exfat-fuse)';
  const losetup = tool('losetup', ['--version']);
  if (losetup === undefined) return 'losetup not found (Debian package mount)';
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-exfat-')));
  const img = path.join(dir, 'exfat.img');
  const mnt = path.join(dir, 'mnt');
  fs.mkdirSync(mnt);
  fs.writeFileSync(img, '');
  fs.truncateSync(img, 16 * 1024 * 1024);
  const fail = (what: string, r: ReturnType<typeof spawnSync>): string => {
    fs.rmSync(dir, { recursive: true, force: true });
    return `${what} failed (exit ${r.status}): ${String(r.stderr).trim()}`;
  };
  const made = spawnSync(mkfs, [img], { encoding: 'utf8' });
  if (made.status !== 0) return fail('mkfs.exfat', made);
  const attached = spawnSync(losetup, ['--find', '--show', img], { encoding: 'utf8' });
  if (attached.status !== 0) return fail('losetup --find (attaching a loop device)', attached);
  const loop = attached.stdout.trim();
  const mounted = spawnSync(mountExfatFuse, [loop, mnt], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    spawnSync(losetup, ['-d', loop]);
    return fail('mount.exfat-fuse', mounted);
  }
  return { dir, mnt, loop };
}

let m: Mount | string = 'not mounted yet';
beforeAll(() => {
  m = mountExfat();
});
afterAll(() => {
  if (typeof m === 'string') return;
  spawnSync('umount', [m.mnt]);
  spawnSync('losetup', ['-d', m.loop]);
  fs.rmSync(m.dir, { recursive: true, force: true });
});

describe('path guard on a real case-insensitive file system', () => {
  // Skips only where the machine cannot mount the image; the reason names
  // exactly what is missing (root, /dev/fuse, exfatprogs, exfat-fuse, a loop
  // device). CI running as root (.ci/run installs both packages) must run it.
  it('on a real case-insensitive file system (exFAT on a loop device, through FUSE) another spelling of the root is admitted because the file system resolves it to the root; look-alikes it keeps apart (Kelvin sign, NFD) and sibling prefixes are refused', async (ctx) => {
    if (typeof m === 'string') {
      if (process.env['CI'] && process.getuid?.() === 0) {
        throw new Error(`CI as root must run the exFAT test, but: ${m}`);
      }
      ctx.skip(m);
    }
    const { mnt } = m as Mount;
    const proj = path.join(mnt, 'Proj');
    const root = path.join(proj, 'kit');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'a.txt'), 'inside');
    fs.writeFileSync(path.join(root, '.Env'), 'SECRET=1');
    fs.mkdirSync(path.join(proj, 'kit-evil'));
    fs.writeFileSync(path.join(proj, 'kit-evil', 'x'), 'evil');

    // The file system really is case-insensitive: another spelling reads the same file.
    expect(fs.readFileSync(path.join(mnt, 'PROJ', 'KIT', 'SRC', 'A.TXT'), 'utf8')).toBe('inside');
    expect(fs.readdirSync(proj).sort()).toEqual(['kit', 'kit-evil']);

    const guard = createPathGuard({ roots: [root], deny: ['**/.env'] });
    const exact = createPathGuard({ roots: [root], caseSensitive: true });
    const other = path.join(mnt, 'proj', 'KIT', 'src', 'a.txt');
    expect(guard.check(other)).toMatchObject({ allowed: true, reason: 'inside-root', root });
    expect(guard.check(path.join(mnt, 'PROJ', 'Kit', 'src', 'new.txt')).allowed).toBe(true);
    expect(guard.check(path.join(mnt, 'PROJ', 'Kit', '.ENV')).reason).toBe('denied-glob');
    expect(guard.check(path.join(root, '.env')).reason).toBe('denied-glob');
    const fh = await openInside(guard, other);
    try {
      expect(await fh.readFile('utf8')).toBe('inside');
    } finally {
      await fh.close();
    }
    // caseSensitive: true admits only the root's own spelling.
    expect(exact.check(other).allowed).toBe(false);
    expect(exact.check(path.join(root, 'src', 'a.txt')).allowed).toBe(true);
    // Sibling prefixes and names that exist nowhere stay outside, in any case.
    expect(guard.check(path.join(mnt, 'Proj', 'KIT-evil', 'x')).reason).toBe('outside-roots');
    expect(guard.check(path.join(mnt, 'proj', 'KITS', 'x')).reason).toBe('outside-roots');

    // The Kelvin sign K (U+212A) lower-cases to k in JavaScript, but exFAT keeps
    // `\u212Ait` and `kit` apart: a look-alike sibling is another directory.
    const kelvin = path.join(proj, '\u212Ait');
    fs.mkdirSync(kelvin);
    fs.writeFileSync(path.join(kelvin, 'secret.txt'), 'outside');
    expect(fs.readdirSync(proj).sort()).toEqual(['kit', 'kit-evil', '\u212Ait']);
    expect(fs.readFileSync(path.join(kelvin, 'secret.txt'), 'utf8')).toBe('outside');
    expect(guard.check(path.join(kelvin, 'secret.txt'))).toMatchObject({
      allowed: false,
      reason: 'outside-roots',
    });
    expect(guard.check(path.join(kelvin, 'new.txt')).allowed).toBe(false);
    // Two entries now fold alike, so which one another spelling means is
    // ambiguous: refused. The root's own spelling is still admitted.
    expect(guard.check(other).allowed).toBe(false);
    expect(guard.check(path.join(root, 'src', 'a.txt')).allowed).toBe(true);

    // NFC and NFD spellings are different names on exFAT.
    const nfc = path.join(proj, 'caf\u00e9');
    fs.mkdirSync(nfc);
    const cafe = createPathGuard({ roots: [nfc] });
    expect(cafe.check(path.join(proj, 'CAF\u00c9', 'x')).allowed).toBe(true);
    const nfd = path.join(proj, 'cafe\u0301');
    fs.mkdirSync(nfd);
    fs.writeFileSync(path.join(nfd, 'x'), 'outside');
    expect(fs.readdirSync(proj)).toContain('cafe\u0301');
    expect(cafe.check(path.join(nfd, 'x'))).toMatchObject({
      allowed: false,
      reason: 'outside-roots',
    });
    expect(cafe.check(path.join(nfc, 'x')).allowed).toBe(true);
  });
});

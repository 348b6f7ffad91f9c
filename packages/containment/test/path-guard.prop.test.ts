import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { createPathGuard, type PathGuard } from '../src/index.ts';

// One temp tree for the whole file: a root `ws`, a sibling `ws-evil` (shares
// the prefix), a sibling `WS` (another directory on this case-sensitive file
// system), an `outside` folder, and symlinks of every kind inside the root.
let tmp: string;
let ws: string;
let guard: PathGuard;
let strictGuard: PathGuard;
let caseGuard: PathGuard;

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-pgp-')));
  ws = path.join(tmp, 'ws');
  for (const d of ['ws/a/b', 'ws/c', 'ws-evil/a', 'WS/a', 'outside/dir/b']) {
    fs.mkdirSync(path.join(tmp, d), { recursive: true });
  }
  for (const f of [
    'ws/a/f',
    'ws/a/b/f',
    'ws-evil/f',
    'WS/f',
    'WS/a/f',
    'outside/f',
    'outside/dir/f',
  ]) {
    fs.writeFileSync(path.join(tmp, f), 'x');
  }
  const links: Array<[string, string]> = [
    ['ws/up', '..'], // the parent of the root
    ['ws/a/up2', '../..'],
    ['ws/self', '.'],
    ['ws/out', path.join(tmp, 'outside')],
    ['ws/evil', '../ws-evil'],
    ['ws/in', 'a/b'],
    ['ws/chain', 'out'],
    ['ws/chain2', 'in'],
    ['ws/dangling', '../outside/nothing'],
    ['ws/dangling-in', 'c/new'],
    ['ws/c/back', '../a'],
    ['ws/loop', 'loop'],
    ['outside/dir/home', path.join(tmp, 'ws')],
  ];
  for (const [from, to] of links) fs.symlinkSync(to, path.join(tmp, from));
  guard = createPathGuard({ roots: [ws] });
  strictGuard = createPathGuard({ roots: [ws], followSymlinks: false });
  caseGuard = createPathGuard({ roots: [ws], caseSensitive: false });
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const SEGMENTS = [
  '..',
  '.',
  '',
  'a',
  'b',
  'c',
  'f',
  'up',
  'up2',
  'self',
  'out',
  'evil',
  'in',
  'chain',
  'chain2',
  'dangling',
  'dangling-in',
  'back',
  'loop',
  'ws',
  'ws-evil',
  'WS',
  'Ws',
  'WS-evil',
  'A',
  'outside',
  'dir',
  'home',
  'gen',
  'new',
];

const arbPath = fc.record({
  absolute: fc.constantFrom('ws', 'tmp', 'relative'),
  segments: fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 8 }),
});

// Targets for a symlink `ws/gen` created fresh for each run.
const arbLinkTarget = fc.constantFrom(
  'none',
  '..',
  '../ws-evil',
  '../WS',
  '../outside/dir',
  'a',
  'a/b/../..',
  'up/outside',
  'in/../../..',
  '/',
  'self/a',
  'gen',
);

/**
 * The kernel's answer (realpath(3) through fs.realpathSync.native): where the
 * path lands, or for a path that does not exist, where creating it would
 * land: the real path of its deepest existing string prefix plus the rest
 * (a dangling symlink on the way is followed, as open(O_CREAT) follows it).
 */
function kernelLanding(p: string, depth = 0): { landing: string; rest: string[] } | undefined {
  if (depth > 40) return undefined;
  const parts = p.split('/');
  const rest: string[] = [];
  while (parts.length > 0) {
    const prefix = parts.join('/') || '/';
    try {
      const real = fs.realpathSync.native(prefix);
      const tail = rest.filter((s) => s !== '' && s !== '.');
      return { landing: tail.length === 0 ? real : path.join(real, ...tail), rest: tail };
    } catch {
      let link: string | undefined;
      try {
        if (fs.lstatSync(prefix).isSymbolicLink()) link = fs.readlinkSync(prefix);
      } catch {
        link = undefined;
      }
      if (link !== undefined) {
        const base = fs.realpathSync.native(path.dirname(prefix));
        const target = path.isAbsolute(link) ? link : `${base}/${link}`;
        return kernelLanding([target, ...rest].join('/'), depth + 1);
      }
      rest.unshift(parts.pop() as string);
    }
  }
  return undefined;
}

const inside = (p: string): boolean => p === ws || p.startsWith(`${ws}/`);

describe('path guard: no generated path escapes the root after resolution', () => {
  test.prop([arbPath, arbLinkTarget])(
    'the path guard never admits a path whose kernel-resolved location is outside the roots, and admits every existing path that resolves inside',
    (gen, linkTarget) => {
      const genLink = path.join(ws, 'gen');
      if (linkTarget !== 'none') fs.symlinkSync(linkTarget, genLink);
      try {
        const joined = gen.segments.join('/');
        const input =
          gen.absolute === 'ws'
            ? `${ws}/${joined}`
            : gen.absolute === 'tmp'
              ? `${tmp}/${joined}`
              : joined === ''
                ? '.'
                : joined;
        const absolute = path.isAbsolute(input) ? input : `${ws}/${input}`;
        const d = guard.check(input);
        const kernel = kernelLanding(absolute);
        if (d.allowed) {
          // Admitted: the kernel agrees it lands inside, exactly where we said.
          expect(kernel).toBeDefined();
          expect(kernel?.rest.includes('..')).toBe(false);
          expect(inside(d.resolved)).toBe(true);
          expect(d.resolved).toBe(kernel?.landing);
          expect(inside(kernel?.landing ?? '')).toBe(true);
        }
        // Completeness: an existing path whose real path is inside is admitted.
        let real: string | undefined;
        try {
          real = fs.realpathSync.native(absolute);
        } catch {
          real = undefined;
        }
        if (real !== undefined && inside(real)) {
          expect(d).toMatchObject({ allowed: true, resolved: real });
        }
        if (real !== undefined && !inside(real)) expect(d.allowed).toBe(false);
        // Asking for case-insensitive matching never admits another-case sibling (WS beside ws).
        const c = caseGuard.check(input);
        if (c.allowed) {
          expect(inside(c.resolved)).toBe(true);
          expect(c.resolved).toBe(kernel?.landing);
        }
        // Without symlink following, nothing that passes a symlink below the root is admitted.
        const s = strictGuard.check(input);
        if (s.allowed) {
          expect(d.allowed).toBe(true);
          expect(s.resolved).toBe(d.resolved);
        }
      } finally {
        if (linkTarget !== 'none') fs.unlinkSync(genLink);
      }
    },
  );
});

// Path-guard checks per second against two naive peers measured in the same
// run: a lexical `path.resolve` + prefix test (defeated by symlinks and
// `link/..`), and `fs.realpathSync.native` + prefix test (defeated by
// sibling-prefix folders when written as a bare startsWith, and throws on
// paths that do not exist yet).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { createPathGuard } from '../src/index.ts';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-bench-pg-')));
const ws = path.join(tmp, 'ws');
fs.mkdirSync(path.join(ws, 'src', 'deep', 'er'), { recursive: true });
fs.writeFileSync(path.join(ws, 'src', 'deep', 'er', 'a.ts'), 'a');
fs.symlinkSync('src/deep', path.join(ws, 'd'));
const guard = createPathGuard({ roots: [ws], deny: ['.git', '**/.env*'] });

const PATHS = [
  path.join(ws, 'src', 'deep', 'er', 'a.ts'),
  path.join(ws, 'd', 'er', 'a.ts'),
  'src/deep/er/a.ts',
  path.join(ws, '..', 'etc'),
  path.join(ws, 'src', 'new-file.ts'),
];

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('path guard: checks', () => {
  bench('palisade guard.check (physical walk, symlinks, deny globs)', () => {
    for (const p of PATHS) guard.check(p);
  });
  bench('naive peer: path.resolve + startsWith (lexical only)', () => {
    for (const p of PATHS) path.resolve(ws, p).startsWith(`${ws}/`);
  });
  bench('naive peer: fs.realpathSync.native + startsWith', () => {
    for (const p of PATHS) {
      try {
        fs.realpathSync.native(path.resolve(ws, p)).startsWith(`${ws}/`);
      } catch {
        // missing paths: the naive peer cannot decide them
      }
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainmentError, createPathGuard } from '../src/index.ts';

let tmp: string;
let ws: string;
let outside: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-pg-')));
  ws = path.join(tmp, 'ws');
  outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(ws, 'src', 'deep'), { recursive: true });
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'ws-evil'), { recursive: true });
  fs.mkdirSync(path.join(outside, 'dir'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'src', 'a.ts'), 'a');
  fs.writeFileSync(path.join(ws, '.git', 'config'), '[core]');
  fs.writeFileSync(path.join(ws, '.env'), 'SECRET=1');
  fs.writeFileSync(path.join(tmp, 'ws-evil', 'x'), 'evil');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(outside, 'dir', 'x'), 'x');
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const reasonOf = (guard: ReturnType<typeof createPathGuard>, p: string): string =>
  guard.check(p).reason;

describe('path guard: roots, .. and sibling prefixes', () => {
  it('admits files and folders inside the root, and the root itself, with their real paths', () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.check(path.join(ws, 'src', 'a.ts'))).toEqual({
      allowed: true,
      resolved: path.join(ws, 'src', 'a.ts'),
      reason: 'inside-root',
      root: ws,
    });
    expect(guard.check(ws).allowed).toBe(true);
    expect(guard.check(`${ws}/`).allowed).toBe(true);
    expect(guard.check(`${ws}/./src//deep/../a.ts`).resolved).toBe(path.join(ws, 'src', 'a.ts'));
  });

  it('refuses .. that climbs out of the root, however it is spelled', () => {
    const guard = createPathGuard({ roots: [ws] });
    for (const p of [
      `${ws}/..`,
      `${ws}/../outside/secret.txt`,
      `${ws}/src/../../outside/secret.txt`,
      `${ws}/src/deep/../../../ws-evil/x`,
      `${ws}/./../ws/../outside`,
      '../outside/secret.txt',
      'src/../../outside/secret.txt',
      '/',
      '/etc/passwd',
    ]) {
      expect([p, reasonOf(guard, p)]).toEqual([p, 'outside-roots']);
    }
  });

  it('refuses a sibling folder whose name starts with the root name (/ws vs /ws-evil)', () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(reasonOf(guard, path.join(tmp, 'ws-evil', 'x'))).toBe('outside-roots');
    expect(reasonOf(guard, `${ws}-evil`)).toBe('outside-roots');
    expect(reasonOf(guard, `${ws}../ws-evil`)).toBe('outside-roots');
  });

  it('resolves relative paths against the first root, or the given base', () => {
    expect(createPathGuard({ roots: [ws] }).check('src/a.ts').resolved).toBe(
      path.join(ws, 'src/a.ts'),
    );
    const guard = createPathGuard({ roots: [ws], base: path.join(ws, 'src') });
    expect(guard.check('a.ts').resolved).toBe(path.join(ws, 'src', 'a.ts'));
    expect(guard.check('../../outside').reason).toBe('outside-roots');
  });

  it('admits paths under any of several roots', () => {
    const guard = createPathGuard({ roots: [ws, outside] });
    expect(guard.check(path.join(outside, 'secret.txt'))).toMatchObject({
      allowed: true,
      root: outside,
    });
    expect(guard.check(path.join(tmp, 'ws-evil', 'x')).allowed).toBe(false);
  });
});

describe('path guard: symlinks', () => {
  it('refuses a file symlink inside the root that points outside', () => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(ws, 'innocent.txt'));
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.check(path.join(ws, 'innocent.txt'))).toEqual({
      allowed: false,
      resolved: path.join(outside, 'secret.txt'),
      reason: 'outside-roots',
    });
  });

  it('refuses paths through a directory symlink that points outside', () => {
    fs.symlinkSync(outside, path.join(ws, 'link'));
    fs.symlinkSync('../ws-evil', path.join(ws, 'rel'));
    const guard = createPathGuard({ roots: [ws] });
    expect(reasonOf(guard, path.join(ws, 'link', 'secret.txt'))).toBe('outside-roots');
    expect(reasonOf(guard, path.join(ws, 'link', 'new-file'))).toBe('outside-roots');
    expect(reasonOf(guard, 'rel/x')).toBe('outside-roots');
  });

  it('applies .. after a symlink to the physical parent, as the kernel does', () => {
    // ws/dirlink -> outside/dir, so ws/dirlink/../secret.txt is outside/secret.txt
    // for the kernel, although a lexical normalise would say ws/secret.txt.
    fs.symlinkSync(path.join(outside, 'dir'), path.join(ws, 'dirlink'));
    const guard = createPathGuard({ roots: [ws] });
    const p = `${ws}/dirlink/../secret.txt`;
    expect(path.normalize(p).startsWith(ws)).toBe(true);
    expect(fs.readFileSync(p, 'utf8')).toBe('secret');
    expect(guard.check(p)).toMatchObject({
      allowed: false,
      resolved: path.join(outside, 'secret.txt'),
      reason: 'outside-roots',
    });
  });

  it('follows symlink chains to their end, admitting those that stay inside', () => {
    fs.symlinkSync('l2', path.join(ws, 'l1'));
    fs.symlinkSync('l3', path.join(ws, 'l2'));
    fs.symlinkSync(outside, path.join(ws, 'l3'));
    fs.symlinkSync('src/deep', path.join(ws, 'in1'));
    fs.symlinkSync('in1/..', path.join(ws, 'in2'));
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.check(path.join(ws, 'l1', 'secret.txt'))).toMatchObject({
      allowed: false,
      resolved: path.join(outside, 'secret.txt'),
    });
    expect(guard.check(path.join(ws, 'in2', 'a.ts'))).toMatchObject({
      allowed: true,
      resolved: path.join(ws, 'src', 'a.ts'),
    });
  });

  it('refuses symlink loops', () => {
    fs.symlinkSync('b', path.join(ws, 'a'));
    fs.symlinkSync('a', path.join(ws, 'b'));
    fs.symlinkSync('.', path.join(ws, 'self'));
    const guard = createPathGuard({ roots: [ws] });
    expect(reasonOf(guard, path.join(ws, 'a', 'x'))).toBe('symlink-loop');
    // A symlink to "." is not a loop: it just stays put.
    expect(guard.check(path.join(ws, 'self', 'self', 'src', 'a.ts')).allowed).toBe(true);
  });

  it('refuses a dangling symlink whose target would be created outside', () => {
    fs.symlinkSync(path.join(outside, 'planted.txt'), path.join(ws, 'dangling'));
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.check(path.join(ws, 'dangling'))).toMatchObject({
      allowed: false,
      resolved: path.join(outside, 'planted.txt'),
    });
  });

  it('with followSymlinks false, refuses every symlink below a root, even one pointing inside', () => {
    fs.symlinkSync('src', path.join(ws, 'srclink'));
    const guard = createPathGuard({ roots: [ws], followSymlinks: false });
    expect(reasonOf(guard, path.join(ws, 'srclink', 'a.ts'))).toBe('symlink');
    expect(guard.check(path.join(ws, 'src', 'a.ts')).allowed).toBe(true);
  });

  it('uses the real path of a root given through a symlink', () => {
    const alias = path.join(tmp, 'alias');
    fs.symlinkSync(ws, alias);
    const guard = createPathGuard({ roots: [alias] });
    expect(guard.roots).toEqual([ws]);
    expect(guard.check(path.join(alias, 'src', 'a.ts'))).toMatchObject({
      allowed: true,
      resolved: path.join(ws, 'src', 'a.ts'),
    });
    expect(guard.check(path.join(alias, '..', 'outside')).allowed).toBe(false);
  });
});

describe('path guard: paths that do not exist yet', () => {
  it('admits a new path inside, resolving its deepest existing ancestor', () => {
    fs.symlinkSync('src', path.join(ws, 's'));
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.check(path.join(ws, 's', 'new', 'dir', 'f.ts'))).toMatchObject({
      allowed: true,
      resolved: path.join(ws, 'src', 'new', 'dir', 'f.ts'),
    });
  });

  it('refuses .. after the first missing component', () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(reasonOf(guard, `${ws}/missing/../src/a.ts`)).toBe('traversal-after-missing');
    expect(reasonOf(guard, `${ws}/missing/../../outside`)).toBe('traversal-after-missing');
  });

  it('treats a path through a regular file like a missing one', () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.check(`${ws}/src/a.ts/x`)).toMatchObject({
      allowed: true,
      resolved: `${ws}/src/a.ts/x`,
    });
    expect(reasonOf(guard, `${ws}/src/a.ts/../../..`)).toBe('traversal-after-missing');
  });
});

describe('path guard: hostile spellings', () => {
  it('refuses empty paths, NUL bytes and percent-encoded dots, slashes and NULs', () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(reasonOf(guard, '')).toBe('empty');
    expect(reasonOf(guard, 'src/a.ts\0.png')).toBe('nul-byte');
    expect(reasonOf(guard, `${ws}/\0`)).toBe('nul-byte');
    for (const p of [
      '%2e%2e/outside',
      '%2E%2E%2Foutside',
      'src%2f..%2f..',
      '..%5c..%5cwin',
      'a%00b',
    ]) {
      expect([p, reasonOf(guard, p)]).toEqual([p, 'encoded']);
    }
  });

  it('treats Windows-style backslashes as ordinary file-name characters on POSIX', () => {
    const guard = createPathGuard({ roots: [ws] });
    const d = guard.check('..\\..\\outside\\secret.txt');
    // One file name inside the root, which is what the POSIX kernel would open.
    expect(d).toMatchObject({ allowed: true, resolved: `${ws}/..\\..\\outside\\secret.txt` });
    fs.writeFileSync(path.join(ws, '..\\x'), 'literal');
    expect(fs.readdirSync(ws)).toContain('..\\x');
  });

  it('on a case-sensitive file system another spelling of the root is another directory, refused whether it exists or not', () => {
    // /tmp is case-sensitive here: WS is a directory of its own beside ws.
    fs.mkdirSync(path.join(tmp, 'WS', 'src'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'WS', 'src', 'a.ts'), 'another directory');
    expect(fs.readFileSync(path.join(ws, 'src', 'a.ts'), 'utf8')).toBe('a');
    for (const guard of [
      createPathGuard({ roots: [ws] }),
      createPathGuard({ roots: [ws], caseSensitive: false }),
      createPathGuard({ roots: [ws], caseSensitive: true }),
    ]) {
      expect(guard.check(path.join(tmp, 'WS', 'src', 'a.ts'))).toMatchObject({
        allowed: false,
        reason: 'outside-roots',
      });
      // Spellings that do not exist yet would create a new directory beside the root.
      expect(reasonOf(guard, path.join(tmp, 'Ws', 'new.ts'))).toBe('outside-roots');
      expect(reasonOf(guard, path.join(tmp, 'wS'))).toBe('outside-roots');
      expect(guard.check(path.join(ws, 'src', 'a.ts')).allowed).toBe(true);
    }
  });
});

describe('path guard: denied globs', () => {
  it('refuses a denied folder and everything in it, and denied names in any case', () => {
    const guard = createPathGuard({ roots: [ws], deny: ['.git', '**/.env*', '**/*.pem'] });
    expect(guard.check(path.join(ws, '.git'))).toMatchObject({
      reason: 'denied-glob',
      pattern: '.git',
    });
    expect(reasonOf(guard, path.join(ws, '.git', 'config'))).toBe('denied-glob');
    expect(reasonOf(guard, path.join(ws, '.git', 'hooks', 'new'))).toBe('denied-glob');
    expect(reasonOf(guard, path.join(ws, '.env'))).toBe('denied-glob');
    expect(reasonOf(guard, path.join(ws, '.ENV.local'))).toBe('denied-glob');
    expect(reasonOf(guard, path.join(ws, '.GIT', 'config'))).toBe('denied-glob');
    expect(reasonOf(guard, path.join(ws, 'src', 'deep', 'KEY.PEM'))).toBe('denied-glob');
    expect(guard.check(path.join(ws, 'src', 'a.ts')).allowed).toBe(true);
    expect(guard.check(path.join(ws, 'src', 'git')).allowed).toBe(true);
  });

  it('refuses a symlink whose target is denied, and a denied name that is a symlink', () => {
    fs.symlinkSync('.env', path.join(ws, 'harmless.txt'));
    fs.symlinkSync('src/a.ts', path.join(ws, 'id.pem'));
    const guard = createPathGuard({ roots: [ws], deny: ['**/.env', '**/*.pem'] });
    expect(reasonOf(guard, path.join(ws, 'harmless.txt'))).toBe('denied-glob');
    expect(reasonOf(guard, path.join(ws, 'id.pem'))).toBe('denied-glob');
  });

  it('matches absolute globs too', () => {
    const guard = createPathGuard({ roots: [ws], deny: [`${ws}/src/deep/**`] });
    expect(reasonOf(guard, path.join(ws, 'src', 'deep', 'x'))).toBe('denied-glob');
    expect(guard.check(path.join(ws, 'src', 'a.ts')).allowed).toBe(true);
  });
});

describe('path guard: API contract', () => {
  it('assertAllowed returns the resolved path or throws ERR_CONTAINMENT_PATH_DENIED with the decision as cause', () => {
    const guard = createPathGuard({ roots: [ws] });
    expect(guard.assertAllowed('src/a.ts')).toBe(path.join(ws, 'src', 'a.ts'));
    try {
      guard.assertAllowed('../outside/secret.txt');
      expect.unreachable();
    } catch (e) {
      expect(ContainmentError.isInstance(e)).toBe(true);
      const err = e as ContainmentError;
      expect(err.code).toBe('ERR_CONTAINMENT_PATH_DENIED');
      expect(err.message).toBe('path denied: outside-roots');
      expect(err.cause).toMatchObject({ resolved: path.join(outside, 'secret.txt') });
    }
  });

  it('refuses to decide with POSIX rules on Windows (ERR_CONTAINMENT_UNSUPPORTED_PLATFORM)', () => {
    const original = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      expect(() => createPathGuard({ roots: [ws] })).toThrow(
        expect.objectContaining({ code: 'ERR_CONTAINMENT_UNSUPPORTED_PLATFORM' }),
      );
    } finally {
      Object.defineProperty(process, 'platform', original);
    }
    expect(createPathGuard({ roots: [ws] }).roots).toEqual([ws]);
  });

  it('rejects bad options with ERR_CONTAINMENT_INVALID_ARGUMENT or TypeError', () => {
    const code = (f: () => unknown): unknown => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return ContainmentError.isInstance(e) ? e.code : (e as Error).name;
      }
    };
    expect(code(() => createPathGuard({ roots: ['relative/root'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createPathGuard({ roots: [path.join(tmp, 'nope')] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createPathGuard({ roots: [path.join(ws, 'src', 'a.ts')] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createPathGuard({ roots: [ws], deny: [''] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createPathGuard({ roots: [] }))).toBe('TypeError');
    expect(code(() => createPathGuard({ roots: ws } as unknown as { roots: string[] }))).toBe(
      'TypeError',
    );
    expect(code(() => createPathGuard({ roots: [ws] }).check(1 as unknown as string))).toBe(
      'TypeError',
    );
  });
});

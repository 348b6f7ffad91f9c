// The macOS Seatbelt profile generator. sandbox-exec does not exist on Linux,
// so these tests check the generated text only: its structure, its
// parameters, and that no path can reach the profile text. That macOS
// enforces the profile is NOT shown here (docs/claims/containment.md keeps
// that row planned).
import fs from 'node:fs';
import path from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ContainmentError } from '../src/errors.ts';
import { installContainment } from '../src/install.ts';
import { seatbeltProfile } from '../src/seatbelt.ts';
import { type Fixture, makeFixture } from './git-fixture.ts';

let f: Fixture | undefined;
afterEach(() => {
  f?.cleanup();
  f = undefined;
});

/** Every `(param "NAME")` the profile references. */
const referenced = (profile: string): string[] =>
  [...profile.matchAll(/\(param "([A-Z_0-9]+)"\)/g)].map((m) => m[1] as string);

/** The `-D NAME=value` pairs, then what follows them. */
function splitArgs(args: readonly string[]): { defs: [string, string][]; rest: string[] } {
  const defs: [string, string][] = [];
  let i = 0;
  while (args[i] === '-D') {
    const def = args[i + 1] as string;
    const eq = def.indexOf('=');
    defs.push([def.slice(0, eq), def.slice(eq + 1)]);
    i += 2;
  }
  return { defs, rest: args.slice(i) };
}

/** Parentheses balance outside string literals and regex literals. */
function balanced(profile: string): boolean {
  let depth = 0;
  for (const line of profile.split('\n')) {
    const code = line.startsWith(';') ? '' : line.replace(/#?"(?:[^"\\]|\\.)*"/g, '""');
    for (const ch of code) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (depth < 0) return false;
    }
  }
  return depth === 0;
}

describe('Seatbelt profile (text only; not executed on this Linux machine)', () => {
  it('denies all network, refuses writes outside the worktree, its repository and the temp dir, keeps containment files read-only and hides credential stores, in that order', async () => {
    f = makeFixture();
    const wt = f.addWorktree('agent');
    await installContainment(wt, { env: f.env });
    const home = path.join(f.root, 'home');
    expect(f.env['HOME']).toBe(home);
    fs.mkdirSync(path.join(home, '.ssh'));
    const tmp = path.join(f.root, 'tmp');
    fs.mkdirSync(tmp);
    const sb = await seatbeltProfile(
      { worktree: wt, command: 'sh', args: ['-c', 'make test'], env: f.env },
      tmp,
    );
    const p = sb.profile;
    expect(p.startsWith('(version 1)\n')).toBe(true);
    expect(balanced(p)).toBe(true);
    const order = [
      '(allow default)',
      '(deny network*)',
      '(deny file-write*)\n(allow file-write*',
      '(deny file-write*\n  (subpath (param "READ_ONLY_0"))',
      '(deny file-read* file-write*',
      '(deny mach-lookup (global-name "com.apple.SecurityServer")',
    ].map((s) => p.indexOf(s));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The network is denied without exceptions.
    expect(p).not.toMatch(/\(allow network/);

    const { params } = sb;
    expect(params['WORKTREE']).toBe(wt);
    expect(params['GIT_COMMON_DIR']).toBe(path.join(f.repo, '.git'));
    expect(params['GIT_DIR']).toBe(path.join(f.repo, '.git', 'worktrees', 'agent'));
    expect(params['TMP']).toBe(tmp);
    const readOnly = Object.entries(params)
      .filter(([k]) => k.startsWith('READ_ONLY_'))
      .map(([, v]) => v);
    const git = path.join(f.repo, '.git');
    expect(readOnly).toEqual(
      expect.arrayContaining([
        path.join(git, 'config'),
        path.join(git, 'hooks'),
        path.join(git, 'palisade'),
        path.join(wt, '.git'),
        path.join(git, 'worktrees', 'agent', 'config.worktree'),
        path.join(git, 'worktrees', 'agent', 'gitdir'),
      ]),
    );
    const hidden = Object.entries(params)
      .filter(([k]) => k.startsWith('HIDDEN_'))
      .map(([, v]) => v);
    expect(hidden).toEqual(
      expect.arrayContaining([
        path.join(home, '.ssh'),
        path.join(home, '.git-credentials'),
        path.join(home, '.config', 'gh'),
      ]),
    );
    // Every parameter is defined once and referenced; every reference is defined.
    const names = Object.keys(params);
    expect(new Set(referenced(p))).toEqual(new Set(names));
    const { defs, rest } = splitArgs(sb.args);
    expect(defs).toEqual(Object.entries(params));
    expect(rest).toEqual(['-p', p, 'sh', '-c', 'make test']);
  });

  it('refuses a temp dir or writable dir that is relative or contains NUL', async () => {
    f = makeFixture();
    const repo = f.repo;
    for (const [tmp, writable] of [
      ['relative/tmp', []],
      ['/tmp/a\0b', []],
      ['/tmp', ['cache']],
      ['/tmp', ['/cache\0x']],
    ] as const) {
      const e = await seatbeltProfile(
        { worktree: repo, command: 'true', env: f.env, writable },
        tmp,
      ).catch((err: unknown) => err);
      expect(ContainmentError.isInstance(e) && e.code).toBe('ERR_CONTAINMENT_INVALID_ARGUMENT');
    }
  });
});

describe('Seatbelt profile: no path reaches the profile text', () => {
  const shared = makeFixture();
  afterAll(() => shared.cleanup());
  const reference = seatbeltProfile(
    { worktree: shared.repo, command: 'true', env: shared.env, writable: ['/plain/a', '/plain/b'] },
    '/plain/tmp',
  );
  // Path segments with SBPL syntax: quotes, parentheses, semicolons (comments),
  // backslashes, #" (regex literals), newlines, spaces and any unicode.
  const arbSegment = fc
    .array(
      fc.oneof(
        fc.constantFrom('"', '(', ')', ';', '\\', '#"', '\n', ' ', '\u00e9', '\u212A', '\u{1F600}'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((parts) => parts.join('').replace(/[/\0]/g, '_'))
    .map((seg) => (seg === '.' || seg === '..' ? '_' : seg));
  // Under a folder that does not exist, so the generator keeps the path as given
  // (it resolves existing paths, as Seatbelt matches resolved paths).
  const arbPath = fc
    .array(arbSegment, { minLength: 1, maxLength: 3 })
    .map((segs) => `/nonexistent-palisade-seatbelt/${segs.join('/')}`);

  test.prop([arbPath, arbPath, arbPath])(
    'for any temp and writable paths (quotes, parentheses, semicolons, backslashes, newlines, unicode), the profile text is the same and the paths travel only as -D parameters',
    async (tmp, w0, w1) => {
      const ref = await reference;
      const sb = await seatbeltProfile(
        { worktree: shared.repo, command: 'true', env: shared.env, writable: [w0, w1] },
        tmp,
      );
      expect(sb.profile).toBe(ref.profile);
      expect(sb.params['TMP']).toBe(tmp);
      expect(sb.params['WRITABLE_0']).toBe(w0);
      expect(sb.params['WRITABLE_1']).toBe(w1);
      const { defs, rest } = splitArgs(sb.args);
      expect(defs).toContainEqual(['TMP', tmp]);
      expect(defs).toContainEqual(['WRITABLE_0', w0]);
      expect(rest).toEqual(['-p', ref.profile, 'true']);
    },
  );

  it('a repository whose path has spaces, quotes, parentheses and unicode yields the same profile text', async () => {
    f = makeFixture('my "repo" (ü) ;x\\y');
    const wt = f.addWorktree('agent');
    const plain = makeFixture('plain');
    try {
      const plainWt = plain.addWorktree('agent');
      const a = await seatbeltProfile({ worktree: wt, command: 'true', env: f.env }, '/tmp');
      const b = await seatbeltProfile(
        { worktree: plainWt, command: 'true', env: plain.env },
        '/tmp',
      );
      expect(a.profile).toBe(b.profile);
      expect(a.params['WORKTREE']).toBe(wt);
      expect(a.params['GIT_COMMON_DIR']).toBe(path.join(f.repo, '.git'));
      expect(a.profile).not.toContain(f.root);
      expect(a.profile).not.toContain('(ü)');
    } finally {
      plain.cleanup();
    }
  });
});

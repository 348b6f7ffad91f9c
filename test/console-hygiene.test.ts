import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

// Code without comments (TSDoc examples may show how a caller uses fetch or console).
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

const libraryPackages = ['crypto', 'redaction', 'containment', 'audit-log', 'tenancy'];

describe('console and network hygiene', () => {
  it('a test that prints to the console fails', async () => {
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await run(
      process.execPath,
      [
        vitest,
        'run',
        '--root',
        root,
        '--config',
        join(root, 'test', 'fixtures', 'prints.vitest.config.ts'),
      ],
      { cwd: root, env: { ...process.env, CI: '', FORCE_COLOR: '0', NO_COLOR: '1' } },
    ).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        out: e.stdout + e.stderr,
      }),
    );
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('Test printed to the console');
  });

  it('library source never calls console', () => {
    const offenders = libraryPackages
      .flatMap((p) => sources(join(root, 'packages', p, 'src')))
      .filter((f) => /\bconsole\.[a-z]+\(/.test(code(f)))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });

  it('no package source imports a module that opens network connections', () => {
    const forbidden =
      /^\s*import\s+(?!type\b)[^;]*?from\s*['"](node:)?(http|https|http2|tls|dgram|undici)['"]|\bimport\(\s*['"](node:)?(http|https|http2|tls|dgram|net|undici)['"]|\bfetch\(|\bnew\s+WebSocket\(|\b(createConnection|connect)\(\s*\{?\s*(port|host)/m;
    const offenders = [...libraryPackages, 'cli']
      .flatMap((p) => sources(join(root, 'packages', p, 'src')))
      .filter((f) => forbidden.test(code(f)))
      .map((f) => relative(root, f));
    expect(offenders).toEqual([]);
  });
});

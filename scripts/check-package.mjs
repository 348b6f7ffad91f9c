#!/usr/bin/env node
// Release checks for every package, on the artifacts users would install:
//   1. `pnpm pack` (workspace: ranges become real versions)
//   2. publint --strict on the tarball
//   3. attw --profile esm-only on the tarball
//   4. a smoke project that installs all tarballs and both `import`s and
//      `require`s each package, on every Node binary given with --node
//      (default: the current one).
// Exits non-zero on the first failure, printing which check failed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const nodes = [];
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--node') nodes.push(process.argv[++i]);
}
if (nodes.length === 0) nodes.push(process.execPath);

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });

const packagesDir = join(root, 'packages');
const pkgs = readdirSync(packagesDir)
  .map((dir) => ({
    dir: join(packagesDir, dir),
    json: JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8')),
  }))
  .filter((p) => p.json.private !== true);

const work = mkdtempSync(join(tmpdir(), 'palisade-pack-'));
let failed = false;
try {
  const tarballs = new Map();
  for (const p of pkgs) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', work], {
      cwd: p.dir,
      encoding: 'utf8',
    });
    const file = out.trim().split('\n').pop().trim();
    const tgz = file.startsWith('/') ? file : join(work, file.split('/').pop());
    tarballs.set(p.json.name, tgz);
    process.stdout.write(`\n== ${p.json.name}: ${tgz.split('/').pop()}\n`);
    process.stdout.write('-- publint --strict\n');
    run(bin('publint'), ['run', tgz, '--strict']);
    process.stdout.write('-- attw --profile esm-only\n');
    run(bin('attw'), [tgz, '--profile', 'esm-only', '--format', 'table-flipped']);
  }

  // Smoke project: every tarball installed together, internal ranges pinned to the tarballs.
  const smoke = join(work, 'smoke');
  const deps = Object.fromEntries([...tarballs].map(([name, tgz]) => [name, `file:${tgz}`]));
  execFileSync('mkdir', ['-p', smoke]);
  writeFileSync(
    join(smoke, 'package.json'),
    JSON.stringify(
      { name: 'palisade-smoke', private: true, dependencies: deps, overrides: deps },
      null,
      2,
    ),
  );
  process.stdout.write('\n== smoke install (npm, no install scripts)\n');
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: smoke,
  });
  const names = [...tarballs.keys()];
  writeFileSync(
    join(smoke, 'esm.mjs'),
    `const names = ${JSON.stringify(names)};\nfor (const n of names) {\n  const m = await import(n);\n  if (Object.keys(m).length === 0) throw new Error(n + ': no exports');\n  console.log('import ok', n, Object.keys(m).length, 'exports');\n}\n`,
  );
  writeFileSync(
    join(smoke, 'cjs.cjs'),
    `const names = ${JSON.stringify(names)};\nfor (const n of names) {\n  const m = require(n);\n  if (Object.keys(m).length === 0) throw new Error(n + ': no exports');\n  console.log('require ok', n, Object.keys(m).length, 'exports');\n}\n`,
  );
  for (const node of nodes) {
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    process.stdout.write(`\n== smoke on Node ${version}\n`);
    run(node, ['esm.mjs'], { cwd: smoke });
    run(node, ['cjs.cjs'], { cwd: smoke });
  }
  process.stdout.write(
    `\ncheck:package passed for ${pkgs.length} packages on ${nodes.length} Node version(s).\n`,
  );
} catch (e) {
  failed = true;
  process.stderr.write(`\ncheck:package FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

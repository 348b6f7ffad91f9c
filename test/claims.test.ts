import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkClaims, hasTestTitle } from '../scripts/claims.mjs';

const root = resolve(import.meta.dirname, '..');
const temps: string[] = [];

function repo(
  claims: string,
  testFile = "it('seal never opens for another workspace', () => {});\n",
): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-claims-'));
  temps.push(dir);
  mkdirSync(join(dir, 'docs'), { recursive: true });
  mkdirSync(join(dir, 'packages', 'crypto', 'test'), { recursive: true });
  mkdirSync(join(dir, 'packages', 'crypto', 'bench'), { recursive: true });
  writeFileSync(join(dir, 'packages', 'crypto', 'test', 'seal.test.ts'), testFile);
  writeFileSync(
    join(dir, 'packages', 'crypto', 'bench', 'seal.bench.ts'),
    "bench('seal+open 64 B', () => {});\n",
  );
  writeFileSync(
    join(dir, 'docs', 'claims.md'),
    `| claim | status | proof |\n|---|---|---|\n${claims}\n`,
  );
  return dir;
}

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('claims checker', () => {
  it('every claims row in the repository is proven by an existing test title, measured by an existing benchmark, or marked planned', () => {
    const { rows, problems } = checkClaims(root);
    expect(problems).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('every promise of the design has a row in docs/claims.md', () => {
    const design = readFileSync(join(root, 'docs', 'design.md'), 'utf8');
    const table = design.split('## The promises the packages keep')[1]?.split('\n## ')[0] ?? '';
    const promises = table
      .split('\n')
      .filter((l) => l.startsWith('|') && !l.startsWith('|---') && !l.startsWith('| promise'))
      .map((l) => l.split('|')[1]?.trim() ?? '');
    expect(promises.length).toBeGreaterThanOrEqual(13);
    const { rows } = checkClaims(root);
    const claimed = new Set(rows.filter((r) => r.file === 'docs/claims.md').map((r) => r.claim));
    expect(promises.filter((p) => !claimed.has(p))).toEqual([]);
  });

  it('accepts a proven row whose link resolves to an existing test title', () => {
    const dir = repo(
      '| a | proven | `packages/crypto/test/seal.test.ts` › "seal never opens for another workspace" |',
    );
    expect(checkClaims(dir).problems).toEqual([]);
  });

  it('rejects a proven row whose test title does not exist', () => {
    const dir = repo(
      '| a | proven | `packages/crypto/test/seal.test.ts` › "seal opens for any workspace" |',
    );
    expect(checkClaims(dir).problems).toEqual([
      'docs/claims.md:3: packages/crypto/test/seal.test.ts has no test titled "seal opens for any workspace"',
    ]);
  });

  it('rejects a proven row whose test file does not exist', () => {
    const dir = repo('| a | proven | `packages/crypto/test/gone.test.ts` › "x" |');
    expect(checkClaims(dir).problems).toEqual([
      'docs/claims.md:3: proof file packages/crypto/test/gone.test.ts does not exist',
    ]);
  });

  it('rejects a proven row without any proof link', () => {
    const dir = repo('| a | proven | trust me |');
    expect(checkClaims(dir).problems).toEqual([
      'docs/claims.md:3: "a" is proven but has no proof link',
    ]);
  });

  it('rejects a status that is neither proven, measured nor planned', () => {
    const dir = repo('| a | done | — |\n| b | constructor | — |');
    expect(checkClaims(dir).problems).toEqual([
      'docs/claims.md:3: status must be "proven", "measured" or "planned", got "done"',
      'docs/claims.md:4: status must be "proven", "measured" or "planned", got "constructor"',
    ]);
  });

  it('accepts a measured row whose link resolves to an existing benchmark title', () => {
    const dir = repo('| a | measured | `packages/crypto/bench/seal.bench.ts` › "seal+open 64 B" |');
    expect(checkClaims(dir).problems).toEqual([]);
  });

  it('rejects a measured row without a benchmark link, with a missing title, or linking a test', () => {
    const dir = repo(
      [
        '| a | measured | fast enough |',
        '| b | measured | `packages/crypto/bench/seal.bench.ts` › "seal+open 1 TiB" |',
        '| c | measured | `packages/crypto/test/seal.test.ts` › "seal never opens for another workspace" |',
        '| d | proven | `packages/crypto/bench/seal.bench.ts` › "seal+open 64 B" |',
      ].join('\n'),
    );
    expect(checkClaims(dir).problems).toEqual([
      'docs/claims.md:3: "a" is measured but has no benchmark link',
      'docs/claims.md:4: packages/crypto/bench/seal.bench.ts has no benchmark titled "seal+open 1 TiB"',
      'docs/claims.md:5: benchmark path packages/crypto/test/seal.test.ts is not a benchmark file',
      'docs/claims.md:6: proof path packages/crypto/bench/seal.bench.ts is not a test file',
    ]);
  });

  it('accepts a planned row without proof', () => {
    const dir = repo('| a | planned | — |');
    expect(checkClaims(dir).problems).toEqual([]);
  });

  it('matches titles in any quoting, including escaped quotes', () => {
    expect(hasTestTitle(`it("it's sealed", () => {})`, "it's sealed")).toBe(true);
    expect(hasTestTitle(`it('it\\'s sealed', () => {})`, "it's sealed")).toBe(true);
    expect(hasTestTitle("it('x y', () => {})", 'x')).toBe(false);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDependencies } from '../scripts/dependency-rules.mjs';

const root = resolve(import.meta.dirname, '..');
const temps: string[] = [];

function fixture(pkgs: Record<string, { deps?: string[]; imports?: string[] }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-deps-'));
  temps.push(dir);
  for (const [name, p] of Object.entries(pkgs)) {
    mkdirSync(join(dir, 'packages', name, 'src'), { recursive: true });
    const dependencies = Object.fromEntries(
      (p.deps ?? []).map((d) => [`@palisade/${d}`, 'workspace:^']),
    );
    writeFileSync(
      join(dir, 'packages', name, 'package.json'),
      JSON.stringify({ name: `@palisade/${name}`, dependencies }),
    );
    writeFileSync(
      join(dir, 'packages', name, 'src', 'index.ts'),
      (p.imports ?? []).map((s, i) => `import { x${i} } from '${s}';\n`).join(''),
    );
  }
  return dir;
}

afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dependency direction check', () => {
  it("the repository's package graph has no cycles and only allowed edges", () => {
    const { violations, edges } = checkDependencies(root);
    expect(violations).toEqual([]);
    expect(edges.length).toBeGreaterThan(0);
  });

  it('reports a cycle between two packages', () => {
    const dir = fixture({ crypto: { deps: ['redaction'] }, redaction: { deps: ['crypto'] } });
    const { violations } = checkDependencies(dir, { crypto: ['redaction'], redaction: ['crypto'] });
    expect(violations.some((v) => v.startsWith('cycle:'))).toBe(true);
  });

  it('reports an edge that points the wrong way (crypto must depend on nothing internal)', () => {
    const dir = fixture({ crypto: { deps: ['cli'] }, cli: { deps: ['crypto'] } });
    const { violations } = checkDependencies(dir);
    expect(violations).toContain(
      'packages/crypto → packages/cli is not an allowed dependency direction',
    );
  });

  it('reports a source import of a package that package.json does not declare', () => {
    const dir = fixture({ crypto: {}, tenancy: { imports: ['@palisade/crypto'] } });
    const { violations } = checkDependencies(dir);
    expect(violations).toContain(
      'packages/tenancy/src/index.ts: imports @palisade/crypto without declaring it in package.json',
    );
  });

  it("reports a relative import that reaches into another package's src", () => {
    const dir = fixture({
      crypto: {},
      tenancy: { deps: ['crypto'], imports: ['../../crypto/src/index.ts'] },
    });
    const { violations } = checkDependencies(dir);
    expect(violations.some((v) => v.includes('reaches outside its package'))).toBe(true);
  });
});

// The package graph Palisade promises (DESIGN.md): dependencies point one way,
// cli → (containment, audit-log, tenancy, redaction) → crypto, and
// containment may use redaction for its pre-commit and promotion scans.
// `checkDependencies` reads every package.json and every import in src/ and
// returns the violations; scripts/check-cycles.mjs and the repo tests use it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/** @type {Record<string, readonly string[]>} allowed internal dependencies per package folder */
export const ALLOWED = {
  crypto: [],
  redaction: ['crypto'],
  containment: ['redaction', 'crypto'],
  'audit-log': ['crypto'],
  tenancy: ['crypto'],
  cli: ['containment', 'audit-log', 'tenancy', 'redaction', 'crypto'],
};

const SCOPE = '@palisade/';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/**
 * @param {string} root repository root
 * @param {Record<string, readonly string[]>} [allowed]
 * @returns {{ edges: Array<[string, string]>, violations: string[] }}
 */
export function checkDependencies(root, allowed = ALLOWED) {
  const packagesDir = join(root, 'packages');
  const dirs = readdirSync(packagesDir).filter((d) => statSync(join(packagesDir, d)).isDirectory());
  const nameToDir = new Map();
  for (const d of dirs) {
    const pj = JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8'));
    nameToDir.set(pj.name, d);
  }
  const violations = [];
  /** @type {Map<string, Set<string>>} */
  const graph = new Map(dirs.map((d) => [d, new Set()]));
  for (const d of dirs) {
    if (!(d in allowed)) violations.push(`packages/${d}: not in the allowed dependency table`);
    const pj = JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8'));
    const declared = new Set(
      [pj.dependencies, pj.peerDependencies, pj.optionalDependencies]
        .flatMap((o) => Object.keys(o ?? {}))
        .filter((n) => n.startsWith(SCOPE)),
    );
    for (const dep of Object.keys(pj.devDependencies ?? {}).filter((n) => n.startsWith(SCOPE))) {
      declared.add(dep);
    }
    for (const dep of declared) {
      const target = nameToDir.get(dep);
      if (target === undefined) {
        violations.push(`packages/${d}/package.json: depends on unknown ${dep}`);
        continue;
      }
      graph.get(d).add(target);
    }
    const srcDir = join(packagesDir, d, 'src');
    let files = [];
    try {
      files = walk(srcDir);
    } catch {
      files = [];
    }
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(root, file);
      for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
        const spec = m[1];
        if (spec.startsWith(SCOPE)) {
          const base = spec.split('/').slice(0, 2).join('/');
          const target = nameToDir.get(base);
          if (target === undefined) {
            violations.push(`${rel}: imports unknown ${spec}`);
          } else if (target !== d) {
            if (!declared.has(base))
              violations.push(`${rel}: imports ${base} without declaring it in package.json`);
            graph.get(d).add(target);
          }
        } else if (spec.startsWith('.')) {
          const abs = resolve(file, '..', spec);
          if (!abs.startsWith(join(packagesDir, d) + sep)) {
            violations.push(`${rel}: relative import ${spec} reaches outside its package`);
          }
        }
      }
    }
  }
  const edges = [];
  for (const [from, tos] of graph) {
    for (const to of tos) {
      edges.push([from, to]);
      if (!(allowed[from] ?? []).includes(to)) {
        violations.push(`packages/${from} → packages/${to} is not an allowed dependency direction`);
      }
    }
  }
  // Cycle detection (depth-first, three colours).
  const colour = new Map();
  const stack = [];
  const visit = (n) => {
    colour.set(n, 1);
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (colour.get(m) === 1)
        violations.push(`cycle: ${[...stack.slice(stack.indexOf(m)), m].join(' → ')}`);
      else if (!colour.has(m)) visit(m);
    }
    stack.pop();
    colour.set(n, 2);
  };
  for (const n of graph.keys()) if (!colour.has(n)) visit(n);
  return { edges: edges.sort(), violations };
}

// One-off scaffold used to create the package folders (kept for new packages).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const pkgs = {
  crypto: {
    description:
      'Committing sealed format, HKDF workspace keys, key ring, age backups, tokens, webhooks and passwords for AI coding-agent products.',
    deps: {
      '@noble/ciphers': 'catalog:',
      '@noble/curves': 'catalog:',
      '@noble/hashes': 'catalog:',
    },
    dev: { 'age-encryption': '0.3.1' },
  },
  redaction: {
    description:
      'Privacy modes and a secret scanner that redacts text, objects, streams, paths, logs and errors.',
    deps: { micromatch: 'catalog:', zod: 'catalog:' },
    dev: {
      '@types/micromatch': 'catalog:',
      'fast-redact': '3.5.0',
      '@pinojs/redact': '0.4.0',
      '@secretlint/core': '12.3.1',
      '@secretlint/secretlint-rule-preset-recommend': '12.3.1',
      pino: '10.4.0',
    },
  },
  containment: {
    description:
      'Layered push containment for agent worktrees, explicit promotion, and path and egress (SSRF) guards.',
    deps: {
      '@palisade/redaction': 'workspace:^',
      micromatch: 'catalog:',
      'simple-git': 'catalog:',
      zod: 'catalog:',
    },
    dev: { '@types/micromatch': 'catalog:', undici: '7.30.2' },
  },
  'audit-log': {
    description:
      'Tamper-evident audit log: hash chain, RFC 9162 Merkle proofs, signed checkpoints, verifiable retention and erasure, file and Postgres stores.',
    deps: { '@palisade/crypto': 'workspace:^', zod: 'catalog:' },
    peer: { pg: '^8.11.0' },
    dev: { pg: 'catalog:', '@types/pg': 'catalog:', '@electric-sql/pglite': 'catalog:' },
  },
  tenancy: {
    description:
      'Fail-closed tenant context, Postgres row-level security by construction, and hardened per-workspace SQLite.',
    deps: { '@palisade/crypto': 'workspace:^', zod: 'catalog:' },
    peer: { pg: '^8.11.0', 'better-sqlite3': '^12.0.0', '@electric-sql/pglite': '>=0.3.0' },
    dev: {
      pg: 'catalog:',
      '@types/pg': 'catalog:',
      '@electric-sql/pglite': 'catalog:',
      'better-sqlite3': 'catalog:',
      '@types/better-sqlite3': 'catalog:',
    },
  },
  cli: {
    description:
      'The palisade command: demo, scan, redact, contain, audit, keys, token, backup and tenancy checks.',
    deps: {
      '@palisade/audit-log': 'workspace:^',
      '@palisade/containment': 'workspace:^',
      '@palisade/crypto': 'workspace:^',
      '@palisade/redaction': 'workspace:^',
      '@palisade/tenancy': 'workspace:^',
      '@electric-sql/pglite': 'catalog:',
      'better-sqlite3': 'catalog:',
      pg: 'catalog:',
    },
    dev: { '@types/pg': 'catalog:', '@types/better-sqlite3': 'catalog:' },
    bin: true,
  },
};

for (const [name, p] of Object.entries(pkgs)) {
  const dir = join('packages', name);
  for (const d of ['src', 'test']) mkdirSync(join(dir, d), { recursive: true });
  const pj = {
    name: `@palisade/${name}`,
    version: '0.0.0',
    description: p.description,
    license: 'Apache-2.0',
    type: 'module',
    sideEffects: false,
    repository: {
      type: 'git',
      url: 'git+https://github.com/palisade-dev/palisade.git',
      directory: `packages/${name}`,
    },
    exports: {
      '.': {
        '@palisade/source': './src/index.ts',
        types: './dist/index.d.ts',
        default: './dist/index.js',
      },
      './package.json': './package.json',
    },
    ...(p.bin ? { bin: { palisade: './dist/bin.js' } } : {}),
    files: ['dist', 'src', '!src/**/*.test.ts'],
    engines: { node: '>=20.19.0' },
    publishConfig: { access: 'public', provenance: true },
    scripts: { build: 'tsup', typecheck: 'tsc --noEmit -p tsconfig.json' },
    dependencies: p.deps,
    ...(p.peer
      ? {
          peerDependencies: p.peer,
          peerDependenciesMeta: Object.fromEntries(
            Object.keys(p.peer).map((k) => [k, { optional: true }]),
          ),
        }
      : {}),
    devDependencies: p.dev,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pj, null, 2)}\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'test', 'bench', '*.ts'] }, null, 2)}\n`,
  );
  writeFileSync(
    join(dir, 'tsup.config.ts'),
    `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [${p.bin ? "'src/index.ts', 'src/bin.ts'" : "'src/index.ts'"}],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
});
`,
  );
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: '${name}' },
});
`,
  );
  if (!existsSync(join(dir, 'LICENSE')))
    writeFileSync(
      join(dir, 'LICENSE'),
      'Apache License 2.0. See the LICENSE file at the root of the Palisade repository.\n',
    );
}

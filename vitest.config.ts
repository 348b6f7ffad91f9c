import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// Vite's default server conditions, plus our source condition so tests run on
// each package's TypeScript without a build.
const conditions = ['@palisade/source', 'module', 'node', 'development|production'];
const packages = ['crypto', 'redaction', 'containment', 'audit-log', 'tenancy', 'cli'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@palisade/source'] } },
  test: {
    globalSetup: [here('./test/support/global-setup.ts')],
    setupFiles: [here('./test/support/fail-on-console.ts'), here('./test/support/fast-check.ts')],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `./packages/${name}`,
          include: ['test/**/*.test.ts'],
          benchmark: { include: ['bench/**/*.bench.ts'] },
        },
      })),
      { extends: true as const, test: { name: 'repo', root: '.', include: ['test/**/*.test.ts'] } },
      {
        extends: true as const,
        test: { name: 'examples', root: './examples', include: ['*/test/**/*.test.ts'] },
      },
    ],
  },
});

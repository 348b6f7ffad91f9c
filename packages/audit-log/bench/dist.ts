// Benches measure the built package (dist/, as published; `pnpm bench` builds
// first): run from src/, every internal call would go through vitest's
// module-transform proxies, which the shipped bundle does not have.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('build @palisade/audit-log first (pnpm bench does)');

/** The built `@palisade/audit-log`. */
export const auditLog: typeof import('../src/index.ts') = (await import(
  dist.href
)) as typeof import('../src/index.ts');

/** The built `@palisade/audit-log/pg`. */
export const auditLogPg: typeof import('../src/pg.ts') = (await import(
  new URL('../dist/pg.js', import.meta.url).href
)) as typeof import('../src/pg.ts');

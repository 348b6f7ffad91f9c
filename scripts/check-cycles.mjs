#!/usr/bin/env node
// Fails when the package graph has a cycle or an edge DESIGN.md does not allow.
import { resolve } from 'node:path';
import { checkDependencies } from './dependency-rules.mjs';

const { edges, violations } = checkDependencies(resolve(import.meta.dirname, '..'));
for (const [from, to] of edges) process.stdout.write(`${from} → ${to}\n`);
if (violations.length > 0) {
  process.stderr.write(
    `\n${violations.length} dependency violation(s):\n${violations.join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write('dependency graph: no cycles, every edge allowed\n');

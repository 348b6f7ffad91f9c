import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tenancyStep } from '../src/demo/tenancy-step.ts';

describe('demo step: tenancy', () => {
  it('the tenancy demo step observes own-org reads, an empty cross-org read and ERR_TENANCY_NO_CONTEXT before SQL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'palisade-tenancy-step-'));
    const said: string[] = [];
    try {
      const outcome = await tenancyStep.run({
        dir,
        say: (l) => said.push(l),
        out: { write: () => true },
      });
      expect(outcome.ok).toBe(true);
      expect(outcome.facts).toContain("cross-org read of B's row id returned 0 rows");
      expect(outcome.facts.join('\n')).toMatch(
        /ERR_TENANCY_NO_CONTEXT before any SQL \(connection checked out: false\)/,
      );
      expect(said.join('\n')).toMatch(/not a boundary/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { containmentStep } from '../src/demo/containment-step.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-contain-step-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('demo: containment step', () => {
  it('observes: the agent push and --no-verify push are refused, and promotion publishes exactly the pinned SHA', async () => {
    const lines: string[] = [];
    const outcome = await containmentStep.run({
      dir,
      say: (l) => lines.push(l),
      out: { write: () => true },
    });
    expect(outcome.facts.join('\n')).toMatch(
      /the agent's git push exited (?!0\b)\d+ and git push --no-verify exited (?!0\b)\d+/,
    );
    expect(outcome.facts.join('\n')).toContain('promotion published exactly the pinned');
    expect(outcome.ok).toBe(true);
  });
});

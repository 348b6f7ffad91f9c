import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditStep } from '../src/demo/audit-step.ts';

describe('demo: audit step', () => {
  it('the audit demo step observes OK, then TAMPERED naming the changed event', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'palisade-audit-step-'));
    const said: string[] = [];
    try {
      const out = await auditStep.run({
        dir,
        say: (l) => said.push(l),
        out: { write: () => true },
      });
      expect(out.ok).toBe(true);
      expect(out.facts).toEqual([
        'verified 5 events: OK',
        'one changed byte read TAMPERED naming seq 2',
      ]);
      expect(said.join('\n')).toContain('TAMPERED at seq 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

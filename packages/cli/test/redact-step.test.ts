import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redactionStep } from '../src/demo/redaction-step.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-redaction-step-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('demo: redaction step', () => {
  it('observes off refused, redacted dropping .env and masking, and full needing consent without releasing credentials', async () => {
    const lines: string[] = [];
    const outcome = await redactionStep.run({
      dir,
      say: (l) => lines.push(l),
      out: { write: () => true },
    });
    const facts = outcome.facts.join('\n');
    expect(facts).not.toContain('NOT OBSERVED');
    expect(outcome.ok).toBe(true);
    expect(facts).toContain('off (the default): egress refused with ERR_REDACTION_EGRESS_DISABLED');
    expect(facts).toContain('redacted: .env was dropped');
    expect(facts).toContain('redacted: the home path was masked');
    expect(facts).toContain('full without consent: refused with ERR_REDACTION_CONSENT_REQUIRED');
    expect(facts).toContain('full with consent: still no credentials');
    expect(outcome.facts).toHaveLength(10);
    // The narration never shows a credential.
    expect(lines.join('\n')).not.toMatch(/AKIA[A-Z2-7]{16}|ghp_[A-Za-z0-9]{36}|Passw0rd/);
  });
});

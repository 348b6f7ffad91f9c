import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupStep } from '../src/demo/backup-step.ts';

const hasAge = spawnSync('age', ['--version']).status === 0;
let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-backup-step-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('demo: backup step', () => {
  it('observes: our age file decrypts to identical bytes (with the age command when installed) and a wrong key fails', async () => {
    const lines: string[] = [];
    const outcome = await backupStep.run({
      dir,
      say: (l) => lines.push(l),
      out: { write: () => true },
    });
    expect(outcome.ok).toBe(true);
    const facts = outcome.facts.join('\n');
    expect(facts).toContain('@palisade/crypto decrypted it to identical bytes: true');
    expect(facts).toContain('failed with ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED');
    if (hasAge || process.env.CI)
      expect(facts).toContain('the age command decrypted it to identical bytes');
    expect(lines.join('\n')).not.toContain('AGE-SECRET-KEY-1');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cryptoStep } from '../src/demo/crypto-step.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-crypto-step-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('demo: crypto step', () => {
  it('observes: workspace B cannot open what A sealed (generic error), A can', async () => {
    const lines: string[] = [];
    const outcome = await cryptoStep.run({
      dir,
      say: (l) => lines.push(l),
      out: { write: () => true },
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.facts.join('\n')).toContain(
      'opening as ws-beta failed with ERR_CRYPTO_DECRYPTION_FAILED',
    );
    expect(outcome.facts.join('\n')).toContain('opening as ws-alpha returned the original');
    expect(lines.join('\n')).not.toMatch(/[A-Za-z0-9+/]{43}=/); // no key text narrated
  });
});

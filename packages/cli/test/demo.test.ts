import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT, main } from '@palisade/cli';
import { describe, expect, it } from 'vitest';
import { captureIO } from './support.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

interface Report {
  ok: boolean;
  steps: Array<{
    id: string;
    pkg: string;
    docs: string;
    ok: boolean;
    facts: string[];
    error?: string;
  }>;
}

describe('palisade demo', () => {
  it('runs every package step for real, every step behaves as claimed, and it cleans up after itself', async () => {
    const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('palisade-demo-')));
    const io = captureIO();
    const code = await main(['demo', '--json'], io);
    const report = JSON.parse(io.out()) as Report;
    expect(report.steps.filter((s) => !s.ok)).toEqual([]);
    expect(code).toBe(EXIT.OK);
    expect(report.ok).toBe(true);
    expect(new Set(report.steps.map((s) => s.pkg))).toEqual(
      new Set([
        '@palisade/containment',
        '@palisade/redaction',
        '@palisade/audit-log',
        '@palisade/crypto',
        '@palisade/tenancy',
      ]),
    );
    for (const step of report.steps) {
      expect(step.facts.length).toBeGreaterThan(0);
      expect(existsSync(join(repoRoot, step.docs))).toBe(true);
    }
    const after = readdirSync(tmpdir()).filter(
      (n) => n.startsWith('palisade-demo-') && !before.has(n),
    );
    expect(after).toEqual([]);
  }, 120_000);

  it('exits 2 for a step name that does not exist', async () => {
    const io = captureIO();
    expect(await main(['demo', '--only', 'nope'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('no demo step named "nope"');
  });
});

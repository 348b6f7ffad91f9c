import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';
import type { DemoOutcome } from '../demo/step.ts';
import { demoSteps } from '../demo/steps.ts';
import { EXIT, writeJson } from '../io.ts';

interface StepReport {
  readonly id: string;
  readonly title: string;
  readonly pkg: string;
  readonly docs: string;
  readonly ok: boolean;
  readonly facts: readonly string[];
  readonly error?: string;
  readonly ms: number;
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Walk through every Palisade promise, for real, on temp dirs and embedded stores',
  usage: `Usage: palisade demo [--only <step-id>] [--keep] [--json]

Runs each package's step for real (a temp git repo and bare remote, JSONL and
SQLite files, PGlite) and prints what it observed. Exits 1 if any step does not
behave as claimed. Temp dirs are removed afterwards unless --keep is given.`,
  async run(args, io, flags) {
    const parsed = parseCommandArgs({
      args: [...args],
      options: { only: { type: 'string' }, keep: { type: 'boolean' } },
      allowPositionals: false,
    });
    const steps = await Promise.all(demoSteps.map((load) => load()));
    const selected =
      parsed.values.only === undefined ? steps : steps.filter((s) => s.id === parsed.values.only);
    if (selected.length === 0) {
      throw new UsageError(
        parsed.values.only === undefined
          ? 'no demo steps are available in this build'
          : `no demo step named "${parsed.values.only}" (steps: ${steps.map((s) => s.id).join(', ')})`,
      );
    }
    const root = await mkdtemp(join(tmpdir(), 'palisade-demo-'));
    const reports: StepReport[] = [];
    const human = !flags.json;
    const started = performance.now();
    try {
      for (const [i, step] of selected.entries()) {
        const dir = await mkdtemp(join(root, `${step.id}-`));
        if (human)
          io.stdout.write(`\n[${i + 1}/${selected.length}] ${step.title}  (${step.pkg})\n`);
        const t0 = performance.now();
        let outcome: DemoOutcome;
        let error: string | undefined;
        try {
          outcome = await step.run({
            dir,
            out: io.stdout,
            say: (line) => {
              if (human) io.stdout.write(`    ${line}\n`);
            },
          });
        } catch (e) {
          error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          outcome = { ok: false, facts: [] };
        }
        const ms = Math.round(performance.now() - t0);
        reports.push({
          id: step.id,
          title: step.title,
          pkg: step.pkg,
          docs: step.docs,
          ok: outcome.ok,
          facts: outcome.facts,
          ms,
          ...(error === undefined ? {} : { error }),
        });
        if (human) {
          if (error !== undefined) io.stdout.write(`    error: ${error}\n`);
          io.stdout.write(`    ${outcome.ok ? 'PASS' : 'FAIL'} in ${ms} ms — docs: ${step.docs}\n`);
        }
      }
    } finally {
      if (parsed.values.keep === true) {
        io.stderr.write(`kept demo files in ${root}\n`);
      } else {
        await rm(root, { recursive: true, force: true });
      }
    }
    const failed = reports.filter((r) => !r.ok);
    const totalMs = Math.round(performance.now() - started);
    if (flags.json) {
      writeJson(io, { ok: failed.length === 0, ms: totalMs, steps: reports });
    } else {
      io.stdout.write(
        `\n${failed.length === 0 ? 'All' : `${reports.length - failed.length} of`} ${reports.length} steps behaved as claimed in ${(totalMs / 1000).toFixed(1)} s.\n`,
      );
      if (failed.length > 0) io.stdout.write(`Failed: ${failed.map((r) => r.id).join(', ')}\n`);
    }
    return failed.length === 0 ? EXIT.OK : EXIT.FINDINGS;
  },
};

// Real processes: 8 concurrent writers on one file, and a writer killed with
// SIGKILL in a loop. The writers are plain Node running an esbuild bundle of
// src/index.ts (built once here), so no test runner is inside them.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyLogFile } from '@palisade/audit-log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStore, ORIGIN, signer, tempDir } from './helpers.ts';

const TRIALS = Number.parseInt(process.env.PALISADE_CRASH_TRIALS ?? '200', 10);
const LANES = 3;
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
let tmp: { dir: string; cleanup: () => void };
let bundle: string;

beforeAll(async () => {
  tmp = tempDir();
  bundle = join(tmp.dir, 'audit-log.bundle.mjs');
  // esbuild ships with tsup (a root devDependency); resolve it through tsup.
  const req = createRequire(createRequire(import.meta.url).resolve('tsup'));
  const esbuild = req('esbuild') as {
    build(o: Record<string, unknown>): Promise<unknown>;
  };
  await esbuild.build({
    entryPoints: [here('../src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    minify: true,
    // Bundle @palisade/crypto from its source, as the tests do (no build needed).
    conditions: ['@palisade/source'],
    logLevel: 'silent',
  });
});
afterAll(() => tmp.cleanup());

interface Ack {
  readonly seq: number;
  readonly hash: string;
}

function runWriter(
  path: string,
  count: number,
  conc: number,
  id: string,
  onAck?: (child: ChildProcess, acks: Ack[]) => void,
): {
  child: ChildProcess;
  done: Promise<{ acks: Ack[]; code: number | null; signal: string | null }>;
} {
  const child = spawn(
    process.execPath,
    [here('./fixtures/writer.mjs'), bundle, path, String(count), String(conc), id],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const acks: Ack[] = [];
  let buf = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    buf += d;
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /^ack (\d+) (\S+)$/.exec(line);
      if (m !== null) acks.push({ seq: Number(m[1]), hash: m[2] as string });
      nl = buf.indexOf('\n');
    }
    onAck?.(child, acks);
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<{ acks: Ack[]; code: number | null; signal: string | null }>(
    (resolve) => {
      child.on('exit', (code, signal) => {
        if (code !== 0 && signal === null) acks.push({ seq: -1, hash: `stderr: ${err}` });
        resolve({ acks, code, signal });
      });
    },
  );
  return { child, done };
}

/** seq -> leaf hash of every entry line in the file. */
function entriesOf(path: string): Map<number, string> {
  const m = new Map<number, string>();
  const text = readFileSync(path, 'utf8');
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"h"')) continue;
    try {
      const o = JSON.parse(line) as { h: string; leaf: string };
      const leaf = JSON.parse(Buffer.from(o.leaf, 'base64').toString('utf8')) as { seq: number };
      m.set(leaf.seq, o.h);
    } catch {
      // a torn last line
    }
  }
  return m;
}

describe('real processes', () => {
  it('8 concurrent writer processes on one file produce no fork and no duplicate sequence number, and every ack is in the log', async () => {
    const path = join(tmp.dir, 'concurrent.jsonl');
    const runs = Array.from({ length: 8 }, (_, i) => runWriter(path, 150, 8, String(i)));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) expect(r.code).toBe(0);
    const acks = results.flatMap((r) => r.acks);
    expect(acks.length).toBe(8 * 150);
    const seqs = new Set(acks.map((a) => a.seq));
    expect(seqs.size).toBe(8 * 150);
    const v = await verifyLogFile(path, { verifiers: [formatVkey()], origin: ORIGIN });
    expect(v.status).toBe('OK');
    expect(v.size).toBe(8 * 150);
    const entries = entriesOf(path);
    for (const a of acks) expect(entries.get(a.seq)).toBe(a.hash);
  });

  it(`a writer killed with SIGKILL mid-append (${TRIALS} trials) never loses an acknowledged event and never yields a false TAMPERED`, async () => {
    // Three lanes run in parallel; each lane kills a writer on the same file
    // 10 times in a row (so recovery runs over earlier crashes), then moves on
    // to a fresh file, keeping every trial fast.
    const verdicts = new Map<string, number>();
    let trials = 0;
    let acked = 0;
    const lane = async (laneId: number): Promise<void> => {
      for (let t = laneId; t < TRIALS; t += LANES) {
        const path = join(tmp.dir, `crash-${laneId}-${Math.floor(t / (LANES * 10))}.jsonl`);
        const delay = t % 5; // ms after the first ack
        let killing = false;
        const { done } = runWriter(path, 0, 16, `c${t}`, (child, acks) => {
          if (!killing && acks.length > 0) {
            killing = true;
            setTimeout(() => child.kill('SIGKILL'), delay);
          }
        });
        const r = await done;
        expect(r.signal).toBe('SIGKILL');
        trials++;
        acked += r.acks.length;
        // Before any recovery, the raw file never reads TAMPERED.
        const raw = await verifyLogFile(path, { verifiers: [formatVkey()], origin: ORIGIN });
        verdicts.set(raw.status, (verdicts.get(raw.status) ?? 0) + 1);
        expect(['OK', 'UNSEALED']).toContain(raw.status);
        // Every acknowledged event is in the file, byte for byte (same leaf hash).
        const entries = entriesOf(path);
        for (const a of r.acks) expect(entries.get(a.seq)).toBe(a.hash);
        if (t % (LANES * 10) >= LANES * 9 || t + LANES >= TRIALS) {
          // Last trial on this file: recover (drop a torn tail, break the stale lock), seal, verify OK.
          const store = await makeStore(path);
          await store.checkpoint();
          const v = await store.verify();
          await store.close();
          expect(v.status).toBe('OK');
          expect(v.tornTail).toBe(false);
        }
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    expect(trials).toBe(TRIALS);
    expect(acked).toBeGreaterThanOrEqual(TRIALS);
  }, 300_000);
});

function formatVkey(): string {
  // Same key the writer fixture derives.
  return `${signer.name}+${signer.keyHash.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([1]), Buffer.from(signer.publicKey)]).toString('base64')}`;
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { auditCommand } from '../src/commands/audit.ts';
import { captureIO } from './support.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-cli-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = async (
  args: string[],
  json = false,
): Promise<{ code: number; out: string; err: string }> => {
  const io = { ...captureIO(), cwd: dir };
  const code = await auditCommand.run(args, io, { json });
  return { code, out: io.out(), err: io.err() };
};

async function appendN(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await run([
      'append',
      '--actor',
      `user:${i % 2}`,
      '--action',
      'secret.read',
      '--target',
      `db/${i}`,
      '--ip',
      '203.0.113.9',
      '--email',
      `u${i % 2}@example.com`,
    ]);
    expect(r.code).toBe(0);
  }
}

describe('palisade audit', () => {
  it('audit append then verify --json reports OK and exits 0', async () => {
    await appendN(3);
    const r = await run(['verify'], true);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.out) as { status: string; size: number };
    expect(v).toMatchObject({ status: 'OK', size: 3 });
  });

  it('audit verify exits 1 with TAMPERED naming the sequence number when a stored byte changes', async () => {
    await appendN(4);
    const path = join(dir, '.palisade', 'audit.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    // Each CLI append seals its entry, so entries and checkpoints alternate; take entry #1.
    const idx = lines
      .map((l, i) => (l.startsWith('{"h"') ? i : -1))
      .filter((i) => i >= 0)[1] as number;
    lines[idx] = (lines[idx] as string).replace('203.0.113.9', '203.0.113.1');
    writeFileSync(path, lines.join('\n'));
    const r = await run(['verify'], true);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ status: 'TAMPERED', seq: 1 });
    const human = await run(['verify']);
    expect(human.out).toMatch(/^TAMPERED at seq 1:/);
  });

  it('audit prove writes a proof that audit verify --proof accepts offline', async () => {
    await appendN(5);
    const p = await run(['prove', '3']);
    expect(p.code).toBe(0);
    writeFileSync(join(dir, 'proof.json'), p.out);
    const v = await run(['verify', '--proof', 'proof.json'], true);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ ok: true, seq: 3 });
  });

  it('audit export writes a bundle that verifies on its own and a CSV view', async () => {
    await appendN(3);
    expect((await run(['export', '--out', 'bundle.jsonl'])).code).toBe(0);
    const vkey = readFileSync(join(dir, '.palisade', 'audit.vkey'), 'utf8').trim();
    const v = await run(['verify', '--log', 'bundle.jsonl', '--vkey', vkey], true);
    expect(v.code).toBe(0);
    const csv = await run(['export', '--format', 'csv']);
    expect(csv.out.split('\r\n').filter((l) => l !== '')).toHaveLength(4);
  });

  it('audit prune and audit erase keep the log verifiable (PRUNED_OK exits 0)', async () => {
    await appendN(6);
    expect((await run(['erase', 'user:1'])).code).toBe(0);
    expect(readFileSync(join(dir, '.palisade', 'audit.jsonl'), 'utf8')).not.toContain(
      'u1@example.com',
    );
    expect((await run(['prune', '--before', '3'])).code).toBe(0);
    const v = await run(['verify'], true);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ status: 'PRUNED_OK', firstSeq: 3 });
  });

  it('audit checkpoint prints a signed C2SP checkpoint, and bad arguments are usage errors', async () => {
    await appendN(1);
    const r = await run(['checkpoint']);
    expect(r.out).toMatch(
      /^palisade\.local\/audit\n1\n[A-Za-z0-9+/]{43}=\ntime \d+\n\n\u2014 palisade\.local\/audit /,
    );
    await expect(run(['nope'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['append', '--actor', 'a'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['prune'])).rejects.toBeInstanceOf(UsageError);
    await expect(run(['prove', 'x'])).rejects.toBeInstanceOf(UsageError);
  });
});

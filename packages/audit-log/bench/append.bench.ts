// Local durable appends with group commit vs the raw ceiling: JSONL lines of
// the same size written with one fsync per batch. Both sides append batches of
// 1000 events and fsync once per batch.
import { mkdtempSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { auditLog } from './dist.ts';

const { noteSignerFromSeed, openFileStore } = auditLog;

const BATCH = 1000;
const dir = mkdtempSync(join(tmpdir(), 'palisade-audit-bench-'));
const signer = noteSignerFromSeed('bench/audit', new Uint8Array(32).fill(1));
const store = await openFileStore({
  path: join(dir, 'audit.jsonl'),
  origin: 'bench/audit',
  signer,
  autoCheckpoint: false,
});
const raw = await open(join(dir, 'raw.jsonl'), 'a');
const ev = (i: number) => ({
  org: 'local',
  actor: 'user:1',
  action: 'secret.read',
  target: `db/${i}`,
  requestId: `req-${i}`,
  ip: '203.0.113.7',
  details: { i },
});
let n = 0;

describe(`durable appends, ${BATCH} events per iteration (one fsync per batch)`, () => {
  bench(
    'audit-log file store (group commit, durable acks)',
    async () => {
      const ps = [];
      for (let i = 0; i < BATCH; i++) ps.push(store.append(ev(n++)));
      await Promise.all(ps);
    },
    { time: 3000 },
  );
  bench(
    'raw baseline: JSONL of the same lines + one fsync',
    async () => {
      let text = '';
      for (let i = 0; i < BATCH; i++) {
        text += `${JSON.stringify({ h: 'x'.repeat(44), leaf: Buffer.from(JSON.stringify(ev(n++))).toString('base64'), side: { f: { ip: { salt: 'y'.repeat(24), value: '203.0.113.7' } } } })}\n`;
      }
      await raw.write(text);
      await raw.datasync();
    },
    { time: 3000 },
  );
});

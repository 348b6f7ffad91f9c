// Full verification (streaming, constant memory) vs the raw floor: JSON.parse
// of each line plus two SHA-256 calls over the stored leaf bytes. Target:
// >= 330k events per CPU-second (per core); timed on the process CPU clock.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { onCpuClock } from './cpu-clock.ts';
import { auditLog } from './dist.ts';

const { noteSignerFromSeed, openFileStore, verifyLog } = auditLog;

const N = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'palisade-audit-vbench-'));
const signer = noteSignerFromSeed('bench/audit', new Uint8Array(32).fill(1));
const path = join(dir, 'audit.jsonl');
const store = await openFileStore({
  path,
  origin: 'bench/audit',
  signer,
  autoCheckpoint: false,
  durability: 'buffered',
});
await Promise.all(
  Array.from({ length: N }, (_, i) =>
    store.append({
      org: 'local',
      actor: 'user:1',
      action: 'secret.read',
      target: `db/${i}`,
      requestId: `r${i}`,
    }),
  ),
);
await store.close();
const lines = readFileSync(path, 'utf8').split('\n').slice(0, -1);
const opts = { verifiers: [store.verifierKey], origin: 'bench/audit' };

describe(`verify ${N} events`, () => {
  bench(
    'audit-log verifyLog (every check)',
    async () => {
      const v = await verifyLog(lines, opts);
      if (v.status !== 'OK') throw new Error(v.status);
    },
    onCpuClock(3000),
  );
  bench(
    'raw floor: JSON.parse + 2 x SHA-256 per line',
    () => {
      for (const l of lines) {
        const o = JSON.parse(l) as { leaf?: string };
        if (o.leaf === undefined) continue;
        const leaf = Buffer.from(o.leaf, 'base64');
        createHash('sha256')
          .update(Buffer.from([0]))
          .update(leaf)
          .digest();
        createHash('sha256').update(leaf).digest();
      }
    },
    onCpuClock(3000),
  );
});

import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuditLogError,
  exportCsv,
  openCheckpoint,
  parseVerifierKey,
  verifyCheckpointConsistency,
  verifyEntryProof,
  verifyLogFile,
} from '@palisade/audit-log';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, ManualTimers, makeStore, ORIGIN, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const readLinesOf = (p: string): string[] => readFileSync(p, 'utf8').split('\n').slice(0, -1);

describe('file store', () => {
  it('appends are acknowledged as durable with consecutive sequence numbers and the sealed log verifies OK', async () => {
    const path = join(dir, '.palisade', 'audit.jsonl');
    const store = await makeStore(path);
    const receipts = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.append(event(i))),
    );
    expect(receipts.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(receipts.every((r) => r.durability === 'durable')).toBe(true);
    await store.checkpoint();
    const v = await store.verify();
    expect(v.status).toBe('OK');
    expect(v.size).toBe(50);
    await store.close();
  });

  it('concurrent appends are group-committed: 1000 appends take far fewer batches than events', async () => {
    const path = join(dir, 'audit.jsonl');
    const store = await makeStore(path);
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.append(event(i))));
    const { appended, batches } = store.stats();
    expect(appended).toBe(1000);
    expect(batches).toBeLessThan(100);
    await store.close();
    // Each batch is one write + one fsync; the file shows this as 1000 entries.
    const v = await verifyLogFile(path, { verifiers: [store.verifierKey], origin: ORIGIN });
    expect(v.status).toBe('OK');
    expect(v.size).toBe(1000);
  });

  it('buffered mode states its acknowledgements as buffered', async () => {
    const store = await makeStore(join(dir, 'b.jsonl'), { durability: 'buffered' });
    const r = await store.append(event(1));
    expect(r.durability).toBe('buffered');
    await store.close();
  });

  it('a log with entries after its last checkpoint reads UNSEALED naming the first unsealed entry', async () => {
    const path = join(dir, 'u.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 3; i++) await store.append(event(i));
    await store.checkpoint();
    await store.append(event(3));
    const v = await store.verify();
    expect(v.status).toBe('UNSEALED');
    expect(v.seq).toBe(3);
    await store.close();
  });

  it('the checkpointer seals an append within its delay (<= 1 s) and heartbeats every 60 s while non-empty', async () => {
    const timers = new ManualTimers();
    const path = join(dir, 'cp.jsonl');
    const store = await makeStore(path, { autoCheckpoint: true, timers });
    // Empty: only the heartbeat is scheduled.
    expect([...timers.pending.values()].map((t) => t.ms)).toEqual([60_000]);
    await store.append(event(0));
    await store.flush();
    const delays = [...timers.pending.values()].map((t) => t.ms).sort((a, b) => a - b);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    timers.fire(1000);
    await store.size(); // waits for the checkpoint's lock turn
    expect((await store.verify()).status).toBe('OK');
    const before = readLinesOf(path).length;
    timers.fire(60_000);
    await store.size();
    const after = readLinesOf(path);
    expect(after.length).toBe(before + 1);
    expect(JSON.parse(after.at(-1) as string).checkpoint).toContain('\n1\n');
    expect([...timers.pending.values()].map((t) => t.ms)).toContain(60_000);
    await store.close();
  });

  it('a torn last line from a crash is dropped on open and every complete entry survives', async () => {
    const path = join(dir, 't.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 5; i++) await store.append(event(i));
    await store.checkpoint();
    await store.close();
    appendFileSync(path, '{"h":"AAAA","leaf":"eyJ2Ijox');
    const torn = await verifyLogFile(path, { verifiers: [store.verifierKey], origin: ORIGIN });
    expect(torn.status).toBe('OK');
    expect(torn.tornTail).toBe(true);
    const again = await makeStore(path);
    const r = await again.append(event(5));
    expect(r.seq).toBe(5);
    await again.checkpoint();
    const v = await again.verify();
    expect(v.status).toBe('OK');
    expect(v.tornTail).toBe(false);
    expect(v.size).toBe(6);
    await again.close();
  });

  it('the clock going backwards is recorded in the leaf and recordedAt never decreases', async () => {
    let t = 1_700_000_000_000;
    const path = join(dir, 'clock.jsonl');
    const store = await makeStore(path, { now: () => t });
    const a = await store.append(event(0));
    t -= 5000;
    const b = await store.append(event(1));
    expect(b.recordedAt).toBe(a.recordedAt);
    const leaf = JSON.parse(
      Buffer.from(JSON.parse(readLinesOf(path)[1] as string).leaf, 'base64').toString('utf8'),
    );
    expect(leaf.clockBackMs).toBe(5000);
    await store.checkpoint();
    expect((await store.verify()).status).toBe('OK');
    await store.close();
  });

  it('a per-entry proof verifies offline against the signed checkpoint and fails for another entry line', async () => {
    const path = join(dir, 'p.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 20; i++) await store.append(event(i));
    await store.checkpoint();
    const proof = await store.prove(7);
    const opts = { verifiers: [store.verifierKey], origin: ORIGIN };
    const r = verifyEntryProof(JSON.parse(JSON.stringify(proof)), opts);
    expect(r.ok).toBe(true);
    expect(r.leaf?.seq).toBe(7);
    const other = await store.prove(8);
    expect(verifyEntryProof({ ...proof, line: other.line }, opts).ok).toBe(false);
    expect(
      verifyEntryProof({ ...proof, origin: 'x' } as never, { ...opts, origin: 'other' }).ok,
    ).toBe(false);
    await store.close();
  });

  it('consistency proofs between two signed checkpoints verify, and fail when swapped', async () => {
    const path = join(dir, 'c.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 5; i++) await store.append(event(i));
    const older = (await store.checkpoint()) as string;
    for (let i = 5; i < 13; i++) await store.append(event(i));
    const newer = (await store.checkpoint()) as string;
    const bundle = await store.proveConsistency(5, 13);
    const opts = { verifiers: [store.verifierKey], origin: ORIGIN };
    expect(verifyCheckpointConsistency(older, newer, bundle.proof, opts)).toBe(true);
    expect(verifyCheckpointConsistency(newer, older, bundle.proof, opts)).toBe(false);
    await store.close();
  });

  it('a trusted checkpoint newer than the log reads ROLLBACK; one with another root at the same size reads FORK', async () => {
    const path = join(dir, 'r.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 4; i++) await store.append(event(i));
    await store.checkpoint();
    const snapshot = readFileSync(path);
    for (let i = 4; i < 8; i++) await store.append(event(i));
    const later = (await store.checkpoint()) as string;
    await store.close();
    writeFileSync(path, snapshot); // the whole file, checkpoints included, goes back in time
    const opts = { verifiers: [store.verifierKey], origin: ORIGIN };
    const rb = await verifyLogFile(path, { ...opts, trusted: later });
    expect(rb.status).toBe('ROLLBACK');
    expect(rb.seq).toBe(4);
    // A different history of the same length as `later`.
    const other = await makeStore(join(dir, 'other.jsonl'));
    for (let i = 0; i < 8; i++) await other.append(event(i + 100));
    await other.checkpoint();
    await other.close();
    const fork = await verifyLogFile(join(dir, 'other.jsonl'), { ...opts, trusted: later });
    expect(fork.status).toBe('FORK');
    const ok = await verifyLogFile(join(dir, 'other.jsonl'), opts);
    expect(ok.status).toBe('OK');
    expect(openCheckpoint(later, [parseVerifierKey(store.verifierKey)]).size).toBe(8);
  });

  it('a stored line with a changed byte in event k reads TAMPERED naming seq k', async () => {
    const path = join(dir, 'x.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 10; i++) await store.append(event(i));
    await store.checkpoint();
    await store.close();
    const lines = readLinesOf(path);
    const o = JSON.parse(lines[6] as string);
    const leaf = Buffer.from(o.leaf, 'base64');
    leaf[leaf.indexOf('secret.read')] = 'S'.charCodeAt(0);
    o.leaf = leaf.toString('base64');
    lines[6] = JSON.stringify(o);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const v = await verifyLogFile(path, { verifiers: [store.verifierKey], origin: ORIGIN });
    expect(v.status).toBe('TAMPERED');
    expect(v.seq).toBe(6);
  });

  it('hostile files (NUL, invalid UTF-8, a 2 MiB line, garbage) give TAMPERED verdicts and typed errors on open, never a crash', async () => {
    const opts = {
      verifiers: [(await makeStore(join(dir, 'k.jsonl'))).verifierKey],
      origin: ORIGIN,
    };
    const cases: Array<[string, Buffer]> = [
      ['nul', Buffer.from('{"h":"\u0000"}\n')],
      [
        'utf8',
        Buffer.concat([Buffer.from('{"h":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]),
      ],
      ['huge', Buffer.concat([Buffer.alloc(2 * 1024 * 1024, 0x61), Buffer.from('\n')])],
      ['garbage', Buffer.from('not json at all\n')],
    ];
    for (const [name, bytes] of cases) {
      const p = join(dir, `${name}.jsonl`);
      writeFileSync(p, bytes);
      const v = await verifyLogFile(p, opts);
      expect(v.status).toBe('TAMPERED');
      expect(v.seq).toBe(0);
      let code: string | undefined;
      try {
        await makeStore(p);
      } catch (e) {
        code = AuditLogError.isInstance(e) ? e.code : 'untyped';
      }
      expect(code).toBe(name === 'huge' ? 'ERR_AUDIT_LINE_TOO_LONG' : 'ERR_AUDIT_CORRUPT');
    }
  });

  it('invalid events and events of another org are rejected with ERR_AUDIT_INVALID_ARGUMENT, reserved actions with ERR_AUDIT_RESERVED_ACTION', async () => {
    const store = await makeStore(join(dir, 'v.jsonl'));
    const codes: string[] = [];
    for (const bad of [
      { ...event(0), ip: 'not-an-ip' },
      { ...event(0), action: '' },
      { ...event(0), timestamp: 'yesterday' },
      { ...event(0), extra: 1 },
      { ...event(0), actor: 'a\ud800' },
      { ...event(0), action: 'audit.erase' },
      { ...event(0), org: 'another-org' },
    ]) {
      try {
        await store.append(bad as never);
      } catch (e) {
        codes.push(AuditLogError.isInstance(e) ? e.code : 'untyped');
      }
    }
    expect(codes.slice(0, 4)).toEqual(Array(4).fill('ERR_AUDIT_INVALID_ARGUMENT'));
    expect(['ERR_AUDIT_INVALID_ARGUMENT', 'ERR_AUDIT_LONE_SURROGATE']).toContain(codes[4]);
    expect(codes[5]).toBe('ERR_AUDIT_RESERVED_ACTION');
    expect(codes[6]).toBe('ERR_AUDIT_INVALID_ARGUMENT');
    await store.close();
  });

  it('the CSV view has one row per entry and neutralises spreadsheet formulas', async () => {
    const store = await makeStore(join(dir, 'csv.jsonl'));
    await store.append(event(0, { target: '=HYPERLINK("http://evil")' }));
    await store.append(event(1));
    await store.checkpoint();
    let csv = '';
    for await (const chunk of exportCsv(store.lines())) csv += chunk;
    const rows = csv.split('\r\n').filter((r) => r !== '');
    expect(rows.length).toBe(3);
    expect(rows[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    await store.close();
  });
});

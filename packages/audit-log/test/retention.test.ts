import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCheckpointConsistency, verifyEntryProof, verifyLogFile } from '@palisade/audit-log';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, makeStore, ORIGIN, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('verifiable retention', () => {
  it('after a signed prefix prune the log reads PRUNED_OK and retained proofs are byte-identical and still verify', async () => {
    const path = join(dir, 'a.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 30; i++) await store.append(event(i));
    const cp30 = (await store.checkpoint()) as string;
    const before = await Promise.all([12, 20, 29].map((s) => store.prove(s)));
    const r = await store.prune({ before: 12 });
    expect(r).toEqual({ pruned: 12, before: 12, eventSeq: 30 });
    const v = await store.verify();
    expect(v.status).toBe('PRUNED_OK');
    expect(v.firstSeq).toBe(12);
    const opts = { verifiers: [store.verifierKey], origin: ORIGIN };
    for (const p of before) expect(verifyEntryProof(p, opts).ok).toBe(true);
    const after = await Promise.all([12, 20, 29, 30].map((s) => store.prove(s)));
    for (const p of after) expect(verifyEntryProof(p, opts).ok).toBe(true);
    // Consistency from the pre-prune checkpoint to the post-prune one still verifies.
    const latest = (await store.checkpoint()) as string;
    const c = await store.proveConsistency(30, 31);
    expect(verifyCheckpointConsistency(cp30, latest, c.proof, opts)).toBe(true);
    const c2 = await store.proveConsistency(12, 31);
    expect(c2.proof.length).toBeGreaterThan(0);
    await store.close();
  });

  it('deleting a prefix without a signed prune record reads TAMPERED at seq 0, not PRUNED_OK', async () => {
    const path = join(dir, 'b.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 10; i++) await store.append(event(i));
    await store.checkpoint();
    await store.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, lines.slice(4).join('\n'));
    const v = await verifyLogFile(path, { verifiers: [store.verifierKey], origin: ORIGIN });
    expect(v.status).toBe('TAMPERED');
    expect(v.seq).toBe(0);
  });

  it('a prune record whose signature was altered reads TAMPERED', async () => {
    const path = join(dir, 'c.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 10; i++) await store.append(event(i));
    await store.prune({ before: 5 });
    await store.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    const head = JSON.parse(lines[0] as string);
    head.prune = head.prune.replace('\n5\n', '\n4\n');
    lines[0] = JSON.stringify({ prune: head.prune });
    writeFileSync(path, lines.join('\n'));
    const v = await verifyLogFile(path, { verifiers: [store.verifierKey], origin: ORIGIN });
    expect(v.status).toBe('TAMPERED');
  });

  it('sweep({ olderThan, now }) prunes exactly the entries recorded before the window and the log stays verifiable', async () => {
    let t = 1_000_000;
    const path = join(dir, 'd.jsonl');
    const store = await makeStore(path, { now: () => t });
    for (let i = 0; i < 10; i++) {
      await store.append(event(i));
      t += 1000;
    }
    // Entries 0..9 were recorded at 1_000_000 + i*1000; keep the last 3.5 s.
    const r = await store.sweep({ olderThan: 3500, now: 1_000_000 + 10_000 });
    expect(r.before).toBe(7);
    expect((await store.verify()).status).toBe('PRUNED_OK');
    // A second sweep later prunes further from the new start.
    t += 100_000;
    const r2 = await store.sweep({ olderThan: 50_000 });
    expect(r2.before).toBe(11);
    expect((await store.verify()).status).toBe('PRUNED_OK');
    await store.close();
  });
});

describe('verifiable erasure', () => {
  it('erasing a subject deletes its salts and values, logs the erasure, and every proof still verifies', async () => {
    const path = join(dir, 'e.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 12; i++) await store.append(event(i));
    await store.checkpoint();
    const proofs = await Promise.all(Array.from({ length: 12 }, (_, i) => store.prove(i)));
    const r = await store.erase('user:1', { actor: 'dpo' });
    expect(r.erased).toBe(4);
    expect(r.eventSeq).toBe(12);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('u1@example.com');
    expect(text).toContain('u0@example.com');
    expect((await store.verify()).status).toBe('OK');
    const opts = { verifiers: [store.verifierKey], origin: ORIGIN };
    for (const p of proofs) expect(verifyEntryProof(p, opts).ok).toBe(true);
    for (let i = 0; i < 13; i++) expect(verifyEntryProof(await store.prove(i), opts).ok).toBe(true);
    await store.close();
  });

  it('removing personal values without an erasure record, or changing one, reads TAMPERED naming the entry', async () => {
    const path = join(dir, 'f.jsonl');
    const store = await makeStore(path);
    for (let i = 0; i < 6; i++) await store.append(event(i));
    await store.checkpoint();
    await store.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    const opts = { verifiers: [store.verifierKey], origin: ORIGIN };
    // Fake erasure pointing at a non-erasure entry.
    const o = JSON.parse(lines[2] as string);
    const faked = [...lines];
    faked[2] = JSON.stringify({ h: o.h, leaf: o.leaf, side: { erasedBy: 4 } });
    writeFileSync(path, faked.join('\n'));
    const v1 = await verifyLogFile(path, opts);
    expect(v1.status).toBe('TAMPERED');
    expect(v1.seq).toBe(2);
    // Changed personal value.
    const changed = [...lines];
    changed[3] = (lines[3] as string).replace('203.0.113.7', '203.0.113.8');
    writeFileSync(path, changed.join('\n'));
    const v2 = await verifyLogFile(path, opts);
    expect(v2.status).toBe('TAMPERED');
    expect(v2.seq).toBe(3);
  });
});

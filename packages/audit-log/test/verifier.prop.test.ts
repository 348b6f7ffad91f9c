import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import {
  type AuditEventInput,
  type VerifierInput,
  verifyEntryProof,
  verifyLog,
  verifyLogFile,
} from '@palisade/audit-log';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { event, makeStore, ORIGIN, signer, tempDir } from './helpers.ts';

// A base log of 16 entries with signed checkpoints after entries 5, 11 and 15,
// and a second, independent log of the same org to splice from. The tamper
// properties run on two such logs: one whose events carry personal values
// (entry lines with a sidecar, read by the full parser) and one without (the
// plain entry lines the verifier reads on its fast path).
interface Base {
  bytes: Buffer;
  lines: string[];
  otherLines: string[];
  /** entryLineIndex[seq] = line index */
  entryLineIndex: number[];
  path: string;
}
let baseLines: string[];
let basePath: string;
let vkey: string;
let tmp: { dir: string; cleanup: () => void };
const N = 16;
const bases: Record<'personal' | 'plain', Base> = {} as Record<'personal' | 'plain', Base>;

const plain = (i: number): AuditEventInput => {
  const { ip: _ip, actorEmail: _e, details: _d, ...rest } = event(i);
  return rest;
};

async function buildBase(name: string, ev: (i: number) => AuditEventInput): Promise<Base> {
  const path = join(tmp.dir, `${name}.jsonl`);
  const store = await makeStore(path);
  vkey = store.verifierKey;
  for (let i = 0; i < N; i++) {
    await store.append(ev(i));
    if (i === 5 || i === 11) await store.checkpoint();
  }
  await store.close();
  const otherPath = join(tmp.dir, `${name}-other.jsonl`);
  const other = await makeStore(otherPath);
  for (let i = 0; i < N; i++) await other.append(ev(i + 1000));
  await other.close();
  const bytes = readFileSync(path);
  const lines = bytes.toString('utf8').split('\n').slice(0, -1);
  const idx: number[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith('{"h"')) idx.push(i);
  });
  return {
    bytes,
    lines,
    otherLines: readFileSync(otherPath, 'utf8')
      .split('\n')
      .slice(0, -1)
      .filter((l) => l.startsWith('{"h"')),
    entryLineIndex: idx,
    path,
  };
}

beforeAll(async () => {
  tmp = tempDir();
  bases.plain = await buildBase('plain', plain);
  bases.personal = await buildBase('base', event);
  baseLines = bases.personal.lines;
  basePath = bases.personal.path;
});
afterAll(() => tmp.cleanup());

const opts = (): { verifiers: string[]; origin: string } => ({ verifiers: [vkey], origin: ORIGIN });

/** Splits file bytes as the file reader does. */
function splitBytes(buf: Buffer): VerifierInput[] {
  const out: VerifierInput[] = [];
  let s = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, s);
    if (nl < 0) break;
    out.push(new Uint8Array(buf.subarray(s, nl)));
    s = nl + 1;
  }
  if (s < buf.length) out.push({ torn: true });
  return out;
}

describe.each([
  ['with personal values', 'personal'],
  ['without personal values (fast path)', 'plain'],
] as const)('tamper detection and location, entries %s (properties)', (_label, which) => {
  let base: Buffer;
  let baseLines: string[];
  let otherLines: string[];
  let entryLineIndex: number[];
  beforeAll(() => {
    const b = bases[which];
    base = b.bytes;
    baseLines = b.lines;
    otherLines = b.otherLines;
    entryLineIndex = b.entryLineIndex;
  });
  /** Number of entries before line index i. */
  const entriesBefore = (i: number): number => entryLineIndex.filter((j) => j < i).length;

  test('the untouched base log verifies OK', async () => {
    const v = await verifyLog(baseLines, opts());
    expect(v.status).toBe('OK');
    expect(v.size).toBe(N);
  });

  test.prop([fc.nat(), fc.integer({ min: 1, max: 255 })])(
    'any single-byte change at any position is detected and located at the entry (or checkpoint) it falls in',
    async (posSeed, delta) => {
      const pos = posSeed % (base.length - 1); // the final newline is covered by the torn-tail test
      const buf = Buffer.from(base);
      buf[pos] = ((buf[pos] ?? 0) + delta) & 0xff;
      const lineIdx = base.subarray(0, pos).toString('latin1').split('\n').length - 1;
      const v = await verifyLog(splitBytes(buf), opts());
      expect(v.ok).toBe(false);
      expect(v.seq).toBe(entriesBefore(lineIdx));
    },
  );

  test.prop([fc.integer({ min: 0, max: N - 1 })])(
    'deleting the entry at any position is detected and located at that sequence number',
    async (k) => {
      const lines = baseLines.filter((_, i) => i !== entryLineIndex[k]);
      const v = await verifyLog(lines, opts());
      expect(['TAMPERED', 'TRUNCATED']).toContain(v.status);
      expect(v.seq).toBe(k);
    },
  );

  test.prop([
    fc.integer({ min: 0, max: N - 1 }),
    fc.oneof(
      fc.integer({ min: 0, max: N - 1 }).map((j) => ({ copyOf: j })),
      fc.string().map((s) => ({ text: s })),
    ),
  ])(
    'inserting a replayed entry or any foreign line before any entry is detected and located there',
    async (k, what) => {
      if ('copyOf' in what && what.copyOf === k) return; // a copy of entry k before k is the same file as a copy after k
      const line =
        'copyOf' in what ? (baseLines[entryLineIndex[what.copyOf] as number] as string) : what.text;
      const lines = [...baseLines];
      lines.splice(entryLineIndex[k] as number, 0, line);
      const v = await verifyLog(lines, opts());
      expect(v.ok).toBe(false);
      expect(v.seq).toBe(k);
    },
  );

  test.prop([fc.integer({ min: 0, max: N - 2 }), fc.integer({ min: 1, max: N - 1 })])(
    'swapping any two entries is detected and located at the earlier one',
    async (k, d) => {
      const j = Math.min(k + d, N - 1);
      const lines = [...baseLines];
      const a = entryLineIndex[k] as number;
      const b = entryLineIndex[j] as number;
      [lines[a], lines[b]] = [lines[b] as string, lines[a] as string];
      const v = await verifyLog(lines, opts());
      expect(v.status).toBe('TAMPERED');
      expect(v.seq).toBe(k);
    },
  );

  test.prop([fc.integer({ min: 1, max: N - 1 }), fc.integer({ min: 1, max: N })])(
    'splicing entries from another log of the same org at any position k >= 1 is detected and located at k',
    async (k, len) => {
      const lines = [...baseLines];
      for (let s = k; s < Math.min(N, k + len); s++) {
        lines[entryLineIndex[s] as number] = otherLines[s] as string;
      }
      const v = await verifyLog(lines, opts());
      expect(v.status).toBe('TAMPERED');
      expect(v.seq).toBe(k);
    },
  );
});

describe('retention and erasure (properties)', () => {
  test.prop([fc.integer({ min: 1, max: N })], {
    numRuns: Math.min(30, fc.readConfigureGlobal().numRuns ?? 30),
  })(
    'pruning any prefix then verifying reads PRUNED_OK and every retained entry still proves against its old checkpoint',
    async (p) => {
      const path = join(tmp.dir, `prune-${p}-${Math.random()}.jsonl`);
      copyFileSync(basePath, path);
      const store = await makeStore(path, { durability: 'buffered' });
      const oldProofs = await Promise.all(
        Array.from({ length: N - p }, (_, i) => store.prove(p + i)),
      );
      await store.prune({ before: p });
      const v = await store.verify();
      expect(v.status).toBe('PRUNED_OK');
      for (let s = p; s < N; s++) {
        const fresh = await store.prove(s);
        expect(verifyEntryProof(fresh, opts()).ok).toBe(true);
        expect(fresh.line).toBe((oldProofs[s - p] as { line: string }).line);
      }
      // The retained log is consistent with the checkpoint taken before the prune.
      const last = JSON.parse(baseLines.at(-1) as string).checkpoint as string;
      expect((await store.verify({ trusted: last })).status).toBe('PRUNED_OK');
      await store.close();
    },
  );

  test.prop([fc.constantFrom('user:0', 'user:1', 'user:2', 'user:9')], { numRuns: 8 })(
    'erasing any subject keeps every proof valid and the log consistent with its pre-erasure checkpoint',
    async (subject) => {
      const path = join(tmp.dir, `erase-${Math.random()}.jsonl`);
      copyFileSync(basePath, path);
      const store = await makeStore(path, { durability: 'buffered' });
      await store.erase(subject);
      const last = JSON.parse(baseLines.at(-1) as string).checkpoint as string;
      const v = await verifyLogFile(path, { ...opts(), trusted: last });
      expect(v.status).toBe('OK');
      for (let s = 0; s <= N; s++)
        expect(verifyEntryProof(await store.prove(s), opts()).ok).toBe(true);
      expect(
        readFileSync(path, 'utf8').includes(`${subject.replace('user:', 'u')}@example.com`),
      ).toBe(false);
      await store.close();
    },
  );
});

void signer;

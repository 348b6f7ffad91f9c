import { join } from 'node:path';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  decodeBase64Into,
  fromBase64Strict,
  hashBytesFromBase64,
  toBase64,
} from '../src/internal/bytes.ts';
import { scanPlainEntryLine } from '../src/internal/fast-entry.ts';
import { parseLogLine } from '../src/log-format.ts';
import { makeStore, tempDir } from './helpers.ts';

// The verifier's fast path must accept only lines the full parser accepts,
// with the same field values; anything else falls back to the full parser.

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

function agrees(line: string): boolean {
  const fast = scanPlainEntryLine(line);
  if (fast === undefined) return false;
  const rec = parseLogLine(line);
  expect(rec.kind).toBe('entry');
  if (rec.kind !== 'entry') return true;
  expect(fast).toEqual({
    h: toBase64(rec.leafHash),
    seq: rec.leaf.seq,
    prev: rec.leaf.prev,
    recordedAt: rec.leaf.recordedAt,
    org: rec.leaf.org,
    action: rec.leaf.action,
    target: rec.leaf.target,
    subject: rec.leaf.subject,
    sidecar: rec.sidecar,
  });
  return true;
}

const field = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const arbEvent = fc.record(
  {
    org: fc.constant('local'),
    actor: field,
    action: fc.stringMatching(/^[a-z.]{1,12}$/),
    target: fc.string({ maxLength: 12 }),
    requestId: fc.string({ maxLength: 8 }),
    subject: field,
    ip: fc.constant('203.0.113.7'),
  },
  { requiredKeys: ['org', 'actor', 'action', 'target'] },
);

describe('verifier fast path (differential against the full parser)', () => {
  test.prop([fc.array(arbEvent, { minLength: 1, maxLength: 6 })], { numRuns: 40 })(
    'the fast entry scan agrees with the full parser on every stored line it accepts, and accepts every plain ASCII entry',
    async (events) => {
      const path = join(tmp.dir, `fast-${Math.random()}.jsonl`);
      const store = await makeStore(path, { durability: 'buffered' });
      const lines: string[] = [];
      for (const e of events) {
        await store.append(e);
      }
      await store.close();
      for await (const raw of store.lines()) {
        if (raw instanceof Uint8Array) lines.push(Buffer.from(raw).toString('utf8'));
      }
      events.forEach((e, i) => {
        const line = lines[i] as string;
        const accepted = agrees(line);
        const ascii = (s: string | undefined): boolean =>
          s === undefined || /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(s);
        const plainAscii =
          e.ip === undefined && [e.actor, e.target, e.requestId, e.subject].every(ascii);
        expect(accepted).toBe(plainAscii);
      });
    },
  );

  test.prop([fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()])(
    'any single-byte change to a plain entry line is either refused by the fast scan or read identically by the full parser',
    async (posSeed, delta, withRequestId) => {
      const path = join(tmp.dir, `mut-${Math.random()}.jsonl`);
      const store = await makeStore(path, { durability: 'buffered' });
      await store.append({
        org: 'local',
        actor: 'user:1',
        action: 'secret.read',
        target: 'db/1',
        ...(withRequestId ? { requestId: 'r-1' } : {}),
      });
      await store.close();
      let line = '';
      for await (const raw of store.lines()) {
        if (raw instanceof Uint8Array && line === '') line = Buffer.from(raw).toString('latin1');
      }
      expect(agrees(line)).toBe(true);
      const b = Buffer.from(line, 'latin1');
      const pos = posSeed % b.length;
      b[pos] = ((b[pos] ?? 0) + delta) & 0xff;
      const mutated = b.toString('latin1');
      let full: unknown;
      try {
        full = parseLogLine(mutated);
      } catch {
        full = undefined;
      }
      const fast = scanPlainEntryLine(mutated);
      if (fast !== undefined) {
        expect(full).toBeDefined();
        expect(agrees(mutated)).toBe(true);
      }
    },
  );

  const b64ish = fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64')),
    fc.string({ unit: fc.constantFrom(...'AQgw+/=-_ !A\n'.split('')), maxLength: 48 }),
    fc
      .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat(), fc.constantFrom(...'A/+=-_ .'.split('')))
      .map(([b, i, ch]) => {
        const s = Buffer.from(b).toString('base64');
        const k = s.length === 0 ? 0 : i % s.length;
        return s.slice(0, k) + ch + s.slice(k + 1);
      }),
  );

  test.prop([b64ish], { numRuns: 3000 })(
    'the fast base64 decoders accept exactly the canonical padded base64 that the strict decoder accepts, with the same bytes',
    (s) => {
      const strict = fromBase64Strict(s);
      const buf = Buffer.alloc(64);
      const n = s.length <= 84 ? decodeBase64Into(s, buf, 1) : -1;
      if (strict === undefined) expect(n).toBe(-1);
      else {
        expect(n).toBe(strict.length);
        expect(new Uint8Array(buf.subarray(1, 1 + n))).toEqual(new Uint8Array(strict));
      }
      const h = hashBytesFromBase64(s);
      if (strict !== undefined && strict.length === 32) expect(h).toEqual(new Uint8Array(strict));
      else expect(h).toBeUndefined();
    },
  );
});

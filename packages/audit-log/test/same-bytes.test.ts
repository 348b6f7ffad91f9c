import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgAuditSchema, openPgStore, type PgDatabase } from '@palisade/audit-log/pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event, makeStore, signer, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** A deterministic salt source: counter bytes. */
function counterRandom(): (n: number) => Uint8Array {
  let c = 0;
  return (n) => Uint8Array.from({ length: n }, () => c++ & 0xff);
}

describe('one canonical form across stores', () => {
  it('the file store and the Postgres store write byte-identical entry lines for the same events, clock and salts', async () => {
    // A fixed clock: the stores read it a different number of times (the
    // Postgres store also stamps each transaction's checkpoint).
    const clock = (): (() => number) => () => 1_700_000_000_000;
    const events = Array.from({ length: 12 }, (_, i) =>
      event(i, {
        org: 'local',
        userAgent: 'Mozilla/5.0 \u00e9\u0301 \ud83d\ude02',
        details: { n: i, s: 'a\u0000b' },
      }),
    );
    const path = join(dir, 'a.jsonl');
    const file = await makeStore(path, { now: clock(), randomBytes: counterRandom() });
    for (const e of events) await file.append(e);
    await file.close();
    const fileLines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"h"'));

    const lite = new PGlite();
    try {
      const db = lite as unknown as PgDatabase;
      await createPgAuditSchema(db, 'same_bytes');
      const pg = await openPgStore({
        db,
        origin: 'x',
        signer,
        schema: 'same_bytes',
        now: clock(),
        randomBytes: counterRandom(),
      });
      for (const e of events) await pg.append(e);
      const pgLines: string[] = [];
      for await (const l of pg.lines('local')) if (l.startsWith('{"h"')) pgLines.push(l);
      expect(pgLines).toHaveLength(12);
      expect(pgLines).toEqual(fileLines);
    } finally {
      await lite.close();
    }
  });
});

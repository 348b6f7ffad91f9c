import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditEventInput,
  type FileAuditStore,
  type FileStoreOptions,
  type NoteSigner,
  noteSignerFromSeed,
  openFileStore,
  type TimerPort,
} from '@palisade/audit-log';

export const ORIGIN: string = 'palisade.test/audit';
export const signer: NoteSigner = noteSignerFromSeed(ORIGIN, new Uint8Array(32).fill(42));

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Timers that never fire on their own (tests fire them explicitly). */
export class ManualTimers implements TimerPort {
  pending: Map<number, { fn: () => void; ms: number }> = new Map();
  private id = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    this.id++;
    this.pending.set(this.id, { fn, ms });
    return this.id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  /** Fires every pending timer with a delay <= ms. */
  fire(maxMs: number): number {
    let n = 0;
    for (const [id, t] of [...this.pending]) {
      if (t.ms <= maxMs) {
        this.pending.delete(id);
        t.fn();
        n++;
      }
    }
    return n;
  }
}

export function event(i: number, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    org: 'local',
    actor: `user:${i % 3}`,
    action: 'secret.read',
    target: `db/${i}`,
    requestId: `req-${i}`,
    ip: '203.0.113.7',
    actorEmail: `u${i % 3}@example.com`,
    details: { i, note: 'x' },
    ...extra,
  };
}

export async function makeStore(
  path: string,
  opts: Partial<FileStoreOptions> = {},
): Promise<FileAuditStore> {
  return openFileStore({ path, origin: ORIGIN, signer, autoCheckpoint: false, ...opts });
}

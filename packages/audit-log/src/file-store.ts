import { type FileHandle, mkdir, open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { signCheckpoint } from './checkpoint.ts';
import { AuditLogError } from './errors.ts';
import {
  type AuditEventInput,
  encodeEntry,
  GENESIS_PREV,
  GENESIS_PREV64,
  parseAuditEvent,
  type Sidecar,
} from './event.ts';
import { pooledRandomBytes, toBase64, utf8DecodeStrict, utf8Encode } from './internal/bytes.ts';
import { acquireFileLock } from './internal/file-lock.ts';
import { hashFromBase64 } from './internal/hash.ts';
import { MAX_LINE_BYTES, readLines } from './internal/line-reader.ts';
import {
  encodeCheckpointLine,
  encodeEntryLine,
  encodePruneLine,
  entryLineFromEncoded,
  parseLogLine,
} from './log-format.ts';
import { RootAccumulator } from './merkle.ts';
import {
  type ConsistencyProofBundle,
  type EntryProof,
  proveConsistencyFromLines,
  proveEntry,
} from './proofs.ts';
import { openPruneRecord, signPruneRecord } from './prune-record.ts';
import {
  formatVerifierKey,
  type NoteSigner,
  type NoteVerifier,
  parseVerifierKey,
} from './signed-note.ts';
import { type Verdict, type VerifierInput, verifyLog } from './verifier.ts';

/** Injectable timers (tests pass a fake; the default unrefs real timers). */
export interface TimerPort {
  /** Schedules `fn` after `ms`; returns a handle. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a handle. */
  clearTimeout(handle: unknown): void;
}

/** What an acknowledged append guarantees. */
export type Durability = 'durable' | 'buffered';

/** Options for {@link openFileStore}. */
export interface FileStoreOptions {
  /** Log file path, e.g. `.palisade/audit.jsonl`. */
  readonly path: string;
  /** Checkpoint origin (the log's name). */
  readonly origin: string;
  /** Signs checkpoints and prune records. */
  readonly signer: NoteSigner;
  /** The org of this chain (default `local`); events of another org are rejected. */
  readonly org?: string;
  /**
   * `durable` (default): an append resolves only after its batch was fsynced.
   * `buffered`: it resolves after the write, before fsync (lost on power failure).
   */
  readonly durability?: Durability;
  /** Most events per group commit (default 4096). */
  readonly maxBatch?: number;
  /** How long to wait for the cross-process lock (default 30 s). */
  readonly lockTimeoutMs?: number;
  /** Clock in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Timers for checkpoints and heartbeats. */
  readonly timers?: TimerPort;
  /** Write checkpoints automatically (default true). */
  readonly autoCheckpoint?: boolean;
  /** Delay from an append to its checkpoint, at most 1000 ms (default 200). */
  readonly checkpointDelayMs?: number;
  /** Heartbeat checkpoint interval while non-empty, at most 60 000 ms (default 60 000). */
  readonly heartbeatMs?: number;
  /** Randomness for salts (default node:crypto). */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Receives errors of background checkpoints (they are retried on the next append). */
  readonly onBackgroundError?: (error: unknown) => void;
}

/** The acknowledgement of one append. */
export interface AppendReceipt {
  /** Sequence number assigned. */
  readonly seq: number;
  /** base64 RFC 9162 leaf hash. */
  readonly leafHash: string;
  /** Store clock value recorded in the leaf. */
  readonly recordedAt: number;
  /** What the acknowledgement guarantees. */
  readonly durability: Durability;
}

/** Result of a prune or sweep. */
export interface PruneResult {
  /** Entries removed (0 when nothing was old enough). */
  readonly pruned: number;
  /** First retained sequence number. */
  readonly before: number;
  /** Sequence number of the `audit.prune` entry, or undefined when nothing was pruned. */
  readonly eventSeq?: number;
}

/** Result of an erasure. */
export interface EraseResult {
  /** Entries whose personal values were deleted. */
  readonly erased: number;
  /** Sequence number of the `audit.erase` entry. */
  readonly eventSeq: number;
}

/** A local append-only audit log file. */
export interface FileAuditStore {
  /** The log file path. */
  readonly path: string;
  /** The verifier key (vkey) of the signer. */
  readonly verifierKey: string;
  /** Appends one event; see {@link Durability}. */
  append(event: AuditEventInput): Promise<AppendReceipt>;
  /** Waits until every queued append is acknowledged. */
  flush(): Promise<void>;
  /** Writes a signed checkpoint for the current size now; returns the note (undefined if empty). */
  checkpoint(): Promise<string | undefined>;
  /** Number of entries (next sequence number). */
  size(): Promise<number>;
  /** Verifies the file. */
  verify(options?: { readonly trusted?: string }): Promise<Verdict>;
  /** An inclusion proof for one entry against the latest checkpoint. */
  prove(seq: number): Promise<EntryProof>;
  /** A consistency proof between two sizes. */
  proveConsistency(first: number, second: number): Promise<ConsistencyProofBundle>;
  /** Deletes entries `[firstSeq, before)`, keeping a signed prune record and the frontier. */
  prune(options: { readonly before: number; readonly actor?: string }): Promise<PruneResult>;
  /** Prunes every entry recorded more than `olderThan` ms before `now`. */
  sweep(options: {
    readonly olderThan: number;
    readonly now?: number;
    readonly actor?: string;
  }): Promise<PruneResult>;
  /** Deletes the personal values of `subject` and logs the erasure. */
  erase(subject: string, options?: { readonly actor?: string }): Promise<EraseResult>;
  /** The log's lines (for exports). */
  lines(): AsyncIterable<VerifierInput>;
  /** Group-commit counters: events appended and batches (write + fsync) used. */
  stats(): { readonly appended: number; readonly batches: number };
  /** Flushes, writes a final checkpoint if any entry is unsealed, and releases timers and files. */
  close(): Promise<void>;
}

interface Pending {
  readonly event: AuditEventInput;
  readonly resolve: (r: AppendReceipt) => void;
  readonly reject: (e: unknown) => void;
}

interface SyncState {
  offset: number;
  next: number;
  firstSeq: number;
  /** base64 leaf hash of the last entry (the next leaf's `prev`). */
  prev64: string;
  acc: RootAccumulator;
  lastRecordedAt: number;
  checkpointSize: number;
  lastCheckpointAt: number;
}

const defaultTimers: TimerPort = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

function freshState(): SyncState {
  return {
    offset: 0,
    next: 0,
    firstSeq: 0,
    prev64: GENESIS_PREV64,
    acc: new RootAccumulator(),
    lastRecordedAt: 0,
    checkpointSize: 0,
    lastCheckpointAt: 0,
  };
}

class FileStore implements FileAuditStore {
  readonly path: string;
  readonly verifierKey: string;
  private readonly lockPath: string;
  private readonly origin: string;
  private readonly signer: NoteSigner;
  private readonly verifiers: readonly NoteVerifier[];
  private readonly org: string;
  private readonly durability: Durability;
  private readonly maxBatch: number;
  private readonly lockTimeoutMs: number;
  private readonly now: () => number;
  private readonly timers: TimerPort;
  private readonly auto: boolean;
  private readonly cpDelay: number;
  private readonly heartbeatMs: number;
  private readonly rand: (n: number) => Uint8Array;
  private readonly salt: () => Uint8Array = () => this.rand(16);
  private readonly onBgError: (e: unknown) => void;
  private fh: FileHandle | undefined;
  private ino = -1;
  private state: SyncState = freshState();
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private cpTimer: unknown;
  private hbTimer: unknown;
  private closed = false;
  private appended = 0;
  private batches = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(o: FileStoreOptions) {
    this.path = o.path;
    this.lockPath = `${o.path}.lock`;
    this.origin = o.origin;
    this.signer = o.signer;
    this.verifierKey = formatVerifierKey(o.signer.name, o.signer.publicKey);
    this.verifiers = [parseVerifierKey(this.verifierKey)];
    this.org = o.org ?? 'local';
    this.durability = o.durability ?? 'durable';
    this.maxBatch = o.maxBatch ?? 4096;
    this.lockTimeoutMs = o.lockTimeoutMs ?? 30_000;
    this.now = o.now ?? Date.now;
    this.timers = o.timers ?? defaultTimers;
    this.auto = o.autoCheckpoint ?? true;
    this.cpDelay = Math.min(o.checkpointDelayMs ?? 200, 1000);
    this.heartbeatMs = Math.min(o.heartbeatMs ?? 60_000, 60_000);
    this.rand = o.randomBytes ?? pooledRandomBytes;
    this.onBgError = o.onBackgroundError ?? (() => undefined);
  }

  /** Runs `fn` under the in-process serializer and the cross-process lock. */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const release = await acquireFileLock(this.lockPath, this.lockTimeoutMs);
      try {
        await this.sync();
        return await fn();
      } finally {
        await release();
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async init(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.locked(async () => undefined);
    if (this.auto && this.state.next > this.state.checkpointSize) this.scheduleCheckpoint();
    if (this.auto) this.scheduleHeartbeat();
  }

  /** Brings the in-memory tail state up to date with the file (lock held). */
  private async sync(): Promise<void> {
    let st = await stat(this.path).catch(() => undefined);
    if (st === undefined || this.fh === undefined || st.ino !== this.ino) {
      await this.fh?.close();
      this.fh = await open(this.path, 'a+');
      st = await this.fh.stat();
      this.ino = st.ino;
      this.state = freshState();
    }
    if (st.size < this.state.offset) this.state = freshState();
    if (st.size === this.state.offset) return;
    // Crash recovery: drop an unterminated last line (a torn write; never acknowledged).
    const size = st.size;
    const tail = Buffer.alloc(1);
    await this.fh.read(tail, 0, 1, size - 1);
    if (tail[0] !== 0x0a) {
      const lastNl = await this.findLastNewline(size);
      await this.fh.truncate(lastNl + 1);
      await this.fh.datasync();
    }
    const end = (await this.fh.stat()).size;
    let offset = this.state.offset;
    let first = offset === 0;
    for await (const raw of readLines(this.path, MAX_LINE_BYTES, offset)) {
      if (!(raw instanceof Uint8Array)) {
        if ('overlong' in raw)
          throw new AuditLogError('ERR_AUDIT_LINE_TOO_LONG', 'log line too long');
        break;
      }
      offset += raw.length + 1;
      if (offset > end) break;
      const text = utf8DecodeStrict(raw);
      if (text === undefined) throw new AuditLogError('ERR_AUDIT_CORRUPT', 'log line is not UTF-8');
      this.applyLine(text, first);
      first = false;
    }
    this.state.offset = offset;
  }

  private applyLine(text: string, first: boolean): void {
    let rec: ReturnType<typeof parseLogLine>;
    try {
      rec = parseLogLine(text);
    } catch (e) {
      throw new AuditLogError('ERR_AUDIT_CORRUPT', 'the log file is corrupt; run verify', {
        cause: e,
      });
    }
    const s = this.state;
    if (rec.kind === 'prune' && first) {
      const p = openPruneRecord(rec.note, this.verifiers);
      s.acc = RootAccumulator.fromFrontier(p.before, p.frontier);
      s.next = p.before;
      s.firstSeq = p.before;
      s.prev64 = toBase64(p.prev);
      s.checkpointSize = p.before;
    } else if (rec.kind === 'checkpoint') {
      s.checkpointSize = s.next;
      s.lastCheckpointAt = this.now();
    } else if (rec.kind === 'entry') {
      if (rec.leaf.org !== this.org) {
        throw new AuditLogError(
          'ERR_AUDIT_INVALID_ARGUMENT',
          `this log file holds the chain of org "${rec.leaf.org}", not "${this.org}"`,
        );
      }
      if (rec.leaf.seq !== s.next) {
        throw new AuditLogError(
          'ERR_AUDIT_FORK',
          `log holds seq ${rec.leaf.seq} where ${s.next} was expected`,
        );
      }
      s.acc.push(rec.leafHash);
      s.next++;
      s.prev64 = toBase64(rec.leafHash);
      s.lastRecordedAt = Math.max(s.lastRecordedAt, rec.leaf.recordedAt);
    } else {
      throw new AuditLogError('ERR_AUDIT_CORRUPT', 'prune record not at the start of the log');
    }
  }

  private async findLastNewline(size: number): Promise<number> {
    const fh = this.fh as FileHandle;
    const buf = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const i = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (i >= 0) return start + i;
      end = start;
    }
    return -1;
  }

  /** Encodes and writes events (lock held); returns receipts. */
  private async writeEvents(
    events: readonly AuditEventInput[],
    sync: boolean,
  ): Promise<AppendReceipt[]> {
    const s = this.state;
    const receipts: AppendReceipt[] = [];
    // The batch's bytes, written line by line into one buffer (no joined string).
    let out = Buffer.allocUnsafe(Math.max(4096, events.length * 768));
    let used = 0;
    for (const ev of events) {
      const wall = this.now();
      const clockBack = wall < s.lastRecordedAt ? s.lastRecordedAt - wall : 0;
      const recordedAt = Math.max(wall, s.lastRecordedAt);
      const enc = encodeEntry(
        ev.org === this.org ? ev : { ...ev, org: this.org },
        s.next,
        s.prev64,
        recordedAt,
        clockBack,
        this.salt,
      );
      const line = entryLineFromEncoded(enc);
      // A UTF-8 line takes at most 3 bytes per UTF-16 unit, plus the newline.
      const need = used + line.length * 3 + 1;
      if (need > out.length) {
        const grown = Buffer.allocUnsafe(Math.max(need, out.length * 2));
        out.copy(grown, 0, 0, used);
        out = grown;
      }
      used += out.write(line, used, 'utf8');
      out[used++] = 0x0a;
      receipts.push({
        seq: s.next,
        leafHash: enc.hash64,
        recordedAt,
        durability: this.durability,
      });
      s.acc.push(hashFromBase64(enc.hash64));
      s.prev64 = enc.hash64;
      s.lastRecordedAt = recordedAt;
      s.next++;
    }
    await this.writeAll(out.subarray(0, used));
    if (sync) await (this.fh as FileHandle).datasync();
    return receipts;
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    const fh = this.fh as FileHandle;
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
    this.state.offset += bytes.length;
  }

  append(event: AuditEventInput): Promise<AppendReceipt> {
    if (this.closed)
      return Promise.reject(new AuditLogError('ERR_AUDIT_CLOSED', 'store is closed'));
    let ev: AuditEventInput;
    try {
      ev = parseAuditEvent(event);
    } catch (e) {
      return Promise.reject(e);
    }
    if (ev.org !== this.org) {
      return Promise.reject(
        new AuditLogError(
          'ERR_AUDIT_INVALID_ARGUMENT',
          `this log file holds the chain of org "${this.org}" only`,
        ),
      );
    }
    return new Promise<AppendReceipt>((resolve, reject) => {
      this.queue.push({ event: ev, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running !== undefined) return;
    this.running = (async () => {
      try {
        // Let the appends issued in the same tick join the first batch (one
        // write + fsync for a burst instead of one for its first event).
        await undefined;
        while (this.queue.length > 0) {
          const batch = this.queue.splice(0, this.maxBatch);
          try {
            const receipts = await this.locked(() =>
              this.writeEvents(
                batch.map((p) => p.event),
                this.durability === 'durable',
              ),
            );
            this.batches++;
            this.appended += batch.length;
            batch.forEach((p, i) => {
              p.resolve(receipts[i] as AppendReceipt);
            });
          } catch (e) {
            for (const p of batch) p.reject(e);
          }
        }
      } finally {
        this.running = undefined;
      }
      if (this.auto && !this.closed) this.scheduleCheckpoint();
    })();
  }

  stats(): { readonly appended: number; readonly batches: number } {
    return { appended: this.appended, batches: this.batches };
  }

  async flush(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private scheduleCheckpoint(): void {
    if (this.cpTimer !== undefined) return;
    this.cpTimer = this.timers.setTimeout(() => {
      this.cpTimer = undefined;
      this.checkpointIfNeeded(false).catch((e: unknown) => this.onBgError(e));
    }, this.cpDelay);
  }

  private scheduleHeartbeat(): void {
    if (this.hbTimer !== undefined) this.timers.clearTimeout(this.hbTimer);
    this.hbTimer = this.timers.setTimeout(() => {
      this.hbTimer = undefined;
      this.checkpointIfNeeded(true)
        .catch((e: unknown) => this.onBgError(e))
        .finally(() => {
          if (!this.closed) this.scheduleHeartbeat();
        });
    }, this.heartbeatMs);
  }

  /** Writes a checkpoint line (lock held). */
  private async writeCheckpoint(): Promise<string | undefined> {
    const s = this.state;
    if (s.next === 0) return undefined;
    const note = signCheckpoint(
      {
        origin: this.origin,
        size: s.next,
        rootHash: s.acc.root(),
        extensions: [`time ${this.now()}`],
      },
      [this.signer],
    );
    await this.writeAll(utf8Encode(`${encodeCheckpointLine(note)}\n`));
    await (this.fh as FileHandle).datasync();
    s.checkpointSize = s.next;
    s.lastCheckpointAt = this.now();
    return note;
  }

  private checkpointIfNeeded(heartbeat: boolean): Promise<string | undefined> {
    return this.locked(async () => {
      const s = this.state;
      if (s.next === 0) return undefined;
      if (!heartbeat && s.checkpointSize === s.next) return undefined;
      return this.writeCheckpoint();
    });
  }

  async checkpoint(): Promise<string | undefined> {
    await this.flush();
    return this.locked(() => this.writeCheckpoint());
  }

  async size(): Promise<number> {
    await this.flush();
    return this.locked(async () => this.state.next);
  }

  lines(): AsyncIterable<VerifierInput> {
    return readLines(this.path);
  }

  async verify(options: { readonly trusted?: string } = {}): Promise<Verdict> {
    await this.flush();
    return verifyLog(readLines(this.path), {
      verifiers: this.verifiers,
      origin: this.origin,
      ...(options.trusted === undefined ? {} : { trusted: options.trusted }),
    });
  }

  async prove(seq: number): Promise<EntryProof> {
    await this.flush();
    return proveEntry(readLines(this.path), seq, this.verifiers);
  }

  async proveConsistency(first: number, second: number): Promise<ConsistencyProofBundle> {
    await this.flush();
    return proveConsistencyFromLines(readLines(this.path), first, second, this.verifiers);
  }

  /** Rewrites the file through `transform` (lock held), atomically. */
  private async rewrite(
    transform: (text: string, index: number) => string | undefined,
    header?: string,
  ): Promise<void> {
    const tmp = `${this.path}.rewrite.${process.pid}`;
    const out = await open(tmp, 'w');
    try {
      let buf: string[] = header === undefined ? [] : [header];
      let i = 0;
      const flushBuf = async (): Promise<void> => {
        if (buf.length === 0) return;
        const b = utf8Encode(`${buf.join('\n')}\n`);
        let done = 0;
        while (done < b.length) done += (await out.write(b, done, b.length - done)).bytesWritten;
        buf = [];
      };
      for await (const raw of readLines(this.path)) {
        if (!(raw instanceof Uint8Array)) break;
        const text = utf8DecodeStrict(raw);
        if (text === undefined)
          throw new AuditLogError('ERR_AUDIT_CORRUPT', 'log line is not UTF-8');
        const t = transform(text, i++);
        if (t !== undefined) buf.push(t);
        if (buf.length >= 1024) await flushBuf();
      }
      await flushBuf();
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.path);
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    // Re-read our own rewrite on the next sync.
    await this.fh?.close();
    this.fh = undefined;
    this.ino = -1;
    await this.sync();
  }

  async prune(options: { readonly before: number; readonly actor?: string }): Promise<PruneResult> {
    await this.flush();
    const before = options.before;
    if (!Number.isSafeInteger(before) || before < 0) {
      throw new AuditLogError(
        'ERR_AUDIT_INVALID_ARGUMENT',
        'before must be a non-negative integer',
      );
    }
    return this.locked(async () => {
      const s = this.state;
      if (before <= s.firstSeq) return { pruned: 0, before: s.firstSeq };
      if (before > s.next) {
        throw new AuditLogError(
          'ERR_AUDIT_INVALID_ARGUMENT',
          `cannot prune beyond the log size ${s.next}`,
        );
      }
      // Frontier and predecessor hash at `before`.
      let frontierAcc = s.firstSeq === 0 ? new RootAccumulator() : undefined;
      let prev: Uint8Array = GENESIS_PREV;
      let firstLine = true;
      for await (const raw of readLines(this.path)) {
        if (!(raw instanceof Uint8Array)) break;
        const rec = parseLogLine(utf8DecodeStrict(raw) ?? '');
        if (rec.kind === 'prune' && firstLine) {
          const p = openPruneRecord(rec.note, this.verifiers);
          frontierAcc = RootAccumulator.fromFrontier(p.before, p.frontier);
          prev = p.prev;
        } else if (rec.kind === 'entry' && frontierAcc !== undefined) {
          if (rec.leaf.seq >= before) break;
          frontierAcc.push(rec.leafHash);
          prev = rec.leafHash;
        }
        firstLine = false;
      }
      if (frontierAcc === undefined || frontierAcc.size !== before) {
        throw new AuditLogError('ERR_AUDIT_CORRUPT', 'could not rebuild the frontier; run verify');
      }
      const eventSeq = s.next;
      await this.writeEvents(
        [
          {
            org: this.org,
            actor: options.actor ?? 'system',
            action: 'audit.prune',
            target: String(before),
          },
        ],
        false,
      );
      await this.writeCheckpoint();
      const note = signPruneRecord(
        {
          origin: this.origin,
          org: this.org,
          before,
          prev,
          frontier: frontierAcc.frontier(),
          eventSeq,
        },
        this.signer,
      );
      let seen = s.firstSeq;
      let keeping = false;
      await this.rewrite((text, i) => {
        if (keeping) return text;
        const rec = parseLogLine(text);
        if (rec.kind === 'prune' && i === 0) return undefined;
        if (rec.kind === 'entry') {
          seen = rec.leaf.seq + 1;
          if (rec.leaf.seq >= before) {
            keeping = true;
            return text;
          }
          return undefined;
        }
        return seen >= before ? text : undefined;
      }, encodePruneLine(note));
      return { pruned: before - s.firstSeq, before, eventSeq };
    });
  }

  async sweep(options: {
    readonly olderThan: number;
    readonly now?: number;
    readonly actor?: string;
  }): Promise<PruneResult> {
    await this.flush();
    const cutoff = (options.now ?? this.now()) - options.olderThan;
    let before = 0;
    for await (const raw of readLines(this.path)) {
      if (!(raw instanceof Uint8Array)) break;
      const rec = parseLogLine(utf8DecodeStrict(raw) ?? '');
      if (rec.kind === 'prune') before = openPruneRecord(rec.note, this.verifiers).before;
      if (rec.kind !== 'entry') continue;
      if (rec.leaf.recordedAt >= cutoff) break;
      before = rec.leaf.seq + 1;
    }
    return this.prune({ before, ...(options.actor === undefined ? {} : { actor: options.actor }) });
  }

  async erase(subject: string, options: { readonly actor?: string } = {}): Promise<EraseResult> {
    await this.flush();
    if (typeof subject !== 'string' || subject.length === 0) {
      throw new AuditLogError('ERR_AUDIT_INVALID_ARGUMENT', 'subject must be a non-empty string');
    }
    return this.locked(async () => {
      const eventSeq = this.state.next;
      await this.writeEvents(
        [
          {
            org: this.org,
            actor: options.actor ?? 'system',
            action: 'audit.erase',
            target: subject,
          },
        ],
        false,
      );
      await this.writeCheckpoint();
      let erased = 0;
      await this.rewrite((text) => {
        const rec = parseLogLine(text);
        if (
          rec.kind !== 'entry' ||
          rec.leaf.subject !== subject ||
          rec.sidecar === null ||
          'erasedBy' in rec.sidecar ||
          rec.leaf.seq >= eventSeq
        ) {
          return text;
        }
        erased++;
        const side: Sidecar = { erasedBy: eventSeq };
        return encodeEntryLine(rec.leafHash, rec.leafBytes, side);
      });
      return { erased, eventSeq };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.cpTimer !== undefined) this.timers.clearTimeout(this.cpTimer);
    if (this.hbTimer !== undefined) this.timers.clearTimeout(this.hbTimer);
    this.cpTimer = undefined;
    this.hbTimer = undefined;
    await this.locked(async () => {
      if (this.state.next > this.state.checkpointSize) await this.writeCheckpoint();
    });
    await this.chain;
    await this.fh?.close();
    this.fh = undefined;
  }
}

/**
 * Opens (creating if needed) a local append-only audit log file with group
 * commit, crash recovery of a torn last line, and a cross-process lock so
 * several processes can append to the same file.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param options - See {@link FileStoreOptions}.
 * @returns The store.
 * @throws AuditLogError `ERR_AUDIT_CORRUPT` when the file cannot be read as a log,
 *   `ERR_AUDIT_LOCK_TIMEOUT`.
 * @example Append and verify.
 * ```ts
 * const store = await openFileStore({ path: '.palisade/audit.jsonl', origin: 'example.com/audit', signer });
 * await store.append({ org: 'local', actor: 'user:1', action: 'secret.read', target: 'db' });
 * await store.close();
 * ```
 */
export async function openFileStore(options: FileStoreOptions): Promise<FileAuditStore> {
  const store = new FileStore(options);
  await store.init();
  return store;
}

/**
 * Verifies a log file (or an exported bundle) in constant memory.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param path - The file.
 * @param options - Trusted keys, origin, optional trusted checkpoint.
 * @returns The verdict.
 * @throws AuditLogError `ERR_AUDIT_MALFORMED_KEY`; Node's ENOENT if the file is missing.
 * @example
 * ```ts
 * const verdict = await verifyLogFile('.palisade/audit.jsonl', { verifiers: [vkey], origin });
 * ```
 */
export function verifyLogFile(
  path: string,
  options: Parameters<typeof verifyLog>[1],
): Promise<Verdict> {
  return verifyLog(readLines(path), options);
}

// The base of the age streams: a Transform with backpressure inside a write.
// Internal: never re-exported.
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Backpressure inside one write: a transform that turns one large write into
 * many chunks stops pushing as soon as the readable side is full, keeps the
 * write's callback, and resumes when the consumer reads. So the readable
 * buffer never holds more than its high-water mark plus one chunk, whatever
 * the size of the writes.
 */
export abstract class ChunkedTransform extends Transform {
  /** The callback of the write being worked off, until its chunks are out. */
  private pendingWrite: TransformCallback | undefined;
  /** False after a push() that filled the readable side. */
  protected wantsMore = true;

  /** Pushes and records whether the readable side wants more. */
  protected pushChunk(b: Buffer): void {
    if (!this.push(b)) this.wantsMore = false;
  }

  /** Emits chunks while the consumer wants them; true when the queued input is worked off. */
  protected abstract pump(): boolean;

  /** Runs `pump` for the current write; calls its callback once its chunks are out. */
  protected work(cb: TransformCallback): void {
    this.pendingWrite = cb;
    this.continueWrite();
  }

  /** Guards against a read() re-entering pump() from inside a push(). */
  private pumping = false;

  private continueWrite(): void {
    const cb = this.pendingWrite;
    if (cb === undefined || this.pumping) return;
    this.wantsMore = true;
    this.pumping = true;
    let done: boolean;
    try {
      done = this.pump();
    } catch (e) {
      this.pendingWrite = undefined;
      cb(e as Error);
      return;
    } finally {
      this.pumping = false;
    }
    if (done) {
      this.pendingWrite = undefined;
      cb();
    }
  }

  override _read(size: number): void {
    if (this.pendingWrite !== undefined) this.continueWrite();
    else super._read(size);
  }
}

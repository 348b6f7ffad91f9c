// A queue of byte views for the age streams: input is kept as the views it
// arrived in and handed on without copying where a chunk lies in one write.
// Internal: never re-exported.

export class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.parts.push(b);
    this.length += b.length;
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Buffer {
    const first = this.parts[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.parts.shift();
      else this.parts[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const p = this.parts[0] as Buffer;
      const k = Math.min(p.length, n - off);
      p.copy(out, off, 0, k);
      off += k;
      if (k === p.length) this.parts.shift();
      else this.parts[0] = p.subarray(k);
    }
    this.length -= n;
    return out;
  }

  /** Removes the first `n` bytes (n <= length) as views, without copying. */
  takeParts(n: number): Buffer[] {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const p = this.parts[0] as Buffer;
      if (p.length <= need) {
        out.push(p);
        this.parts.shift();
        need -= p.length;
      } else {
        out.push(p.subarray(0, need));
        this.parts[0] = p.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    return out;
  }

  /** A contiguous copy of everything queued, without removing it. */
  peekAll(): Buffer {
    if (this.parts.length === 1) return this.parts[0] as Buffer;
    const all = Buffer.concat(this.parts, this.length);
    this.parts = all.length === 0 ? [] : [all];
    return all;
  }
}

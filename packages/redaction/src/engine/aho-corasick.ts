// A case-insensitive Aho-Corasick automaton over ASCII, compiled to a dense
// DFA over character classes (only characters that occur in some keyword get
// their own class; every other character, and all non-ASCII, sends the
// automaton back to the root). One pass over the text reports every keyword
// occurrence.

/** A compiled keyword automaton. */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  readonly #classes: Uint8Array;
  readonly #width: number;
  /** For each state, the keyword indexes that end there (including via suffix links). */
  readonly #lens: Int32Array;
  readonly #packed: Int32Array;
  /** Outputs by breadth-first row (the numbering `#packed` uses). */
  readonly #bfsOut: readonly (readonly number[] | undefined)[];

  constructor(keywords: readonly string[]) {
    for (const k of keywords) {
      if (k.length === 0) throw new RangeError('keyword must not be empty');
      for (let i = 0; i < k.length; i++) {
        if (k.charCodeAt(i) > 127) throw new RangeError('keywords must be ASCII');
      }
    }
    this.keywords = keywords.map((k) => k.toLowerCase());
    // Character classes: 0 = "not in any keyword".
    const classes = new Uint8Array(128);
    let width = 1;
    for (const k of this.keywords) {
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        if (classes[c] === 0) classes[c] = width++;
      }
    }
    for (let c = 65; c <= 90; c++) classes[c] = classes[c + 32] as number;
    // Trie with goto maps over classes.
    const gotoMaps: Map<number, number>[] = [new Map()];
    const outs: number[][] = [[]];
    this.keywords.forEach((k, idx) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const c = classes[k.charCodeAt(i)] as number;
        const m = gotoMaps[s] as Map<number, number>;
        let nx = m.get(c);
        if (nx === undefined) {
          nx = gotoMaps.length;
          gotoMaps.push(new Map());
          outs.push([]);
          m.set(c, nx);
        }
        s = nx;
      }
      (outs[s] as number[]).push(idx);
    });
    const n = gotoMaps.length;
    const delta = n < 65536 ? new Uint16Array(n * width) : new Int32Array(n * width);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    const root = gotoMaps[0] as Map<number, number>;
    for (let c = 1; c < width; c++) {
      const nx = root.get(c);
      if (nx !== undefined) {
        delta[c] = nx;
        queue.push(nx);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] as number;
      const fs = fail[s] as number;
      const so = outs[s] as number[];
      for (const o of outs[fs] as number[]) so.push(o);
      const m = gotoMaps[s] as Map<number, number>;
      for (let c = 1; c < width; c++) {
        const nx = m.get(c);
        if (nx !== undefined) {
          fail[nx] = delta[fs * width + c] as number;
          delta[s * width + c] = nx;
          queue.push(nx);
        } else {
          delta[s * width + c] = delta[fs * width + c] as number;
        }
      }
    }
    // Packed form for the hot loop: entry = (target row offset << 1) | has-output.
    // Rows are laid out in breadth-first order, so the shallow states the
    // scan spends nearly all its time in share a few cache lines.
    const bfs = [0, ...queue];
    const rank = new Int32Array(n);
    bfs.forEach((st, r) => {
      rank[st] = r;
    });
    const packed = new Int32Array(n * width);
    for (let st = 0; st < n; st++) {
      const row = (rank[st] as number) * width;
      for (let c = 0; c < width; c++) {
        const t = delta[st * width + c] as number;
        packed[row + c] = (((rank[t] as number) * width) << 1) | (outs[t]?.length ? 1 : 0);
      }
    }
    this.#bfsOut = bfs.map((st) => (outs[st]?.length ? outs[st] : undefined));
    this.#packed = packed;
    this.#classes = classes;
    this.#width = width;
    this.#lens = Int32Array.from(this.keywords, (k) => k.length);
  }

  #kwBuf: Int32Array = new Int32Array(1024);
  #posBuf: Int32Array = new Int32Array(1024);

  /** Keyword indexes of the hits of the last {@link collect} (valid up to its count). */
  get hitKeywords(): Int32Array {
    return this.#kwBuf;
  }

  /** Start offsets of the hits of the last {@link collect}. */
  get hitStarts(): Int32Array {
    return this.#posBuf;
  }

  /**
   * Collects every keyword occurrence (keyword index and start offset, in
   * order of their end) into internal buffers ({@link hitKeywords},
   * {@link hitStarts}) that are reused by the next call; returns the count.
   */
  collect(text: string): number {
    const packed = this.#packed;
    const classes = this.#classes;
    const width = this.#width;
    const lens = this.#lens;
    const outs = this.#bfsOut;
    let kwBuf = this.#kwBuf;
    let posBuf = this.#posBuf;
    let count = 0;
    let s = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      // Class 0 (a character in no keyword) leads every row back to the root:
      // no branch needed for it.
      const v = packed[s + (c < 128 ? (classes[c] as number) : 0)] as number;
      s = v >> 1;
      if ((v & 1) === 1) {
        const o = outs[s / width] as readonly number[];
        for (let j = 0; j < o.length; j++) {
          if (count === kwBuf.length) {
            const k2 = new Int32Array(count * 2);
            k2.set(kwBuf);
            kwBuf = k2;
            const p2 = new Int32Array(count * 2);
            p2.set(posBuf);
            posBuf = p2;
            this.#kwBuf = kwBuf;
            this.#posBuf = posBuf;
          }
          const k = o[j] as number;
          kwBuf[count] = k;
          posBuf[count] = i + 1 - (lens[k] as number);
          count++;
        }
      }
    }
    return count;
  }

  /** True when some keyword occurs in `text` (stops at the first one). */
  hasAny(text: string): boolean {
    const packed = this.#packed;
    const classes = this.#classes;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const v = packed[s + (c < 128 ? (classes[c] as number) : 0)] as number;
      if ((v & 1) === 1) return true;
      s = v >> 1;
    }
    return false;
  }
}

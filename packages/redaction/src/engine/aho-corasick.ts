// A case-insensitive Aho-Corasick automaton over ASCII, compiled to a dense
// DFA (128 columns per state). One pass over the text reports every keyword
// occurrence; characters outside ASCII reset the automaton to the root.

/** One keyword occurrence: the keyword's index and the offset where it starts. */
export interface KeywordHit {
  readonly keyword: number;
  readonly start: number;
}

const FOLD: Uint8Array = (() => {
  const f = new Uint8Array(128);
  for (let i = 0; i < 128; i++) f[i] = i >= 65 && i <= 90 ? i + 32 : i;
  return f;
})();

/** A compiled keyword automaton. */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  readonly #delta: Int32Array;
  /** For each state, the keyword indexes that end there (including via suffix links). */
  readonly #out: readonly (readonly number[] | undefined)[];

  constructor(keywords: readonly string[]) {
    for (const k of keywords) {
      if (k.length === 0) throw new RangeError('keyword must not be empty');
      for (let i = 0; i < k.length; i++) {
        if (k.charCodeAt(i) > 127) throw new RangeError('keywords must be ASCII');
      }
    }
    this.keywords = keywords.map((k) => k.toLowerCase());
    // Build the trie with goto maps.
    const gotoMaps: Map<number, number>[] = [new Map()];
    const outs: number[][] = [[]];
    this.keywords.forEach((k, idx) => {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
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
    const delta = new Int32Array(n * 128);
    const fail = new Int32Array(n);
    // BFS to fill failure links and the dense transition table.
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const nx = (gotoMaps[0] as Map<number, number>).get(c);
      if (nx !== undefined) {
        delta[c] = nx;
        fail[nx] = 0;
        queue.push(nx);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi] as number;
      const fs = fail[s] as number;
      const so = outs[s] as number[];
      for (const o of outs[fs] as number[]) so.push(o);
      const m = gotoMaps[s] as Map<number, number>;
      for (let c = 0; c < 128; c++) {
        const nx = m.get(c);
        if (nx !== undefined) {
          fail[nx] = delta[fs * 128 + c] as number;
          delta[s * 128 + c] = nx;
          queue.push(nx);
        } else {
          delta[s * 128 + c] = delta[fs * 128 + c] as number;
        }
      }
    }
    // Upper-case letters follow the lower-case transitions.
    for (let s = 0; s < n; s++) {
      for (let c = 65; c <= 90; c++) delta[s * 128 + c] = delta[s * 128 + c + 32] as number;
    }
    this.#delta = delta;
    this.#out = outs.map((o) => (o.length === 0 ? undefined : o));
  }

  /** Calls `onHit(keywordIndex, start)` for every keyword occurrence, in text order of end. */
  forEachHit(text: string, onHit: (keyword: number, start: number) => void): void {
    const delta = this.#delta;
    const out = this.#out;
    const kws = this.keywords;
    let s = 0;
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c > 127) {
        s = 0;
        continue;
      }
      s = delta[(s << 7) | (FOLD[c] as number)] as number;
      const o = out[s];
      if (o !== undefined) {
        for (let j = 0; j < o.length; j++) {
          const k = o[j] as number;
          onHit(k, i + 1 - (kws[k] as string).length);
        }
      }
    }
  }
}

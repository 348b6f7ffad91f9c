import { AuditLogError } from './errors.ts';
import { bytesEqual, EMPTY_ROOT, foldPath, hashChildren } from './internal/hash.ts';

const HASH_LEN = 32;

function checkIndex(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) {
    throw new AuditLogError(
      'ERR_AUDIT_INDEX_RANGE',
      `${name} must be an integer in [0, 2^53 - 1], got ${String(v)}`,
    );
  }
}

function toBig(name: string, v: number | bigint): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n || v >= 1n << 64n) {
      throw new AuditLogError('ERR_AUDIT_INDEX_RANGE', `${name} must be a 64-bit unsigned integer`);
    }
    return v;
  }
  checkIndex(name, v);
  return BigInt(v);
}

/** Largest power of two strictly less than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A growable array of 32-byte hashes in one buffer, with holes for pruned slots. */
class HashArray {
  buf: Uint8Array = new Uint8Array(HASH_LEN * 16);
  present: Uint8Array = new Uint8Array(16);
  length = 0;

  set(i: number, h: Uint8Array): void {
    if (i >= this.present.length) {
      let cap = this.present.length;
      while (cap <= i) cap *= 2;
      const nb = new Uint8Array(cap * HASH_LEN);
      nb.set(this.buf);
      const np = new Uint8Array(cap);
      np.set(this.present);
      this.buf = nb;
      this.present = np;
    }
    this.buf.set(h, i * HASH_LEN);
    this.present[i] = 1;
    if (i >= this.length) this.length = i + 1;
  }

  get(i: number): Uint8Array | undefined {
    if (i >= this.length || this.present[i] !== 1) return undefined;
    return this.buf.subarray(i * HASH_LEN, (i + 1) * HASH_LEN);
  }
}

/**
 * An append-only RFC 9162 Merkle tree over leaf hashes, with inclusion and
 * consistency proofs for any earlier tree size. Full aligned subtrees are
 * cached per level, so a proof costs O(log² n) hashes. A tree can start from a
 * retained frontier after prefix pruning ({@link MerkleTree.fromFrontier}):
 * every proof that does not need a pruned leaf still comes out byte-identical.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @example Build a tree and prove leaf 2 in the tree of size 5.
 * ```ts
 * const t = new MerkleTree();
 * for (const e of entries) t.append(leafHash(e));
 * const proof = t.inclusionProof(2, 5);
 * verifyInclusion(leafHash(entries[2]), 2, 5, proof, t.root(5)); // true
 * ```
 */
export class MerkleTree {
  private readonly levels: HashArray[] = [new HashArray()];
  private count = 0;
  private prunedBefore = 0;

  /**
   * Restores a tree whose leaves before `size` were pruned, from the frontier
   * returned by {@link MerkleTree.frontier} at that size.
   *
   * @param size - Number of pruned leaves.
   * @param frontier - The compact-range hashes of `[0, size)`, largest subtree first.
   * @returns A tree of `size` leaves that accepts further appends.
   * @throws AuditLogError `ERR_AUDIT_PROOF_INVALID` if the frontier does not match the size.
   * @example
   * ```ts
   * const t2 = MerkleTree.fromFrontier(1000, t.frontier(1000));
   * ```
   */
  static fromFrontier(size: number, frontier: readonly Uint8Array[]): MerkleTree {
    checkIndex('size', size);
    const t = new MerkleTree();
    const nodes = compactRange(size);
    if (nodes.length !== frontier.length) {
      throw new AuditLogError('ERR_AUDIT_PROOF_INVALID', 'frontier length does not match size');
    }
    for (let i = 0; i < nodes.length; i++) {
      const [level, index] = nodes[i] as [number, number];
      const h = frontier[i] as Uint8Array;
      if (h.length !== HASH_LEN) {
        throw new AuditLogError('ERR_AUDIT_PROOF_INVALID', 'frontier hash must be 32 bytes');
      }
      t.level(level).set(index, h);
    }
    t.count = size;
    t.prunedBefore = size;
    return t;
  }

  /** Number of leaves. */
  get size(): number {
    return this.count;
  }

  /** Leaves before this index were pruned (0 for a full tree). */
  get firstLeaf(): number {
    return this.prunedBefore;
  }

  private level(h: number): HashArray {
    let l = this.levels[h];
    if (l === undefined) {
      l = new HashArray();
      this.levels[h] = l;
    }
    return l;
  }

  /**
   * Appends one leaf hash (`SHA-256(0x00 || leaf)`).
   *
   * @param leafHash - 32-byte RFC 9162 leaf hash.
   * @returns The new leaf's index.
   * @throws TypeError if the hash is not 32 bytes.
   * @example
   * ```ts
   * tree.append(leafHash(bytes));
   * ```
   */
  append(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_LEN) throw new TypeError('leaf hash must be 32 bytes');
    const i = this.count;
    this.level(0).set(i, leafHash);
    let idx = i;
    let h = 0;
    while (idx % 2 === 1) {
      const lower = this.level(h);
      const left = lower.get(idx - 1);
      const right = lower.get(idx);
      if (left === undefined || right === undefined) break;
      idx = (idx - 1) / 2;
      h++;
      this.level(h).set(idx, hashChildren(left, right));
    }
    this.count = i + 1;
    return i;
  }

  /** MTH(D[a:b]) for a node of the RFC 9162 tree. */
  private hashRange(a: number, b: number): Uint8Array {
    const n = b - a;
    if (n === 1) {
      const h = this.level(0).get(a);
      if (h === undefined) throw prunedError();
      return h;
    }
    // Full aligned subtree: cached.
    if ((n & (n - 1)) === 0 && n <= 2 ** 30 && a % n === 0) {
      const lvl = Math.log2(n);
      const h = this.levels[lvl]?.get(a / n);
      if (h !== undefined) return h;
      if (b <= this.prunedBefore) throw prunedError();
    }
    const k = splitPoint(n);
    return hashChildren(this.hashRange(a, a + k), this.hashRange(a + k, b));
  }

  /**
   * The RFC 9162 root hash MTH(D[0:size]).
   *
   * @param size - Tree size (default: the current size).
   * @returns The 32-byte root (SHA-256 of the empty string for size 0).
   * @throws AuditLogError `ERR_AUDIT_INDEX_RANGE` if `size` exceeds the tree.
   * @example
   * ```ts
   * const root = tree.root();
   * ```
   */
  root(size: number = this.count): Uint8Array {
    this.checkSize(size);
    if (size === 0) return EMPTY_ROOT.slice();
    return this.hashRange(0, size).slice();
  }

  private checkSize(size: number): void {
    checkIndex('size', size);
    if (size > this.count) {
      throw new AuditLogError(
        'ERR_AUDIT_INDEX_RANGE',
        `size ${size} exceeds tree size ${this.count}`,
      );
    }
    if (size < this.prunedBefore) {
      throw new AuditLogError('ERR_AUDIT_NOT_FOUND', `size ${size} is inside the pruned prefix`);
    }
  }

  /**
   * The compact-range hashes of `[0, size)` (largest subtree first): what a
   * prune record keeps so the tree can continue after its prefix is deleted.
   *
   * @param size - A tree size.
   * @returns One hash per set bit of `size`.
   * @throws AuditLogError `ERR_AUDIT_INDEX_RANGE`.
   * @example
   * ```ts
   * tree.frontier(6).length; // 2 (subtrees [0,4) and [4,6))
   * ```
   */
  frontier(size: number = this.count): Uint8Array[] {
    checkIndex('size', size);
    if (size > this.count) {
      throw new AuditLogError(
        'ERR_AUDIT_INDEX_RANGE',
        `size ${size} exceeds tree size ${this.count}`,
      );
    }
    return compactRange(size).map(([lvl, idx]) => {
      const n = 2 ** lvl;
      return this.hashRange(idx * n, (idx + 1) * n).slice();
    });
  }

  /**
   * The RFC 9162 §2.1.3.1 inclusion proof PATH(index, D[0:size]).
   *
   * @param index - Leaf index, `0 <= index < size`.
   * @param size - Tree size (default: current size).
   * @returns The audit path, leaf level first.
   * @throws AuditLogError `ERR_AUDIT_INDEX_RANGE`, `ERR_AUDIT_NOT_FOUND` (pruned).
   * @example
   * ```ts
   * const path = tree.inclusionProof(3, 8);
   * ```
   */
  inclusionProof(index: number, size: number = this.count): Uint8Array[] {
    this.checkSize(size);
    checkIndex('index', index);
    if (index >= size) {
      throw new AuditLogError('ERR_AUDIT_INDEX_RANGE', `index ${index} is not below size ${size}`);
    }
    if (index < this.prunedBefore) throw prunedError();
    const out: Uint8Array[] = [];
    this.path(index, 0, size, out);
    return out.map((h) => h.slice());
  }

  private path(m: number, a: number, b: number, out: Uint8Array[]): void {
    const n = b - a;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.path(m, a, a + k, out);
      out.push(this.hashRange(a + k, b));
    } else {
      this.path(m - k, a + k, b, out);
      out.push(this.hashRange(a, a + k));
    }
  }

  /**
   * The RFC 9162 §2.1.4.1 consistency proof PROOF(first, D[0:second]).
   *
   * @param first - Older tree size, `0 < first <= second`.
   * @param second - Newer tree size (default: current size).
   * @returns The consistency path (empty when `first === second`).
   * @throws AuditLogError `ERR_AUDIT_EMPTY_TREE_PROOF` for `first === 0`;
   *   `ERR_AUDIT_INDEX_RANGE`; `ERR_AUDIT_NOT_FOUND` when a needed node was pruned.
   * @example
   * ```ts
   * const proof = tree.consistencyProof(3, 7);
   * ```
   */
  consistencyProof(first: number, second: number = this.count): Uint8Array[] {
    checkIndex('first', first);
    this.checkSize(second);
    if (first === 0) {
      throw new AuditLogError(
        'ERR_AUDIT_EMPTY_TREE_PROOF',
        'a consistency proof from the empty tree is not defined',
      );
    }
    if (first > second) {
      throw new AuditLogError('ERR_AUDIT_INDEX_RANGE', 'first size exceeds second size');
    }
    const out: Uint8Array[] = [];
    this.subproof(first, 0, second, true, out);
    return out.map((h) => h.slice());
  }

  private subproof(m: number, a: number, b: number, whole: boolean, out: Uint8Array[]): void {
    const n = b - a;
    if (m === n) {
      if (!whole) out.push(this.hashRange(a, b));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.subproof(m, a, a + k, whole, out);
      out.push(this.hashRange(a + k, b));
    } else {
      this.subproof(m - k, a + k, b, false, out);
      out.push(this.hashRange(a, a + k));
    }
  }
}

function prunedError(): AuditLogError {
  return new AuditLogError('ERR_AUDIT_NOT_FOUND', 'the proof needs a pruned leaf');
}

/** [level, index] of the maximal aligned subtrees covering [0, size), largest first. */
function compactRange(size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let lvl = 52; lvl >= 0; lvl--) {
    const n = 2 ** lvl;
    if (size - start >= n) {
      out.push([lvl, start / n]);
      start += n;
    }
  }
  return out;
}

/**
 * The RFC 9162 root of a list of leaf hashes, computed with a constant-memory
 * stack (the streaming verifier's method).
 *
 * @param leafHashes - RFC 9162 leaf hashes in order.
 * @returns MTH over them.
 * @throws TypeError if a hash is not 32 bytes.
 * @example
 * ```ts
 * merkleRoot([leafHash(a), leafHash(b)]);
 * ```
 */
export function merkleRoot(leafHashes: Iterable<Uint8Array>): Uint8Array {
  const acc = new RootAccumulator();
  for (const h of leafHashes) acc.push(h);
  return acc.root();
}

/**
 * Streams leaf hashes into a compact range (at most 64 hashes) and yields the
 * RFC 9162 root at any point: what the verifier uses to check a billion-entry
 * log in constant memory.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @example
 * ```ts
 * const acc = new RootAccumulator();
 * acc.push(leafHash(bytes));
 * acc.root();
 * ```
 */
export class RootAccumulator {
  /** Subtree hashes, largest first; `sizes[i]` is the leaf count under `stack[i]`. */
  private stack: Uint8Array[] = [];
  private sizes: number[] = [];
  private n = 0;

  /**
   * Resumes from a frontier (see {@link MerkleTree.frontier}).
   *
   * @param size - Leaves covered by the frontier.
   * @param frontier - Compact-range hashes, largest subtree first.
   * @returns An accumulator at `size` leaves.
   * @throws AuditLogError `ERR_AUDIT_PROOF_INVALID` if the frontier does not match the size.
   * @example
   * ```ts
   * const acc = RootAccumulator.fromFrontier(10, tree.frontier(10));
   * ```
   */
  static fromFrontier(size: number, frontier: readonly Uint8Array[]): RootAccumulator {
    checkIndex('size', size);
    const nodes = compactRange(size);
    if (nodes.length !== frontier.length || frontier.some((h) => h.length !== HASH_LEN)) {
      throw new AuditLogError('ERR_AUDIT_PROOF_INVALID', 'frontier does not match size');
    }
    const acc = new RootAccumulator();
    acc.stack = frontier.map((h) => h.slice());
    acc.sizes = nodes.map(([lvl]) => 2 ** lvl);
    acc.n = size;
    return acc;
  }

  /** Leaves pushed so far (including a restored frontier). */
  get size(): number {
    return this.n;
  }

  /**
   * Adds the next leaf hash.
   *
   * @param leafHash - 32-byte leaf hash.
   * @returns Nothing.
   * @throws TypeError if the hash is not 32 bytes.
   * @example
   * ```ts
   * acc.push(leafHash(bytes));
   * ```
   */
  push(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_LEN) throw new TypeError('leaf hash must be 32 bytes');
    let h = leafHash;
    let s = 1;
    while (this.sizes.length > 0 && this.sizes[this.sizes.length - 1] === s) {
      const left = this.stack.pop() as Uint8Array;
      this.sizes.pop();
      h = hashChildren(left, h);
      s *= 2;
    }
    this.stack.push(h);
    this.sizes.push(s);
    this.n++;
  }

  /**
   * The root of the leaves pushed so far.
   *
   * @returns MTH(D[0:size]).
   * @example
   * ```ts
   * acc.root();
   * ```
   */
  root(): Uint8Array {
    if (this.stack.length === 0) return EMPTY_ROOT.slice();
    let r = this.stack[this.stack.length - 1] as Uint8Array;
    for (let i = this.stack.length - 2; i >= 0; i--)
      r = hashChildren(this.stack[i] as Uint8Array, r);
    return r.slice();
  }

  /**
   * The current frontier (largest subtree first).
   *
   * @returns Copies of the compact-range hashes.
   * @example
   * ```ts
   * acc.frontier();
   * ```
   */
  frontier(): Uint8Array[] {
    return this.stack.map((h) => h.slice());
  }
}

/**
 * Verifies an inclusion proof exactly as RFC 9162 §2.1.3.2 specifies.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param leafHash - The RFC 9162 hash of the leaf.
 * @param index - The leaf index (number or 64-bit bigint).
 * @param size - The tree size.
 * @param proof - The inclusion path.
 * @param root - The expected root hash.
 * @returns True only if the proof verifies.
 * @throws AuditLogError `ERR_AUDIT_INDEX_RANGE` for negative, fractional or over-64-bit indices.
 * @example
 * ```ts
 * verifyInclusion(leafHash(bytes), 3, 8, proof, root);
 * ```
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number | bigint,
  size: number | bigint,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  const lefts =
    typeof index === 'number' && typeof size === 'number'
      ? inclusionSidesNumber(index, size, proof.length)
      : inclusionSidesBig(toBig('index', index), toBig('size', size), proof.length);
  if (lefts === undefined || leafHash.length !== HASH_LEN || root.length !== HASH_LEN) return false;
  for (const p of proof) if (p.length !== HASH_LEN) return false;
  return bytesEqual(foldPath(leafHash, proof, lefts), root);
}

/**
 * The sibling sides of an RFC 9162 §2.1.3.2 inclusion path (1 = the proof
 * node is the left child), or undefined when the path length does not fit the
 * index and size. Safe-integer arithmetic: no bigint allocation per step.
 */
function inclusionSidesNumber(index: number, size: number, len: number): Uint8Array | undefined {
  checkIndex('index', index);
  checkIndex('size', size);
  if (index >= size) return undefined;
  const lefts = new Uint8Array(len);
  let fn = index;
  let sn = size - 1;
  const half = (x: number): number => (x - (x % 2)) / 2;
  for (let i = 0; i < len; i++) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      lefts[i] = 1;
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? lefts : undefined;
}

/** {@link inclusionSidesNumber} for 64-bit bigint indices. */
function inclusionSidesBig(index: bigint, size: bigint, len: number): Uint8Array | undefined {
  if (index >= size) return undefined;
  const lefts = new Uint8Array(len);
  let fn = index;
  let sn = size - 1n;
  for (let i = 0; i < len; i++) {
    if (sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      lefts[i] = 1;
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? lefts : undefined;
}

/**
 * Verifies a consistency proof exactly as RFC 9162 §2.1.4.2 specifies. When
 * both sizes are equal the proof must be empty and the roots equal.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param first - Older tree size (> 0).
 * @param second - Newer tree size.
 * @param proof - The consistency path.
 * @param firstRoot - Root at `first`.
 * @param secondRoot - Root at `second`.
 * @returns True only if the proof verifies.
 * @throws AuditLogError `ERR_AUDIT_EMPTY_TREE_PROOF` when `first` is 0;
 *   `ERR_AUDIT_INDEX_RANGE` for out-of-range sizes.
 * @example
 * ```ts
 * verifyConsistency(3, 7, tree.consistencyProof(3, 7), tree.root(3), tree.root(7));
 * ```
 */
export function verifyConsistency(
  first: number | bigint,
  second: number | bigint,
  proof: readonly Uint8Array[],
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
): boolean {
  const m = toBig('first', first);
  const n = toBig('second', second);
  if (m === 0n) {
    throw new AuditLogError(
      'ERR_AUDIT_EMPTY_TREE_PROOF',
      'a consistency proof from the empty tree is not defined',
    );
  }
  if (m > n) return false;
  if (firstRoot.length !== HASH_LEN || secondRoot.length !== HASH_LEN) return false;
  if (m === n) return proof.length === 0 && bytesEqual(firstRoot, secondRoot);
  // 1. An empty path fails.
  if (proof.length === 0) return false;
  if (proof.some((p) => p.length !== HASH_LEN)) return false;
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = (m & (m - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  // 3.
  let fn = m - 1n;
  let sn = n - 1n;
  // 4.
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5.
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  // 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7.
  return bytesEqual(fr, firstRoot) && bytesEqual(sr, secondRoot) && sn === 0n;
}

// An independent, deliberately naive RFC 9162 implementation (recursive MTH,
// PATH and PROOF written straight from §2.1.1, §2.1.3.1 and §2.1.4.1, using
// node:crypto directly) checked against the package's fast tree for every
// tree size 0..1100.
import { createHash } from 'node:crypto';
import {
  AuditLogError,
  leafHash,
  MerkleTree,
  merkleRoot,
  RootAccumulator,
  verifyConsistency,
  verifyInclusion,
} from '@palisade/audit-log';
import { describe, expect, it } from 'vitest';

const N = 1100;
const H = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const leaves: Uint8Array[] = Array.from({ length: N }, (_, i) =>
  new TextEncoder().encode(`leaf-${i}`),
);
const k = (n: number): number => 2 ** Math.floor(Math.log2(n - 1)); // largest power of 2 < n

// MTH over D[a:b] without copying (same recursion as the RFC), memoised by range
// so the all-sizes loop stays fast; memoisation does not change the definition.
const memo = new Map<string, Uint8Array>();
function mthRange(D: Uint8Array[], a: number, b: number): Uint8Array {
  const key = `${a}:${b}`;
  const hit = D === leaves ? memo.get(key) : undefined;
  if (hit !== undefined) return hit;
  const r = mthRaw(D, a, b);
  if (D === leaves) memo.set(key, r);
  return r;
}
function mthRaw(D: Uint8Array[], a: number, b: number): Uint8Array {
  const n = b - a;
  if (n === 0) return H();
  if (n === 1) return H(new Uint8Array([0]), D[a] as Uint8Array);
  const s = k(n);
  return H(new Uint8Array([1]), mthRange(D, a, a + s), mthRange(D, a + s, b));
}
// PATH(m, D[a:b]) and SUBPROOF(m, D[a:b], b) over the global leaf list.
function PATH(m: number, a: number, b: number): Uint8Array[] {
  const n = b - a;
  if (n <= 1) return [];
  const s = k(n);
  return m < s
    ? [...PATH(m, a, a + s), mthRange(leaves, a + s, b)]
    : [...PATH(m - s, a + s, b), mthRange(leaves, a, a + s)];
}
function SUBPROOF(m: number, a: number, b: number, whole: boolean): Uint8Array[] {
  const n = b - a;
  if (m === n) return whole ? [] : [mthRange(leaves, a, b)];
  const s = k(n);
  return m <= s
    ? [...SUBPROOF(m, a, a + s, whole), mthRange(leaves, a + s, b)]
    : [...SUBPROOF(m - s, a + s, b, false), mthRange(leaves, a, a + s)];
}
const PROOF = (m: number, n: number): Uint8Array[] => SUBPROOF(m, 0, n, true);
const hex = (a: readonly Uint8Array[]): string[] => a.map((x) => Buffer.from(x).toString('hex'));

// Naive roots for all prefixes, computed once (memo over the sub-slices keeps this fast enough).
const tree = new MerkleTree();
for (const l of leaves) tree.append(leafHash(l));

describe('RFC 9162 Merkle tree against a naive implementation of the RFC definitions', () => {
  it('roots match MTH for every tree size 0..1100, from the tree and from the streaming accumulator', () => {
    const acc = new RootAccumulator();
    for (let n = 0; n <= N; n++) {
      const want = Buffer.from(mthRange(leaves, 0, n)).toString('hex');
      expect(Buffer.from(tree.root(n)).toString('hex')).toBe(want);
      expect(Buffer.from(acc.root()).toString('hex')).toBe(want);
      if (n < N) acc.push(leafHash(leaves[n] as Uint8Array));
    }
    expect(Buffer.from(merkleRoot([])).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('inclusion proofs equal PATH and verify per §2.1.3.2 for all indices of sizes 1..70 and sampled sizes up to 1100', () => {
    const sizes = [
      ...Array.from({ length: 70 }, (_, i) => i + 1),
      127,
      128,
      129,
      255,
      256,
      257,
      511,
      512,
      513,
      1000,
      1023,
      1024,
      1025,
      1100,
    ];
    for (const n of sizes) {
      const D = leaves.slice(0, n);
      const root = tree.root(n);
      const step = n > 200 ? 7 : 1;
      for (let m = 0; m < n; m += step) {
        const p = tree.inclusionProof(m, n);
        expect(hex(p)).toEqual(hex(PATH(m, 0, n)));
        const lh = leafHash(D[m] as Uint8Array);
        expect(verifyInclusion(lh, m, n, p, root)).toBe(true);
        expect(verifyInclusion(lh, BigInt(m), BigInt(n), p, root)).toBe(true);
        // Wrong index, wrong size, truncated or extended path all fail.
        if (n > 1) expect(verifyInclusion(lh, (m + 1) % n, n, p, root)).toBe(false);
        const badRoot = root.slice();
        badRoot[0] = (badRoot[0] ?? 0) ^ 1;
        expect(verifyInclusion(lh, m, n, p, badRoot)).toBe(false);
        if (p.length > 0) expect(verifyInclusion(lh, m, n, p.slice(1), root)).toBe(false);
        expect(verifyInclusion(lh, m, n, [...p, root], root)).toBe(false);
      }
      expect(verifyInclusion(leafHash(D[0] as Uint8Array), n, n, [], root)).toBe(false);
    }
  });

  it('consistency proofs equal PROOF and verify per §2.1.4.2 for all pairs up to 64 and sampled pairs up to 1100', () => {
    const pairs: Array<[number, number]> = [];
    for (let n = 1; n <= 64; n++) for (let m = 1; m <= n; m++) pairs.push([m, n]);
    for (const [m, n] of [
      [1, 1100],
      [3, 1100],
      [511, 1024],
      [512, 1024],
      [513, 1025],
      [1000, 1100],
      [63, 1099],
      [700, 1100],
    ] as const)
      pairs.push([m, n]);
    const roots = new Map<number, Uint8Array>();
    const rootOf = (n: number): Uint8Array => {
      let r = roots.get(n);
      if (r === undefined) {
        r = tree.root(n);
        roots.set(n, r);
      }
      return r;
    };
    for (const [m, n] of pairs) {
      const p = tree.consistencyProof(m, n);
      expect(hex(p)).toEqual(hex(PROOF(m, n)));
      expect(verifyConsistency(m, n, p, rootOf(m), rootOf(n))).toBe(true);
      if (m < n) {
        expect(verifyConsistency(m, n, p, rootOf(n), rootOf(n))).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, p, rootOf(m - 1), rootOf(n))).toBe(false);
        expect(verifyConsistency(m, n, p.slice(0, -1), rootOf(m), rootOf(n))).toBe(false);
        expect(verifyConsistency(m, n, [], rootOf(m), rootOf(n))).toBe(false);
      }
    }
  });

  it('a consistency proof from tree size 0 is rejected with ERR_AUDIT_EMPTY_TREE_PROOF, both generated and verified', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return AuditLogError.isInstance(e) ? e.code : 'untyped';
      }
      return undefined;
    };
    expect(code(() => tree.consistencyProof(0, 10))).toBe('ERR_AUDIT_EMPTY_TREE_PROOF');
    expect(code(() => verifyConsistency(0, 10, [], tree.root(0), tree.root(10)))).toBe(
      'ERR_AUDIT_EMPTY_TREE_PROOF',
    );
    expect(code(() => verifyInclusion(tree.root(1), -1, 10, [], tree.root(10)))).toBe(
      'ERR_AUDIT_INDEX_RANGE',
    );
    expect(code(() => verifyInclusion(tree.root(1), 1n << 64n, 10, [], tree.root(10)))).toBe(
      'ERR_AUDIT_INDEX_RANGE',
    );
    // 64-bit indices beyond this tree are accepted as input and simply fail to verify.
    expect(
      verifyInclusion(tree.root(1), (1n << 63n) + 5n, 1n << (64n - 1n), [], tree.root(10)),
    ).toBe(false);
  });

  it('a tree restored from a frontier after pruning any prefix yields byte-identical proofs for every retained index', () => {
    for (const p of [1, 2, 3, 5, 8, 13, 64, 100, 511, 512, 700]) {
      const t = MerkleTree.fromFrontier(p, tree.frontier(p));
      for (let i = p; i < 800; i++) t.append(leafHash(leaves[i] as Uint8Array));
      expect(hex([t.root(800)])).toEqual(hex([tree.root(800)]));
      for (let i = p; i < 800; i += 13)
        expect(hex(t.inclusionProof(i, 800))).toEqual(hex(tree.inclusionProof(i, 800)));
      for (const m of [p, p + 1, 799]) {
        if (m <= 800)
          expect(hex(t.consistencyProof(m, 800))).toEqual(hex(tree.consistencyProof(m, 800)));
      }
    }
  });
});

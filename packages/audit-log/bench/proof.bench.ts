// Inclusion proof verification at 2^20 entries (tree built once) vs the raw
// floor: the same 20 SHA-256 node hashes computed directly. Target: >= 30k
// proofs per CPU-second; timed on the process CPU clock.
import { createHash } from 'node:crypto';
import { bench, describe } from 'vitest';
import { onCpuClock } from './cpu-clock.ts';
import { auditLog } from './dist.ts';

const { leafHash, MerkleTree, verifyInclusion } = auditLog;

const N = 2 ** 20;
const tree = new MerkleTree();
const leaf = new Uint8Array(32);
for (let i = 0; i < N; i++) {
  leaf[0] = i & 0xff;
  leaf[1] = (i >> 8) & 0xff;
  leaf[2] = (i >> 16) & 0xff;
  tree.append(leafHash(leaf));
}
const root = tree.root();
const samples = Array.from({ length: 256 }, (_, k) => {
  const i = (k * 4099) % N;
  leaf[0] = i & 0xff;
  leaf[1] = (i >> 8) & 0xff;
  leaf[2] = (i >> 16) & 0xff;
  return { i, h: leafHash(leaf), proof: tree.inclusionProof(i, N) };
});

describe('inclusion proof verification at 2^20 entries (256 proofs per iteration)', () => {
  bench(
    'audit-log verifyInclusion (RFC 9162 §2.1.3.2)',
    () => {
      for (const s of samples)
        if (!verifyInclusion(s.h, s.i, N, s.proof, root)) throw new Error('bad proof');
    },
    onCpuClock(3000),
  );
  bench(
    'raw floor: 20 SHA-256 node hashes per proof',
    () => {
      for (const s of samples) {
        let r = s.h;
        for (const p of s.proof)
          r = createHash('sha256')
            .update(Buffer.from([1]))
            .update(p)
            .update(r)
            .digest();
      }
    },
    onCpuClock(3000),
  );
});

// The package's one hashing entry point. Every SHA-256 in @palisade/audit-log
// goes through here: node:crypto's one-shot `hash` (Node >= 20.12), which is
// several times faster per call than `createHash(...).update(...).digest()`
// for the short inputs a Merkle tree hashes. Digests come back as latin1
// strings (one char per byte, the cheapest output form) and are written into
// preallocated buffers, so an interior node costs one hash call and one
// 32-byte allocation. Differentially tested against @palisade/crypto's sha256.
import { hash } from 'node:crypto';
import { hashBytesFromBase64 } from './bytes.ts';

const HASH_LEN = 32;
let scratch = Buffer.allocUnsafe(4096);

/** Copies a latin1 digest string into a fresh plain 32-byte array. */
function digestBytes(d: string): Uint8Array {
  const out = new Uint8Array(HASH_LEN);
  for (let i = 0; i < HASH_LEN; i++) out[i] = d.charCodeAt(i);
  return out;
}

/** Returns a scratch buffer of at least `n` bytes (contents undefined). */
function scratchOf(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

/** SHA-256 over the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = scratchOf(n);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return digestBytes(hash('sha256', buf.subarray(0, n), 'binary'));
}

/**
 * base64 SHA-256 over byte `parts` followed by the UTF-8 of `text`, assembled
 * in the scratch buffer (no intermediate arrays).
 */
export function sha256Base64(...args: [...Uint8Array[], string]): string {
  const text = args[args.length - 1] as string;
  let n = text.length * 3;
  for (let i = 0; i < args.length - 1; i++) n += (args[i] as Uint8Array).length;
  const buf = scratchOf(n);
  let o = 0;
  for (let i = 0; i < args.length - 1; i++) {
    const p = args[i] as Uint8Array;
    buf.set(p, o);
    o += p.length;
  }
  o += buf.write(text, o, 'utf8');
  return hash('sha256', buf.subarray(0, o), 'base64');
}

/**
 * The RFC 9162 leaf hash of the UTF-8 bytes of `text`, and those bytes in
 * base64: what a writer needs for an entry line, from one buffer fill.
 */
export function hashLeafText(text: string): { hash64: string; leaf64: string } {
  const buf = scratchOf(1 + text.length * 3);
  buf[0] = 0x00;
  const n = buf.write(text, 1, 'utf8');
  return {
    hash64: hash('sha256', buf.subarray(0, 1 + n), 'base64'),
    leaf64: buf.toString('base64', 1, 1 + n),
  };
}

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || leaf). */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  const buf = scratchOf(leaf.length + 1);
  buf[0] = 0x00;
  buf.set(leaf, 1);
  return digestBytes(hash('sha256', buf.subarray(0, leaf.length + 1), 'binary'));
}

/**
 * RFC 9162 leaf hash, as base64, of the `n` leaf bytes held at `buf[1..1+n)`;
 * `buf[0]` is overwritten with the 0x00 leaf prefix. The verifier's hot path:
 * the caller decodes the stored base64 straight into `buf`, so no
 * intermediate array is made.
 */
export function hashLeafInPlace(buf: Buffer, n: number): string {
  buf[0] = 0x00;
  return hash('sha256', buf.subarray(0, 1 + n), 'base64');
}

/** The 32 bytes that canonical base64 `h` (as produced by a hash) encodes. */
export function hashFromBase64(h: string): Uint8Array {
  const out = hashBytesFromBase64(h);
  if (out === undefined) throw new TypeError('not the base64 of a 32-byte hash');
  return out;
}

const nodeBuf = Buffer.alloc(65);
nodeBuf[0] = 0x01;

/** RFC 9162 §2.1.1 interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeBuf.set(left, 1);
  nodeBuf.set(right, 33);
  return digestBytes(hash('sha256', nodeBuf, 'binary'));
}

/**
 * Folds an RFC 9162 inclusion path (§2.1.3.2) without allocating per node:
 * the running hash stays a latin1 string written back into the node buffer.
 * `lefts[i]` is 1 when `path[i]` is the left sibling. Returns the root.
 */
export function foldPath(
  leaf: Uint8Array,
  path: readonly Uint8Array[],
  lefts: Uint8Array,
): Uint8Array {
  let r = '';
  for (let i = 0; i < path.length; i++) {
    const p = path[i] as Uint8Array;
    if (lefts[i] === 1) {
      nodeBuf.set(p, 1);
      if (i === 0) nodeBuf.set(leaf, 33);
      else nodeBuf.write(r, 33, 'latin1');
    } else {
      if (i === 0) nodeBuf.set(leaf, 1);
      else nodeBuf.write(r, 1, 'latin1');
      nodeBuf.set(p, 33);
    }
    r = hash('sha256', nodeBuf, 'binary');
  }
  return path.length === 0 ? leaf : digestBytes(r);
}

/** SHA-256 of the empty string: the RFC 9162 root of the empty tree. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Byte equality (for public hashes; not a constant-time comparison). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

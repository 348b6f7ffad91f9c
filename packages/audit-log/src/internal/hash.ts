// The package's one hashing entry point. Every SHA-256 in @palisade/audit-log
// goes through here, on @palisade/crypto's sha256 (node:crypto on Node).
import { sha256 as cryptoSha256 } from '@palisade/crypto';

/** SHA-256 over the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return cryptoSha256(parts[0] as Uint8Array);
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return cryptoSha256(buf);
}

const LEAF_PREFIX = new Uint8Array([0x00]);

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || leaf). */
export function hashLeaf(leaf: Uint8Array): Uint8Array {
  return sha256(LEAF_PREFIX, leaf);
}

const nodeBuf = new Uint8Array(65);
nodeBuf[0] = 0x01;

/** RFC 9162 §2.1.1 interior node hash: SHA-256(0x01 || left || right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  nodeBuf.set(left, 1);
  nodeBuf.set(right, 33);
  return cryptoSha256(nodeBuf);
}

/** SHA-256 of the empty string: the RFC 9162 root of the empty tree. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

/** Byte equality (for public hashes; not a constant-time comparison). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// XAES-256-GCM (https://c2sp.org/XAES-256-GCM): AES-256-GCM with a 192-bit
// nonce, safe to pick at random for a virtually unlimited number of messages
// (2^80 with collision risk 2^-32). The subkey derivation is the NIST SP
// 800-108r1 counter KDF with CMAC-AES-256: three AES block calls per message,
// one of which (L, K1) is cached per key. Internal: never re-exported.
import type { AesBlockCipher, Backend } from './backend.ts';

export const XAES_NONCE_BYTES = 24;

/** Per-key precomputation: the AES context and the CMAC subkey K1. */
export interface XaesKey {
  readonly aes: AesBlockCipher;
  readonly k1: Uint8Array;
}

/** Steps 1-2 of the spec: L = AES_K(0^128); K1 = dbl(L). */
export async function xaesPrepare(b: Backend, key: Uint8Array): Promise<XaesKey> {
  if (key.length !== 32) throw new RangeError('XAES-256-GCM key must be 32 bytes');
  const aes = b.aes(key);
  return { aes, k1: doubleL(await aes.encryptBlocks(new Uint8Array(16))) };
}

/** {@link xaesPrepare} without promises, where the backend has a synchronous AES. */
export function xaesPrepareSync(b: Backend, key: Uint8Array): XaesKey | undefined {
  if (key.length !== 32) throw new RangeError('XAES-256-GCM key must be 32 bytes');
  const aes = b.aes(key);
  if (aes.encryptBlocksSync === undefined || b.syncAesGcm === undefined) return undefined;
  return { aes, k1: doubleL(aes.encryptBlocksSync(new Uint8Array(16))) };
}

function doubleL(l: Uint8Array): Uint8Array {
  const k1 = new Uint8Array(16);
  let carry = 0;
  for (let i = 15; i >= 0; i--) {
    const v = l[i] as number;
    k1[i] = ((v << 1) | carry) & 0xff;
    carry = v >> 7;
  }
  // Constant-time conditional XOR with 0x87 when MSB(L) = 1.
  k1[15] = (k1[15] as number) ^ (0x87 & -((l[0] as number) >> 7));
  l.fill(0);
  return k1;
}

/** Steps 3-5: Kx = AES_K(M1 ^ K1) || AES_K(M2 ^ K1) for the first 12 nonce bytes. */
export function xaesDeriveKey(x: XaesKey, nonce: Uint8Array): Promise<Uint8Array> {
  return x.aes.encryptBlocks(kdfInput(x, nonce));
}

// Scratch for the synchronous path (no await between fill and use, so one
// buffer serves every call); zeroed after each use.
const SCRATCH = new Uint8Array(32);

function kdfInput(
  x: XaesKey,
  nonce: Uint8Array,
  into: Uint8Array = new Uint8Array(32),
): Uint8Array {
  const m = into;
  m.fill(0);
  m[1] = 0x01;
  m[2] = 0x58;
  m.set(nonce.subarray(0, 12), 4);
  m[17] = 0x02;
  m[18] = 0x58;
  m.set(nonce.subarray(0, 12), 20);
  for (let i = 0; i < 16; i++) {
    const k = x.k1[i] as number;
    m[i] = (m[i] as number) ^ k;
    m[16 + i] = (m[16 + i] as number) ^ k;
  }
  return m;
}

/** Synchronous XAES-256-GCM seal; only for keys from {@link xaesPrepareSync}. */
export function xaesSealSync(
  b: Backend,
  x: XaesKey,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  prefix?: Uint8Array,
): Uint8Array {
  const sync = b.syncAesGcm;
  const blocks = x.aes.encryptBlocksSync;
  if (sync === undefined || blocks === undefined)
    throw new TypeError('backend has no synchronous AES');
  if (nonce.length !== XAES_NONCE_BYTES)
    throw new RangeError('XAES-256-GCM nonce must be 24 bytes');
  const kx = blocks(kdfInput(x, nonce, SCRATCH));
  SCRATCH.fill(0);
  try {
    return sync.seal(kx, nonce.subarray(12), aad, plaintext, prefix);
  } finally {
    kx.fill(0);
  }
}

/** Synchronous XAES-256-GCM open; only for keys from {@link xaesPrepareSync}. */
export function xaesOpenSync(
  b: Backend,
  x: XaesKey,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | undefined {
  const sync = b.syncAesGcm;
  const blocks = x.aes.encryptBlocksSync;
  if (sync === undefined || blocks === undefined)
    throw new TypeError('backend has no synchronous AES');
  if (nonce.length !== XAES_NONCE_BYTES)
    throw new RangeError('XAES-256-GCM nonce must be 24 bytes');
  const kx = blocks(kdfInput(x, nonce, SCRATCH));
  SCRATCH.fill(0);
  try {
    return sync.open(kx, nonce.subarray(12), aad, sealed);
  } finally {
    kx.fill(0);
  }
}

/** XAES-256-GCM seal; returns `prefix || ciphertext || tag`. */
export async function xaesSeal(
  b: Backend,
  x: XaesKey,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  prefix?: Uint8Array,
): Promise<Uint8Array> {
  if (nonce.length !== XAES_NONCE_BYTES)
    throw new RangeError('XAES-256-GCM nonce must be 24 bytes');
  const kx = await xaesDeriveKey(x, nonce);
  try {
    return await b.aesGcmSeal(kx, nonce.subarray(12), aad, plaintext, prefix);
  } finally {
    kx.fill(0);
  }
}

/** XAES-256-GCM open; undefined on any failure. */
export async function xaesOpen(
  b: Backend,
  x: XaesKey,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Promise<Uint8Array | undefined> {
  if (nonce.length !== XAES_NONCE_BYTES)
    throw new RangeError('XAES-256-GCM nonce must be 24 bytes');
  const kx = await xaesDeriveKey(x, nonce);
  try {
    return await b.aesGcmOpen(kx, nonce.subarray(12), aad, sealed);
  } finally {
    kx.fill(0);
  }
}

// The sealed format, version 1. Internal: the public face is seal.ts.
//
//   offset  size  field
//   0       2     magic "PS" (0x50 0x53)
//   2       1     format version (0x01)
//   3       1     algorithm: 0x01 XAES-256-GCM (random 24-byte nonce)
//                            0x02 AES-256-GCM-SIV, deterministic (12-byte synthetic nonce)
//   4       8     key id (the root key's id: a master key or a key-ring entry)
//   12      32    key commitment: HKDF-Expand(sealing key, "seal-subkeys/v1")[32..64]
//   44      24|12 nonce
//   ...     n     ciphertext
//   end-16  16    GCM / GCM-SIV tag
//
// Associated data = the whole header (bytes 0 .. end of nonce) followed by
// the encoded SealContext, so every header byte and the context are
// authenticated. The commitment is compared (in constant time) before any
// decryption: a ciphertext opens under exactly one sealing key.
import type { Backend } from './backend.ts';
import { concatBytes } from './bytes.ts';
import { gcmSivOpen, gcmSivSeal } from './gcm-siv.ts';
import { detOf, type SealingMaterial, xaesOf, xaesSyncOf } from './key-material.ts';
import { freshBytes, Scratch } from './scratch.ts';
import { xaesOpen, xaesOpenSync, xaesSeal, xaesSealSync } from './xaes.ts';

export const MAGIC_0 = 0x50;
export const MAGIC_1 = 0x53;
export const FORMAT_VERSION = 1;
export const ALG_XAES_256_GCM = 0x01;
export const ALG_AES_256_GCM_SIV_DETERMINISTIC = 0x02;
export const KEY_ID_OFFSET = 4;
export const KEY_ID_BYTES = 8;
export const COMMIT_OFFSET = 12;
export const COMMIT_BYTES = 32;
export const NONCE_OFFSET = 44;
export const TAG_BYTES = 16;

export function nonceBytesOf(alg: number): number {
  return alg === ALG_XAES_256_GCM ? 24 : 12;
}

export type SealMode = 'random' | 'deterministic';

// Nonces come from a small pool refilled from the backend CSPRNG 256 nonces
// at a time (as node's randomUUID does): one CSPRNG call per 256 seals
// instead of one each. Each nonce is copied out and its pool bytes zeroed.
// Nonces are public, so holding them briefly in memory exposes nothing.
const POOL_NONCES = 256;
let pool: Uint8Array = new Uint8Array(0);
let poolOffset = 0;
let poolBackend: Backend | undefined;

function randomNonceInto(b: Backend, target: Uint8Array): void {
  const n = target.length;
  if (poolBackend !== b || poolOffset + n > pool.length) {
    pool = b.randomBytes(POOL_NONCES * n);
    poolOffset = 0;
    poolBackend = b;
  }
  target.set(pool.subarray(poolOffset, poolOffset + n));
  pool.fill(0, poolOffset, poolOffset + n);
  poolOffset += n;
}

// Associated data of the synchronous (node:crypto) path: header || context,
// assembled and consumed within one synchronous call.
const AAD_SCRATCH = new Scratch(512);
const aadBytes = (n: number): Uint8Array => AAD_SCRATCH.bytes(n);

/** Public header fields of a well-formed v1 sealed value, or undefined. */
export interface ParsedHeader {
  readonly alg: number;
  readonly keyId: Uint8Array;
  readonly commitment: Uint8Array;
  readonly nonce: Uint8Array;
  readonly headerLength: number;
}

export function parseHeader(sealed: Uint8Array): ParsedHeader | undefined {
  if (!(sealed instanceof Uint8Array) || sealed.length < NONCE_OFFSET) return undefined;
  if (sealed[0] !== MAGIC_0 || sealed[1] !== MAGIC_1 || sealed[2] !== FORMAT_VERSION)
    return undefined;
  const alg = sealed[3] as number;
  if (alg !== ALG_XAES_256_GCM && alg !== ALG_AES_256_GCM_SIV_DETERMINISTIC) return undefined;
  const headerLength = NONCE_OFFSET + nonceBytesOf(alg);
  if (sealed.length < headerLength + TAG_BYTES) return undefined;
  return {
    alg,
    keyId: sealed.subarray(KEY_ID_OFFSET, KEY_ID_OFFSET + KEY_ID_BYTES),
    commitment: sealed.subarray(COMMIT_OFFSET, COMMIT_OFFSET + COMMIT_BYTES),
    nonce: sealed.subarray(NONCE_OFFSET, headerLength),
    headerLength,
  };
}

function writeHeader(h: Uint8Array, m: SealingMaterial, alg: number): void {
  h[0] = MAGIC_0;
  h[1] = MAGIC_1;
  h[2] = FORMAT_VERSION;
  h[3] = alg;
  h.set(m.headerKeyId, KEY_ID_OFFSET);
  h.set(m.commitment, COMMIT_OFFSET);
}

function header(m: SealingMaterial, alg: number, nonce: Uint8Array): Uint8Array {
  const h = new Uint8Array(NONCE_OFFSET + nonce.length);
  writeHeader(h, m, alg);
  h.set(nonce, NONCE_OFFSET);
  return h;
}

/**
 * Seals with a sealing material; `context` is the encoded SealContext.
 * Returns the bytes directly on the synchronous (node:crypto) path, so the
 * public async API pays for one promise, not one per step.
 */
export function sealWith(
  b: Backend,
  m: SealingMaterial,
  plaintext: Uint8Array,
  context: Uint8Array,
  mode: SealMode,
): Uint8Array | Promise<Uint8Array> {
  if (mode === 'random') {
    // AAD = header || context, the header a view of it (and copied into the
    // output as its prefix). On the synchronous path the AAD lives in the
    // scratch buffer: no allocation besides the output.
    const hl = NONCE_OFFSET + 24;
    const xs = xaesSyncOf(b, m);
    const aad = (xs === undefined ? freshBytes : aadBytes)(hl + context.length);
    writeHeader(aad, m, ALG_XAES_256_GCM);
    randomNonceInto(b, aad.subarray(NONCE_OFFSET, hl));
    aad.set(context, hl);
    const h = aad.subarray(0, hl);
    const nonce = aad.subarray(NONCE_OFFSET, hl);
    if (xs !== undefined) return xaesSealSync(b, xs, nonce, aad, plaintext, h);
    return xaesOf(b, m).then((x) => xaesSeal(b, x, nonce, aad, plaintext, h));
  }
  const det = detOf(b, m);
  // Synthetic nonce: a PRF of (context, plaintext). The context encoding is
  // self-delimiting, so the concatenation is injective.
  const nonce = b.hmacSha256(det.nonceKey, concatBytes(context, plaintext)).subarray(0, 12);
  const h = header(m, ALG_AES_256_GCM_SIV_DETERMINISTIC, nonce);
  return gcmSivSeal(b, det.sivKey, nonce, concatBytes(h, context), plaintext, h);
}

/**
 * Opens with a sealing material. Gives undefined on every failure:
 * malformed header, other key (id or commitment), or authentication.
 */
export function openWith(
  b: Backend,
  m: SealingMaterial,
  sealed: Uint8Array,
  context: Uint8Array,
): Uint8Array | undefined | Promise<Uint8Array | undefined> {
  const h = parseHeader(sealed);
  if (h === undefined) return undefined;
  // Key commitment first: both comparisons always run, in constant time.
  const idOk = b.timingSafeEqual(h.keyId, m.headerKeyId);
  const commitOk = b.timingSafeEqual(h.commitment, m.commitment);
  if (!(idOk && commitOk)) return undefined;
  const body = sealed.subarray(h.headerLength);
  if (h.alg === ALG_XAES_256_GCM) {
    const xs = xaesSyncOf(b, m);
    if (xs !== undefined) {
      const aad = aadBytes(h.headerLength + context.length);
      aad.set(sealed.subarray(0, h.headerLength));
      aad.set(context, h.headerLength);
      return xaesOpenSync(b, xs, h.nonce, aad, body);
    }
    const aad = concatBytes(sealed.subarray(0, h.headerLength), context);
    return xaesOf(b, m).then((x) => xaesOpen(b, x, h.nonce, aad, body));
  }
  const aad = concatBytes(sealed.subarray(0, h.headerLength), context);
  return gcmSivOpen(b, detOf(b, m).sivKey, h.nonce, aad, body);
}

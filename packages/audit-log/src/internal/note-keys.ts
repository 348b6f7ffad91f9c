import { utf8Encode } from './bytes.ts';
import { sha256 } from './hash.ts';

/**
 * The signed-note key ID: SHA-256(name || 0x0A || type || public key)[:4] as
 * a big-endian integer (type 0x01 for note keys, 0x04 for cosignature/v1
 * keys). The caller validates name and key.
 */
export function keyHashOfType(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(utf8Encode(name), new Uint8Array([0x0a, type]), publicKey);
  return (((h[0] ?? 0) << 24) | ((h[1] ?? 0) << 16) | ((h[2] ?? 0) << 8) | (h[3] ?? 0)) >>> 0;
}

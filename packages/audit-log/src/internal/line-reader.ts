import { open } from 'node:fs/promises';
import type { OverlongLine, TornLine } from '../verifier.ts';

/** Default maximum stored line length (1 MiB). */
export const MAX_LINE_BYTES: number = 1 << 20;

/**
 * Reads a file as lines of bytes in constant memory. Lines longer than
 * `maxLineBytes` yield `{ overlong: true }`; an unterminated final line yields
 * `{ torn: true }`.
 */
export async function* readLines(
  path: string,
  maxLineBytes: number = MAX_LINE_BYTES,
  start = 0,
): AsyncGenerator<Uint8Array | TornLine | OverlongLine> {
  const fh = await open(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer[] = [];
    let carryLen = 0;
    let overlong = false;
    let pos = start;
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let s = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, s);
        if (nl < 0 || nl >= bytesRead) break;
        if (overlong || carryLen + (nl - s) > maxLineBytes) {
          yield { overlong: true };
        } else {
          const part = chunk.subarray(s, nl);
          const line = carryLen === 0 ? Buffer.from(part) : Buffer.concat([...carry, part]);
          yield new Uint8Array(line.buffer, line.byteOffset, line.byteLength);
        }
        carry = [];
        carryLen = 0;
        overlong = false;
        s = nl + 1;
      }
      if (s < bytesRead) {
        const rest = bytesRead - s;
        if (overlong || carryLen + rest > maxLineBytes) {
          overlong = true;
          carry = [];
          carryLen = 0;
        } else {
          carry.push(Buffer.from(chunk.subarray(s, bytesRead)));
          carryLen += rest;
        }
      }
    }
    if (overlong) yield { overlong: true };
    else if (carryLen > 0) yield { torn: true };
  } finally {
    await fh.close();
  }
}

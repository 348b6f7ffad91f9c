// Streams are bounded: encrypting and decrypting 256 MiB in one pipeline
// never holds anything close to the whole file in memory.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  ageRecipientFromIdentity,
  createBackupDecryptStream,
  createBackupEncryptStream,
  generateAgeIdentity,
} from '../src/index.ts';

const MIB = 1024 * 1024;
const TOTAL = Number(process.env.PALISADE_AGE_MEMORY_MIB ?? '256') * MIB;

describe('age backup streams use bounded memory', () => {
  it('encrypt→decrypt of 256 MiB in one pipeline grows external memory by less than half the file size', async () => {
    const identity = generateAgeIdentity();
    const block = Buffer.alloc(MIB, 0x5a);
    let produced = 0;
    const source = new Readable({
      read() {
        if (produced >= TOTAL) {
          this.push(null);
          return;
        }
        produced += MIB;
        this.push(Buffer.from(block));
      },
    });
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    let seen = 0;
    await pipeline(
      source,
      createBackupEncryptStream({ recipients: [ageRecipientFromIdentity(identity)] }),
      createBackupDecryptStream({ identities: [identity] }),
      new Writable({
        write(c: Buffer, _e, cb) {
          seen += c.length;
          if ((seen & (8 * MIB - 1)) < c.length) {
            peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
          }
          cb();
        },
      }),
    );
    expect(seen).toBe(TOTAL);
    // Whole-file buffering would need >= TOTAL; garbage awaiting GC is the slack.
    expect(peak).toBeLessThan(TOTAL / 2);
  });
});

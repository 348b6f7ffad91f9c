// One large-file interop test (>= 100 MiB), streamed both ways through the
// real `age` command; kept to one test so the suite stays fast.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ageRecipientFromIdentity,
  createBackupDecryptStream,
  createBackupEncryptStream,
  generateAgeIdentity,
} from '../src/index.ts';

const hasAge = spawnSync('age', ['--version']).status === 0;
const MIB = 1024 * 1024;
const SIZE = Number(process.env.PALISADE_AGE_LARGE_MIB ?? '100') * MIB + 12_345;

function* source(size: number): Generator<Buffer> {
  // Deterministic, non-repeating-per-chunk content, 1 MiB at a time.
  let done = 0;
  let i = 0;
  while (done < size) {
    const n = Math.min(MIB, size - done);
    const b = Buffer.alloc(n, i & 0xff);
    b.writeUInt32BE(i, 0);
    yield b;
    done += n;
    i++;
  }
}

function hashSink(h: ReturnType<typeof createHash>): Writable {
  return new Writable({
    write(c: Buffer, _e, cb) {
      h.update(c);
      cb();
    },
  });
}

// CI installs Debian's `age`; a machine without it skips only this suite.
describe.skipIf(!hasAge && !process.env.CI)('large backups with the age command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'palisade-age-large-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a file of 100 MiB or more through our encryptor into age -d and from age -r through our decryptor', async () => {
    const identity = generateAgeIdentity();
    const recipient = ageRecipientFromIdentity(identity);
    const keyFile = join(dir, 'key.txt');
    await pipeline(Readable.from([`${identity}\n`]), createWriteStream(keyFile, { mode: 0o600 }));
    const plainHash = createHash('sha256');
    await pipeline(Readable.from(source(SIZE)), hashSink(plainHash));
    const expected = plainHash.digest('hex');

    // ours -> age -d
    const ours = join(dir, 'ours.age');
    await pipeline(
      Readable.from(source(SIZE)),
      createBackupEncryptStream({ recipients: [recipient] }),
      createWriteStream(ours),
    );
    expect(statSync(ours).size).toBeGreaterThanOrEqual(100 * MIB);
    const dec = spawn('age', ['-d', '-i', keyFile, ours], { stdio: ['ignore', 'pipe', 'pipe'] });
    const h1 = createHash('sha256');
    const exit1 = new Promise<number | null>((resolve) => dec.on('close', resolve));
    await pipeline(dec.stdout, hashSink(h1));
    expect(await exit1).toBe(0);
    expect(h1.digest('hex')).toBe(expected);

    // age -r -> ours
    const theirs = join(dir, 'theirs.age');
    const enc = spawn('age', ['-r', recipient, '-o', theirs], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const exit2 = new Promise<number | null>((resolve) => enc.on('close', resolve));
    await pipeline(Readable.from(source(SIZE)), enc.stdin);
    expect(await exit2).toBe(0);
    const h2 = createHash('sha256');
    await pipeline(
      createReadStream(theirs),
      createBackupDecryptStream({ identities: [identity] }),
      hashSink(h2),
    );
    expect(h2.digest('hex')).toBe(expected);
  });
});

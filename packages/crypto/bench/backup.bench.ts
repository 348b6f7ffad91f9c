// Streaming age encryption/decryption vs a raw chunked node:crypto
// ChaCha20-Poly1305 loop with the same 64 KiB chunk size, measured in the
// same run (target: >= 0.9x of the raw loop), on the process CPU clock (see
// cpu-clock.ts).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Encrypter } from 'age-encryption';
import { bench, describe } from 'vitest';
import { onCpuClock } from './cpu-clock.ts';

// The built package (dist/), as published; see seal.bench.ts.
const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('build @palisade/crypto first (pnpm bench does)');
const {
  ageRecipientFromIdentity,
  createBackupDecryptStream,
  createBackupEncryptStream,
  encryptBackup,
  generateAgeIdentity,
} = (await import(dist.href)) as typeof import('../src/index.ts');

const CHUNK = 64 * 1024;
const SIZE = 16 * 1024 * 1024;
const plain = randomBytes(SIZE);
const key = randomBytes(32);
const identity = generateAgeIdentity();
const recipient = ageRecipientFromIdentity(identity);
// Feed 1 MiB writes, as a file read stream would.
const pieces: Buffer[] = [];
for (let i = 0; i < SIZE; i += 1024 * 1024) pieces.push(plain.subarray(i, i + 1024 * 1024));
const sink = (): Writable =>
  new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });

function nonce(i: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(i, 7);
  n[11] = last ? 1 : 0;
  return n;
}

const rawSealed: Buffer[] = [];
for (let off = 0, i = 0; off < SIZE; off += CHUNK, i++) {
  const c = createCipheriv('chacha20-poly1305', key, nonce(i, off + CHUNK >= SIZE), {
    authTagLength: 16,
  });
  const ct = c.update(plain.subarray(off, off + CHUNK));
  c.final();
  rawSealed.push(Buffer.concat([ct, c.getAuthTag()]));
}
const options = onCpuClock(3000);
let ageFile: Buffer = Buffer.alloc(0);
const filePieces: Buffer[] = [];

describe('age streaming encryption, 16 MiB', async () => {
  ageFile = Buffer.from(await encryptBackup(plain, { recipients: [recipient] }));
  for (let i = 0; i < ageFile.length; i += 1024 * 1024)
    filePieces.push(ageFile.subarray(i, i + 1024 * 1024));

  bench(
    'raw node:crypto ChaCha20-Poly1305 loop, 64 KiB chunks',
    () => {
      const out: Buffer[] = [];
      for (let off = 0, i = 0; off < SIZE; off += CHUNK, i++) {
        const c = createCipheriv('chacha20-poly1305', key, nonce(i, off + CHUNK >= SIZE), {
          authTagLength: 16,
        });
        const ct = c.update(plain.subarray(off, off + CHUNK));
        c.final();
        out.push(Buffer.concat([ct, c.getAuthTag()]));
      }
    },
    options,
  );

  bench(
    'createBackupEncryptStream (age v1, X25519)',
    async () => {
      await pipeline(
        Readable.from(pieces),
        createBackupEncryptStream({ recipients: [recipient] }),
        sink(),
      );
    },
    options,
  );

  // Last, so its garbage does not land on the two benches compared above.
  bench(
    'age-encryption 0.3.1 Encrypter (noble ChaCha20, in memory), for reference',
    async () => {
      const e = new Encrypter();
      e.addRecipient(recipient);
      await e.encrypt(plain);
    },
    options,
  );
});

describe('age streaming decryption, 16 MiB', () => {
  bench(
    'raw node:crypto ChaCha20-Poly1305 open loop, 64 KiB chunks',
    () => {
      for (const [i, s] of rawSealed.entries()) {
        const d = createDecipheriv('chacha20-poly1305', key, nonce(i, i === rawSealed.length - 1), {
          authTagLength: 16,
        });
        d.setAuthTag(s.subarray(s.length - 16));
        d.update(s.subarray(0, s.length - 16));
        d.final();
      }
    },
    options,
  );

  bench(
    'createBackupDecryptStream (age v1, X25519)',
    async () => {
      await pipeline(
        Readable.from(filePieces),
        createBackupDecryptStream({ identities: [identity] }),
        sink(),
      );
    },
    options,
  );
});

import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Decrypter, Encrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import {
  ageRecipientFromIdentity,
  CryptoError,
  createBackupDecryptStream,
  createBackupEncryptStream,
  decryptBackup,
  encryptBackup,
  generateAgeIdentity,
  parseAgeIdentityFile,
} from '../src/index.ts';

const identity = generateAgeIdentity();
const recipient = ageRecipientFromIdentity(identity);
const KIB64 = 64 * 1024;

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed * 7) & 0xff;
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `other:${String(e)}`;
  }
}

function headerLength(file: Uint8Array): number {
  const text = Buffer.from(file).toString('latin1');
  const mac = text.indexOf('\n---');
  return text.indexOf('\n', mac + 1) + 1;
}

describe('age backups: format and API', () => {
  it('writes the age v1 header: version line, one X25519 stanza per recipient, MAC line, 16-byte nonce', async () => {
    const other = ageRecipientFromIdentity(generateAgeIdentity());
    const file = await encryptBackup(bytes(5), { recipients: [recipient, other] });
    const text = Buffer.from(file).toString('latin1');
    const lines = text.slice(0, headerLength(file)).split('\n');
    expect(lines[0]).toBe('age-encryption.org/v1');
    expect(lines.filter((l) => /^-> X25519 [A-Za-z0-9+/]{43}$/.test(l))).toHaveLength(2);
    expect(lines.at(-2)).toMatch(/^--- [A-Za-z0-9+/]{43}$/);
    // header + 16-byte nonce + one 5-byte chunk with its 16-byte tag
    expect(file.length).toBe(headerLength(file) + 16 + 5 + 16);
  });

  it('splits the payload into 64 KiB chunks with a full last chunk and no empty trailer', async () => {
    for (const [size, chunks] of [
      [0, 1],
      [KIB64, 1],
      [KIB64 + 1, 2],
      [2 * KIB64, 2],
    ] as const) {
      const file = await encryptBackup(bytes(size), { recipients: [recipient] });
      expect(file.length - headerLength(file) - 16).toBe(size + 16 * chunks);
    }
  });

  it('round-trips through streams written in uneven pieces', async () => {
    const plain = bytes(3 * KIB64 + 123, 5);
    const pieces: Buffer[] = [];
    for (let i = 0; i < plain.length; i += 7_777)
      pieces.push(Buffer.from(plain.subarray(i, i + 7_777)));
    const enc: Buffer[] = [];
    await pipeline(
      Readable.from(pieces),
      createBackupEncryptStream({ recipients: [recipient] }),
      new Writable({
        write(c: Buffer, _e, cb) {
          enc.push(c);
          cb();
        },
      }),
    );
    const file = Buffer.concat(enc);
    const dec: Buffer[] = [];
    const slices: Buffer[] = [];
    for (let i = 0; i < file.length; i += 1_000) slices.push(file.subarray(i, i + 1_000));
    await pipeline(
      Readable.from(slices),
      createBackupDecryptStream({ identities: [generateAgeIdentity(), identity] }),
      new Writable({
        write(c: Buffer, _e, cb) {
          dec.push(c);
          cb();
        },
      }),
    );
    expect(Buffer.compare(Buffer.concat(dec), Buffer.from(plain))).toBe(0);
  });

  it('works off one large write as the consumer reads: neither stream queues more than three chunks for it', async () => {
    // Reads one piece per event-loop turn, giving the stream every chance
    // to run ahead, and records how much it had queued for the reader.
    async function readSlowly(s: Readable): Promise<{ data: Buffer; maxQueued: number }> {
      const parts: Buffer[] = [];
      let maxQueued = 0;
      for await (const c of s) {
        // Each read takes everything queued, so a piece's size is what was queued.
        parts.push(c as Buffer);
        maxQueued = Math.max(maxQueued, (c as Buffer).length);
        await new Promise((r) => setImmediate(r));
      }
      return { data: Buffer.concat(parts), maxQueued };
    }
    const plain = bytes(40 * KIB64 + 123);
    const enc = createBackupEncryptStream({ recipients: [recipient] });
    enc.end(Buffer.from(plain)); // one write of 40 chunks and a bit
    const file = await readSlowly(enc);
    // At most two sealed chunks while the write is worked off (one queued,
    // one made by the read itself) and the last chunk pushed at the end, plus
    // the header and payload nonce queued first. Working the write off at
    // once would queue all 41 chunks.
    expect(file.maxQueued).toBeLessThanOrEqual(3 * (KIB64 + 16) + headerLength(file.data) + 16);
    const dec = createBackupDecryptStream({ identities: [identity] });
    dec.end(file.data); // the whole file in one write
    const back = await readSlowly(dec);
    expect(back.maxQueued).toBeLessThanOrEqual(3 * KIB64);
    expect(Buffer.compare(back.data, Buffer.from(plain))).toBe(0);
  });

  it('decrypts a file whose header arrives one byte per write', async () => {
    const plain = bytes(KIB64 + 5, 3);
    const file = Buffer.from(await encryptBackup(plain, { recipients: [recipient] }));
    const pieces: Buffer[] = [];
    for (let i = 0; i < 400; i++) pieces.push(file.subarray(i, i + 1));
    pieces.push(file.subarray(400));
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(pieces),
      createBackupDecryptStream({ identities: [identity] }),
      new Writable({
        write(c: Buffer, _e, cb) {
          out.push(c);
          cb();
        },
      }),
    );
    expect(Buffer.compare(Buffer.concat(out), Buffer.from(plain))).toBe(0);
  });

  it('round-trips with a scrypt passphrase and rejects a wrong passphrase as no matching identity', async () => {
    const file = await encryptBackup(bytes(1000), { passphrase: 'correct horse', scryptLogN: 10 });
    expect(Buffer.from(file).toString('latin1')).toMatch(/\n-> scrypt [A-Za-z0-9+/]{22} 10\n/);
    expect(Buffer.from(await decryptBackup(file, { passphrase: 'correct horse' }))).toEqual(
      Buffer.from(bytes(1000)),
    );
    expect(await codeOf(decryptBackup(file, { passphrase: 'wrong horse' }))).toBe(
      'ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED',
    );
  });

  it('refuses scrypt work factors above the limit before running scrypt', async () => {
    const small = Buffer.from(await encryptBackup(bytes(10), { passphrase: 'p', scryptLogN: 10 }));
    // A hostile header asking for 2^21 (2 GiB) is refused by default, before scrypt runs.
    const hostile = Buffer.from(
      small.toString('latin1').replace(/(-> scrypt \S+) 10\n/, '$1 21\n'),
      'latin1',
    );
    expect(hostile.toString('latin1')).toContain(' 21\n');
    expect(await codeOf(decryptBackup(hostile, { passphrase: 'p' }))).toBe(
      'ERR_CRYPTO_AGE_WORK_FACTOR',
    );
    const file = await encryptBackup(bytes(10), { passphrase: 'p', scryptLogN: 12 });
    expect(await codeOf(decryptBackup(file, { passphrase: 'p', maxScryptLogN: 11 }))).toBe(
      'ERR_CRYPTO_AGE_WORK_FACTOR',
    );
  });

  it('requires exactly one of recipients and passphrase, and rejects malformed keys with a typed error', () => {
    expect(() => createBackupEncryptStream({})).toThrow(TypeError);
    expect(() => createBackupEncryptStream({ recipients: [recipient], passphrase: 'x' })).toThrow(
      TypeError,
    );
    expect(() => createBackupDecryptStream({})).toThrow(TypeError);
    expect(() =>
      createBackupEncryptStream({ recipients: [recipient], armor: 'yes' as unknown as boolean }),
    ).toThrow(TypeError);
    expect(() => createBackupEncryptStream({ passphrase: 'x', scryptLogN: 21 })).toThrow(
      RangeError,
    );
    expect(() => createBackupDecryptStream({ passphrase: 'x', maxScryptLogN: 23 })).toThrow(
      RangeError,
    );
    const bad = `${recipient.slice(0, -1)}${recipient.endsWith('q') ? 'p' : 'q'}`;
    expect(() => createBackupEncryptStream({ recipients: [bad] })).toThrow(
      expect.objectContaining({ code: 'ERR_CRYPTO_AGE_KEY_INVALID' }),
    );
    expect(() =>
      createBackupDecryptStream({
        identities: [identity.toLowerCase().replace('age-secret-key-1', 'age1')],
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_AGE_KEY_INVALID' }));
    expect(() => ageRecipientFromIdentity(recipient)).toThrow(
      expect.objectContaining({ code: 'ERR_CRYPTO_AGE_KEY_INVALID' }),
    );
  });

  it('parses age-keygen identity files with comments and reports bad lines by number only', () => {
    const text = `# created: 2024-01-01\n# public key: ${recipient}\n${identity}\n\n`;
    expect(parseAgeIdentityFile(text)).toEqual([identity]);
    let err: unknown;
    try {
      parseAgeIdentityFile(`${identity}\nAGE-SECRET-KEY-1NOTVALIDXYZ\n`);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ERR_CRYPTO_AGE_KEY_INVALID' });
    expect(String(err)).toContain('line 2');
    expect(String(err)).not.toContain('NOTVALID');
    expect(() => parseAgeIdentityFile('# nothing\n')).toThrow(
      expect.objectContaining({ code: 'ERR_CRYPTO_AGE_KEY_INVALID' }),
    );
  });
});

describe('age backups: typed errors', () => {
  it('reports a wrong key as ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED', async () => {
    const file = await encryptBackup(bytes(10), { recipients: [recipient] });
    expect(await codeOf(decryptBackup(file, { identities: [generateAgeIdentity()] }))).toBe(
      'ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED',
    );
  });

  it('reports truncation inside the header, the nonce, at a chunk boundary and inside the tag as ERR_CRYPTO_AGE_TRUNCATED', async () => {
    const file = await encryptBackup(bytes(2 * KIB64 + 10), { recipients: [recipient] });
    const h = headerLength(file);
    const cut = (n: number) =>
      codeOf(decryptBackup(file.subarray(0, n), { identities: [identity] }));
    expect(await cut(0)).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await cut(30)).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await cut(h - 5)).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await cut(h + 8)).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await cut(h + 16)).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await cut(h + 16 + 2 * (KIB64 + 16))).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await cut(h + 16 + 2 * (KIB64 + 16) + 10)).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    // Cut inside a chunk's ciphertext: indistinguishable from corruption, so the payload error.
    expect(await cut(h + 16 + KIB64 + 16 + 100)).toBe('ERR_CRYPTO_AGE_PAYLOAD_FAILED');
  });

  it('reports bad headers as ERR_CRYPTO_AGE_HEADER_INVALID (wrong version, bad base64, modified header, malformed armor)', async () => {
    const file = Buffer.from(await encryptBackup(bytes(10), { recipients: [recipient] }));
    const text = file.toString('latin1');
    const dec = (b: Uint8Array) => codeOf(decryptBackup(b, { identities: [identity] }));
    expect(
      await dec(
        Buffer.from(text.replace('age-encryption.org/v1', 'age-encryption.org/v2'), 'latin1'),
      ),
    ).toBe('ERR_CRYPTO_AGE_HEADER_INVALID');
    expect(await dec(Buffer.from('not an age file at all\n--- x\n'))).toBe(
      'ERR_CRYPTO_AGE_HEADER_INVALID',
    );
    expect(
      await dec(
        Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\n!!!!\n-----END AGE ENCRYPTED FILE-----\n'),
      ),
    ).toBe('ERR_CRYPTO_AGE_HEADER_INVALID');
    // An extra unknown stanza changes the MAC input: the MAC check catches it.
    const withGrease = text.replace('\n---', '\n-> grease-x y\nAAAA\n---');
    expect(await dec(Buffer.from(withGrease, 'latin1'))).toBe('ERR_CRYPTO_AGE_HEADER_INVALID');
    const badB64 = text.replace(/\n-> X25519 ([A-Za-z0-9+/]{43})\n/, '\n-> X25519 $1=\n');
    expect(await dec(Buffer.from(badB64, 'latin1'))).toBe('ERR_CRYPTO_AGE_HEADER_INVALID');
  });

  it('reports data after a full last chunk as ERR_CRYPTO_AGE_TRAILING_DATA', async () => {
    const file = await encryptBackup(bytes(KIB64), { recipients: [recipient] });
    const extended = Buffer.concat([file, Buffer.from('trailing')]);
    expect(await codeOf(decryptBackup(extended, { identities: [identity] }))).toBe(
      'ERR_CRYPTO_AGE_TRAILING_DATA',
    );
  });

  it('reports a flipped payload bit as ERR_CRYPTO_AGE_PAYLOAD_FAILED', async () => {
    const file = Buffer.from(await encryptBackup(bytes(100), { recipients: [recipient] }));
    file[file.length - 1] = (file[file.length - 1] as number) ^ 0x80;
    expect(await codeOf(decryptBackup(file, { identities: [identity] }))).toBe(
      'ERR_CRYPTO_AGE_PAYLOAD_FAILED',
    );
  });
});

describe('age backups: ASCII armor', () => {
  const BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
  const END = '-----END AGE ENCRYPTED FILE-----';
  const dec = (text: string) =>
    decryptBackup(Buffer.from(text, 'latin1'), { identities: [identity] });

  it('writes strict PEM (64-column padded canonical base64 of the binary file) and reads it back, in any write size', async () => {
    for (const size of [0, 1, 47, 48, 49, KIB64 - 1, KIB64, KIB64 + 1, 3 * KIB64 + 5]) {
      const plain = bytes(size, size);
      const text = Buffer.from(
        await encryptBackup(plain, { recipients: [recipient], armor: true }),
      ).toString('latin1');
      const lines = text.split('\n');
      expect(lines[0]).toBe(BEGIN);
      expect(lines.at(-2)).toBe(END);
      expect(lines.at(-1)).toBe('');
      const body = lines.slice(1, -2);
      for (const l of body.slice(0, -1)) expect(l).toMatch(/^[A-Za-z0-9+/]{64}$/);
      expect(body.at(-1)).toMatch(/^[A-Za-z0-9+/]{1,64}={0,2}$/);
      // The body is the base64 of a binary age file that opens.
      const binary = Buffer.from(body.join(''), 'base64');
      expect(Buffer.from(await decryptBackup(binary, { identities: [identity] }))).toEqual(
        Buffer.from(plain),
      );
      expect(Buffer.from(await dec(text))).toEqual(Buffer.from(plain));
      // One byte per write through the stream decryptor.
      const d = createBackupDecryptStream({ identities: [identity] });
      const out: Buffer[] = [];
      await pipeline(
        Readable.from(
          (function* () {
            for (let i = 0; i < text.length; i++) yield Buffer.from(text[i] as string, 'latin1');
          })(),
        ),
        d,
        new Writable({
          write(c: Buffer, _e, cb) {
            out.push(c);
            cb();
          },
        }),
      );
      expect(Buffer.concat(out)).toEqual(Buffer.from(plain));
    }
  });

  it('accepts whitespace around the block and CRLF line ends, as the spec allows', async () => {
    const plain = bytes(1000);
    const text = Buffer.from(
      await encryptBackup(plain, { recipients: [recipient], armor: true }),
    ).toString('latin1');
    expect(Buffer.from(await dec(`\n \t\r\n${text}\n\n  `))).toEqual(Buffer.from(plain));
    expect(Buffer.from(await dec(text.replaceAll('\n', '\r\n')))).toEqual(Buffer.from(plain));
    expect(Buffer.from(await dec(text.slice(0, -1)))).toEqual(Buffer.from(plain));
  });

  it('refuses non-canonical armor with ERR_CRYPTO_AGE_HEADER_INVALID and a cut-off block as truncated', async () => {
    const text = Buffer.from(
      await encryptBackup(bytes(1000), { recipients: [recipient], armor: true }),
    ).toString('latin1');
    const lines = text.split('\n');
    const last = lines.at(-3) as string; // the final, padded base64 line
    const bad = [
      text.replace(BEGIN, '-----BEGIN AGE ENCRYPTED FIL-----'), // wrong label
      text.replace(BEGIN, BEGIN.toLowerCase()),
      `x${text}`, // data before the block
      `${text}x`, // data after it
      `${text}${text}`, // a second block
      // A short line before the last one (lines re-wrapped at 60 columns).
      [
        lines[0],
        ...(lines
          .slice(1, -2)
          .join('')
          .match(/.{1,60}/g) ?? []),
        END,
        '',
      ].join('\n'),
      // A 68-column line (two lines joined partly).
      [lines[0], `${lines[1]}${(lines[2] as string).slice(0, 4)}`, ...lines.slice(3)].join('\n'),
      text.replace(lines[1] as string, `${(lines[1] as string).slice(0, 63)}=`), // padding inside
      text.replace(lines[1] as string, `${(lines[1] as string).slice(0, 63)}*`), // not base64
      // Non-canonical padding bits in the final group (1000-byte file: the
      // age file's length decides the padding; flip the last data character).
      text.replace(
        `${last}\n${END}`,
        `${last.replace(/[A-Za-z0-9+/](=*)$/, (m, pad: string) => `${m[0] === 'A' ? 'B' : 'A'}${pad}`)}\n${END}`,
      ),
    ];
    for (const b of bad) {
      expect(await codeOf(dec(b))).toMatch(/^ERR_CRYPTO_AGE_(HEADER_INVALID|PAYLOAD_FAILED)$/);
    }
    // All but the last case are malformed armor; the last flips bits, which
    // either breaks canonical padding or (when the group has no spare bits)
    // the authenticated payload.
    for (const b of bad.slice(0, -1))
      expect(await codeOf(dec(b))).toBe('ERR_CRYPTO_AGE_HEADER_INVALID');
    expect(await codeOf(dec(text.slice(0, text.indexOf(END))))).toBe('ERR_CRYPTO_AGE_TRUNCATED');
    expect(await codeOf(dec(`${BEGIN}\n`))).toBe('ERR_CRYPTO_AGE_TRUNCATED');
  });
});

describe('age backups: differential against the age-encryption package', () => {
  it('age-encryption decrypts our X25519 and scrypt files, and we decrypt its files', async () => {
    for (const size of [0, 1, KIB64 - 1, KIB64, KIB64 + 1]) {
      const plain = bytes(size, size);
      const ours = await encryptBackup(plain, { recipients: [recipient] });
      const d = new Decrypter();
      d.addIdentity(identity);
      expect(Buffer.from(await d.decrypt(ours))).toEqual(Buffer.from(plain));

      const theirId = await generateIdentity();
      const e = new Encrypter();
      e.addRecipient(await identityToRecipient(theirId));
      const theirs = await e.encrypt(plain);
      expect(Buffer.from(await decryptBackup(theirs, { identities: [theirId] }))).toEqual(
        Buffer.from(plain),
      );
    }
    const pe = new Encrypter();
    pe.setPassphrase('pass phrase');
    pe.setScryptWorkFactor(10);
    const theirScrypt = await pe.encrypt(bytes(70_000));
    expect(Buffer.from(await decryptBackup(theirScrypt, { passphrase: 'pass phrase' }))).toEqual(
      Buffer.from(bytes(70_000)),
    );
    const ourScrypt = await encryptBackup(bytes(70_000), {
      passphrase: 'pass phrase',
      scryptLogN: 10,
    });
    const pd = new Decrypter();
    pd.addPassphrase('pass phrase');
    expect(Buffer.from(await pd.decrypt(ourScrypt))).toEqual(Buffer.from(bytes(70_000)));
  });
});

describe('age backups: internal primitives', () => {
  it('X25519 keys imported through the fast JWK path derive the same public key as PKCS#8 DER import', async () => {
    const { createPrivateKey, randomBytes } = await import('node:crypto');
    const { x25519PrivateKey, x25519PublicFromPrivate } = await import('../src/age/primitives.ts');
    for (let i = 0; i < 8; i++) {
      const scalar = randomBytes(32);
      const der = createPrivateKey({
        key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), scalar]),
        format: 'der',
        type: 'pkcs8',
      });
      expect(
        Buffer.from(x25519PublicFromPrivate(x25519PrivateKey(scalar))).toString('base64url'),
      ).toBe(der.export({ format: 'jwk' }).x);
    }
  });

  it('hkdf32 (two HMACs) equals node:crypto hkdfSync for empty and non-empty salts', async () => {
    const { hkdfSync, randomBytes } = await import('node:crypto');
    const { hkdf32 } = await import('../src/age/primitives.ts');
    for (const saltLen of [0, 16, 64]) {
      const ikm = randomBytes(32);
      const salt = randomBytes(saltLen);
      expect(Buffer.from(hkdf32(ikm, salt, 'payload'))).toEqual(
        Buffer.from(hkdfSync('sha256', ikm, salt, 'payload', 32)),
      );
    }
  });
});

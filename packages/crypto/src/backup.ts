import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Transform, TransformCallback } from 'node:stream';
import { ArmorDecoder, ArmorEncoder } from './age/armor.ts';
import { bech32Decode, bech32Encode } from './age/bech32.ts';
import { ByteQueue } from './age/byte-queue.ts';
import { ChunkedTransform } from './age/chunked-transform.ts';
import {
  headerMac,
  headerMacInput,
  MAX_HEADER_BYTES,
  parseHeader,
  type Stanza,
  scryptStanza,
  unwrapFileKey,
  x25519Stanza,
} from './age/header.ts';
import { hkdf32, x25519PrivateKey, x25519PublicFromPrivate } from './age/primitives.ts';
import { CryptoError } from './errors.ts';
import { randomBytesInternal, toB64Raw, utf8Bytes } from './internal/extras-primitives.ts';

/** Plaintext bytes per age STREAM chunk (64 KiB). */
const CHUNK = 64 * 1024;
const TAG = 16;
const SEALED_CHUNK = CHUNK + TAG;
const DEFAULT_SCRYPT_LOG_N = 18;
// scrypt with r = 8 needs 128 * 8 * 2^logN bytes: 2^20 is 1 GiB, 2^22 is 4 GiB.
const DEFAULT_MAX_SCRYPT_LOG_N = 20;
const MAX_SCRYPT_LOG_N = 22;
const SECRET_HRP = 'age-secret-key-';

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

function keyError(what: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_AGE_KEY_INVALID', `not a valid age ${what}`);
}

function decodeIdentity(identity: string): Uint8Array {
  if (typeof identity !== 'string') throw new TypeError('age identity must be a string');
  if (!identity.startsWith('AGE-SECRET-KEY-1'))
    throw keyError('X25519 identity (AGE-SECRET-KEY-1...)');
  const d = bech32Decode(identity);
  if (d === undefined || d.hrp !== SECRET_HRP || d.data.length !== 32) {
    throw keyError('X25519 identity (AGE-SECRET-KEY-1...)');
  }
  return d.data;
}

function decodeRecipient(recipient: string): Uint8Array {
  if (typeof recipient !== 'string') throw new TypeError('age recipient must be a string');
  const d = recipient.startsWith('age1') ? bech32Decode(recipient) : undefined;
  if (d === undefined || d.hrp !== 'age' || d.data.length !== 32) {
    throw keyError('X25519 recipient (age1...)');
  }
  return d.data;
}

/**
 * Generates a new age X25519 identity, `AGE-SECRET-KEY-1...` (the format of
 * `age-keygen`).
 *
 * Exported from `@palisade/crypto`.
 *
 * @returns the secret identity string; derive its recipient with {@link ageRecipientFromIdentity}.
 * @example Create a backup key pair.
 * ```ts
 * const identity = generateAgeIdentity();
 * const recipient = ageRecipientFromIdentity(identity); // "age1..."
 * ```
 */
export function generateAgeIdentity(): string {
  const scalar = randomBytesInternal(32);
  const out = bech32Encode(SECRET_HRP, scalar).toUpperCase();
  scalar.fill(0);
  return out;
}

/**
 * Derives the public `age1...` recipient of an `AGE-SECRET-KEY-1...` identity.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param identity - an X25519 identity string.
 * @returns the recipient string.
 * @throws CryptoError `ERR_CRYPTO_AGE_KEY_INVALID` when the identity does not decode.
 * @example Publish the recipient, keep the identity offline.
 * ```ts
 * const recipient = ageRecipientFromIdentity(identity);
 * ```
 */
export function ageRecipientFromIdentity(identity: string): string {
  const scalar = decodeIdentity(identity);
  return bech32Encode('age', x25519PublicFromPrivate(x25519PrivateKey(scalar)));
}

/**
 * Parses an age identity file (as written by `age-keygen`): one
 * `AGE-SECRET-KEY-1...` per line, `#` comments and blank lines ignored.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param text - the file's contents.
 * @returns the identities, in file order.
 * @throws CryptoError `ERR_CRYPTO_AGE_KEY_INVALID` for a line that is not an
 *   identity (the message gives the line number, never its contents), or when
 *   the file holds no identity.
 * @example Load the key written by age-keygen.
 * ```ts
 * const identities = parseAgeIdentityFile(await readFile('key.txt', 'utf8'));
 * ```
 */
export function parseAgeIdentityFile(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      decodeIdentity(line);
    } catch {
      throw new CryptoError(
        'ERR_CRYPTO_AGE_KEY_INVALID',
        `line ${i + 1} of the identity file is not an age identity`,
      );
    }
    out.push(line);
  }
  if (out.length === 0)
    throw new CryptoError('ERR_CRYPTO_AGE_KEY_INVALID', 'the identity file holds no identity');
  return out;
}

/* ------------------------------------------------------------------ */
/* STREAM nonces                                                       */
/* ------------------------------------------------------------------ */

/** Writes the STREAM nonce of chunk `counter` into `n` (12 bytes, reused per stream). */
function setChunkNonce(n: Buffer, counter: number, last: boolean): Buffer {
  // 11-byte big-endian counter; 2^53 chunks is far beyond any file.
  n.fill(0, 0, 3);
  n.writeUInt32BE(Math.floor(counter / 2 ** 32), 3);
  n.writeUInt32BE(counter >>> 0, 7);
  n[11] = last ? 1 : 0;
  return n;
}

/* ------------------------------------------------------------------ */
/* Encryption                                                          */
/* ------------------------------------------------------------------ */

/** Options of {@link createBackupEncryptStream} and {@link encryptBackup}. */
export interface BackupEncryptOptions {
  /** X25519 recipients (`age1...`). Mutually exclusive with `passphrase`. */
  readonly recipients?: readonly string[];
  /** A passphrase (scrypt recipient). Mutually exclusive with `recipients`. */
  readonly passphrase?: string | Uint8Array;
  /** scrypt work factor log2(N) for `passphrase`; default 18, as `age` uses. Range 1..20. */
  readonly scryptLogN?: number;
  /**
   * Write ASCII armor (as `age -a`: PEM-style text, label `AGE ENCRYPTED
   * FILE`) instead of the binary format; default false. The decryptor reads both.
   */
  readonly armor?: boolean;
}

async function buildHeader(options: BackupEncryptOptions, fileKey: Uint8Array): Promise<Buffer> {
  const recipients = options.recipients ?? [];
  const hasPass = options.passphrase !== undefined;
  if (hasPass === recipients.length > 0) {
    throw new TypeError('give either recipients or a passphrase (exactly one of them)');
  }
  const stanzas: Stanza[] = [];
  if (hasPass) {
    const logN = options.scryptLogN ?? DEFAULT_SCRYPT_LOG_N;
    if (!Number.isInteger(logN) || logN < 1 || logN > DEFAULT_MAX_SCRYPT_LOG_N) {
      throw new RangeError('scryptLogN must be an integer from 1 to 20');
    }
    stanzas.push(
      await scryptStanza(utf8Bytes(options.passphrase as string | Uint8Array), fileKey, logN),
    );
  } else {
    for (const r of recipients) stanzas.push(x25519Stanza(decodeRecipient(r), fileKey));
  }
  const macInput = headerMacInput(stanzas);
  return Buffer.from(`${macInput} ${toB64Raw(headerMac(fileKey, macInput))}\n`, 'latin1');
}

class AgeEncryptTransform extends ChunkedTransform {
  private readonly queue = new ByteQueue();
  private readonly ready: Promise<Buffer>;
  private payloadKey: Uint8Array | undefined;
  private counter = 0;
  private readonly nonce = Buffer.alloc(12);
  private readonly options: BackupEncryptOptions;
  private readonly armor: ArmorEncoder | undefined;

  constructor(options: BackupEncryptOptions) {
    // One chunk per side: the readable side holds at most two sealed chunks
    // (see ChunkedTransform), the writable side one write beyond a chunk.
    super({ writableHighWaterMark: CHUNK, readableHighWaterMark: SEALED_CHUNK });
    this.options = options;
    this.armor = options.armor === true ? new ArmorEncoder() : undefined;
    const fileKey = randomBytesInternal(16);
    // Validate synchronously so bad recipients throw from the factory.
    if ((options.recipients ?? []).length > 0)
      for (const r of options.recipients ?? []) decodeRecipient(r);
    this.ready = buildHeader(this.options, fileKey).then((header) => {
      const nonce = randomBytesInternal(16);
      this.payloadKey = hkdf32(fileKey, nonce, 'payload');
      fileKey.fill(0);
      return Buffer.concat([header, nonce]);
    });
    this.ready.catch(() => undefined);
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.payloadKey?.fill(0);
    cb(err);
  }

  private started = false;

  private async start(): Promise<void> {
    if (this.started) return;
    const head = await this.ready;
    this.started = true;
    if (this.armor !== undefined) this.push(this.armor.begin());
    this.output(head);
  }

  /** Pushes file bytes, through the armor encoder when armoring. */
  private output(b: Buffer): void {
    if (this.armor === undefined) {
      this.pushChunk(b);
      return;
    }
    const lines = this.armor.push(b);
    if (lines !== undefined) this.pushChunk(lines);
  }

  /**
   * Seals the next `n` queued bytes as one chunk. The plaintext is fed to
   * the cipher piece by piece as it arrived (no staging copy); each piece's
   * ciphertext and then the tag are pushed as they come out.
   */
  private sealNext(n: number, last: boolean): void {
    const c = createCipheriv(
      'chacha20-poly1305',
      this.payloadKey as Uint8Array,
      setChunkNonce(this.nonce, this.counter++, last),
      { authTagLength: TAG },
    );
    for (const part of this.queue.takeParts(n)) this.output(c.update(part));
    c.final();
    this.output(c.getAuthTag());
  }

  protected pump(): boolean {
    // Hold back at least one byte: a full chunk is "last" only at the end.
    while (this.queue.length > CHUNK) {
      if (!this.wantsMore) return false;
      this.sealNext(CHUNK, false);
    }
    return true;
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback): void {
    this.queue.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (this.started) {
      this.work(cb);
      return;
    }
    this.start().then(
      () => this.work(cb),
      (e: unknown) => cb(e as Error),
    );
  }

  override _flush(cb: TransformCallback): void {
    this.start().then(
      () => {
        this.sealNext(this.queue.length, true);
        if (this.armor !== undefined) this.push(this.armor.end());
        (this.payloadKey as Uint8Array).fill(0);
        cb();
      },
      (e: unknown) => cb(e as Error),
    );
  }
}

/**
 * Creates a Node `Transform` that encrypts a plaintext stream to the age v1
 * format (X25519 recipients or one scrypt passphrase), in 64 KiB chunks with
 * bounded memory, binary or (with `armor: true`) ASCII armored as `age -a`
 * writes it. The payload is ChaCha20-Poly1305 from node:crypto.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - recipients or passphrase, and whether to armor.
 * @returns a Transform: write plaintext, read the age file.
 * @throws CryptoError `ERR_CRYPTO_AGE_KEY_INVALID` for a malformed recipient;
 *   TypeError when neither or both of recipients and passphrase are given,
 *   or `armor` is not a boolean.
 * @example Encrypt a database dump to the backup recipient.
 * ```ts
 * await pipeline(createReadStream('db.dump'), createBackupEncryptStream({ recipients: [recipient] }), createWriteStream('db.dump.age'));
 * ```
 */
export function createBackupEncryptStream(options: BackupEncryptOptions): Transform {
  const recipients = options.recipients ?? [];
  if ((options.passphrase !== undefined) === recipients.length > 0) {
    throw new TypeError('give either recipients or a passphrase (exactly one of them)');
  }
  const logN = options.scryptLogN ?? DEFAULT_SCRYPT_LOG_N;
  if (!Number.isInteger(logN) || logN < 1 || logN > DEFAULT_MAX_SCRYPT_LOG_N) {
    throw new RangeError('scryptLogN must be an integer from 1 to 20');
  }
  if (options.armor !== undefined && typeof options.armor !== 'boolean') {
    throw new TypeError('armor must be a boolean');
  }
  return new AgeEncryptTransform(options);
}

/* ------------------------------------------------------------------ */
/* Decryption                                                          */
/* ------------------------------------------------------------------ */

/** Options of {@link createBackupDecryptStream} and {@link decryptBackup}. */
export interface BackupDecryptOptions {
  /** X25519 identities (`AGE-SECRET-KEY-1...`). */
  readonly identities?: readonly string[];
  /** A passphrase for scrypt-encrypted files. */
  readonly passphrase?: string | Uint8Array;
  /**
   * Largest accepted scrypt log2(N) (bounds CPU and memory: 2^20 needs 1 GiB);
   * default 20, at most 22 (as `age`). `age` itself encrypts with 18.
   */
  readonly maxScryptLogN?: number;
}

function truncated(where: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_AGE_TRUNCATED', `age file is truncated (${where})`);
}

function payloadFailed(): CryptoError {
  return new CryptoError(
    'ERR_CRYPTO_AGE_PAYLOAD_FAILED',
    'age payload authentication failed (the file is corrupted or truncated)',
  );
}

class AgeDecryptTransform extends ChunkedTransform {
  private readonly queue = new ByteQueue();
  private state: 'header' | 'nonce' | 'payload' | 'done' = 'header';
  private fileKey: Uint8Array | undefined;
  private payloadKey: Uint8Array | undefined;
  private counter = 0;
  private readonly nonce = Buffer.alloc(12);
  /** The armor decoder once the input turned out armored; null for binary; undefined before the first byte. */
  private armor: ArmorDecoder | null | undefined;
  private readonly scalars: Uint8Array[];
  private readonly passphrase: Uint8Array | undefined;
  private readonly maxLogN: number;

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.payloadKey?.fill(0);
    this.fileKey?.fill(0);
    cb(err);
  }

  constructor(options: BackupDecryptOptions) {
    // One chunk per side, as in the encryptor.
    super({ writableHighWaterMark: SEALED_CHUNK, readableHighWaterMark: CHUNK });
    this.scalars = (options.identities ?? []).map(decodeIdentity);
    this.passphrase = options.passphrase === undefined ? undefined : utf8Bytes(options.passphrase);
    this.maxLogN = options.maxScryptLogN ?? DEFAULT_MAX_SCRYPT_LOG_N;
  }

  /**
   * Opens one sealed chunk given as views (no copy of the ciphertext);
   * returns the plaintext pieces, or undefined when authentication fails.
   */
  private open(sealed: readonly Buffer[], last: boolean): Buffer[] | undefined {
    const d = createDecipheriv(
      'chacha20-poly1305',
      this.payloadKey as Uint8Array,
      setChunkNonce(this.nonce, this.counter, last),
      { authTagLength: TAG },
    );
    let total = 0;
    for (const p of sealed) total += p.length;
    const ctLen = total - TAG;
    const out: Buffer[] = [];
    const tagParts: Buffer[] = [];
    let off = 0;
    for (const p of sealed) {
      const ctEnd = Math.max(0, Math.min(p.length, ctLen - off));
      if (ctEnd > 0) out.push(d.update(p.subarray(0, ctEnd)));
      if (ctEnd < p.length) tagParts.push(p.subarray(ctEnd));
      off += p.length;
    }
    d.setAuthTag(tagParts.length === 1 ? (tagParts[0] as Buffer) : Buffer.concat(tagParts, TAG));
    try {
      d.final();
    } catch {
      for (const o of out) o.fill(0);
      return undefined;
    }
    return out;
  }

  private pushAll(parts: readonly Buffer[]): void {
    for (const p of parts) this.pushChunk(p);
  }

  /** Bytes of the header scanned so far, and the start of the current line. */
  private scanned = 0;
  private lineHead = '';
  private headerEnd = -1;

  /** Scans newly queued bytes for the end of the MAC line (linear in the input). */
  private scanHeader(chunk: Buffer): void {
    for (let i = 0; i < chunk.length && this.headerEnd < 0; i++) {
      const b = chunk[i] as number;
      if (b === 0x0a) {
        if (this.lineHead === '---') this.headerEnd = this.scanned + i + 1;
        this.lineHead = '';
      } else if (this.lineHead.length < 3) {
        this.lineHead += String.fromCharCode(b);
      }
    }
    this.scanned += chunk.length;
  }

  private async advance(final: boolean): Promise<void> {
    if (this.state === 'header') {
      if (this.headerEnd < 0) {
        if (this.queue.length > MAX_HEADER_BYTES) {
          throw new CryptoError(
            'ERR_CRYPTO_AGE_HEADER_INVALID',
            'invalid age header: larger than 1 MiB',
          );
        }
        if (final) {
          if (this.queue.length === 0) throw truncated('empty input');
          const prefix = 'age-encryption.org/v1\n';
          const all = this.queue.peekAll();
          const head = all.subarray(0, Math.min(all.length, prefix.length)).toString('latin1');
          if (!prefix.startsWith(head)) {
            throw new CryptoError(
              'ERR_CRYPTO_AGE_HEADER_INVALID',
              'invalid age header: not an age v1 file',
            );
          }
          throw truncated('inside the header');
        }
        return;
      }
      const header = parseHeader(this.queue.take(this.headerEnd));
      this.fileKey = await unwrapFileKey(header, {
        x25519Scalars: this.scalars,
        passphrase: this.passphrase,
        maxWorkFactor: this.maxLogN,
      });
      this.state = 'nonce';
    }
    if (this.state === 'nonce') {
      if (this.queue.length < 16) {
        if (final) throw truncated('missing payload nonce');
        return;
      }
      this.payloadKey = hkdf32(this.fileKey as Uint8Array, this.queue.take(16), 'payload');
      (this.fileKey as Uint8Array).fill(0);
      this.state = 'payload';
    }
    if (this.state === 'payload' && final) this.finish();
  }

  /** Decrypts the next complete chunk, which is surely not the last (more bytes follow). */
  private openNext(): void {
    const sealed = this.queue.takeParts(SEALED_CHUNK);
    const plain = this.open(sealed, false);
    if (plain === undefined) {
      if (this.open(sealed, true) !== undefined) {
        throw new CryptoError(
          'ERR_CRYPTO_AGE_TRAILING_DATA',
          'age file has trailing data after its last chunk',
        );
      }
      throw payloadFailed();
    }
    this.counter++;
    this.pushAll(plain);
  }

  /** Decrypts queued chunks while the consumer wants them (synchronous: no promise per write). */
  protected pump(): boolean {
    while (this.queue.length > SEALED_CHUNK) {
      if (!this.wantsMore) return false;
      this.openNext();
    }
    return true;
  }

  /** At the end of the input: the remaining chunks, the last one flagged as last. */
  private finish(): void {
    while (this.queue.length > SEALED_CHUNK) this.openNext();
    const rest = this.queue.length;
    if (rest === 0 && this.counter > 0) throw truncated('the last chunk is missing');
    if (rest < TAG) throw truncated('inside a chunk');
    if (rest === TAG && this.counter > 0) throw payloadFailed();
    const sealed = this.queue.takeParts(rest);
    const plain = this.open(sealed, true);
    if (plain === undefined) {
      // A full chunk that authenticates as a non-last chunk: the file was
      // cut at a chunk boundary.
      if (rest === SEALED_CHUNK && this.open(sealed, false) !== undefined) {
        throw truncated('the last chunk is missing');
      }
      throw payloadFailed();
    }
    this.pushAll(plain);
    (this.payloadKey as Uint8Array).fill(0);
    this.state = 'done';
  }

  /** Binary file bytes of a write: the write itself, or what its armor lines decode to. */
  private fileBytes(raw: Buffer): Buffer {
    if (this.armor === undefined && raw.length > 0) {
      // A binary age file starts with "age-"; armor with "-----BEGIN" (after optional whitespace).
      const c = raw[0] as number;
      this.armor =
        c === 0x2d || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
          ? new ArmorDecoder()
          : null;
    }
    if (this.armor === undefined || this.armor === null) return raw;
    const parts = this.armor.push(raw);
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback): void {
    let buf: Buffer;
    try {
      buf = this.fileBytes(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    } catch (e) {
      cb(e as Error);
      return;
    }
    if (this.state === 'header') this.scanHeader(buf);
    this.queue.push(buf);
    if (this.state === 'payload') {
      this.work(cb);
      return;
    }
    this.advance(false).then(
      () => {
        if (this.state === 'payload') this.work(cb);
        else cb();
      },
      (e: unknown) => cb(e as Error),
    );
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.armor?.end();
    } catch (e) {
      cb(e as Error);
      return;
    }
    this.advance(true).then(
      () => cb(),
      (e: unknown) => cb(e as Error),
    );
  }
}

/**
 * Creates a Node `Transform` that decrypts an age v1 file (binary, or ASCII
 * armored as `age -a` writes it, told apart by its first byte) with X25519
 * identities and/or a passphrase, in bounded memory.
 * Plaintext of a chunk is released only after that chunk authenticated; a
 * truncated or corrupted file errors the stream, so consumers must treat
 * already-written output as untrusted until the stream finishes.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - identities and/or passphrase, and the scrypt work limit.
 * @returns a Transform: write the age file, read plaintext.
 * @throws (as stream errors) CryptoError `ERR_CRYPTO_AGE_HEADER_INVALID`,
 *   `ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED` (wrong key), `ERR_CRYPTO_AGE_TRUNCATED`,
 *   `ERR_CRYPTO_AGE_TRAILING_DATA`, `ERR_CRYPTO_AGE_PAYLOAD_FAILED`,
 *   `ERR_CRYPTO_AGE_WORK_FACTOR`; synchronously `ERR_CRYPTO_AGE_KEY_INVALID`
 *   for a malformed identity.
 * @example Restore a backup.
 * ```ts
 * await pipeline(createReadStream('db.dump.age'), createBackupDecryptStream({ identities: [identity] }), createWriteStream('db.dump'));
 * ```
 */
export function createBackupDecryptStream(options: BackupDecryptOptions): Transform {
  if ((options.identities ?? []).length === 0 && options.passphrase === undefined) {
    throw new TypeError('give at least one identity or a passphrase');
  }
  const max = options.maxScryptLogN ?? DEFAULT_MAX_SCRYPT_LOG_N;
  if (!Number.isInteger(max) || max < 1 || max > MAX_SCRYPT_LOG_N)
    throw new RangeError('maxScryptLogN must be 1..22');
  return new AgeDecryptTransform(options);
}

async function runTransform(t: Transform, input: Uint8Array): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  return await new Promise<Uint8Array>((resolve, reject) => {
    t.on('data', (d: Buffer) => parts.push(d));
    t.on('error', reject);
    t.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
    t.end(Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  });
}

/**
 * Encrypts bytes to an age v1 file in memory (for small inputs; use
 * {@link createBackupEncryptStream} for files).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param plaintext - the bytes to encrypt.
 * @param options - recipients or passphrase.
 * @returns the age file bytes.
 * @throws CryptoError `ERR_CRYPTO_AGE_KEY_INVALID`; TypeError / RangeError for bad options.
 * @example Encrypt a small secret to a recipient.
 * ```ts
 * const file = await encryptBackup(bytes, { recipients: [recipient] });
 * ```
 */
export async function encryptBackup(
  plaintext: Uint8Array,
  options: BackupEncryptOptions,
): Promise<Uint8Array> {
  if (!(plaintext instanceof Uint8Array)) throw new TypeError('plaintext must be a Uint8Array');
  return await runTransform(createBackupEncryptStream(options), plaintext);
}

/**
 * Decrypts an age v1 file held in memory.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param file - the age file bytes.
 * @param options - identities and/or passphrase.
 * @returns the plaintext.
 * @throws CryptoError with the codes listed on {@link createBackupDecryptStream}.
 * @example Decrypt with an identity.
 * ```ts
 * const bytes = await decryptBackup(file, { identities: [identity] });
 * ```
 */
export async function decryptBackup(
  file: Uint8Array,
  options: BackupDecryptOptions,
): Promise<Uint8Array> {
  if (!(file instanceof Uint8Array)) throw new TypeError('file must be a Uint8Array');
  return await runTransform(createBackupDecryptStream(options), file);
}

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CryptoError,
  createBackupDecryptStream,
  createBackupEncryptStream,
  parseAgeIdentityFile,
} from '@palisade/crypto';
import type { Command } from '../command.ts';
import { parseCommandArgs, subcommandError, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const usage = `Usage: palisade backup encrypt (-r <age1...>)... [-a] [-o <out>] [<file>]
       palisade backup encrypt --passphrase-env <VAR> [--work-factor <n>] [-a] [-o <out>] [<file>]
       palisade backup decrypt (-i <identity-file>)... [-o <out>] [<file>]
       palisade backup decrypt --passphrase-env <VAR> [-o <out>] [<file>]

Encrypts and decrypts backups in the age v1 format (https://age-encryption.org/v1),
interoperable with the age and age-keygen commands. Streams <file> (default:
standard input) to <out> (default: standard output) in 64 KiB chunks.

  -r, --recipient <age1...>   encrypt to this X25519 recipient (repeatable)
  -i, --identity <file>       decrypt with the identities in this file (as
                              written by age-keygen; repeatable)
  --passphrase-env <VAR>      use the passphrase in environment variable VAR
                              (scrypt recipient)
  --work-factor <n>           scrypt log2(N) when encrypting (default 18, at most 20)
  -a, --armor                 encrypt to the ASCII (PEM) armor of age -a; decrypt
                              reads armored and binary files alike
  -o, --output <out>          write here instead of standard output; a failed
                              decryption leaves no partial file behind

Exit codes: 0 ok; 1 wrong key, truncated or corrupted file, bad header;
2 usage error.`;

interface Parsed {
  readonly values: {
    recipient?: string[] | undefined;
    identity?: string[] | undefined;
    'passphrase-env'?: string | undefined;
    'work-factor'?: string | undefined;
    armor?: boolean | undefined;
    output?: string | undefined;
  };
  readonly positionals: string[];
}

const FRIENDLY: Partial<Record<string, string>> = {
  ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED: 'wrong key: no identity or passphrase matches this file',
  ERR_CRYPTO_AGE_TRUNCATED: 'the file is truncated',
  ERR_CRYPTO_AGE_HEADER_INVALID: 'bad header: this is not a valid age v1 file',
  ERR_CRYPTO_AGE_TRAILING_DATA: 'the file has trailing data after the encrypted payload',
  ERR_CRYPTO_AGE_PAYLOAD_FAILED:
    'the file is corrupted or truncated (payload authentication failed)',
  ERR_CRYPTO_AGE_WORK_FACTOR: 'the scrypt work factor of this file is above the allowed maximum',
  ERR_CRYPTO_AGE_KEY_INVALID: 'invalid key',
};

function isWritable(x: unknown): x is NodeJS.WritableStream {
  return x instanceof Writable;
}

/**
 * `palisade backup encrypt|decrypt`: age v1 backups with X25519 recipients
 * or a passphrase, streamed with bounded memory. Exit 0 ok; 1 wrong key,
 * truncated or corrupted file, bad header; 2 usage.
 *
 * @example Encrypt a dump to a recipient.
 * ```ts
 * const code = await backupCommand.run(['encrypt', '-r', recipient, '-o', 'db.age', 'db.dump'], io, { json: false });
 * ```
 */
export const backupCommand: Command = {
  name: 'backup',
  summary:
    'Encrypt or decrypt backups in the age format (X25519 recipients or a passphrase), streaming',
  usage,
  async run(args: readonly string[], io: CliIO, flags): Promise<number> {
    const parsed: Parsed = parseCommandArgs({
      args: [...args],
      options: {
        recipient: { type: 'string', short: 'r', multiple: true },
        identity: { type: 'string', short: 'i', multiple: true },
        'passphrase-env': { type: 'string' },
        'work-factor': { type: 'string' },
        armor: { type: 'boolean', short: 'a' },
        output: { type: 'string', short: 'o' },
      },
      allowPositionals: true,
    });
    const [mode, file, ...extra] = parsed.positionals;
    if (mode !== 'encrypt' && mode !== 'decrypt') {
      throw subcommandError(mode, ['encrypt', 'decrypt']);
    }
    if (extra.length > 0) throw new UsageError('give at most one input file');
    const cwd = io.cwd ?? process.cwd();
    const v = parsed.values;
    const recipients = v.recipient ?? [];
    const identityFiles = v.identity ?? [];
    let passphrase: string | undefined;
    if (v['passphrase-env'] !== undefined) {
      passphrase = io.env[v['passphrase-env']];
      if (passphrase === undefined || passphrase === '') {
        throw new UsageError(`environment variable ${v['passphrase-env']} is not set or empty`);
      }
    }
    if (mode === 'encrypt') {
      if (identityFiles.length > 0)
        throw new UsageError('encrypt takes -r recipients, not -i identities');
      if (recipients.length > 0 === (passphrase !== undefined)) {
        throw new UsageError('encrypt needs either -r <recipient>... or --passphrase-env <VAR>');
      }
    } else {
      if (recipients.length > 0)
        throw new UsageError('decrypt takes -i identity files, not -r recipients');
      if (identityFiles.length === 0 && passphrase === undefined) {
        throw new UsageError('decrypt needs -i <identity-file> or --passphrase-env <VAR>');
      }
      if (v['work-factor'] !== undefined)
        throw new UsageError('--work-factor applies to encrypt only');
      if (v.armor === true)
        throw new UsageError(
          '--armor applies to encrypt only (decrypt reads armored files as they are)',
        );
    }
    let logN: number | undefined;
    if (v['work-factor'] !== undefined) {
      logN = Number(v['work-factor']);
      if (!/^[0-9]{1,2}$/.test(v['work-factor']) || logN < 1 || logN > 20) {
        throw new UsageError('--work-factor must be an integer from 1 to 20');
      }
    }
    if (v.output === undefined && !isWritable(io.stdout)) {
      throw new UsageError('standard output cannot take binary data here; pass -o <file>');
    }
    if (v.output === undefined && flags.json)
      throw new UsageError('--json needs -o <file> (stdout carries the data)');
    if (file === undefined && io.stdin === undefined)
      throw new UsageError('no input: give a file or pipe to stdin');

    const fail = (e: unknown): number => {
      if (CryptoError.isInstance(e)) {
        const text = FRIENDLY[e.code] ?? e.message;
        if (flags.json) writeJson(io, { ok: false, code: e.code, error: text });
        io.stderr.write(`palisade backup ${mode}: ${text} (${e.code})\n`);
        return EXIT.FINDINGS;
      }
      const code = (e as { code?: unknown }).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
        io.stderr.write(`palisade backup ${mode}: ${(e as Error).message}\n`);
        return EXIT.FINDINGS;
      }
      throw e;
    };

    const armor = v.armor === true;
    let transform: ReturnType<typeof createBackupEncryptStream>;
    try {
      if (mode === 'encrypt') {
        transform = createBackupEncryptStream(
          passphrase !== undefined
            ? { passphrase, ...(logN === undefined ? {} : { scryptLogN: logN }), armor }
            : { recipients, armor },
        );
      } else {
        const identities: string[] = [];
        for (const f of identityFiles)
          identities.push(...parseAgeIdentityFile(await readFile(resolve(cwd, f), 'utf8')));
        transform = createBackupDecryptStream({
          identities,
          ...(passphrase === undefined ? {} : { passphrase }),
        });
      }
    } catch (e) {
      return fail(e);
    }

    const input =
      file === undefined || file === '-'
        ? (io.stdin as NodeJS.ReadableStream)
        : createReadStream(resolve(cwd, file));
    if (v.output === undefined) {
      try {
        await pipeline(input, transform, io.stdout as NodeJS.WritableStream, { end: false });
      } catch (e) {
        return fail(e);
      }
      return EXIT.OK;
    }
    // Write to a temporary name and rename on success: a failed decryption
    // leaves no partial (unauthenticated) plaintext behind.
    const out = resolve(cwd, v.output);
    const tmp = join(dirname(out), `.${randomBytes(6).toString('hex')}.palisade-partial`);
    let bytes = 0;
    transform.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    try {
      await pipeline(input, transform, createWriteStream(tmp, { mode: 0o600 }));
      await rename(tmp, out);
    } catch (e) {
      await rm(tmp, { force: true });
      return fail(e);
    }
    if (flags.json) writeJson(io, { ok: true, mode, output: v.output, bytes });
    else io.stderr.write(`palisade backup ${mode}: wrote ${bytes} bytes to ${v.output}\n`);
    return EXIT.OK;
  },
};

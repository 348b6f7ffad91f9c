// The age v1 header: stanzas, the X25519 and scrypt recipient types, and the header MAC.
// Specification: https://age-encryption.org/v1 (C2SP age).
import { CryptoError } from '../errors.ts';
import {
  equalBytes,
  fromB64RawStrict,
  hmacSha256Parts,
  randomBytesInternal,
  toB64Raw,
  utf8Bytes,
} from '../internal/extras-primitives.ts';
import {
  chachaOpen,
  chachaSeal,
  hkdf32,
  scryptAsync,
  x25519,
  x25519Ephemeral,
  x25519PrivateKey,
  x25519PublicFromPrivate,
} from './primitives.ts';

export const VERSION_LINE = 'age-encryption.org/v1';
export const MAX_HEADER_BYTES: number = 1024 * 1024;
const ZERO_NONCE = new Uint8Array(12);
const X25519_INFO = 'age-encryption.org/v1/X25519';
const SCRYPT_LABEL = 'age-encryption.org/v1/scrypt';

export interface Stanza {
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

function headerError(detail: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_AGE_HEADER_INVALID', `invalid age header: ${detail}`);
}

function encodeStanza(s: Stanza): string {
  let out = `-> ${s.args.join(' ')}\n`;
  const b64 = toB64Raw(s.body);
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  if (b64.length % 64 === 0) out += '\n';
  return out;
}

/** The header text up to and including `---` (the MAC input). */
export function headerMacInput(stanzas: readonly Stanza[]): string {
  return `${VERSION_LINE}\n${stanzas.map(encodeStanza).join('')}---`;
}

export function headerMac(fileKey: Uint8Array, macInput: string): Uint8Array {
  const macKey = hkdf32(fileKey, new Uint8Array(0), 'header');
  return hmacSha256Parts(macKey, macInput);
}

export function x25519Stanza(recipient: Uint8Array, fileKey: Uint8Array): Stanza {
  const eph = x25519Ephemeral();
  const share = x25519PublicFromPrivate(eph);
  const shared = x25519(eph, recipient);
  if (shared === undefined) {
    throw new CryptoError('ERR_CRYPTO_AGE_KEY_INVALID', 'age recipient is a low-order point');
  }
  const salt = new Uint8Array(64);
  salt.set(share, 0);
  salt.set(recipient, 32);
  const wrapKey = hkdf32(shared, salt, X25519_INFO);
  return { args: ['X25519', toB64Raw(share)], body: chachaSeal(wrapKey, ZERO_NONCE, fileKey) };
}

export async function scryptStanza(
  passphrase: Uint8Array,
  fileKey: Uint8Array,
  logN: number,
): Promise<Stanza> {
  const salt = randomBytesInternal(16);
  const key = await scryptAsync(passphrase, concatLabel(SCRYPT_LABEL, salt), logN);
  return {
    args: ['scrypt', toB64Raw(salt), String(logN)],
    body: chachaSeal(key, ZERO_NONCE, fileKey),
  };
}

function concatLabel(label: string, salt: Uint8Array): Uint8Array {
  const l = utf8Bytes(label);
  const out = new Uint8Array(l.length + salt.length);
  out.set(l, 0);
  out.set(salt, l.length);
  return out;
}

const ARG_RE = /^[\x21-\x7e]+$/;

export interface ParsedHeader {
  readonly stanzas: readonly Stanza[];
  readonly macInput: string;
  readonly mac: Uint8Array;
}

/** Parses a complete header (bytes up to and including the MAC line's newline). */
export function parseHeader(bytes: Uint8Array): ParsedHeader {
  for (const b of bytes) {
    if (b !== 0x0a && (b < 0x20 || b > 0x7e)) throw headerError('non-ASCII byte');
  }
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.split('\n');
  lines.pop(); // the empty string after the final newline
  if (lines[0] !== VERSION_LINE) throw headerError('not an age v1 file');
  const stanzas: Stanza[] = [];
  let i = 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined) throw headerError('missing MAC line');
    if (line.startsWith('---')) break;
    if (!line.startsWith('-> ')) throw headerError('expected a stanza');
    const args = line.slice(3).split(' ');
    if (args.some((a) => !ARG_RE.test(a))) throw headerError('bad stanza argument');
    i++;
    let b64 = '';
    for (;;) {
      const bl = lines[i];
      if (bl === undefined) throw headerError('unterminated stanza body');
      if (bl.length > 64) throw headerError('stanza body line too long');
      b64 += bl;
      i++;
      if (bl.length < 64) break;
    }
    const body = fromB64RawStrict(b64);
    if (body === undefined) throw headerError('stanza body is not canonical base64');
    stanzas.push({ args, body });
  }
  if (i !== lines.length - 1) throw headerError('data after the MAC line');
  const macLine = lines[i] as string;
  if (!macLine.startsWith('--- ')) throw headerError('bad MAC line');
  const mac = fromB64RawStrict(macLine.slice(4));
  if (mac === undefined || mac.length !== 32) throw headerError('bad MAC encoding');
  if (stanzas.length === 0) throw headerError('no recipient stanzas');
  const macInput = text.slice(0, text.length - macLine.length - 1 + 3);
  return { stanzas, macInput, mac };
}

/** What can unwrap a file key: X25519 scalars and/or a passphrase. */
export interface Unwrappers {
  readonly x25519Scalars: readonly Uint8Array[];
  readonly passphrase: Uint8Array | undefined;
  readonly maxWorkFactor: number;
}

/** Recovers and authenticates the 16-byte file key, or throws a typed error. */
export async function unwrapFileKey(header: ParsedHeader, u: Unwrappers): Promise<Uint8Array> {
  const hasScrypt = header.stanzas.some((s) => s.args[0] === 'scrypt');
  if (hasScrypt && header.stanzas.length !== 1) {
    throw headerError('an scrypt stanza must be the only stanza');
  }
  const privs = u.x25519Scalars.map((s) => {
    const k = x25519PrivateKey(s);
    return { k, pub: x25519PublicFromPrivate(k) };
  });
  for (const s of header.stanzas) {
    const type = s.args[0];
    if (type === 'X25519') {
      if (s.args.length !== 2) throw headerError('bad X25519 stanza');
      const share = fromB64RawStrict(s.args[1] as string);
      if (share === undefined || share.length !== 32 || s.body.length !== 32) {
        throw headerError('bad X25519 stanza');
      }
      for (const { k, pub } of privs) {
        const shared = x25519(k, share);
        if (shared === undefined) throw headerError('X25519 share is a low-order point');
        const salt = new Uint8Array(64);
        salt.set(share, 0);
        salt.set(pub, 32);
        const fileKey = chachaOpen(hkdf32(shared, salt, X25519_INFO), ZERO_NONCE, s.body);
        if (fileKey !== undefined) return checkMac(header, new Uint8Array(fileKey));
      }
    } else if (type === 'scrypt') {
      if (s.args.length !== 3) throw headerError('bad scrypt stanza');
      const salt = fromB64RawStrict(s.args[1] as string);
      const wf = s.args[2] as string;
      if (
        salt === undefined ||
        salt.length !== 16 ||
        !/^[1-9][0-9]?$/.test(wf) ||
        s.body.length !== 32
      ) {
        throw headerError('bad scrypt stanza');
      }
      if (u.passphrase === undefined) continue;
      const logN = Number(wf);
      if (logN > u.maxWorkFactor) {
        throw new CryptoError(
          'ERR_CRYPTO_AGE_WORK_FACTOR',
          `scrypt work factor 2^${logN} exceeds the allowed maximum 2^${u.maxWorkFactor}`,
        );
      }
      let key: Uint8Array;
      try {
        key = await scryptAsync(u.passphrase, concatLabel(SCRYPT_LABEL, salt), logN);
      } catch {
        throw new CryptoError(
          'ERR_CRYPTO_AGE_WORK_FACTOR',
          `scrypt could not run with work factor 2^${logN} (not enough memory?)`,
        );
      }
      const fileKey = chachaOpen(key, ZERO_NONCE, s.body);
      if (fileKey !== undefined) return checkMac(header, new Uint8Array(fileKey));
    }
    // Unknown stanza types (including grease) are ignored, as the spec requires.
  }
  throw new CryptoError(
    'ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED',
    'no identity or passphrase matched any recipient of this age file (wrong key?)',
  );
}

function checkMac(header: ParsedHeader, fileKey: Uint8Array): Uint8Array {
  if (fileKey.length !== 16) throw headerError('wrapped file key has the wrong length');
  if (!equalBytes(headerMac(fileKey, header.macInput), header.mac)) {
    throw headerError('header MAC mismatch (the header was modified)');
  }
  return fileKey;
}

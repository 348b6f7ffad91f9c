import { base62Decode, base64ToLatin1, crc32Ascii, isPrintableAscii } from '../engine/checks.ts';

/**
 * GitHub (`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`) and npm (`npm_`) tokens: a 4-char
 * prefix, 30 random base62 chars, then the CRC-32 of those 30 chars in
 * base62, left-padded to 6 chars.
 */
export function validGithubChecksum(token: string): boolean {
  if (token.length !== 40) return false;
  const body = token.slice(4, 34);
  return base62Decode(token.slice(34)) === crc32Ascii(body);
}

/**
 * Palisade tokens: `<prefix>_<43 base62><6 base62 check>`, check = CRC-32 of
 * the ASCII `<prefix>_<body>`, base62 left-padded to 6.
 */
export function validPalisadeChecksum(token: string): boolean {
  const us = token.lastIndexOf('_');
  if (us < 3 || token.length - us - 1 !== 49) return false;
  const signed = token.slice(0, us + 44);
  return base62Decode(token.slice(us + 44)) === crc32Ascii(signed);
}

/** A JWT whose header is base64url JSON with an `alg` member and whose payload is JSON. */
export function validJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 && parts.length !== 5) return false;
  const header = decodeJson(parts[0] as string);
  if (header === null || typeof header['alg'] !== 'string') return false;
  if (parts.length === 5) return typeof header['enc'] === 'string';
  const payload = decodeJson(parts[1] as string);
  if (payload === null) return false;
  const alg = header['alg'];
  return alg === 'none' || (parts[2] as string).length >= 16;
}

function decodeJson(part: string): Record<string, unknown> | null {
  const pad = part.length % 4 === 0 ? part : part + '='.repeat(4 - (part.length % 4));
  const raw = base64ToLatin1(pad);
  if (raw === null) return null;
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** `Basic <b64>` credentials: base64 of printable `user:password` with a non-empty password. */
export function validBasicCredentials(b64: string): boolean {
  const raw = base64ToLatin1(b64);
  if (raw === null || !isPrintableAscii(raw)) return false;
  const i = raw.indexOf(':');
  return i >= 0 && raw.length - i - 1 >= 1;
}

/** Docker `auth` entries: base64 of `user:password`. */
export const validDockerAuth: (b64: string) => boolean = validBasicCredentials;

/** ADO.NET: the `Password=` key sits in a `key=value;` connection string. */
export function validAdoNetContext(_s: string, text: string, start: number): boolean {
  const lineStart = Math.max(text.lastIndexOf('\n', start) + 1, start - 400);
  const before = text.slice(lineStart, start);
  return (
    before.includes(';') &&
    /(?:server|data source|host|user id|uid|initial catalog|database|provider|address)\s*=/i.test(
      before,
    )
  );
}

/** Age X25519 secret keys are Bech32 with 58 data+checksum characters; verify the checksum. */
export function validBech32Upper(s: string): boolean {
  const lower = s.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1) return false;
  const hrp = lower.slice(0, sep);
  const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
  const data: number[] = [];
  for (const ch of lower.slice(sep + 1)) {
    const d = CHARSET.indexOf(ch);
    if (d < 0) return false;
    data.push(d);
  }
  const values: number[] = [];
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) >> 5);
  values.push(0);
  for (let i = 0; i < hrp.length; i++) values.push(hrp.charCodeAt(i) & 31);
  const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of [...values, ...data]) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= GEN[i] as number;
  }
  return chk === 1;
}

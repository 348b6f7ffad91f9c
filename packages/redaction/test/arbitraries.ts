// Realistic fake secrets and the texts, objects and contexts that carry them,
// shared by the redaction property tests. The secrets follow the providers'
// documented formats (including GitHub's CRC-32 check digits) so the
// properties exercise the real scanner, not a stub.
import { crc32 } from 'node:zlib';
import fc from 'fast-check';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE32_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const chars = (alphabet: string, min: number, max = min): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max })
    .map((a) => a.join(''));

function base62(value: number, width: number): string {
  let out = '';
  let v = value;
  while (v > 0) {
    out = (BASE62[v % 62] as string) + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/** An AWS access key id: `AKIA` + 16 base32 characters. */
export const arbAwsKeyId = (): fc.Arbitrary<string> =>
  chars(BASE32_UPPER, 16).map((s) => `AKIA${s}`);

/** A GitHub classic PAT from a 30-character base62 body (with its CRC-32 check digits). */
export function githubToken(body: string): string {
  return `ghp_${body}${base62(crc32(body), 6)}`;
}

/** A GitHub classic PAT: `ghp_` + 30 base62 + CRC-32 of those 30 in base62 (6). */
export const arbGithubToken = (): fc.Arbitrary<string> => chars(BASE62, 30).map(githubToken);

/** A password with letters and digits (at least 12 characters). */
export const arbPassword = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      chars('abcdefghjkmnpqrstuvwxyz', 5, 8),
      chars('23456789', 3, 4),
      chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 4, 6),
    )
    .map(([a, b, c]) => `${a}${b}${c}`);

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A PEM private key block (several 64-character base64 lines). */
export const arbPemKey = (): fc.Arbitrary<string> =>
  fc
    .array(chars(BASE64, 64), { minLength: 2, maxLength: 6 })
    .map((lines) => `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`);

/** A secret in the sentence that typically carries it. */
export interface PlantedSecret {
  /** The exact secret bytes. */
  readonly secret: string;
  /** The text around it, e.g. `aws_access_key_id = AKIA...`. */
  readonly line: string;
}

/** One of several realistic secret-bearing lines. */
export const arbPlanted = (): fc.Arbitrary<PlantedSecret> =>
  fc.oneof(
    arbAwsKeyId().map((s) => ({ secret: s, line: `aws_access_key_id = ${s}` })),
    arbAwsKeyId().map((s) => ({ secret: s, line: `export AWS_ACCESS_KEY_ID=${s}` })),
    arbGithubToken().map((s) => ({ secret: s, line: `// TODO remove: token ${s}` })),
    arbGithubToken().map((s) => ({
      secret: s,
      line: `git clone https://${s}@github.com/acme/app.git`,
    })),
    arbPassword().map((s) => ({ secret: s, line: `password=${s}` })),
    arbPassword().map((s) => ({
      secret: s,
      line: `DATABASE_URL=postgres://app:${s}@db.internal:5432/app`,
    })),
  );

/** Like {@link arbPlanted}, sometimes a multi-line PEM private key. */
export const arbPlantedMultiline = (): fc.Arbitrary<PlantedSecret> =>
  fc.oneof(
    { weight: 4, arbitrary: arbPlanted() },
    { weight: 1, arbitrary: arbPemKey().map((k) => ({ secret: k, line: k })) },
  );

const WORDS = [
  'INFO',
  'WARN',
  'request',
  'GET',
  '/api/v1/users',
  'took',
  '12ms',
  'status=200',
  'user_id=42',
  'retrying',
  'connection',
  'ok',
  'cache',
  'miss',
  'key=ctrl+shift+down',
  'sha=3f786850e387550fdab836ed7e6dc881de23001b',
  'id=550e8400-e29b-41d4-a716-446655440000',
  'const',
  'x',
  '=',
  'process.env.API_TOKEN',
  '$' + '{SECRET}',
  '{',
  '}',
  'é',
  '日本',
  '😀',
];

/** A filler line without secrets: log words, code, unicode. */
export const arbFillerLine = (): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 10 }).map((w) => w.join(' '));

/** A multi-line document with planted secrets among filler lines. */
export interface Doc {
  readonly text: string;
  readonly secrets: readonly string[];
}

/** A document of filler lines with 0-4 planted secrets (sometimes PEM blocks). */
export const arbDoc = (filler: fc.Arbitrary<string> = arbFillerLine()): fc.Arbitrary<Doc> =>
  fc
    .tuple(
      fc.array(filler, { minLength: 0, maxLength: 8 }),
      fc.array(arbPlantedMultiline(), { minLength: 0, maxLength: 4 }),
      fc.boolean(),
    )
    .chain(([filler, planted, trailingNewline]) =>
      fc
        .shuffledSubarray([...filler.map((l) => ({ line: l })), ...planted], {
          minLength: filler.length + planted.length,
        })
        .map((lines) => ({
          text: lines.map((l) => l.line).join('\n') + (trailingNewline ? '\n' : ''),
          secrets: planted.map((p) => p.secret),
        })),
    );

/** A filler line that may be far longer than a small stream window. */
export const arbLongFillerLine = (): fc.Arbitrary<string> =>
  fc.oneof(
    arbFillerLine(),
    fc.array(fc.constantFrom(...WORDS), { minLength: 50, maxLength: 200 }).map((w) => w.join(' ')),
    fc
      .array(fc.constantFrom('x', 'y', 'z'), { minLength: 300, maxLength: 900 })
      .map((w) => w.join('')),
  );

/** Cut points (sorted, unique) for splitting a text of length `n` into chunks. */
export const arbCuts = (n: number): fc.Arbitrary<number[]> =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: 12 })
    .map((cuts) => cuts.filter((c) => c < n).sort((a, b) => a - b));

/** Splits `text` at the given cut points. */
export function splitAt(text: string, cuts: readonly number[]): string[] {
  const out: string[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  out.push(text.slice(prev));
  return out;
}

/** A JSON-like log object carrying secrets in sensitive keys and in values. */
export const arbLogObject = (): fc.Arbitrary<{ value: unknown; secrets: string[] }> =>
  fc
    .tuple(arbPlanted(), arbPlanted(), arbFillerLine(), fc.integer(), fc.boolean())
    .map(([a, b, msg, n, flag]) => ({
      value: {
        level: 30,
        time: 1_700_000_000_000 + n,
        msg: `${msg} ${a.line}`,
        req: {
          method: 'GET',
          url: '/v1/items',
          headers: { authorization: `Bearer ${b.secret}`, 'user-agent': 'curl/8' },
        },
        items: [{ id: n, ok: flag, note: b.line }, [a.line, n]],
        usage: { total_tokens: Math.abs(n) },
      },
      secrets: [a.secret, b.secret],
    }));

/** A short alphanumeric string (for names, keys). */
export const arbWord = (): fc.Arbitrary<string> => chars(ALNUM, 1, 12);

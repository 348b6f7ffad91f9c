import {
  CryptoError,
  createToken,
  isWellFormedToken,
  parseToken,
  verifyToken,
} from '@palisade/crypto';
import type { Command } from '../command.ts';
import { parseCommandArgs, subcommandError, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const usage = `Usage: palisade token new [--prefix <pal...>] [--json]
       palisade token verify <token | -> --hash <stored-hash> [--json]

new     Issues a 256-bit token "<prefix>_<43 base62><6 base62 CRC-32>" and
        prints it ONCE, with the values to store: its SHA-256 storage hash and
        lookup id. Store only those; the token itself is never stored.
        --prefix must match ^pal[a-z0-9]{0,12}$ (default "pal"; e.g. "palk").
verify  Checks a presented token against a stored hash in constant time.
        Pass "-" to read the token from standard input (keeps it out of the
        process list and shell history). Exit 0 when it matches, 1 when not.`;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text;
}

/**
 * `palisade token new|verify`: issue prefixed, checksummed tokens and verify
 * them against their stored SHA-256 hash. Exit 0 ok, 1 no match, 2 usage.
 *
 * @example Run it with captured streams.
 * ```ts
 * const code = await tokenCommand.run(['new', '--prefix', 'palk'], io, { json: true });
 * ```
 */
export const tokenCommand: Command = {
  name: 'token',
  summary:
    'Issue a prefixed, checksummed 256-bit token (shown once) or verify one against its hash',
  usage,
  async run(args: readonly string[], io: CliIO, flags): Promise<number> {
    const parsed: {
      values: { prefix?: string | undefined; hash?: string | undefined };
      positionals: string[];
    } = parseCommandArgs({
      args: [...args],
      options: { prefix: { type: 'string' }, hash: { type: 'string' } },
      allowPositionals: true,
    });
    const [sub, ...rest] = parsed.positionals;
    if (sub === 'new') {
      if (rest.length > 0 || parsed.values.hash !== undefined)
        throw new UsageError('token new takes only --prefix');
      let issued: ReturnType<typeof createToken>;
      try {
        issued = createToken(
          parsed.values.prefix === undefined ? {} : { prefix: parsed.values.prefix },
        );
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(e.message);
        throw e;
      }
      if (flags.json) {
        writeJson(io, { token: issued.token, lookupId: issued.lookupId, hash: issued.hash });
      } else {
        io.stdout.write(
          `token:     ${issued.token}\nlookup id: ${issued.lookupId}\nhash:      ${issued.hash}\n\n` +
            'Copy the token now: it is shown once and cannot be recovered.\n' +
            'Store only the lookup id and the hash.\n',
        );
      }
      return EXIT.OK;
    }
    if (sub === 'verify') {
      if (rest.length !== 1)
        throw new UsageError('token verify takes exactly one token (or "-" for stdin)');
      const hash = parsed.values.hash;
      if (hash === undefined || !/^[0-9a-fA-F]{64}$/.test(hash)) {
        throw new UsageError('--hash <stored-hash> (64 hex characters) is required');
      }
      let token = rest[0] as string;
      if (token === '-') {
        if (io.stdin === undefined)
          throw new UsageError('no standard input to read the token from');
        token = (await readAll(io.stdin)).trim();
      }
      const ok = verifyToken(token, hash);
      let reason: string | undefined;
      if (!ok) {
        if (isWellFormedToken(token)) reason = 'the token does not match the stored hash';
        else {
          try {
            parseToken(token);
          } catch (e) {
            reason = CryptoError.isInstance(e) ? `${e.message} (${e.code})` : 'malformed token';
          }
        }
      }
      if (flags.json) writeJson(io, ok ? { ok } : { ok, reason });
      else if (ok) io.stdout.write('token verified: it matches the stored hash\n');
      else io.stderr.write(`token rejected: ${reason ?? 'no match'}\n`);
      return ok ? EXIT.OK : EXIT.FINDINGS;
    }
    throw subcommandError(sub, ['new', 'verify']);
  },
};

import { Readable } from 'node:stream';
import { createToken, hashToken, parseToken } from '@palisade/crypto';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { tokenCommand } from '../src/commands/token.ts';
import { captureIO } from './support.ts';

describe('palisade token', () => {
  it('token new prints a parseable token once with its storage hash and lookup id', async () => {
    const io = captureIO();
    expect(await tokenCommand.run(['new', '--prefix', 'palk'], io, { json: false })).toBe(0);
    const token = /token:\s+(\S+)/.exec(io.out())?.[1] as string;
    expect(parseToken(token).prefix).toBe('palk');
    const rec = hashToken(token);
    expect(io.out()).toContain(`lookup id: ${rec.lookupId}`);
    expect(io.out()).toContain(`hash:      ${rec.hash}`);
    expect(io.out().split(token)).toHaveLength(2);
    expect(io.err()).toBe('');
  });

  it('token new --json emits one JSON document with token, lookupId and hash', async () => {
    const io = captureIO();
    expect(await tokenCommand.run(['new'], io, { json: true })).toBe(0);
    const doc = JSON.parse(io.out()) as { token: string; lookupId: string; hash: string };
    expect(doc.token.startsWith('pal_')).toBe(true);
    expect(hashToken(doc.token)).toEqual({ lookupId: doc.lookupId, hash: doc.hash });
  });

  it('token verify exits 0 for the matching token and 1 for another or malformed token', async () => {
    const a = createToken();
    const b = createToken();
    const ok = captureIO();
    expect(await tokenCommand.run(['verify', a.token, '--hash', a.hash], ok, { json: false })).toBe(
      0,
    );
    expect(ok.out()).toContain('verified');
    const wrong = captureIO();
    expect(
      await tokenCommand.run(['verify', b.token, '--hash', a.hash], wrong, { json: false }),
    ).toBe(1);
    expect(wrong.err()).toContain('does not match');
    const typo = captureIO();
    const changed = `${a.token.slice(0, -1)}${a.token.endsWith('0') ? '1' : '0'}`;
    expect(
      await tokenCommand.run(['verify', changed, '--hash', a.hash], typo, { json: true }),
    ).toBe(1);
    expect(JSON.parse(typo.out())).toEqual({
      ok: false,
      reason: expect.stringContaining('ERR_CRYPTO_TOKEN_CHECKSUM'),
    });
    expect(typo.out()).not.toContain(a.token.slice(4, 30));
  });

  it('token verify - reads the token from standard input', async () => {
    const a = createToken();
    const io = { ...captureIO(), stdin: Readable.from([`${a.token}\n`]) };
    expect(await tokenCommand.run(['verify', '-', '--hash', a.hash], io, { json: false })).toBe(0);
  });

  it('rejects bad usage with UsageError (exit 2)', async () => {
    const io = captureIO();
    await expect(tokenCommand.run([], io, { json: false })).rejects.toThrow(UsageError);
    await expect(tokenCommand.run(['new', '--prefix', 'sk'], io, { json: false })).rejects.toThrow(
      UsageError,
    );
    await expect(tokenCommand.run(['verify', 'pal_x'], io, { json: false })).rejects.toThrow(
      UsageError,
    );
    await expect(
      tokenCommand.run(['verify', 'pal_x', '--hash', 'abc'], io, { json: false }),
    ).rejects.toThrow(UsageError);
    await expect(tokenCommand.run(['rotate'], io, { json: false })).rejects.toThrow(UsageError);
  });
});

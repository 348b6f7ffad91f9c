import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveWorkspaceKey, masterKeyFromBytes } from '@palisade/crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { keysCommand } from '../src/commands/keys.ts';
import { captureIO } from './support.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}, json = false) => {
  const io = { ...captureIO({ env }), cwd: dir };
  return { io, done: keysCommand.run(args, io, { json }) };
};

describe('palisade keys', () => {
  it('new-master --out writes a mode-0600 file with a loadable key and prints only its id', async () => {
    const { io, done } = run(['new-master', '--out', 'master.key']);
    expect(await done).toBe(0);
    const file = join(dir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8').trim();
    const key = masterKeyFromBytes(Uint8Array.from(Buffer.from(text, 'base64')));
    expect(io.out()).toContain(`key id: ${key.keyId}`);
    expect(io.out()).not.toContain(text);
    expect(io.err()).toBe('');
  });

  it('new-master refuses to overwrite without --force, and --force resets the mode to 0600', async () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, 'old', { mode: 0o644 });
    await expect(run(['new-master', '--out', 'master.key']).done).rejects.toThrow(UsageError);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(await run(['new-master', '--out', 'master.key', '--force']).done).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('new-master without --out prints the base64 key on stdout and the id on stderr', async () => {
    const { io, done } = run(['new-master']);
    expect(await done).toBe(0);
    const text = io.out().trim();
    expect(text).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const key = masterKeyFromBytes(Uint8Array.from(Buffer.from(text, 'base64')));
    expect(io.err()).toContain(key.keyId);
    expect(io.err()).not.toContain(text);
  });

  it('derive --workspace shows the derived key id from the env var and never key bytes', async () => {
    const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
    const b64 = Buffer.from(bytes).toString('base64');
    const expected = deriveWorkspaceKey(masterKeyFromBytes(bytes), 'ws_1').keyId;
    const { io, done } = run(['derive', '--workspace', 'ws_1'], { PALISADE_MASTER_KEY: b64 });
    expect(await done).toBe(0);
    expect(io.out()).toContain(`key id:        ${expected}`);
    expect(io.out()).not.toContain(b64);
    expect(io.out()).not.toContain(Buffer.from(bytes).toString('hex'));
    const j = run(['derive', '--workspace', 'ws_1', '--env', 'MY_KEY'], { MY_KEY: b64 }, true);
    expect(await j.done).toBe(0);
    expect(JSON.parse(j.io.out())).toMatchObject({ workspace: 'ws_1', keyId: expected });
  });

  it('derive reads a 0600 key file and refuses a world-readable one with a clear code', async () => {
    expect(await run(['new-master', '--out', 'k']).done).toBe(0);
    expect(await run(['derive', '--workspace', 'w', '--key-file', 'k']).done).toBe(0);
    writeFileSync(join(dir, 'open.key'), readFileSync(join(dir, 'k')), { mode: 0o644 });
    await expect(
      run(['derive', '--workspace', 'w', '--key-file', 'open.key']).done,
    ).rejects.toMatchObject({
      code: 'ERR_CRYPTO_KEY_FILE_INSECURE',
    });
  });

  it('derive explains a missing key and bad arguments', async () => {
    await expect(run(['derive', '--workspace', 'w']).done).rejects.toMatchObject({
      code: 'ERR_CRYPTO_KEY_SOURCE_MISSING',
    });
    await expect(run(['derive']).done).rejects.toThrow(UsageError);
    await expect(
      run(['derive', '--workspace', 'w', '--key-file', 'a', '--env', 'B']).done,
    ).rejects.toThrow(UsageError);
    await expect(run(['rotate']).done).rejects.toThrow(UsageError);
    await expect(run([]).done).rejects.toThrow(UsageError);
  });
});

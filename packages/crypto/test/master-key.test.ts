import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CryptoError,
  exportMasterKey,
  generateMasterKey,
  type KeychainClient,
  masterKeyFromBytes,
  masterKeyFromEnv,
  masterKeyFromFile,
  masterKeyFromKeychain,
  storeMasterKeyInKeychain,
} from '../src/index.ts';

const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const id = masterKeyFromBytes(bytes).keyId;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `other: ${String(e)}`;
  }
  return undefined;
}

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-mk-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('master keys', () => {
  it('has a stable 16-hex id that does not depend on how the key was loaded', () => {
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    const env = (v: string): string => masterKeyFromEnv('K', { env: { K: v } }).keyId;
    expect(env(Buffer.from(bytes).toString('hex'))).toBe(id);
    expect(env(Buffer.from(bytes).toString('hex').toUpperCase())).toBe(id);
    expect(env(Buffer.from(bytes).toString('base64'))).toBe(id);
    expect(env(`  ${Buffer.from(bytes).toString('base64url')}\n`)).toBe(id);
    expect(masterKeyFromBytes(exportBytes()).keyId).toBe(id);
  });

  function exportBytes(): Uint8Array {
    return Uint8Array.from(Buffer.from(exportMasterKey(masterKeyFromBytes(bytes)), 'base64'));
  }

  it('reads PALISADE_MASTER_KEY by default and says when it is missing', () => {
    expect(
      masterKeyFromEnv(undefined, {
        env: { PALISADE_MASTER_KEY: Buffer.from(bytes).toString('hex') },
      }).keyId,
    ).toBe(id);
    expect(codeOf(() => masterKeyFromEnv(undefined, { env: {} }))).toBe(
      'ERR_CRYPTO_KEY_SOURCE_MISSING',
    );
    expect(codeOf(() => masterKeyFromEnv('K', { env: { K: '   ' } }))).toBe(
      'ERR_CRYPTO_KEY_SOURCE_MISSING',
    );
  });

  it('refuses malformed, short, non-canonical and non-random material', () => {
    const b64 = Buffer.from(bytes).toString('base64');
    for (const v of [
      'zz',
      b64.slice(0, -2),
      `${b64}AA`,
      'g'.repeat(64),
      Buffer.from(new Uint8Array(32)).toString('hex'),
    ]) {
      expect(
        codeOf(() => masterKeyFromEnv('K', { env: { K: v } })),
        v,
      ).toBe('ERR_CRYPTO_KEY_MATERIAL_INVALID');
    }
    expect(codeOf(() => masterKeyFromBytes(new Uint8Array(31)))).toBe(
      'ERR_CRYPTO_KEY_MATERIAL_INVALID',
    );
    expect(codeOf(() => masterKeyFromBytes(new Uint8Array(32).fill(1)))).toBe(
      'ERR_CRYPTO_KEY_MATERIAL_INVALID',
    );
  });

  it('loads a 0600 file and refuses group/world-accessible files, symlinks and directories', () => {
    const file = join(dir, 'master.key');
    writeFileSync(file, `${Buffer.from(bytes).toString('base64')}\n`, { mode: 0o600 });
    expect(masterKeyFromFile(file).keyId).toBe(id);
    chmodSync(file, 0o400);
    expect(masterKeyFromFile(file).keyId).toBe(id);
    for (const mode of [0o640, 0o604, 0o644, 0o660, 0o666]) {
      chmodSync(file, mode);
      expect(
        codeOf(() => masterKeyFromFile(file)),
        mode.toString(8),
      ).toBe('ERR_CRYPTO_KEY_FILE_INSECURE');
    }
    chmodSync(file, 0o600);
    const link = join(dir, 'link.key');
    symlinkSync(file, link);
    expect(codeOf(() => masterKeyFromFile(link))).toBe('ERR_CRYPTO_KEY_FILE_INSECURE');
    const sub = join(dir, 'sub');
    mkdirSync(sub, { mode: 0o700 });
    expect(codeOf(() => masterKeyFromFile(sub))).toBe('ERR_CRYPTO_KEY_FILE_INSECURE');
    expect(codeOf(() => masterKeyFromFile(join(dir, 'missing')))).toBe(
      'ERR_CRYPTO_KEY_SOURCE_MISSING',
    );
  });

  it('hides its bytes from util.inspect, JSON.stringify and String', () => {
    const k = masterKeyFromBytes(bytes);
    expect(inspect(k, { showHidden: true })).toBe(`MasterKey(${id})`);
    expect(JSON.stringify(k)).toBe(JSON.stringify({ purpose: 'master', keyId: id }));
    expect(String(k)).toBe(`MasterKey(${id})`);
    expect(Object.getOwnPropertyNames(k).sort()).toEqual(['keyId', 'purpose']);
    expect(Object.isFrozen(k)).toBe(true);
  });

  it('copies the input bytes: wiping the caller copy does not change the key', () => {
    const mine = bytes.slice();
    const k = masterKeyFromBytes(mine);
    mine.fill(0);
    expect(exportMasterKey(k)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('dispose wipes: export and derivation then fail with ERR_CRYPTO_KEY_DESTROYED', () => {
    const k = generateMasterKey();
    k[Symbol.dispose]();
    expect(codeOf(() => exportMasterKey(k))).toBe('ERR_CRYPTO_KEY_DESTROYED');
  });

  it('round-trips through a caller-made keychain client', async () => {
    const store = new Map<string, string>();
    const client: KeychainClient = {
      getPassword: async (s, a) => store.get(`${s}/${a}`) ?? null,
      setPassword: async (s, a, p) => {
        store.set(`${s}/${a}`, p);
      },
    };
    const k = generateMasterKey();
    await storeMasterKeyInKeychain(client, k, { service: 'palisade', account: 'master' });
    expect(
      (await masterKeyFromKeychain(client, { service: 'palisade', account: 'master' })).keyId,
    ).toBe(k.keyId);
    await expect(
      masterKeyFromKeychain(client, { service: 'palisade', account: 'other' }),
    ).rejects.toMatchObject({
      code: 'ERR_CRYPTO_KEY_SOURCE_MISSING',
    });
  });
});

import { inspect } from 'node:util';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CryptoError,
  deriveWorkspaceKey,
  generateMasterKey,
  generateSigningKey,
  inspectSealed,
  masterKeyFromBytes,
  open,
  type SealingKey,
  type SigningKey,
  seal,
  sealDeterministic,
  type WorkspaceKey,
} from '../src/index.ts';
import type { Backend } from '../src/internal/backend.ts';
import { backend } from '../src/internal/backends.ts';
import { createSealingMaterial } from '../src/internal/key-material.ts';
import { openWith, sealWith } from '../src/internal/sealed-format.ts';
import { encodeSealContext } from '../src/seal-context.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const master = generateMasterKey();
const ctxA = { tenant: 'org_1', workspace: 'ws_A', purpose: 'github-token' };

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `not a CryptoError: ${String(e)}`;
  }
  return undefined;
}

describe('seal / open', () => {
  it('round-trips and has the documented layout (84 bytes overhead, self-describing header)', async () => {
    const key = deriveWorkspaceKey(master, 'ws_A');
    const sealed = await seal(key, enc('secret'), ctxA);
    expect(sealed.length).toBe(6 + 84);
    expect([...sealed.subarray(0, 4)]).toEqual([0x50, 0x53, 0x01, 0x01]);
    expect(Buffer.from(sealed.subarray(4, 12)).toString('hex')).toBe(master.keyId);
    expect(inspectSealed(sealed)).toEqual({
      version: 1,
      algorithm: 'XAES-256-GCM',
      deterministic: false,
      keyId: master.keyId,
    });
    expect(new TextDecoder().decode(await open(key, sealed, ctxA))).toBe('secret');
  });

  it('a ciphertext sealed for workspace A never opens for workspace B: one generic error', async () => {
    const a = deriveWorkspaceKey(master, 'ws_A');
    const b = deriveWorkspaceKey(master, 'ws_B');
    const sealed = await seal(a, enc('secret'), ctxA);
    const errors: unknown[] = [];
    for (const attempt of [
      () => open(b, sealed, { ...ctxA, workspace: 'ws_B' }),
      () => open(b, sealed, ctxA),
      () => open(a, sealed, { ...ctxA, workspace: 'ws_B' }),
      () => open(a, sealed, { ...ctxA, tenant: 'org_2' }),
      () => open(a, sealed, { ...ctxA, record: 'row-1' }),
      () => open(a, new Uint8Array(0), ctxA),
      () =>
        open(
          a,
          enc('PS\x02\x01not a real value at all, but long enough to parse maybe.....'),
          ctxA,
        ),
    ]) {
      try {
        await attempt();
        expect.unreachable();
      } catch (e) {
        errors.push(e);
      }
    }
    for (const e of errors) {
      expect(CryptoError.isInstance(e)).toBe(true);
      expect((e as CryptoError).code).toBe('ERR_CRYPTO_DECRYPTION_FAILED');
      expect((e as CryptoError).message).toBe('decryption failed');
      expect((e as CryptoError).cause).toBeUndefined();
    }
  });

  it('deterministic mode: equal inputs give equal bytes, different contexts differ, open() reads both', async () => {
    const key = deriveWorkspaceKey(master, 'ws_A');
    const x = await sealDeterministic(key, enc('a@example.com'), { ...ctxA, field: 'email' });
    const y = await sealDeterministic(key, enc('a@example.com'), { ...ctxA, field: 'email' });
    const z = await sealDeterministic(key, enc('a@example.com'), {
      ...ctxA,
      field: 'backup_email',
    });
    expect(x).toEqual(y);
    expect(x).not.toEqual(z);
    expect(x.length).toBe(13 + 72);
    expect(inspectSealed(x)?.algorithm).toBe('AES-256-GCM-SIV');
    expect(new TextDecoder().decode(await open(key, x, { ...ctxA, field: 'email' }))).toBe(
      'a@example.com',
    );
  });

  it('refuses, at seal time, a context naming another workspace than the key', async () => {
    const key = deriveWorkspaceKey(master, 'ws_A');
    expect(await codeOf(seal(key, enc('x'), { ...ctxA, workspace: 'ws_B' }))).toBe(
      'ERR_CRYPTO_INVALID_ARGUMENT',
    );
  });

  it('validates the context: required fields, no unknown fields, no lone surrogates, bounded length', async () => {
    const key = deriveWorkspaceKey(master, 'ws_A');
    for (const bad of [
      { ...ctxA, tenant: '' },
      { workspace: 'ws_A', purpose: 'p' },
      { ...ctxA, recordId: 'typo' },
      { ...ctxA, purpose: 'a\uD800b' },
      { ...ctxA, field: 'x'.repeat(1025) },
      { ...ctxA, record: 42 },
    ]) {
      expect(await codeOf(seal(key, enc('x'), bad as never))).toBe('ERR_CRYPTO_INVALID_ARGUMENT');
    }
  });

  it('branded key types: signing and master keys cannot seal (types and runtime)', async () => {
    const signing = generateSigningKey();
    expectTypeOf<SigningKey>().not.toMatchTypeOf<SealingKey>();
    expectTypeOf<WorkspaceKey>().toMatchTypeOf<SealingKey>();
    // @ts-expect-error a SigningKey is not a SealingKey
    expect(await codeOf(seal(signing, enc('x'), ctxA))).toBe('ERR_CRYPTO_WRONG_KEY_PURPOSE');
    // @ts-expect-error a MasterKey is not a SealingKey
    expect(await codeOf(seal(master, enc('x'), ctxA))).toBe('ERR_CRYPTO_WRONG_KEY_PURPOSE');
    // A look-alike object is refused too.
    const fake = {
      purpose: 'seal',
      keyId: '00',
      rootKeyId: '00',
      [Symbol.dispose]() {},
    } as SealingKey;
    expect(await codeOf(seal(fake, enc('x'), ctxA))).toBe('ERR_CRYPTO_WRONG_KEY_PURPOSE');
  });

  it('workspace keys: stable ids, bounded LRU cache, hidden bytes, dispose', async () => {
    const m = masterKeyFromBytes(
      Uint8Array.from({ length: 32 }, (_, i) => i),
      { workspaceKeyCacheSize: 2 },
    );
    const a1 = deriveWorkspaceKey(m, 'a');
    expect(deriveWorkspaceKey(m, 'a')).toBe(a1);
    expect(a1.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(a1.rootKeyId).toBe(m.keyId);
    expect(a1.workspace).toBe('a');
    deriveWorkspaceKey(m, 'b');
    deriveWorkspaceKey(m, 'c'); // evicts 'a'
    const a2 = deriveWorkspaceKey(m, 'a');
    expect(a2).not.toBe(a1);
    expect(a2.keyId).toBe(a1.keyId); // same derivation, new object
    // Derivation is a pure function of (master, workspace id).
    const again = masterKeyFromBytes(Uint8Array.from({ length: 32 }, (_, i) => i));
    expect(deriveWorkspaceKey(again, 'a').keyId).toBe(a1.keyId);
    expect(deriveWorkspaceKey(again, 'b').keyId).not.toBe(a1.keyId);
    expect(inspect(a1)).toBe(`WorkspaceKey(${a1.keyId}, workspace "a")`);
    expect(JSON.parse(JSON.stringify(a1))).toEqual({
      purpose: 'seal',
      keyId: a1.keyId,
      rootKeyId: m.keyId,
      workspace: 'a',
    });
    const sealed = await seal(a2, enc('x'), { tenant: 't', workspace: 'a', purpose: 'p' });
    a2[Symbol.dispose]();
    expect(await codeOf(seal(a2, enc('x'), { tenant: 't', workspace: 'a', purpose: 'p' }))).toBe(
      'ERR_CRYPTO_KEY_DESTROYED',
    );
    // The cache notices the disposed object and derives a fresh one.
    const a3 = deriveWorkspaceKey(m, 'a');
    expect(
      new TextDecoder().decode(
        await open(a3, sealed, { tenant: 't', workspace: 'a', purpose: 'p' }),
      ),
    ).toBe('x');
    m[Symbol.dispose]();
    expect(await codeOf(() => deriveWorkspaceKey(m, 'a'))).toBe('ERR_CRYPTO_KEY_DESTROYED');
  });

  it('refuses bad workspace ids', async () => {
    for (const bad of ['', 'x'.repeat(1025), '\uDC00'] as const) {
      expect(await codeOf(() => deriveWorkspaceKey(master, bad))).toBe(
        'ERR_CRYPTO_INVALID_ARGUMENT',
      );
    }
  });

  it('concurrent seal and open calls never mix up contexts (the associated data is assembled per call)', async () => {
    const key = deriveWorkspaceKey(master, 'ws_A');
    // Contexts of different lengths, some non-ASCII, so a shared buffer reused
    // across calls would leave stale bytes behind if it were not per call.
    const contexts = Array.from({ length: 40 }, (_, i) => ({
      tenant: `org_${'t'.repeat(i % 7)}${i}`,
      workspace: 'ws_A',
      purpose: i % 3 === 0 ? `zweck-ü-${i}` : `p${i}`,
      ...(i % 2 === 0 ? { record: 'r'.repeat(i + 1) } : {}),
    }));
    const sealed = await Promise.all(contexts.map((c, i) => seal(key, enc(`value ${i}`), c)));
    const opened = await Promise.all(
      sealed.map((s, i) => open(key, s, contexts[i] as typeof ctxA)),
    );
    expect(opened.map((o) => new TextDecoder().decode(o))).toEqual(
      contexts.map((_, i) => `value ${i}`),
    );
    const crossed = await Promise.all(
      sealed.map((s, i) =>
        codeOf(open(key, s, contexts[(i + 1) % contexts.length] as typeof ctxA)),
      ),
    );
    expect(new Set(crossed)).toEqual(new Set(['ERR_CRYPTO_DECRYPTION_FAILED']));
  });

  it('handles empty and large plaintexts', async () => {
    const key = deriveWorkspaceKey(master, 'ws_A');
    for (const n of [0, 1, 16, 65_536, 1 << 20]) {
      const pt = new Uint8Array(n).map((_, i) => i & 0xff);
      const back = await open(key, await seal(key, pt, ctxA), ctxA);
      expect(Buffer.compare(back, pt)).toBe(0);
    }
  });

  it('checks the key commitment before decrypting: a value under another key never reaches AES-GCM', async () => {
    const b = backend();
    let gcmCalls = 0;
    // The async path only (no syncAesGcm), with AES-GCM open counted.
    const { syncAesGcm: _sync, ...asyncOnly } = b;
    const counting: Backend = {
      ...asyncOnly,
      aesGcmOpen: (...args) => {
        gcmCalls++;
        return b.aesGcmOpen(...args);
      },
    };
    const mine = createSealingMaterial(b, new Uint8Array(32).fill(7), undefined, undefined);
    const other = createSealingMaterial(b, new Uint8Array(32).fill(8), undefined, undefined);
    const ctx = new Uint8Array(4);
    const sealed = await sealWith(b, mine, enc('x'), ctx, 'random');
    expect(await openWith(counting, other, sealed, ctx)).toBeUndefined();
    // Same key id, forged: only the commitment differs.
    const forged = sealed.slice();
    forged.set(other.commitment, 12);
    expect(await openWith(counting, mine, forged, ctx)).toBeUndefined();
    expect(gcmCalls).toBe(0);
    expect(await openWith(counting, mine, sealed, ctx)).toEqual(enc('x'));
    expect(gcmCalls).toBe(1);
  });

  it('the context encoding is exactly lp(domain, label, tenant, workspace, purpose, flag, record, flag, field)', () => {
    const lp = (parts: string[]): string =>
      parts
        .map((p) => {
          const b = Buffer.from(p, 'utf8');
          const len = Buffer.alloc(4);
          len.writeUInt32BE(b.length);
          return Buffer.concat([len, b]).toString('hex');
        })
        .join('');
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    expect(hex(encodeSealContext({ tenant: 'org', workspace: 'ws', purpose: 'p' }))).toBe(
      lp(['palisade/crypto/v1', 'seal-context/v1', 'org', 'ws', 'p', '0', '', '0', '']),
    );
    expect(
      hex(
        encodeSealContext({
          tenant: 'ø',
          workspace: '工作',
          purpose: 'p',
          record: 'r',
          field: 'f',
        }),
      ),
    ).toBe(lp(['palisade/crypto/v1', 'seal-context/v1', 'ø', '工作', 'p', '1', 'r', '1', 'f']));
  });

  it('the deterministic format is pinned by a known answer (format drift fails here)', async () => {
    const m = masterKeyFromBytes(Uint8Array.from({ length: 32 }, (_, i) => i));
    const key = deriveWorkspaceKey(m, 'ws');
    const sealed = await sealDeterministic(key, enc('known answer'), {
      tenant: 'org',
      workspace: 'ws',
      purpose: 'kat',
    });
    expect(Buffer.from(sealed).toString('hex')).toMatchInlineSnapshot(
      `"505301024aec8db4148eda21c38ad9fb1aa0ec8da9a80d378348381104c19f8935b91f930f40e78bdbf2a2982dd0f7a0e0f6027bb071e21180471fdd50950ea998a004e28b7748b98a53865e8ceb293a56c32cae"`,
    );
  });

  it('inspectSealed returns undefined for anything else', () => {
    expect(inspectSealed(new Uint8Array(0))).toBeUndefined();
    expect(inspectSealed(new Uint8Array(100))).toBeUndefined();
  });
});

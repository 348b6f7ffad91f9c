import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  createKeyRing,
  deriveWorkspaceKey,
  generateMasterKey,
  importKeyRing,
  type KmsClient,
  kmsKeyWrapper,
  masterKeyWrapper,
  open,
  type ReencryptCheckpoint,
  type ReencryptItem,
  rewrapKeyRing,
  seal,
} from '../src/index.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const ctx = (ws: string, record: string) => ({
  tenant: 'org',
  workspace: ws,
  purpose: 'secret',
  record,
});

async function codeOf(f: () => unknown): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    return CryptoError.isInstance(e) ? e.code : `other: ${String(e)}`;
  }
  return undefined;
}

describe('key ring', () => {
  it('opens values sealed directly with the master key it was created from', async () => {
    const master = generateMasterKey();
    const sealed = await seal(deriveWorkspaceKey(master, 'w'), enc('v'), ctx('w', '1'));
    const ring = createKeyRing({ initial: master });
    expect(dec(await ring.open(sealed, ctx('w', '1')))).toBe('v');
    expect(ring.needsReencrypt(sealed)).toBe(false);
  });

  it('rotation: new primary seals, old values still open and are flagged by needsReencrypt', async () => {
    const ring = createKeyRing();
    const first = ring.primaryKeyId;
    const old = await ring.seal(enc('old'), ctx('w', '1'));
    const entry = ring.rotate();
    expect(entry.state).toBe('primary');
    expect(ring.primaryKeyId).toBe(entry.keyId);
    expect(ring.entries().map((e) => [e.keyId, e.state])).toEqual([
      [first, 'active'],
      [entry.keyId, 'primary'],
    ]);
    const fresh = await ring.seal(enc('new'), ctx('w', '2'));
    expect(ring.needsReencrypt(old)).toBe(true);
    expect(ring.needsReencrypt(fresh)).toBe(false);
    expect(dec(await ring.open(old, ctx('w', '1')))).toBe('old');
    const re = await ring.reencrypt(old, ctx('w', '1'));
    expect(ring.needsReencrypt(re)).toBe(false);
    expect(dec(await ring.open(re, ctx('w', '1')))).toBe('old');
    // Deterministic values stay deterministic.
    const det = await ring.sealDeterministic(enc('d'), ctx('w', '3'));
    ring.rotate();
    const det2 = await ring.reencrypt(det, ctx('w', '3'));
    expect(det2).toEqual(await ring.sealDeterministic(enc('d'), ctx('w', '3')));
  });

  it('states: only active keys are promoted, only active keys retire, only retired keys are destroyed', async () => {
    const ring = createKeyRing();
    const a = ring.primaryKeyId;
    const b = ring.rotate().keyId; // a: active
    const sealedUnderA = await (async () => {
      ring.promote(a);
      const s = await ring.seal(enc('under a'), ctx('w', '1'));
      ring.promote(b);
      return s;
    })();
    expect(await codeOf(() => ring.retire(b))).toBe('ERR_CRYPTO_KEY_STATE'); // primary
    expect(await codeOf(() => ring.destroy(a))).toBe('ERR_CRYPTO_KEY_STATE'); // active
    ring.retire(a);
    expect(await codeOf(() => ring.promote(a))).toBe('ERR_CRYPTO_KEY_STATE');
    expect(dec(await ring.open(sealedUnderA, ctx('w', '1')))).toBe('under a'); // retired still opens
    ring.reactivate(a);
    ring.retire(a);
    ring.destroy(a);
    expect(ring.entries().find((e) => e.keyId === a)?.state).toBe('destroyed');
    expect(await codeOf(() => ring.open(sealedUnderA, ctx('w', '1')))).toBe(
      'ERR_CRYPTO_DECRYPTION_FAILED',
    );
    expect(await codeOf(() => ring.reactivate(a))).toBe('ERR_CRYPTO_KEY_STATE');
    expect(await codeOf(() => ring.promote('0000000000000000'))).toBe('ERR_CRYPTO_KEY_NOT_FOUND');
  });

  it('bulk re-encryption resumes from a checkpoint after a crash and reports values that do not open', async () => {
    const ring = createKeyRing();
    const db = new Map<string, { sealed: Uint8Array; ws: string }>();
    for (let i = 0; i < 30; i++) {
      const id = `r${String(i).padStart(3, '0')}`;
      const ws = `w${i % 3}`;
      db.set(id, { sealed: await ring.seal(enc(`value ${i}`), ctx(ws, id)), ws });
    }
    const corrupt = db.get('r007');
    if (corrupt) corrupt.sealed = corrupt.sealed.map((b, i) => (i === 80 ? b ^ 1 : b));
    ring.rotate();
    const source = (after: string | null): ReencryptItem[] =>
      [...db.entries()]
        .filter(([id]) => after === null || id > after)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([id, v]) => ({ id, sealed: v.sealed, context: ctx(v.ws, id) }));

    let saved: ReencryptCheckpoint | undefined;
    let seen = 0;
    await expect(
      (async () => {
        for await (const r of ring.reencryptAll(source)) {
          if (r.sealed) (db.get(r.id) as { sealed: Uint8Array }).sealed = r.sealed;
          saved = r.checkpoint;
          if (++seen === 12) throw new Error('crash');
        }
      })(),
    ).rejects.toThrow('crash');
    expect(saved?.after).toBe('r011');
    expect(saved?.processed).toBe(12);

    const statuses: string[] = [];
    let final: ReencryptCheckpoint | undefined;
    for await (const r of ring.reencryptAll(source, saved ? { checkpoint: saved } : {})) {
      if (r.sealed) (db.get(r.id) as { sealed: Uint8Array }).sealed = r.sealed;
      statuses.push(r.status);
      final = r.checkpoint;
    }
    expect(statuses.length).toBe(18);
    expect(final).toMatchObject({ processed: 30, reencrypted: 29, failed: 1, after: 'r029' });
    for (const [id, v] of db) {
      if (id === 'r007') continue;
      expect(ring.needsReencrypt(v.sealed)).toBe(false);
      expect(dec(await ring.open(v.sealed, ctx(v.ws, id)))).toBe(`value ${Number(id.slice(1))}`);
    }
    // A second pass finds everything current (the corrupt one still fails).
    const again: string[] = [];
    for await (const r of ring.reencryptAll(source)) again.push(r.status);
    expect(again.filter((s) => s === 'current').length).toBe(29);
    // A checkpoint from before another rotation is refused.
    ring.rotate();
    expect(
      await codeOf(async () => {
        for await (const _ of ring.reencryptAll(source, final ? { checkpoint: final } : {})) break;
      }),
    ).toBe('ERR_CRYPTO_CHECKPOINT_INVALID');
  });

  it('export/import under a master key; edited states fail to unwrap', async () => {
    const ring = createKeyRing();
    const v = await ring.seal(enc('x'), ctx('w', '1'));
    ring.rotate();
    const kek = generateMasterKey();
    const stored = JSON.parse(JSON.stringify(await ring.export(masterKeyWrapper(kek))));
    expect(JSON.stringify(stored)).not.toContain('"secret"');
    const back = await importKeyRing(stored, masterKeyWrapper(kek));
    expect(back.entries()).toEqual(ring.entries());
    expect(dec(await back.open(v, ctx('w', '1')))).toBe('x');
    // Flip the primary marker between entries: those entries no longer unwrap.
    const tampered = structuredClone(stored);
    tampered.entries[0].state = 'primary';
    tampered.entries[1].state = 'active';
    expect(await codeOf(() => importKeyRing(tampered, masterKeyWrapper(kek)))).toBe(
      'ERR_CRYPTO_DECRYPTION_FAILED',
    );
    expect(await codeOf(() => importKeyRing(stored, masterKeyWrapper(generateMasterKey())))).toBe(
      'ERR_CRYPTO_DECRYPTION_FAILED',
    );
  });

  it('master-key rotation by re-wrapping: same keys, every value still opens, old KEK no longer works', async () => {
    const ring = createKeyRing();
    const v = await ring.seal(enc('kept'), ctx('w', '1'));
    const oldKek = generateMasterKey();
    const newKek = generateMasterKey();
    const stored = await ring.export(masterKeyWrapper(oldKek));
    const rewrapped = await rewrapKeyRing(
      stored,
      masterKeyWrapper(oldKek),
      masterKeyWrapper(newKek),
    );
    expect(rewrapped.wrapperId).toBe(newKek.keyId);
    expect(rewrapped.entries.map((e) => e.keyId)).toEqual(stored.entries.map((e) => e.keyId));
    const back = await importKeyRing(rewrapped, masterKeyWrapper(newKek));
    expect(dec(await back.open(v, ctx('w', '1')))).toBe('kept');
    expect(await codeOf(() => importKeyRing(rewrapped, masterKeyWrapper(oldKek)))).toBe(
      'ERR_CRYPTO_DECRYPTION_FAILED',
    );
  });

  it('KMS adapter: uses only the caller-made client, binds the entry as encryption context', async () => {
    const calls: string[] = [];
    const kmsKey = generateMasterKey();
    const local = masterKeyWrapper(kmsKey);
    // A fake KMS that authenticates the encryption context, as real ones do.
    const client: KmsClient = {
      async encrypt(r) {
        calls.push(`encrypt ${r.keyId}`);
        return { ciphertext: await local.wrap(r.plaintext, enc(JSON.stringify(r.context))) };
      },
      async decrypt(r) {
        calls.push(`decrypt ${r.keyId}`);
        return { plaintext: await local.unwrap(r.ciphertext, enc(JSON.stringify(r.context))) };
      },
    };
    const ring = createKeyRing();
    const v = await ring.seal(enc('kms'), ctx('w', '1'));
    const wrapper = kmsKeyWrapper(client, { keyId: 'arn:aws:kms:test' });
    const stored = await ring.export(wrapper);
    expect(stored.wrapperId).toBe('kms:arn:aws:kms:test');
    const back = await importKeyRing(stored, wrapper);
    expect(dec(await back.open(v, ctx('w', '1')))).toBe('kms');
    expect(calls).toEqual(['encrypt arn:aws:kms:test', 'decrypt arn:aws:kms:test']);
    const tampered = structuredClone(stored) as unknown as {
      entries: Array<{ createdAt: string }>;
    };
    (tampered.entries[0] as { createdAt: string }).createdAt = '2000-01-01T00:00:00.000Z';
    expect(await codeOf(() => importKeyRing(tampered as never, wrapper))).toBe(
      'ERR_CRYPTO_DECRYPTION_FAILED',
    );
  });

  it('values sealed by the ring open with plain open() and the derived workspace key', async () => {
    const ring = createKeyRing();
    const v = await ring.seal(enc('y'), ctx('w', '1'));
    expect(dec(await open(ring.workspaceKey('w'), v, ctx('w', '1')))).toBe('y');
  });
});

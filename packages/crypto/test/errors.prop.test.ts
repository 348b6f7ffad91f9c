// No error this package throws ever carries key or plaintext bytes: not in
// String(err), err.stack, JSON.stringify(err) or util.inspect(err).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { afterAll, describe, expect } from 'vitest';
import {
  CryptoError,
  createKeyRing,
  deriveWorkspaceKey,
  exportMasterKey,
  generateMasterKey,
  generateSigningKey,
  importKeyRing,
  masterKeyFromBytes,
  masterKeyFromEnv,
  masterKeyFromFile,
  masterKeyWrapper,
  open,
  type SealingKey,
  seal,
} from '../src/index.ts';
import { arbKeyBytes, arbPlaintext, arbSealContext } from './arbitraries.ts';

const dir = mkdtempSync(join(tmpdir(), 'palisade-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every text form of an error a logger or a client could see. */
function renderings(e: unknown): string[] {
  const err = e as Error;
  return [
    String(err),
    err.stack ?? '',
    JSON.stringify(err),
    inspect(err, { depth: 10, showHidden: true }),
    err.message,
  ];
}

/** Encodings of `secret` (and of every 8-byte window of it) that must never appear. */
function needles(secret: Uint8Array): string[] {
  const b = Buffer.from(secret);
  const out = [b.toString('hex'), b.toString('base64'), b.toString('base64url')];
  for (let i = 0; i + 8 <= b.length; i += 4) out.push(b.subarray(i, i + 8).toString('hex'));
  if (b.length >= 6) out.push(b.toString('latin1'));
  return out.filter((n) => n.length >= 8);
}

function expectClean(e: unknown, ...secrets: Uint8Array[]): void {
  expect(CryptoError.isInstance(e) || e instanceof TypeError || e instanceof RangeError).toBe(true);
  const leaks: string[] = [];
  for (const r of renderings(e)) {
    for (const s of secrets) for (const n of needles(s)) if (r.includes(n)) leaks.push(n);
  }
  expect(leaks).toEqual([]);
}

async function caught(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('errors never contain key or plaintext bytes', () => {
  test.prop([arbKeyBytes(), arbPlaintext(400).filter((p) => p.length >= 8), arbSealContext('w')])(
    'open failures (wrong key, wrong context, tampering) leak neither key nor plaintext',
    async (keyBytes, pt, ctx) => {
      const master = masterKeyFromBytes(keyBytes);
      const k = deriveWorkspaceKey(master, 'w');
      const sealed = await seal(k, pt, ctx);
      const other = deriveWorkspaceKey(generateMasterKey(), 'w');
      const flipped = sealed.slice();
      flipped[sealed.length - 1] = (flipped[sealed.length - 1] as number) ^ 1;
      for (const e of [
        await caught(() => open(other, sealed, ctx)),
        await caught(() => open(k, sealed, { ...ctx, purpose: `${ctx.purpose}!` })),
        await caught(() => open(k, flipped, ctx)),
        await caught(() => open(k, sealed.subarray(0, 50), ctx)),
      ]) {
        expectClean(e, keyBytes, pt);
        expect((e as CryptoError).code).toBe('ERR_CRYPTO_DECRYPTION_FAILED');
      }
    },
  );

  test.prop([arbKeyBytes(), arbPlaintext(100).filter((p) => p.length >= 8)])(
    'misuse errors (wrong key type, bad context, disposed key) leak nothing',
    async (keyBytes, pt) => {
      const master = masterKeyFromBytes(keyBytes);
      const signing = generateSigningKey();
      const k = deriveWorkspaceKey(master, 'w');
      const ctx = { tenant: 't', workspace: 'w', purpose: 'p' };
      const errors = [
        await caught(() => seal(master as unknown as SealingKey, pt, ctx)),
        await caught(() => seal(signing as unknown as SealingKey, pt, ctx)),
        await caught(() => seal(k, pt, { ...ctx, workspace: 'other' })),
        await caught(() => seal(k, pt, { ...ctx, extra: 'x' } as never)),
        await caught(() => seal(k, pt, { ...ctx, tenant: '\uD800' })),
      ];
      master[Symbol.dispose]?.call(master);
      errors.push(await caught(() => deriveWorkspaceKey(master, 'w2')));
      for (const e of errors) expectClean(e, keyBytes, pt);
    },
  );

  test.prop([arbKeyBytes(), fc.constantFrom('hex', 'base64', 'base64url')])(
    'master-key loading errors never echo the material (malformed env value, insecure file)',
    async (keyBytes, enc) => {
      const text = Buffer.from(keyBytes).toString(enc as BufferEncoding);
      // Malformed: one character too many.
      const e1 = await caught(() => masterKeyFromEnv('K', { env: { K: `${text}A` } }));
      expect((e1 as CryptoError).code).toBe('ERR_CRYPTO_KEY_MATERIAL_INVALID');
      const file = join(dir, `k-${Math.random()}`);
      writeFileSync(file, text, { mode: 0o644 });
      const e2 = await caught(() => masterKeyFromFile(file));
      expect((e2 as CryptoError).code).toBe('ERR_CRYPTO_KEY_FILE_INSECURE');
      const e3 = await caught(() => masterKeyFromBytes(keyBytes.subarray(0, 31)));
      for (const e of [e1, e2, e3]) expectClean(e, keyBytes, new TextEncoder().encode(text));
    },
  );

  test.prop([arbKeyBytes()], { numRuns: 20 })(
    'key-ring unwrap failures never echo wrapped or wrapping key bytes',
    async (keyBytes) => {
      const kek = masterKeyFromBytes(keyBytes);
      const ring = createKeyRing();
      const stored = await ring.export(masterKeyWrapper(kek));
      const e = await caught(() => importKeyRing(stored, masterKeyWrapper(generateMasterKey())));
      expect((e as CryptoError).code).toBe('ERR_CRYPTO_DECRYPTION_FAILED');
      expectClean(e, keyBytes, Buffer.from(exportMasterKey(kek), 'base64'));
    },
  );

  test.prop([arbKeyBytes()])(
    'keys render without their bytes (inspect, JSON, String)',
    (keyBytes) => {
      const master = masterKeyFromBytes(keyBytes);
      const ws = deriveWorkspaceKey(master, 'w');
      const ring = createKeyRing({ initial: master });
      for (const v of [master, ws, ring, { nested: { master, ws } }]) {
        const shown = [inspect(v, { depth: 10, showHidden: true }), JSON.stringify(v), String(v)];
        expect(needles(keyBytes).filter((n) => shown.some((r) => r.includes(n)))).toEqual([]);
      }
    },
  );
});

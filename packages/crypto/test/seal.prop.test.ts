import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import {
  CryptoError,
  deriveWorkspaceKey,
  generateMasterKey,
  masterKeyFromBytes,
  open,
  type SealContext,
  seal,
  sealDeterministic,
} from '../src/index.ts';
import { isWellFormedString } from '../src/internal/encoding.ts';
import { encodeSealContext } from '../src/seal-context.ts';
import { arbContextString, arbKeyBytes, arbPlaintext, arbSealContext } from './arbitraries.ts';

const master = generateMasterKey();
const WS = 'ws-prop';
const key = deriveWorkspaceKey(master, WS);
const modes = [
  { name: 'seal', fn: seal },
  { name: 'sealDeterministic', fn: sealDeterministic },
] as const;

async function expectGeneric(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(CryptoError.isInstance(e)).toBe(true);
    expect((e as CryptoError).code).toBe('ERR_CRYPTO_DECRYPTION_FAILED');
    expect((e as CryptoError).message).toBe('decryption failed');
    return;
  }
  throw new Error('expected open to fail');
}

describe('sealed format properties', () => {
  test.prop([arbKeyBytes(), arbContextString(), arbPlaintext(), arbSealContext()])(
    'open(seal(x)) = x for any size, key, workspace and context (seal and sealDeterministic)',
    async (bytes, ws, pt, c) => {
      const k = deriveWorkspaceKey(masterKeyFromBytes(bytes), ws);
      const ctx = { ...c, workspace: ws };
      for (const mode of modes) {
        const sealed = await mode.fn(k, pt, ctx);
        expect(Buffer.compare(await open(k, sealed, ctx), pt), mode.name).toBe(0);
      }
    },
  );

  test.prop([arbPlaintext(2000), arbSealContext(WS), fc.nat(), fc.integer({ min: 0, max: 7 })])(
    'any flipped bit anywhere fails with the generic error (seal and sealDeterministic)',
    async (pt, ctx, pos, bit) => {
      for (const mode of modes) {
        const sealed = await mode.fn(key, pt, ctx);
        const bad = sealed.slice();
        const i = pos % bad.length;
        bad[i] = (bad[i] as number) ^ (1 << bit);
        await expectGeneric(open(key, bad, ctx));
      }
    },
  );

  test.prop([arbPlaintext(2000), arbSealContext(WS), fc.nat()])(
    'any truncation fails with the generic error (seal and sealDeterministic)',
    async (pt, ctx, cut) => {
      for (const mode of modes) {
        const sealed = await mode.fn(key, pt, ctx);
        await expectGeneric(open(key, sealed.subarray(0, cut % sealed.length), ctx));
      }
    },
  );

  test.prop([
    arbPlaintext(2000),
    arbSealContext(WS),
    fc.uint8Array({ minLength: 1, maxLength: 64 }),
  ])(
    'any extension fails with the generic error (seal and sealDeterministic)',
    async (pt, ctx, extra) => {
      for (const mode of modes) {
        const sealed = await mode.fn(key, pt, ctx);
        await expectGeneric(open(key, new Uint8Array([...sealed, ...extra]), ctx));
      }
    },
  );

  test.prop([
    arbPlaintext(500),
    arbSealContext(WS),
    fc.constantFrom('tenant', 'purpose', 'record', 'field'),
    arbContextString(),
  ])(
    'any change of tenant, purpose, record or field fails with the generic error (seal and sealDeterministic)',
    async (pt, ctx, field, value) => {
      for (const mode of modes) {
        const sealed = await mode.fn(key, pt, ctx);
        const other: Record<string, string | undefined> = { ...ctx };
        if (other[field] === value) other[field] = `${value}x`;
        else other[field] = value;
        await expectGeneric(open(key, sealed, other as unknown as SealContext));
        if (field === 'record' || field === 'field') {
          // Dropping (or adding) an optional field is a change too.
          const dropped: Record<string, string | undefined> = { ...ctx };
          if (dropped[field] === undefined) dropped[field] = value;
          else delete dropped[field];
          await expectGeneric(open(key, sealed, dropped as unknown as SealContext));
        }
      }
    },
  );

  test.prop([arbPlaintext(500), arbSealContext(), arbContextString()])(
    'a value sealed for workspace A never opens for workspace B, by key or by context (seal and sealDeterministic)',
    async (pt, c, other) => {
      fc.pre(other !== c.workspace);
      const a = deriveWorkspaceKey(master, c.workspace);
      const b = deriveWorkspaceKey(master, other);
      for (const mode of modes) {
        const sealed = await mode.fn(a, pt, c);
        await expectGeneric(open(b, sealed, { ...c, workspace: other }));
        await expectGeneric(open(a, sealed, { ...c, workspace: other }));
        await expectGeneric(open(b, sealed, c));
      }
    },
  );

  test.prop([arbPlaintext(300), arbSealContext(WS)])(
    'a value never opens under a key derived from another master key',
    async (pt, ctx) => {
      const sealed = await seal(key, pt, ctx);
      await expectGeneric(open(deriveWorkspaceKey(generateMasterKey(), WS), sealed, ctx));
    },
  );

  test.prop([arbPlaintext(300), arbSealContext(WS)])(
    'sealDeterministic is deterministic and seal is randomized',
    async (pt, ctx) => {
      expect(await sealDeterministic(key, pt, ctx)).toEqual(await sealDeterministic(key, pt, ctx));
      expect(await seal(key, pt, ctx)).not.toEqual(await seal(key, pt, ctx));
    },
  );

  test.prop([
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  ])('lone surrogates are detected exactly (so UTF-8 stays injective on accepted strings)', (s) => {
    const reference =
      !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
    expect(isWellFormedString(s)).toBe(reference);
    if (reference) expect(new TextDecoder().decode(new TextEncoder().encode(s))).toBe(s);
  });

  test.prop([arbSealContext(), arbSealContext()])(
    'the context encoding is injective: distinct contexts never encode alike',
    (a, b) => {
      const same =
        a.tenant === b.tenant &&
        a.workspace === b.workspace &&
        a.purpose === b.purpose &&
        a.record === b.record &&
        a.field === b.field;
      const ea = Buffer.from(encodeSealContext(a)).toString('hex');
      const eb = Buffer.from(encodeSealContext(b)).toString('hex');
      expect(ea === eb).toBe(same);
    },
  );
});

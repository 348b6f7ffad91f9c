// Shared fast-check arbitraries, one per domain type.
import fc from 'fast-check';
import type { SealContext } from '../src/index.ts';

/** A context string: any well-formed Unicode (lone surrogates are refused by the API). */
export const arbContextString = (): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });

/** Any valid SealContext, optional fields present or absent. */
export const arbSealContext = (workspace?: string): fc.Arbitrary<SealContext> =>
  fc
    .record({
      tenant: arbContextString(),
      workspace: workspace === undefined ? arbContextString() : fc.constant(workspace),
      purpose: arbContextString(),
      record: fc.option(arbContextString(), { nil: undefined }),
      field: fc.option(arbContextString(), { nil: undefined }),
    })
    .map((c) => {
      const out: { -readonly [K in keyof SealContext]: SealContext[K] } = {
        tenant: c.tenant,
        workspace: c.workspace,
        purpose: c.purpose,
      };
      if (c.record !== undefined) out.record = c.record;
      if (c.field !== undefined) out.field = c.field;
      return out;
    });

/** Plaintexts of any size up to `max` bytes, biased to small ones and block edges. */
export const arbPlaintext = (max = 70_000): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(15, 16, 17, 31, 32, 33, 4095, 4096, 4097)
        .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max })
        .map((n) => new Uint8Array(n).map((_, i) => (i * 131 + n) & 0xff)),
    },
  );

/** 32 random-looking key bytes (never all equal). */
export const arbKeyBytes = (): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => !b.every((x) => x === b[0]));

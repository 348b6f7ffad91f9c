import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { builtinRules } from '../src/rules/index.ts';
import { createScanner, fingerprintSecret } from '../src/scanner.ts';
import { truePositives } from './corpus/generate.ts';

const scanner = createScanner();
const secretScanner = createScanner({ detectors: ['secret'] });

// Rules whose match is self-contained: no provider keyword before it, no
// surrounding syntax (URI, header, assignment) needed to recognise it.
const selfContained = builtinRules
  .filter((r) => r.mode !== 'context' && !r.pattern.includes('(?<s>') && r.validate?.length !== 4)
  .map((r) => r.id);
const tokenPool = selfContained.flatMap((id, i) => {
  const s = truePositives(id, 1, 77 + i)[0];
  return s === undefined ? [] : [s.text.slice(s.start, s.end)];
});

const textWithTokens = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(...tokenPool),
      fc.constantFrom(' ', '\n', '"', '=', ': '),
    ),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

describe('scanner invariants', () => {
  test.prop([fc.oneof(fc.string({ maxLength: 300 }), textWithTokens)])(
    'findings are sorted, never overlap and stay within the text',
    (text) => {
      const fs = scanner.scan(text);
      let last = 0;
      for (const f of fs) {
        expect(f.start).toBeGreaterThanOrEqual(last);
        expect(f.end).toBeGreaterThan(f.start);
        expect(f.end).toBeLessThanOrEqual(text.length);
        last = f.end;
      }
    },
  );

  test.prop([textWithTokens])(
    'a high-confidence self-contained finding re-scanned alone is found again with the same rule',
    (text) => {
      for (const f of secretScanner.scan(text)) {
        if (f.confidence !== 'high' || !selfContained.includes(f.ruleId)) continue;
        const alone = text.slice(f.start, f.end);
        const again = secretScanner.scan(alone);
        expect(
          again.some((g) => g.ruleId === f.ruleId && g.start === 0 && g.end === alone.length),
        ).toBe(true);
      }
    },
  );

  test.prop([textWithTokens])(
    'fingerprints are deterministic and never contain the value',
    (text) => {
      for (const f of scanner.scan(text)) {
        const v = text.slice(f.start, f.end);
        expect(f.fingerprint).toBe(fingerprintSecret(v));
        if (v.length >= 4) expect(f.fingerprint.includes(v)).toBe(false);
      }
    },
  );

  test.prop([
    fc.constantFrom(...tokenPool),
    fc.string({ maxLength: 30 }),
    fc.string({ maxLength: 30 }),
  ])(
    'a self-contained token is found wherever it is embedded between non-token characters',
    (token, left, right) => {
      const text = `${left} ${token} ${right}`;
      const start = left.length + 1;
      const fs = secretScanner.scan(text);
      expect(fs.some((f) => f.start <= start && f.end >= start + token.length)).toBe(true);
    },
  );

  test.prop([textWithTokens])('explanations never contain the bytes of a flagged value', (text) => {
    const values = scanner
      .scan(text)
      .map((f) => text.slice(f.start, f.end))
      .filter((v) => v.length >= 8);
    const out = JSON.stringify(scanner.explain(text));
    for (const v of values) expect(out.includes(v)).toBe(false);
  });
});

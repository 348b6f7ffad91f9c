import { test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { createVault, redactText } from '../src/index.ts';
import { arbDoc } from './arbitraries.ts';

test.prop([arbDoc()])(
  'redacted output never contains the matched bytes of any finding',
  ({ text, secrets }) => {
    const r = redactText(text);
    for (const f of r.findings) {
      const matched = text.slice(f.start, f.end);
      expect(matched.length).toBeGreaterThan(0);
      expect(r.text).not.toContain(matched);
    }
    // Every planted realistic secret is found by the real scanner and removed.
    for (const s of secrets) expect(r.text).not.toContain(s);
  },
);

test.prop([arbDoc()])('redaction is idempotent', ({ text }) => {
  const once = redactText(text).text;
  const twice = redactText(once);
  expect(twice.text).toBe(once);
  expect(twice.findings).toEqual([]);
});

test.prop([arbDoc()])('a vault restores the exact original text from its redaction', ({ text }) => {
  const vault = createVault();
  const r = redactText(text, { vault });
  expect(vault.restore(r.text)).toBe(text);
  expect(JSON.stringify(vault)).toBe(JSON.stringify({ size: vault.size }));
});

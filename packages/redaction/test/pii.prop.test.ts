import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { nextTrigger, validIpv4 } from '../src/pii.ts';

const TRIGGER = /[@:]|(?:\+|\(|\b)[0-9]|\b[A-Z]{2}[0-9]{2}/g;
const chars = fc.constantFrom(...'aZDE019+(@: ._-\n\u00e9'.split(''));

describe('PII trigger search', () => {
  test.prop([fc.array(chars, { maxLength: 40 }).map((a) => a.join('')), fc.nat(40)])(
    'the short-text trigger loop finds exactly the positions the long-text regex finds',
    (text, from) => {
      const start = Math.min(from, text.length);
      TRIGGER.lastIndex = start;
      const m = TRIGGER.exec(text);
      expect(nextTrigger(text, start)).toBe(m === null ? -1 : m.index);
    },
  );
});

/** The straightforward definition: four parts, each 1-3 digits, no leading zero, at most 255. */
function referenceIpv4(s: string): boolean {
  const parts = s.split('.');
  return (
    parts.length === 4 &&
    parts.every(
      (p) => /^\d{1,3}$/.test(p) && !(p.length > 1 && p.startsWith('0')) && Number(p) <= 255,
    )
  );
}

describe('IPv4 validation', () => {
  test.prop([
    fc.array(fc.constantFrom(...'0125.9a'.split('')), { maxLength: 18 }).map((a) => a.join('')),
  ])('the allocation-free IPv4 check agrees with the split-and-parse definition', (s) => {
    expect(validIpv4(s)).toBe(referenceIpv4(s));
  });
  test.prop([fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300))])(
    'dotted quads are valid exactly when every octet is at most 255',
    (q) => {
      expect(validIpv4(q.join('.'))).toBe(q.every((x) => x <= 255));
    },
  );
});

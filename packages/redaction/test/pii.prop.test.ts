import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { nextTrigger } from '../src/pii.ts';

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

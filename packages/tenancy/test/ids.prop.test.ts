import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TenancyError } from '../src/errors.ts';
import { isOrgId, isWorkspaceId, orgIdSchema, parseOrgId, parseWorkspaceId } from '../src/ids.ts';

const canonicalUuid = fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] });

describe('org ids', () => {
  test.prop([canonicalUuid])(
    'every canonical lower-case RFC 9562 UUID is accepted unchanged',
    (u) => {
      expect(parseOrgId(u)).toBe(u);
      expect(isOrgId(u)).toBe(true);
    },
  );

  test.prop([canonicalUuid.filter((u) => /[a-f]/.test(u))])(
    'the upper-case spelling of a valid UUID is refused',
    (u) => {
      expect(isOrgId(u.toUpperCase())).toBe(false);
      expect(() => parseOrgId(u.toUpperCase())).toThrow(TenancyError);
    },
  );

  test.prop([canonicalUuid, fc.constantFrom('{%}', ' %', '% ', 'urn:uuid:%', '%\n', '%\0', '"%"')])(
    'braced, padded, URN and quoted spellings of a valid UUID are refused',
    (u, wrap) => {
      expect(isOrgId(wrap.replace('%', u))).toBe(false);
    },
  );

  test.prop([canonicalUuid])('the 32-hex form without hyphens is refused', (u) => {
    expect(isOrgId(u.replaceAll('-', ''))).toBe(false);
  });

  it('the nil and max UUIDs are refused', () => {
    for (const u of [
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ]) {
      expect(isOrgId(u)).toBe(false);
      expect(orgIdSchema.safeParse(u).success).toBe(false);
    }
  });

  test.prop([fc.string({ maxLength: 40 })])(
    'any accepted org id is its own canonical spelling (lower-case, 36 chars)',
    (s) => {
      if (isOrgId(s)) {
        expect(s).toBe(s.toLowerCase());
        expect(s).toHaveLength(36);
      }
    },
  );

  test.prop([fc.string()])(
    'a refused id produces an error whose message never echoes the input',
    (s) => {
      fc.pre(!orgIdSchema.safeParse(s).success && s.length > 3);
      try {
        parseOrgId(s);
      } catch (e) {
        expect(TenancyError.isInstance(e) && e.code).toBe('ERR_TENANCY_INVALID_ARGUMENT');
        expect((e as Error).message).not.toContain(s);
      }
    },
  );
});

const RESERVED = ['con', 'prn', 'aux', 'nul', 'com1', 'com9', 'lpt1', 'lpt0', 'xn--80ak6aa92e'];

describe('workspace ids', () => {
  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
  test.prop([label])('every DNS-label id that is not reserved is accepted unchanged', (s) => {
    fc.pre(!/^(con|prn|aux|nul|com[0-9]|lpt[0-9]|xn--.*)$/.test(s));
    expect(parseWorkspaceId(s)).toBe(s);
  });

  it('reserved device names and xn-- labels are refused', () => {
    for (const r of RESERVED) expect(isWorkspaceId(r)).toBe(false);
    expect(isWorkspaceId('default')).toBe(true);
  });

  test.prop([
    fc.oneof(
      fc.constantFrom(
        '.',
        '..',
        '../bob',
        'alice/../bob',
        'a/b',
        'a\\b',
        'a\0',
        'A',
        'Bob',
        '-a',
        'a-',
        '',
      ),
      fc.string({ minLength: 1, maxLength: 8 }).map((s) => `a${s}\u0430`), // Cyrillic 'а'
      fc.string({ minLength: 64, maxLength: 80 }).map((s) => s.replace(/[^a-z]/g, 'a')),
    ),
  ])('traversal, separators, NUL, upper-case, lookalikes and overlong ids are refused', (s) => {
    expect(isWorkspaceId(s)).toBe(false);
    expect(() => parseWorkspaceId(s)).toThrow(TenancyError);
  });
});

import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { canonicalizeIp, createEgressGuard, type EgressDecision } from '../src/index.ts';

// Edges of every named range, so generated addresses often sit on a boundary.
const EDGES = [
  0x00000000, 0x0a000000, 0x64400000, 0x7f000000, 0xa9fe0000, 0xa9fea9fe, 0xac100000, 0xc0000000,
  0xc0000200, 0xc0586300, 0xc0a80000, 0xc6120000, 0xc6336400, 0xcb007100, 0xe0000000, 0xf0000000,
  0xffffffff, 0xa83f8110, 0x646464c8, 0xc00000c0,
];

const arbV4: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 0xffffffff }),
  fc
    .tuple(fc.constantFrom(...EDGES), fc.integer({ min: -2, max: 2 }))
    .map(([e, d]) => (e + d + 0x100000000) % 0x100000000),
);

const dotted = (v: number): string =>
  `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
const hex4 = (n: number): string => n.toString(16);

type Radix = 'dec' | 'oct' | 'hex' | 'HEX';
const arbRadix: fc.Arbitrary<Radix> = fc.constantFrom('dec', 'oct', 'hex', 'HEX');

function renderNumber(n: number, radix: Radix, pad: number): string {
  switch (radix) {
    case 'dec':
      return String(n);
    case 'oct':
      return `0${'0'.repeat(pad)}${n.toString(8)}`;
    case 'hex':
      return `0x${'0'.repeat(pad)}${n.toString(16)}`;
    case 'HEX':
      return `0X${'0'.repeat(pad)}${n.toString(16).toUpperCase()}`;
  }
}

/** An IPv4 notation: 1 to 4 parts, each in any radix, optionally a trailing dot. */
const arbV4Notation = (v: number): fc.Arbitrary<string> =>
  fc
    .record({
      parts: fc.integer({ min: 1, max: 4 }),
      radices: fc.array(arbRadix, { minLength: 4, maxLength: 4 }),
      pads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
      trailingDot: fc.boolean(),
    })
    .map(({ parts, radices, pads, trailingDot }) => {
      const bytes = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
      const numbers = bytes.slice(0, parts - 1);
      let rest = 0;
      for (const b of bytes.slice(parts - 1)) rest = rest * 256 + b;
      numbers.push(rest);
      const text = numbers
        .map((n, i) => renderNumber(n, radices[i] as Radix, pads[i] as number))
        .join('.');
      return trailingDot ? `${text}.` : text;
    });

/** IPv6 forms that carry the IPv4 address. */
const arbV6Carrier = (v: number): fc.Arbitrary<string> => {
  const hi = hex4(v >>> 16);
  const lo = hex4(v & 0xffff);
  const forms = [
    `::ffff:${dotted(v)}`,
    `::ffff:${hi}:${lo}`,
    `::FFFF:${hi.toUpperCase()}:${lo.toUpperCase()}`,
    `0:0:0:0:0:ffff:${hi}:${lo}`,
    `0000:0000:0000:0000:0000:ffff:${dotted(v)}`,
    `[::ffff:${dotted(v)}]`,
    `::ffff:${hi}:${lo}%eth0`,
    `::ffff:0:${dotted(v)}`,
    `64:ff9b::${dotted(v)}`,
    `64:ff9b::${hi}:${lo}`,
    `64:ff9b:0:0:0:0:${hi}:${lo}`,
    `2002:${hi}:${lo}::`,
    `2002:${hi}:${lo}:1::abcd`,
    // Teredo with a public server (65.54.227.120) and the client obfuscated.
    `2001:0:4136:e378:8000:63bf:${hex4(~v >>> 16)}:${hex4(~v & 0xffff)}`,
  ];
  // IPv4-compatible forms: ::0.0.0.0 and ::0.0.0.1 are the IPv6 unspecified and loopback addresses.
  if (v > 1) forms.push(`::${dotted(v)}`, `::${hi}:${lo}`);
  return fc.constantFrom(...forms);
};

const GUARDS = [
  createEgressGuard(),
  createEgressGuard({ dangerouslyAllowRanges: ['127.0.0.0/8', '10.0.0.0/8', '169.254.0.0/16'] }),
];

const essence = (d: EgressDecision): [boolean, string, string | undefined] => [
  d.allowed,
  d.reason,
  d.range,
];

describe('egress guard: every notation of an address gets the decision of the canonical address', () => {
  test.prop([arbV4.chain((v) => fc.tuple(fc.constant(v), arbV4Notation(v)))])(
    'any IPv4 notation (decimal, octal, hex, short, mixed, trailing dot) is decided exactly like the dotted quad',
    ([v, form]) => {
      for (const g of GUARDS) {
        expect(essence(g.checkAddress(form))).toEqual(essence(g.checkAddress(dotted(v))));
        expect(essence(g.checkUrl(`http://${form}/`))).toEqual(
          essence(g.checkUrl(`http://${dotted(v)}/`)),
        );
      }
      expect(canonicalizeIp(form)).toBe(dotted(v));
    },
  );

  test.prop([arbV4.chain((v) => fc.tuple(fc.constant(v), arbV6Carrier(v)))])(
    'any IPv6 form carrying an IPv4 address (mapped, compatible, translated, NAT64, 6to4, Teredo) is decided exactly like the IPv4 address',
    ([v, form]) => {
      for (const g of GUARDS) {
        const expected = essence(g.checkAddress(dotted(v)));
        expect(essence(g.checkAddress(form))).toEqual(expected);
        if (!form.includes('%')) {
          const bracketed = form.startsWith('[') ? form : `[${form}]`;
          expect(essence(g.checkUrl(`http://${bracketed}/`))).toEqual(expected);
        }
      }
    },
  );

  test.prop([arbV4.chain((v) => arbV4Notation(v))])(
    'our IPv4 parser agrees with the WHATWG URL parser (Node new URL) on every generated notation',
    (form) => {
      expect(new URL(`http://${form}/`).hostname).toBe(canonicalizeIp(form));
    },
  );

  const arbWords = fc.array(
    fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0xffff, 0x64, 0xff9b, 0x2002, 0x2001, 0xfe80, 0xfc00, 0xfd00, 0xff02),
    ),
    { minLength: 8, maxLength: 8 },
  );
  const arbV6Text = (words: readonly number[]): fc.Arbitrary<string> =>
    fc
      .record({ pad: fc.boolean(), upper: fc.boolean(), zone: fc.boolean(), bracket: fc.boolean() })
      .map(({ pad, upper, zone, bracket }) => {
        let t = words
          .map((w) => (pad ? w.toString(16).padStart(4, '0') : w.toString(16)))
          .join(':');
        if (upper) t = t.toUpperCase();
        if (zone) t += '%lo';
        return bracket ? `[${t}]` : t;
      });

  test.prop([arbWords.chain((w) => fc.tuple(fc.constant(w), arbV6Text(w)))])(
    'any IPv6 spelling (padding, case, zone id, brackets) is decided like its RFC 5952 canonical text, which matches the WHATWG serialisation',
    ([words, form]) => {
      const canonical = canonicalizeIp(words.map((w) => w.toString(16)).join(':')) as string;
      expect(new URL(`http://[${canonical}]/`).hostname).toBe(`[${canonical}]`);
      expect(canonicalizeIp(form)).toBe(canonical);
      for (const g of GUARDS) {
        expect(essence(g.checkAddress(form))).toEqual(essence(g.checkAddress(canonical)));
      }
    },
  );
});

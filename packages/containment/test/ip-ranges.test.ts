import { describe, expect, it } from 'vitest';
import { canonicalizeIp, classifyIp, createEgressGuard } from '../src/index.ts';

// Each row: a range, and the edge addresses just inside and just outside it.
// "outside" addresses are public unless another range is named.
const V4_BOUNDARIES: ReadonlyArray<{
  range: string;
  inside: readonly string[];
  outside: ReadonlyArray<readonly [string, string | undefined]>;
}> = [
  {
    range: 'unspecified',
    inside: ['0.0.0.0', '0.255.255.255'],
    outside: [['1.0.0.0', undefined]],
  },
  {
    range: 'private',
    inside: [
      '10.0.0.0',
      '10.255.255.255',
      '172.16.0.0',
      '172.31.255.255',
      '192.168.0.0',
      '192.168.255.255',
    ],
    outside: [
      ['9.255.255.255', undefined],
      ['11.0.0.0', undefined],
      ['172.15.255.255', undefined],
      ['172.32.0.0', undefined],
      ['192.167.255.255', undefined],
      ['192.169.0.0', undefined],
    ],
  },
  {
    range: 'cgnat',
    inside: ['100.64.0.0', '100.127.255.255'],
    outside: [
      ['100.63.255.255', undefined],
      ['100.128.0.0', undefined],
    ],
  },
  {
    range: 'loopback',
    inside: ['127.0.0.0', '127.0.0.1', '127.255.255.255'],
    outside: [
      ['126.255.255.255', undefined],
      ['128.0.0.0', undefined],
    ],
  },
  {
    range: 'link-local',
    inside: ['169.254.0.0', '169.254.169.253', '169.254.169.255', '169.254.255.255'],
    outside: [
      ['169.253.255.255', undefined],
      ['169.255.0.0', undefined],
    ],
  },
  {
    range: 'metadata',
    inside: ['169.254.169.254', '169.254.170.2', '168.63.129.16', '100.100.100.200', '192.0.0.192'],
    outside: [
      ['168.63.129.15', undefined],
      ['168.63.129.17', undefined],
      ['100.100.100.199', 'cgnat'],
      ['169.254.170.3', 'link-local'],
    ],
  },
  {
    range: 'reserved',
    inside: [
      '192.0.0.0',
      '192.0.0.255',
      '192.88.99.0',
      '192.88.99.255',
      '240.0.0.0',
      '255.255.255.254',
    ],
    outside: [
      ['191.255.255.255', undefined],
      ['192.0.1.0', undefined],
      ['192.88.98.255', undefined],
      ['192.88.100.0', undefined],
      ['239.255.255.255', 'multicast'],
    ],
  },
  {
    range: 'documentation',
    inside: [
      '192.0.2.0',
      '192.0.2.255',
      '198.51.100.0',
      '198.51.100.255',
      '203.0.113.0',
      '203.0.113.255',
    ],
    outside: [
      ['192.0.3.0', undefined],
      ['198.51.99.255', undefined],
      ['198.51.101.0', undefined],
      ['203.0.112.255', undefined],
      ['203.0.114.0', undefined],
    ],
  },
  {
    range: 'benchmarking',
    inside: ['198.18.0.0', '198.19.255.255'],
    outside: [
      ['198.17.255.255', undefined],
      ['198.20.0.0', undefined],
    ],
  },
  {
    range: 'multicast',
    inside: ['224.0.0.0', '239.255.255.255'],
    outside: [['223.255.255.255', undefined]],
  },
  {
    range: 'broadcast',
    inside: ['255.255.255.255'],
    outside: [['255.255.255.254', 'reserved']],
  },
];

const V6_BOUNDARIES: ReadonlyArray<{
  range: string;
  inside: readonly string[];
  outside: ReadonlyArray<readonly [string, string | undefined]>;
}> = [
  { range: 'unspecified', inside: ['::'], outside: [['2000::', undefined]] },
  { range: 'loopback', inside: ['::1'], outside: [['2001:4860::1', undefined]] },
  {
    range: 'unique-local',
    inside: ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    outside: [
      ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
      ['fe00::', 'reserved'],
    ],
  },
  {
    range: 'link-local',
    inside: ['fe80::', 'fe80::1', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    outside: [
      ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'reserved'],
      ['fec0::', 'private'],
    ],
  },
  { range: 'metadata', inside: ['fd00:ec2::254'], outside: [['fd00:ec2::255', 'unique-local']] },
  {
    range: 'multicast',
    inside: ['ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
    outside: [['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'private']],
  },
  {
    range: 'documentation',
    inside: ['2001:db8::', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', '3fff::', '3fff:fff::1'],
    outside: [
      ['2001:db9::', undefined],
      ['3fff:1000::', undefined],
      ['3ffe:ffff::', undefined],
    ],
  },
  {
    range: 'benchmarking',
    inside: ['2001:2::', '2001:2:0:ffff::1'],
    outside: [['2001:2:1::', 'reserved']],
  },
  {
    range: 'reserved',
    inside: ['100::', '100::ffff:ffff:ffff:ffff', '2001:1ff::1', '1::', '4000::'],
    outside: [
      ['100:0:0:1::', 'reserved'],
      ['2001:200::', undefined],
      ['2a00:1450::1', undefined],
      ['3ffe::1', undefined],
    ],
  },
  {
    range: 'private',
    inside: ['64:ff9b:1::', '64:ff9b:1:ffff::1'],
    outside: [['64:ff9b:2::', 'reserved']],
  },
];

describe('IPv4 named ranges (table-driven, both sides of every boundary)', () => {
  for (const row of V4_BOUNDARIES) {
    it(`classifies the edges of the ${row.range} range and its neighbours`, () => {
      for (const a of row.inside) expect([a, classifyIp(a)]).toEqual([a, row.range]);
      for (const [a, expected] of row.outside) expect([a, classifyIp(a)]).toEqual([a, expected]);
    });
  }
});

describe('IPv6 named ranges (table-driven, both sides of every boundary)', () => {
  for (const row of V6_BOUNDARIES) {
    it(`classifies the edges of the IPv6 ${row.range} range and its neighbours`, () => {
      for (const a of row.inside) expect([a, classifyIp(a)]).toEqual([a, row.range]);
      for (const [a, expected] of row.outside) expect([a, classifyIp(a)]).toEqual([a, expected]);
    });
  }
});

describe('the default egress guard refuses every blocked range and admits public neighbours', () => {
  const guard = createEgressGuard();
  it('refuses every inside edge address and admits every public outside edge address', () => {
    for (const row of [...V4_BOUNDARIES, ...V6_BOUNDARIES]) {
      for (const a of row.inside) {
        const d = guard.checkAddress(a);
        expect([a, d.allowed, d.reason, d.range]).toEqual([a, false, 'blocked-address', row.range]);
      }
      for (const [a, expected] of row.outside) {
        expect([a, guard.checkAddress(a).allowed]).toEqual([a, expected === undefined]);
      }
    }
  });
});

describe('IPv4 notations and IPv6 forms', () => {
  const loopbackForms = [
    '127.0.0.1',
    '2130706433',
    '017700000001',
    '0x7f000001',
    '0x7F.1',
    '0177.0.0.1',
    '0177.0.0.01',
    '127.1',
    '127.0.1',
    '0x7f.0.0.1',
    '0x7f.0x0.0.0x1',
    '0177.0x0.0.1',
    '127.0.0.1.',
    '127.1.',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:7F00:0001',
    '0:0:0:0:0:ffff:7f00:1',
    '[::ffff:127.0.0.1]',
    '::127.0.0.1',
    '::7f00:1',
    '::ffff:0:127.0.0.1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '2002:7f00:1:ffff::1',
  ];
  it('resolves every loopback notation to the loopback range', () => {
    const guard = createEgressGuard();
    for (const form of loopbackForms) {
      const d = guard.checkAddress(form);
      expect([form, d.allowed, d.range]).toEqual([form, false, 'loopback']);
    }
  });

  it('decides Teredo addresses by the obfuscated client and the server address', () => {
    // Teredo: 2001:0:<server>:<flags>:<port>:<~client>. Client 127.0.0.1 => ~ = 80ff:fffe.
    expect(classifyIp('2001:0:4136:e378:8000:63bf:80ff:fffe')).toBe('loopback');
    // Public server 65.54.227.120, public client 8.8.8.8 (~ = f7f7:f7f7).
    expect(classifyIp('2001:0:4136:e378:8000:63bf:f7f7:f7f7')).toBeUndefined();
    // Server in 10/8.
    expect(classifyIp('2001:0:a00:1:8000:63bf:f7f7:f7f7')).toBe('private');
  });

  it('ignores IPv6 zone ids and accepts the URL-escaped %25 form', () => {
    expect(classifyIp('fe80::1%eth0')).toBe('link-local');
    expect(classifyIp('fe80::1%25eth0')).toBe('link-local');
    expect(classifyIp('[fe80::1%eth0]')).toBe('link-local');
    expect(classifyIp('::ffff:169.254.169.254%1')).toBe('metadata');
  });

  it('recognises metadata addresses in disguised notations', () => {
    for (const form of [
      '169.254.169.254',
      '2852039166',
      '0xa9fea9fe',
      '0251.0376.0251.0376',
      '169.254.43518',
      '0xa9.0xfe.0xa9.0xfe',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a9fe:a9fe',
      '2002:a9fe:a9fe::',
      '[fd00:ec2::254]',
      '100.100.100.200',
    ]) {
      expect([form, classifyIp(form)]).toEqual([form, 'metadata']);
    }
  });

  it('canonicalises notations to a dotted quad or RFC 5952 text', () => {
    expect(canonicalizeIp('0x7f.1')).toBe('127.0.0.1');
    expect(canonicalizeIp('4294967295')).toBe('255.255.255.255');
    expect(canonicalizeIp('[::FFFF:127.0.0.1]')).toBe('::ffff:7f00:1');
    expect(canonicalizeIp('2001:0db8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalizeIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalizeIp('0:0:0:0:0:0:0:0')).toBe('::');
  });

  it('rejects malformed addresses instead of guessing', () => {
    for (const bad of [
      '',
      '4294967296',
      '256.0.0.1',
      '1.2.3.4.5',
      '1..2.3',
      '08.0.0.1',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '1.2.3.0x100',
      '1.2.65536',
      '1.16777216',
      '::ffff:127.0.0.01',
      '::ffff:127.0.0.256',
      ':::',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
      '[127.0.0.1]',
      'fe80::1%',
      'example.com',
      '::1]',
    ]) {
      expect([bad, canonicalizeIp(bad)]).toEqual([bad, undefined]);
      expect([bad, createEgressGuard().checkAddress(bad).reason]).toEqual([bad, 'invalid-address']);
    }
  });

  it('agrees with the WHATWG URL parser on every IPv4 notation it accepts', () => {
    for (const form of [
      '2130706433',
      '0x7f.1',
      '0177.0.0.1',
      '127.1',
      '127.0.0.1.',
      '0x',
      '1.2.3.0377',
    ]) {
      const whatwg = new URL(`http://${form}/`).hostname;
      expect([form, canonicalizeIp(form)]).toEqual([form, whatwg]);
    }
  });
});

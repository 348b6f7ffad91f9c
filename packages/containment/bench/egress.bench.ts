// Egress decisions per second: the guard against a naive peer built on Node's
// own net.BlockList, measured in the same run. The peer only understands
// canonical dotted-quad / IPv6 text: it does not see `0x7f.1`, `2130706433`,
// `::ffff:7f00:1` or NAT64/6to4 carriers as loopback, which the guard does.
import { BlockList, isIP } from 'node:net';
import { bench, describe } from 'vitest';
import { createEgressGuard } from '../src/index.ts';

const guard = createEgressGuard();

const naive = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  naive.addSubnet(net, prefix, 'ipv4');
}
naive.addAddress('::1', 'ipv6');
naive.addAddress('::', 'ipv6');
naive.addSubnet('fc00::', 7, 'ipv6');
naive.addSubnet('fe80::', 10, 'ipv6');

function naiveAllowsAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !naive.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function naiveAllowsUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return isIP(host) === 0 ? host !== 'localhost' : naiveAllowsAddress(host);
}

const ADDRESSES = [
  '8.8.8.8',
  '127.0.0.1',
  '10.1.2.3',
  '192.168.0.1',
  '169.254.169.254',
  '93.184.216.34',
  '2606:4700:4700::1111',
  '::1',
  'fe80::1',
  '::ffff:127.0.0.1',
  '100.64.1.1',
  '1.1.1.1',
];

const URLS = [
  'https://example.com/a/b?c=d',
  'http://127.0.0.1:8080/',
  'https://8.8.8.8/',
  'http://169.254.169.254/latest/meta-data/',
  'https://api.github.com/repos/x/y',
  'http://[::1]/',
  'https://[2606:4700:4700::1111]/dns-query',
  'http://10.0.0.1/',
  'http://0x7f.1/',
  'https://registry.npmjs.org/zod',
];

describe('egress: raw IP address decisions', () => {
  bench('palisade guard.checkAddress (all notations, metadata, embedded IPv4)', () => {
    for (const a of ADDRESSES) guard.checkAddress(a);
  });
  bench('naive peer: net.isIP + net.BlockList.check (canonical text only)', () => {
    for (const a of ADDRESSES) naiveAllowsAddress(a);
  });
});

describe('egress: URL decisions', () => {
  bench('palisade guard.checkUrl', () => {
    for (const u of URLS) guard.checkUrl(u);
  });
  bench('naive peer: new URL + net.BlockList.check', () => {
    for (const u of URLS) naiveAllowsUrl(u);
  });
});

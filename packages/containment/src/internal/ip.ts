// Raw IP address parsing and range classification for the egress guard.
//
// IPv4 follows the WHATWG URL "IPv4 parser" (the same rules as inet_aton):
// one to four parts, each decimal, octal (leading 0) or hex (0x), the last part
// filling the remaining bytes, one trailing dot allowed. So `2130706433`,
// `0177.0.0.1`, `0x7f.1`, `127.1` and `127.0.0.1.` are all 127.0.0.1.
//
// IPv6 follows the WHATWG URL "IPv6 parser" (RFC 4291 text forms with `::`
// compression and a dotted IPv4 tail), plus optional brackets and a zone id
// (`%eth0`, or `%25eth0` as written inside URLs), which never changes the
// decision.

/** A parsed IP address: IPv4 as an unsigned 32-bit number, IPv6 as eight 16-bit words. */
export type ParsedIp =
  | { readonly family: 4; readonly v4: number }
  | { readonly family: 6; readonly words: readonly number[]; readonly zone: string | undefined };

/** Named ranges the egress guard blocks by default. */
export type IpRangeName =
  | 'metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

/** How an IPv4 address is embedded in an IPv6 address. */
export type Ipv4Embedding =
  | 'ipv4-mapped'
  | 'ipv4-translated'
  | 'ipv4-compatible'
  | 'nat64'
  | '6to4'
  | 'teredo-client'
  | 'teredo-server';

const HEX = /^[0-9a-fA-F]*$/;
const OCT = /^[0-7]*$/;
const DEC = /^[0-9]*$/;

function parseIpv4Number(part: string): number | undefined {
  if (part === '') return undefined;
  let radix = 10;
  let digits = part;
  if (part.length >= 2 && (part.startsWith('0x') || part.startsWith('0X'))) {
    radix = 16;
    digits = part.slice(2);
  } else if (part.length >= 2 && part.startsWith('0')) {
    radix = 8;
    digits = part.slice(1);
  }
  if (digits === '') return 0;
  const ok = radix === 16 ? HEX.test(digits) : radix === 8 ? OCT.test(digits) : DEC.test(digits);
  if (!ok) return undefined;
  // Large values lose precision but stay large, which is all the range check needs.
  return Number.parseInt(digits, radix);
}

/**
 * Parses an IPv4 address in any notation the WHATWG URL parser accepts.
 * Returns the address as an unsigned 32-bit number, or undefined.
 */
export function parseIpv4(input: string): number | undefined {
  if (input.length === 0 || input.length > 256) return undefined;
  const parts = input.split('.');
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length > 4 || parts.length === 0) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIpv4Number(part);
    if (n === undefined) return undefined;
    numbers.push(n);
  }
  const last = numbers.pop() as number;
  for (const n of numbers) if (n > 255) return undefined;
  if (last >= 256 ** (5 - parts.length)) return undefined;
  let value = last;
  for (let i = 0; i < numbers.length; i++) value += (numbers[i] as number) * 256 ** (3 - i);
  return value >>> 0;
}

function parseStrictDottedQuad(input: string): number | undefined {
  const parts = input.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value >>> 0;
}

/** Parses an IPv6 address (no brackets, no zone). Returns eight 16-bit words or undefined. */
export function parseIpv6Words(input: string): number[] | undefined {
  if (input.length === 0 || input.length > 64) return undefined;
  const words = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0;
  let compress: number | undefined;
  let i = 0;
  if (input[0] === ':') {
    if (input[1] !== ':') return undefined;
    i = 2;
    pieceIndex = 1;
    compress = 1;
  }
  while (i < input.length) {
    if (pieceIndex === 8) return undefined;
    if (input[i] === ':') {
      if (compress !== undefined) return undefined;
      i++;
      pieceIndex++;
      compress = pieceIndex;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && i < input.length && /[0-9a-fA-F]/.test(input[i] as string)) {
      value = value * 16 + Number.parseInt(input[i] as string, 16);
      i++;
      length++;
    }
    if (input[i] === '.') {
      if (length === 0 || pieceIndex > 6) return undefined;
      const v4 = parseStrictDottedQuad(input.slice(i - length));
      if (v4 === undefined) return undefined;
      words[pieceIndex] = v4 >>> 16;
      words[pieceIndex + 1] = v4 & 0xffff;
      pieceIndex += 2;
      i = input.length;
      break;
    }
    if (input[i] === ':') {
      i++;
      if (i >= input.length) return undefined;
    } else if (i < input.length) {
      return undefined;
    }
    if (length === 0) return undefined;
    words[pieceIndex] = value;
    pieceIndex++;
  }
  if (compress !== undefined) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) {
      const a = compress + swaps - 1;
      const tmp = words[pieceIndex] as number;
      words[pieceIndex] = words[a] as number;
      words[a] = tmp;
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex !== 8) {
    return undefined;
  }
  return words;
}

/**
 * Parses a raw IP address in any IPv4 notation or IPv6 form: brackets
 * (`[::1]`) and zone ids (`fe80::1%eth0`, `fe80::1%25eth0`) are accepted.
 * Returns undefined for anything that is not an IP address.
 */
export function parseIp(input: string): ParsedIp | undefined {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.includes(':')) {
    let zone: string | undefined;
    const pct = s.indexOf('%');
    if (pct !== -1) {
      zone = s.slice(pct + 1);
      if (zone.startsWith('25') && zone.length > 2) zone = zone.slice(2);
      if (zone === '' || /[\s/%[\]]/.test(zone)) return undefined;
      s = s.slice(0, pct);
    }
    const words = parseIpv6Words(s);
    return words === undefined ? undefined : { family: 6, words, zone };
  }
  if (s !== input) return undefined; // brackets only around IPv6
  const v4 = parseIpv4(s);
  return v4 === undefined ? undefined : { family: 4, v4 };
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIpv4(v4: number): string {
  return `${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`;
}

/** Formats eight 16-bit words in the RFC 5952 canonical text form (as WHATWG URL serialises). */
export function formatIpv6(words: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      out += i === 0 ? '::' : ':';
      i += bestLen - 1;
      continue;
    }
    out += (words[i] as number).toString(16);
    if (i !== 7) out += ':';
  }
  return out;
}

/** The canonical text of a parsed address (zone ids dropped). */
export function formatIp(ip: ParsedIp): string {
  return ip.family === 4 ? formatIpv4(ip.v4) : formatIpv6(ip.words);
}

interface V4Range {
  readonly base: number;
  readonly mask: number;
  readonly name: IpRangeName;
}

function v4(cidr: string, name: IpRangeName): V4Range {
  const [addr = '', bits = '32'] = cidr.split('/');
  const prefix = Number(bits);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: ((parseStrictDottedQuad(addr) ?? 0) & mask) >>> 0, mask, name };
}

// Ordered: the first match names the range. Metadata addresses come first so
// that 169.254.169.254 is reported as metadata rather than link-local.
const V4_RANGES: readonly V4Range[] = [
  v4('169.254.169.254/32', 'metadata'), // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle...
  v4('169.254.170.2/32', 'metadata'), // AWS ECS task metadata / credentials
  v4('169.254.170.23/32', 'metadata'), // AWS EKS Pod Identity agent
  v4('168.63.129.16/32', 'metadata'), // Azure WireServer (a public address!)
  v4('100.100.100.200/32', 'metadata'), // Alibaba Cloud
  v4('192.0.0.192/32', 'metadata'), // Oracle Cloud (legacy)
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'), // 6to4 relay anycast (deprecated)
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmarking'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('240.0.0.0/4', 'reserved'),
];

/** The named blocked range of an IPv4 address, or undefined for a public address. */
export function classifyIpv4(v4addr: number): IpRangeName | undefined {
  for (const r of V4_RANGES) if ((v4addr & r.mask) >>> 0 === r.base) return r.name;
  return undefined;
}

/** An IPv4 address carried inside an IPv6 address. */
export interface EmbeddedIpv4 {
  readonly v4: number;
  readonly via: Ipv4Embedding;
}

/**
 * The IPv4 addresses embedded in an IPv6 address (mapped, translated,
 * compatible, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32), empty
 * when there is none. Every embedded address is checked: a packet to the
 * IPv6 address may reach any of them.
 */
export function embeddedIpv4(w: readonly number[]): EmbeddedIpv4[] {
  const [w0, w1, w2, w3, w4, w5, w6 = 0, w7 = 0] = w;
  const low = ((w6 << 16) | w7) >>> 0;
  if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0) {
    if (w5 === 0xffff) return [{ v4: low, via: 'ipv4-mapped' }];
    // ::/128 and ::1/128 are the IPv6 unspecified and loopback addresses, not
    // IPv4-compatible ones.
    if (w5 === 0 && low > 1) return [{ v4: low, via: 'ipv4-compatible' }];
    return [];
  }
  if (w0 === 0 && w1 === 0 && w2 === 0 && w3 === 0 && w4 === 0xffff && w5 === 0) {
    return [{ v4: low, via: 'ipv4-translated' }];
  }
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0) {
    return [{ v4: low, via: 'nat64' }];
  }
  if (w0 === 0x2002) {
    return [{ v4: (((w1 ?? 0) << 16) | (w2 ?? 0)) >>> 0, via: '6to4' }];
  }
  if (w0 === 0x2001 && w1 === 0) {
    return [
      { v4: (((w2 ?? 0) << 16) | (w3 ?? 0)) >>> 0, via: 'teredo-server' },
      { v4: ~low >>> 0, via: 'teredo-client' },
    ];
  }
  return [];
}

interface V6Range {
  readonly words: readonly number[];
  readonly prefix: number;
  readonly name: IpRangeName;
}

function v6(cidr: string, name: IpRangeName): V6Range {
  const [addr = '', bits = '128'] = cidr.split('/');
  return { words: parseIpv6Words(addr) ?? [], prefix: Number(bits), name };
}

/** True when the first `prefix` bits of `a` and `b` are equal. */
export function v6PrefixMatch(a: readonly number[], b: readonly number[], prefix: number): boolean {
  let bits = prefix;
  for (let i = 0; i < 8 && bits > 0; i++) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((((a[i] as number) ^ (b[i] as number)) & mask) !== 0) return false;
    bits -= take;
  }
  return true;
}

const V6_RANGES: readonly V6Range[] = [
  v6('fd00:ec2::254/128', 'metadata'), // AWS IMDS over IPv6
  v6('fd00:ec2::23/128', 'metadata'), // AWS EKS Pod Identity agent over IPv6
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('64:ff9b:1::/48', 'private'), // local-use NAT64 (RFC 8215)
  v6('100::/64', 'reserved'), // discard-only
  v6('2001:2::/48', 'benchmarking'),
  v6('2001:db8::/32', 'documentation'),
  v6('2001::/23', 'reserved'), // IETF protocol assignments (Teredo handled before)
  v6('3fff::/20', 'documentation'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'private'), // deprecated site-local
  v6('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = parseIpv6Words('2000::') ?? [];

/**
 * The named blocked range of an IPv6 address itself (embedded IPv4 addresses
 * are checked separately), or undefined for a global unicast address.
 */
export function classifyIpv6(w: readonly number[]): IpRangeName | undefined {
  for (const r of V6_RANGES) if (v6PrefixMatch(w, r.words, r.prefix)) return r.name;
  if (!v6PrefixMatch(w, GLOBAL_UNICAST, 3)) return 'reserved';
  return undefined;
}

/** A parsed CIDR block for allow-list overrides. */
export type Cidr =
  | { readonly family: 4; readonly base: number; readonly mask: number }
  | { readonly family: 6; readonly words: readonly number[]; readonly prefix: number };

/** Parses `a.b.c.d/n` or `x::y/n` (strict notations only). Returns undefined when malformed. */
export function parseCidr(input: string): Cidr | undefined {
  const slash = input.indexOf('/');
  const addr = slash === -1 ? input : input.slice(0, slash);
  const bits = slash === -1 ? undefined : input.slice(slash + 1);
  if (bits !== undefined && !/^(0|[1-9][0-9]{0,2})$/.test(bits)) return undefined;
  if (addr.includes(':')) {
    const words = parseIpv6Words(addr);
    const prefix = bits === undefined ? 128 : Number(bits);
    if (words === undefined || prefix > 128) return undefined;
    return { family: 6, words, prefix };
  }
  const base = parseStrictDottedQuad(addr);
  const prefix = bits === undefined ? 32 : Number(bits);
  if (base === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { family: 4, base: (base & mask) >>> 0, mask };
}

/** True when the IPv4 address is inside the block. */
export function cidrContainsV4(c: Cidr, v4addr: number): boolean {
  return c.family === 4 && (v4addr & c.mask) >>> 0 === c.base;
}

/** True when the IPv6 address is inside the block. */
export function cidrContainsV6(c: Cidr, words: readonly number[]): boolean {
  return c.family === 6 && v6PrefixMatch(words, c.words, c.prefix);
}

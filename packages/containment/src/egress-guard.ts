import { ContainmentError } from './errors.ts';
import {
  type Cidr,
  cidrContainsV4,
  cidrContainsV6,
  classifyIpv4,
  classifyIpv6,
  embeddedIpv4,
  formatIp,
  type IpRangeName,
  type ParsedIp,
  parseCidr,
  parseIp,
} from './internal/ip.ts';

export type { IpRangeName } from './internal/ip.ts';

/** Why the egress guard allowed or refused a URL, host or address. */
export type EgressReason =
  | 'allowed'
  | 'invalid-url'
  | 'invalid-address'
  | 'scheme-not-allowed'
  | 'scheme-downgrade'
  | 'port-not-allowed'
  | 'credentials-in-url'
  | 'host-not-allowed'
  | 'host-denied'
  | 'metadata-host'
  | 'loopback-host'
  | 'blocked-address';

/** The decision of the egress guard. */
export interface EgressDecision {
  /** True only when every check passed. */
  readonly allowed: boolean;
  /** Why: `'allowed'` or the first check that refused. */
  readonly reason: EgressReason;
  /** For `'blocked-address'`: the named range the address (or an address embedded in it) is in. */
  readonly range?: IpRangeName;
  /** The canonical address that was decided on (IPv4 dotted quad or RFC 5952 IPv6), when the target is an IP. */
  readonly address?: string;
  /** The canonical host (lowercase, no trailing dot, IPv6 without brackets), when one was parsed. */
  readonly host?: string;
}

/** Options of {@link createEgressGuard}. All lists are allow-lists: unset means "no restriction of that kind". */
export interface EgressGuardOptions {
  /**
   * Host patterns that may be reached: exact names (`api.example.com`), suffix
   * patterns (`*.example.com`, which matches subdomains but not
   * `example.com` itself) and IP literals. Unset: any host that passes the
   * address checks. An allowed host is still refused when it resolves to a
   * blocked address (checked at connect time).
   */
  readonly allowHosts?: readonly string[];
  /** Host patterns that are always refused (same syntax as `allowHosts`). */
  readonly denyHosts?: readonly string[];
  /** URL schemes that may be used, without the colon. Default `['https', 'http']`. */
  readonly allowSchemes?: readonly string[];
  /** Ports that may be used (the scheme's default port when the URL has none). Unset: any port. */
  readonly allowPorts?: readonly number[];
  /**
   * CIDR blocks (`10.1.0.0/16`, `::1/128`) exempted from the blocked ranges,
   * for example an internal service you mean to reach. This gives up SSRF
   * protection for those addresses. Cloud-metadata addresses and host names
   * are refused even when listed here.
   */
  readonly dangerouslyAllowRanges?: readonly string[];
  /** Accept URLs with `user:password@`. Default false: such URLs are refused. */
  readonly allowUrlCredentials?: boolean;
}

/** An egress guard: pure decisions about URLs, hosts and addresses. It never opens a connection. */
export interface EgressGuard {
  /** Decides a URL (string or `URL`), canonicalised by the WHATWG URL parser. */
  checkUrl(url: string | URL): EgressDecision;
  /** Decides a host name or IP literal (any notation), as a connection target. */
  checkHost(host: string): EgressDecision;
  /** Decides a raw IP address in any IPv4 notation or IPv6 form. Anything else is refused as `'invalid-address'`. */
  checkAddress(address: string): EgressDecision;
  /**
   * Like `checkUrl`, but returns the parsed `URL` or throws.
   *
   * @throws {ContainmentError} `ERR_CONTAINMENT_INVALID_URL` when the URL does not parse; `ERR_CONTAINMENT_EGRESS_DENIED` when it is refused.
   */
  assertUrl(url: string | URL): URL;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'https:': 443,
  'ws:': 80,
  'wss:': 443,
  'ftp:': 21,
};

// Host names that reach instance metadata services without any DNS lookup.
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.oraclecloud.com',
]);

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
]);

interface HostPattern {
  readonly exact?: string;
  readonly suffix?: string;
}

function canonicalHostName(host: string): string {
  let h = host.toLowerCase();
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function compileHostPatterns(patterns: readonly string[] | undefined, name: string): HostPattern[] {
  if (patterns === undefined) return [];
  if (!Array.isArray(patterns)) throw new TypeError(`${name} must be an array of strings`);
  return patterns.map((p): HostPattern => {
    if (typeof p !== 'string' || p.trim() === '' || /[\s/@]/.test(p)) {
      throw new ContainmentError(
        'ERR_CONTAINMENT_INVALID_ARGUMENT',
        `${name}: invalid host pattern`,
      );
    }
    if (p.startsWith('*.')) {
      const rest = canonicalHostName(p.slice(2));
      if (rest === '' || rest.includes('*')) {
        throw new ContainmentError(
          'ERR_CONTAINMENT_INVALID_ARGUMENT',
          `${name}: invalid host pattern`,
        );
      }
      return { suffix: `.${rest}` };
    }
    if (p.includes('*')) {
      throw new ContainmentError(
        'ERR_CONTAINMENT_INVALID_ARGUMENT',
        `${name}: only a leading "*." wildcard is supported`,
      );
    }
    const ip = parseIp(p);
    return { exact: ip === undefined ? canonicalHostName(p) : formatIp(ip) };
  });
}

function matchesHost(patterns: readonly HostPattern[], host: string): boolean {
  for (const p of patterns) {
    if (p.exact !== undefined && p.exact === host) return true;
    if (p.suffix !== undefined && host.endsWith(p.suffix)) return true;
  }
  return false;
}

const allowed = (extra: { address?: string; host?: string }): EgressDecision =>
  Object.freeze({ allowed: true, reason: 'allowed', ...extra });

const denied = (
  reason: Exclude<EgressReason, 'allowed'>,
  extra: { range?: IpRangeName; address?: string; host?: string } = {},
): EgressDecision => Object.freeze({ allowed: false, reason, ...extra });

/**
 * Creates an egress (SSRF) guard: it decides whether a URL, host or resolved
 * address may be reached. By default it allows `https` and `http` to any
 * public address and refuses private (10/8, 172.16/12, 192.168/16), loopback,
 * link-local, CGNAT, unique-local, unspecified, multicast, broadcast,
 * documentation, benchmarking and reserved ranges, and cloud-metadata
 * addresses and host names, in every IPv4 notation and IPv6 form (IPv4-mapped,
 * -compatible, -translated, NAT64, 6to4, Teredo). URL hosts are canonicalised
 * by the WHATWG URL parser (`new URL()`).
 *
 * A host name is only decided by name here; its DNS answers must be checked
 * when connecting, with {@link createGuardedLookup} or
 * {@link createGuardedDispatcher}, which also stops DNS rebinding.
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - Allow-lists and opt-outs; see {@link EgressGuardOptions}.
 * @returns A frozen {@link EgressGuard}.
 * @throws {TypeError} When an option has the wrong type.
 * @throws {ContainmentError} `ERR_CONTAINMENT_INVALID_ARGUMENT` for a malformed host pattern, CIDR, scheme or port.
 * @example Refuse cloud metadata in a disguised notation.
 * ```ts
 * const guard = createEgressGuard({ allowHosts: ['*.example.com'] });
 * guard.checkUrl('http://0xa9fea9fe/latest/meta-data').allowed; // false (metadata)
 * guard.checkUrl('https://api.example.com/v1').allowed; // true
 * ```
 */
export function createEgressGuard(options: EgressGuardOptions = {}): EgressGuard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  const allowHosts =
    options.allowHosts === undefined
      ? undefined
      : compileHostPatterns(options.allowHosts, 'allowHosts');
  const denyHosts = compileHostPatterns(options.denyHosts, 'denyHosts');
  const schemes = options.allowSchemes ?? ['https', 'http'];
  if (!Array.isArray(schemes)) throw new TypeError('allowSchemes must be an array of strings');
  const schemeSet = new Set<string>();
  for (const s of schemes) {
    if (typeof s !== 'string' || !/^[a-z][a-z0-9+.-]*$/i.test(s)) {
      throw new ContainmentError(
        'ERR_CONTAINMENT_INVALID_ARGUMENT',
        'allowSchemes: invalid scheme',
      );
    }
    schemeSet.add(`${s.toLowerCase()}:`);
  }
  let portSet: Set<number> | undefined;
  if (options.allowPorts !== undefined) {
    if (!Array.isArray(options.allowPorts)) {
      throw new TypeError('allowPorts must be an array of numbers');
    }
    portSet = new Set();
    for (const p of options.allowPorts) {
      if (!Number.isInteger(p) || p < 0 || p > 65535) {
        throw new ContainmentError('ERR_CONTAINMENT_INVALID_ARGUMENT', 'allowPorts: invalid port');
      }
      portSet.add(p);
    }
  }
  const exempt: Cidr[] = [];
  if (options.dangerouslyAllowRanges !== undefined) {
    if (!Array.isArray(options.dangerouslyAllowRanges)) {
      throw new TypeError('dangerouslyAllowRanges must be an array of strings');
    }
    for (const c of options.dangerouslyAllowRanges) {
      const parsed = typeof c === 'string' ? parseCidr(c) : undefined;
      if (parsed === undefined) {
        throw new ContainmentError(
          'ERR_CONTAINMENT_INVALID_ARGUMENT',
          'dangerouslyAllowRanges: invalid CIDR',
        );
      }
      exempt.push(parsed);
    }
  }
  const allowCredentials = options.allowUrlCredentials === true;

  const v4Blocked = (v4: number): IpRangeName | undefined => {
    const range = classifyIpv4(v4);
    if (range === undefined || range === 'metadata') return range;
    for (const c of exempt) if (cidrContainsV4(c, v4)) return undefined;
    return range;
  };

  const decideIp = (ip: ParsedIp, host?: string): EgressDecision => {
    const address = formatIp(ip);
    const extra = host === undefined ? { address } : { address, host };
    if (ip.family === 4) {
      const range = v4Blocked(ip.v4);
      return range === undefined ? allowed(extra) : denied('blocked-address', { ...extra, range });
    }
    // An IPv6 form that carries IPv4 addresses (mapped, compatible, NAT64,
    // 6to4, Teredo) is decided by every address it carries, exactly as if the
    // IPv4 address had been written: the IPv6 prefix is only the carrier.
    const embedded = embeddedIpv4(ip.words);
    if (embedded.length > 0) {
      for (const e of embedded) {
        const range = v4Blocked(e.v4);
        if (range !== undefined) return denied('blocked-address', { ...extra, range });
      }
      return allowed(extra);
    }
    const range = classifyIpv6(ip.words);
    if (range === undefined) return allowed(extra);
    if (range !== 'metadata') {
      for (const c of exempt) if (cidrContainsV6(c, ip.words)) return allowed(extra);
    }
    return denied('blocked-address', { ...extra, range });
  };

  const decideHost = (rawHost: string): EgressDecision => {
    const ip = parseIp(rawHost);
    if (ip !== undefined) {
      const host = formatIp(ip);
      if (matchesHost(denyHosts, host)) return denied('host-denied', { host });
      if (allowHosts !== undefined && !matchesHost(allowHosts, host)) {
        return denied('host-not-allowed', { host });
      }
      return decideIp(ip, host);
    }
    const host = canonicalHostName(rawHost);
    if (host === '' || /[\s/\\@%]/.test(host)) return denied('invalid-url');
    if (METADATA_HOSTS.has(host)) return denied('metadata-host', { host });
    if (LOOPBACK_HOSTS.has(host) || host.endsWith('.localhost')) {
      return denied('loopback-host', { host });
    }
    if (matchesHost(denyHosts, host)) return denied('host-denied', { host });
    if (allowHosts !== undefined && !matchesHost(allowHosts, host)) {
      return denied('host-not-allowed', { host });
    }
    return allowed({ host });
  };

  const parseUrl = (url: string | URL): URL | undefined => {
    if (url instanceof URL) return url;
    if (typeof url !== 'string') throw new TypeError('url must be a string or a URL');
    try {
      return new URL(url);
    } catch {
      return undefined;
    }
  };

  const decideUrl = (u: URL): EgressDecision => {
    if (!schemeSet.has(u.protocol)) return denied('scheme-not-allowed');
    if (!allowCredentials && (u.username !== '' || u.password !== '')) {
      return denied('credentials-in-url');
    }
    let hostname = u.hostname;
    if (hostname === '') return denied('invalid-url');
    if (!(u.protocol in DEFAULT_PORTS)) {
      // Opaque host of a non-special scheme: the WHATWG parser does not
      // canonicalise it, so decode it before our own parser sees it.
      try {
        hostname = decodeURIComponent(hostname);
      } catch {
        return denied('invalid-url');
      }
    }
    const port = u.port === '' ? DEFAULT_PORTS[u.protocol] : Number(u.port);
    if (portSet !== undefined && (port === undefined || !portSet.has(port))) {
      return denied('port-not-allowed');
    }
    return decideHost(hostname);
  };

  const guard: EgressGuard = {
    checkUrl(url) {
      const u = parseUrl(url);
      return u === undefined ? denied('invalid-url') : decideUrl(u);
    },
    checkHost(host) {
      if (typeof host !== 'string') throw new TypeError('host must be a string');
      return decideHost(host);
    },
    checkAddress(address) {
      if (typeof address !== 'string') throw new TypeError('address must be a string');
      const ip = parseIp(address);
      return ip === undefined ? denied('invalid-address') : decideIp(ip);
    },
    assertUrl(url) {
      const u = parseUrl(url);
      if (u === undefined) {
        throw new ContainmentError('ERR_CONTAINMENT_INVALID_URL', 'egress: not a valid URL');
      }
      const d = decideUrl(u);
      if (!d.allowed) throw egressDeniedError(d);
      return u;
    },
  };
  return Object.freeze(guard);
}

/**
 * Builds the typed error for a refused egress decision. The message names the
 * reason and range only; the decision (host, address) is attached as `cause`.
 *
 * Exported from `@palisade/containment`.
 *
 * @param decision - A decision with `allowed: false`.
 * @returns A {@link ContainmentError} with code `ERR_CONTAINMENT_EGRESS_DENIED`
 *   (or `ERR_CONTAINMENT_INVALID_URL` for `'invalid-url'`).
 * @example Turn a decision into an error.
 * ```ts
 * const d = createEgressGuard().checkAddress('127.1');
 * if (!d.allowed) throw egressDeniedError(d); // ERR_CONTAINMENT_EGRESS_DENIED
 * ```
 */
export function egressDeniedError(decision: EgressDecision): ContainmentError {
  if (decision.reason === 'invalid-url') {
    return new ContainmentError('ERR_CONTAINMENT_INVALID_URL', 'egress: not a valid URL', {
      cause: decision,
    });
  }
  const what =
    decision.range === undefined ? decision.reason : `${decision.reason} (${decision.range})`;
  return new ContainmentError('ERR_CONTAINMENT_EGRESS_DENIED', `egress denied: ${what}`, {
    cause: decision,
  });
}

/**
 * Canonicalises a raw IP address written in any IPv4 notation (`2130706433`,
 * `0177.0.0.1`, `0x7f.1`, `127.1`, trailing dot) or IPv6 form (brackets, zone
 * id, dotted tail) to its canonical text: a dotted quad or RFC 5952 IPv6.
 *
 * Exported from `@palisade/containment`.
 *
 * @param address - The raw address text.
 * @returns The canonical text, or `undefined` when the input is not an IP address.
 * @throws {TypeError} When `address` is not a string.
 * @example Canonicalise disguised loopback addresses.
 * ```ts
 * canonicalizeIp('0x7f.1'); // '127.0.0.1'
 * canonicalizeIp('[::FFFF:127.0.0.1]'); // '::ffff:7f00:1'
 * ```
 */
export function canonicalizeIp(address: string): string | undefined {
  if (typeof address !== 'string') throw new TypeError('address must be a string');
  const ip = parseIp(address);
  return ip === undefined ? undefined : formatIp(ip);
}

/**
 * The named range an IP address is in, following embedded IPv4 addresses in
 * IPv6 forms, or `undefined` for a public address. Ignores any guard options.
 *
 * Exported from `@palisade/containment`.
 *
 * @param address - A raw IP address in any notation.
 * @returns The range name, or `undefined` for a public address.
 * @throws {ContainmentError} `ERR_CONTAINMENT_INVALID_ARGUMENT` when the input is not an IP address.
 * @throws {TypeError} When `address` is not a string.
 * @example Name the range of an address.
 * ```ts
 * classifyIp('::ffff:a9fe:a9fe'); // 'metadata'
 * classifyIp('8.8.8.8'); // undefined
 * ```
 */
export function classifyIp(address: string): IpRangeName | undefined {
  if (typeof address !== 'string') throw new TypeError('address must be a string');
  const ip = parseIp(address);
  if (ip === undefined) {
    throw new ContainmentError('ERR_CONTAINMENT_INVALID_ARGUMENT', 'not an IP address');
  }
  if (ip.family === 4) return classifyIpv4(ip.v4);
  const embedded = embeddedIpv4(ip.words);
  if (embedded.length > 0) {
    for (const e of embedded) {
      const r = classifyIpv4(e.v4);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  return classifyIpv6(ip.words);
}

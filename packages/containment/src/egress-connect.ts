import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { type EgressDecision, type EgressGuard, egressDeniedError } from './egress-guard.ts';
import { ContainmentError } from './errors.ts';

/** A `dns.lookup`-compatible function (the shape `net.connect({ lookup })` calls). */
export type LookupLike = (
  hostname: string,
  options: LookupOptions,
  callback: (
    err: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
) => void;

/** Options of {@link createGuardedLookup}. */
export interface GuardedLookupOptions {
  /** The resolver to wrap. Default `dns.lookup`. Inject one in tests instead of real DNS. */
  readonly lookup?: LookupLike;
}

/**
 * Creates a `lookup` function for `net`, `http.Agent` and `https.Agent`
 * (`new http.Agent({ lookup })`) that decides the host name with the guard,
 * resolves it with `all: true`, and fails the connection with
 * `ERR_CONTAINMENT_EGRESS_DENIED` unless EVERY resolved address is allowed.
 * Because the socket connects to the very addresses that were checked, DNS
 * rebinding between check and connect is not possible through it.
 *
 * Node does not call `lookup` for IP-literal hosts: decide the URL with
 * `guard.checkUrl` (or `assertUrl`) before every request, and for every
 * redirect hop with {@link checkRedirect}.
 *
 * Exported from `@palisade/containment`.
 *
 * @param guard - The egress guard that decides.
 * @param options - The resolver to wrap (default `dns.lookup`).
 * @returns A function to pass as `lookup`.
 * @throws {TypeError} When `guard` is not an egress guard.
 * @example Refuse private answers at connect time.
 * ```ts
 * const guard = createEgressGuard();
 * const agent = new https.Agent({ lookup: createGuardedLookup(guard) });
 * https.get(guard.assertUrl('https://example.com/'), { agent });
 * ```
 */
export function createGuardedLookup(
  guard: EgressGuard,
  options: GuardedLookupOptions = {},
): LookupFunction {
  assertGuard(guard);
  const base: LookupLike = options.lookup ?? (dns.lookup as unknown as LookupLike);
  if (typeof base !== 'function') throw new TypeError('options.lookup must be a function');
  const guarded = (
    hostname: string,
    opts: LookupOptions | number | LookupCallback,
    cb?: LookupCallback,
  ): void => {
    let callback: LookupCallback;
    let lookupOptions: LookupOptions;
    if (typeof opts === 'function') {
      callback = opts;
      lookupOptions = {};
    } else {
      if (typeof cb !== 'function') throw new TypeError('callback must be a function');
      callback = cb;
      lookupOptions = typeof opts === 'number' ? { family: opts } : { ...opts };
    }
    const wantAll = lookupOptions.all === true;
    const hostDecision = guard.checkHost(hostname);
    if (!hostDecision.allowed) {
      process.nextTick(callback, egressDeniedError(hostDecision), '', undefined);
      return;
    }
    base(hostname, { ...lookupOptions, all: true }, (err, result, family) => {
      if (err) {
        callback(err, '', undefined);
        return;
      }
      const list: LookupAddress[] = Array.isArray(result)
        ? result
        : [{ address: result, family: family ?? (result.includes(':') ? 6 : 4) }];
      if (list.length === 0) {
        callback(
          new ContainmentError('ERR_CONTAINMENT_EGRESS_DENIED', 'egress denied: no addresses'),
          '',
          undefined,
        );
        return;
      }
      for (const entry of list) {
        const d = guard.checkAddress(entry.address);
        if (!d.allowed) {
          callback(egressDeniedError(d), '', undefined);
          return;
        }
      }
      const first = list[0] as LookupAddress;
      if (wantAll) callback(null, list);
      else callback(null, first.address, first.family);
    });
  };
  return guarded as unknown as LookupFunction;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function assertGuard(guard: EgressGuard): void {
  if (
    typeof guard !== 'object' ||
    guard === null ||
    typeof guard.checkUrl !== 'function' ||
    typeof guard.checkAddress !== 'function' ||
    typeof guard.checkHost !== 'function'
  ) {
    throw new TypeError('guard must be an EgressGuard from createEgressGuard()');
  }
}

/** The part of undici's dispatch options the guarded dispatcher reads. */
export interface DispatchOptionsLike {
  readonly origin?: string | URL | null;
  readonly path: string;
}

/** The part of an undici `Dispatcher` the guarded dispatcher wraps. */
export interface DispatcherLike {
  dispatch(options: unknown, handler: unknown): boolean;
}

/** The options the guarded dispatcher passes to the undici `Agent` constructor. */
export interface GuardedAgentConstructorOptions {
  readonly connect: Record<string, unknown> & { readonly lookup: LookupFunction };
}

/** Options of {@link createGuardedDispatcher}. */
export interface GuardedDispatcherOptions<A extends DispatcherLike> {
  /** undici's `Agent` class (`import { Agent } from 'undici'`): this package never imports undici itself. */
  readonly Agent: new (
    options: GuardedAgentConstructorOptions,
  ) => A;
  /** Extra undici `connect` options (TLS settings, timeouts). `lookup` is always the guarded one. */
  readonly connect?: Readonly<Record<string, unknown>>;
  /** Extra undici `Agent` options. */
  readonly agentOptions?: Readonly<Record<string, unknown>>;
  /** The resolver to wrap. Default `dns.lookup`. */
  readonly lookup?: LookupLike;
}

/**
 * Creates an undici dispatcher (for `fetch(url, { dispatcher })` or
 * `setGlobalDispatcher`) that decides every request's URL with the guard
 * before dispatching (so every redirect hop `fetch` follows is decided too)
 * and checks every resolved address at connect time through
 * {@link createGuardedLookup}. A refused request fails with
 * `ERR_CONTAINMENT_EGRESS_DENIED` (`fetch` wraps it as the `cause` of its
 * `TypeError: fetch failed`).
 *
 * Pass undici's `Agent` class: the package never imports undici.
 *
 * Exported from `@palisade/containment`.
 *
 * @param guard - The egress guard that decides.
 * @param options - undici's `Agent` class and optional connect/agent options.
 * @returns An instance of the given `Agent` whose `dispatch` is guarded.
 * @throws {TypeError} When `guard` or `options.Agent` is missing or of the wrong type.
 * @example Guard undici fetch.
 * ```ts
 * import { Agent, fetch } from 'undici';
 * const dispatcher = createGuardedDispatcher(createEgressGuard(), { Agent });
 * await fetch('https://example.com/', { dispatcher });
 * ```
 */
export function createGuardedDispatcher<A extends DispatcherLike>(
  guard: EgressGuard,
  options: GuardedDispatcherOptions<A>,
): A {
  assertGuard(guard);
  if (typeof options !== 'object' || options === null || typeof options.Agent !== 'function') {
    throw new TypeError('options.Agent must be the undici Agent class');
  }
  const lookup = createGuardedLookup(
    guard,
    options.lookup === undefined ? {} : { lookup: options.lookup },
  );
  const ctorOptions: GuardedAgentConstructorOptions = {
    ...options.agentOptions,
    connect: { ...options.connect, lookup },
  };
  const agent = new options.Agent(ctorOptions);
  const original = agent.dispatch.bind(agent);
  const dispatch = (opts: DispatchOptionsLike, handler: Record<string, unknown>): boolean => {
    let decision: EgressDecision;
    try {
      const origin = opts.origin ?? undefined;
      decision =
        origin === undefined ? guard.checkUrl('') : guard.checkUrl(new URL(opts.path, origin));
    } catch {
      decision = guard.checkUrl('');
    }
    if (decision.allowed) return original(opts, handler);
    const err = egressDeniedError(decision);
    if (typeof handler === 'object' && handler !== null && typeof handler.onError === 'function') {
      (handler.onError as (e: unknown) => void)(err);
      return false;
    }
    throw err;
  };
  Object.defineProperty(agent, 'dispatch', {
    value: dispatch,
    writable: false,
    configurable: false,
  });
  return agent;
}

/** Options of {@link checkRedirect}. */
export interface CheckRedirectOptions {
  /** Allow an `https:` URL to redirect to `http:`. Default false. */
  readonly allowHttpsDowngrade?: boolean;
}

/** The decision on a redirect: the egress decision plus the absolute target URL when it parsed. */
export interface RedirectDecision extends EgressDecision {
  /** The absolute URL of the redirect target (the `Location` resolved against `fromUrl`). */
  readonly url?: string;
}

/**
 * Decides a redirect: resolves `location` against `fromUrl` with the WHATWG
 * URL parser and decides the target with the guard, refusing an
 * `https:` → `http:` downgrade unless allowed. Use it in a
 * `redirect: 'manual'` loop (see the README) so that every hop is decided,
 * not only the first URL.
 *
 * Exported from `@palisade/containment`.
 *
 * @param guard - The egress guard that decides.
 * @param fromUrl - The URL that answered with a redirect.
 * @param location - The `Location` header value (absolute or relative).
 * @param options - Downgrade policy.
 * @returns The {@link RedirectDecision}; `reason: 'invalid-url'` when the location does not parse.
 * @throws {TypeError} When an argument has the wrong type.
 * @example Decide one hop of a manual redirect loop.
 * ```ts
 * const d = checkRedirect(guard, 'https://api.example.com/a', 'http://169.254.169.254/');
 * d.allowed; // false
 * ```
 */
export function checkRedirect(
  guard: EgressGuard,
  fromUrl: string | URL,
  location: string,
  options: CheckRedirectOptions = {},
): RedirectDecision {
  assertGuard(guard);
  if (typeof location !== 'string') throw new TypeError('location must be a string');
  if (typeof fromUrl !== 'string' && !(fromUrl instanceof URL)) {
    throw new TypeError('fromUrl must be a string or a URL');
  }
  let from: URL;
  let target: URL;
  try {
    from = new URL(fromUrl);
    if (location.trim() === '') throw new TypeError('empty location');
    target = new URL(location, from);
  } catch {
    return Object.freeze({ allowed: false, reason: 'invalid-url' });
  }
  const url = target.href;
  if (from.protocol === 'https:' && target.protocol === 'http:' && !options.allowHttpsDowngrade) {
    return Object.freeze({ allowed: false, reason: 'scheme-downgrade', url });
  }
  return Object.freeze({ ...guard.checkUrl(target), url });
}

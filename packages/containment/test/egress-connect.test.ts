import type { LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ContainmentError,
  checkRedirect,
  createEgressGuard,
  createGuardedDispatcher,
  createGuardedLookup,
  type LookupLike,
} from '../src/index.ts';

// A local server the TEST starts on 127.0.0.1. The package never opens a
// connection; these tests prove that the lookup and dispatcher it returns make
// Node's and undici's own connections refuse or proceed.
let server: http.Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host ?? ''}${req.url ?? ''}`);
    const url = new URL(req.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (url.pathname === '/redirect' && to !== null) {
      res.writeHead(302, { location: to });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A fake resolver: no real DNS on this machine, and tests must not depend on it. */
function fakeResolver(table: Record<string, string[]>): LookupLike & { calls: string[] } {
  const calls: string[] = [];
  const fn = (
    hostname: string,
    options: LookupOptions,
    cb: (err: NodeJS.ErrnoException | null, a: string | LookupAddress[], f?: number) => void,
  ): void => {
    calls.push(hostname);
    const addrs = table[hostname];
    if (addrs === undefined) {
      const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      err.code = 'ENOTFOUND';
      process.nextTick(cb, err, '');
      return;
    }
    const list = addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all === true) process.nextTick(cb, null, list);
    else process.nextTick(cb, null, list[0]?.address ?? '', list[0]?.family);
  };
  return Object.assign(fn, { calls });
}

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

const codeOf = (e: unknown): unknown => {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur !== undefined; i++) {
    if (ContainmentError.isInstance(cur)) return cur.code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return `no ContainmentError: ${String(e)}`;
};

const allowLoopback = { dangerouslyAllowRanges: ['127.0.0.0/8'] };

describe('createGuardedLookup with http.Agent', () => {
  it('refuses to connect when the name resolves to loopback, and the server sees no request', async () => {
    const resolver = fakeResolver({ 'svc.test': ['127.0.0.1'] });
    const agent = new http.Agent({
      lookup: createGuardedLookup(createEgressGuard(), { lookup: resolver }),
    });
    hits.length = 0;
    const err = await get(`http://svc.test:${port}/a`, agent).then(
      () => 'connected',
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
    expect(resolver.calls).toEqual(['svc.test']);
    expect(hits).toEqual([]);
    agent.destroy();
  });

  it('connects when the guard allows the resolved address', async () => {
    const resolver = fakeResolver({ 'svc.test': ['127.0.0.1'] });
    const agent = new http.Agent({
      lookup: createGuardedLookup(createEgressGuard(allowLoopback), { lookup: resolver }),
    });
    hits.length = 0;
    await expect(get(`http://svc.test:${port}/b`, agent)).resolves.toEqual({
      status: 200,
      body: 'ok',
    });
    expect(hits).toEqual([`svc.test:${port}/b`]);
    agent.destroy();
  });

  it('refuses when ANY resolved address is blocked, even if the first one is public', async () => {
    const resolver = fakeResolver({ 'mixed.test': ['93.184.216.34', '10.0.0.7', '127.0.0.1'] });
    const agent = new http.Agent({
      lookup: createGuardedLookup(createEgressGuard(), { lookup: resolver }),
    });
    const err = await get(`http://mixed.test:${port}/`, agent).then(
      () => 'connected',
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
    expect((err as ContainmentError).cause).toMatchObject({
      range: 'private',
      address: '10.0.0.7',
    });
    agent.destroy();
  });

  it('refuses metadata and loopback host names before resolving them', async () => {
    const resolver = fakeResolver({});
    const lookup = createGuardedLookup(createEgressGuard(), { lookup: resolver });
    for (const host of ['metadata.google.internal', 'localhost', 'x.localhost']) {
      const err = await new Promise((resolve) => lookup(host, {}, (e) => resolve(e)));
      expect([host, codeOf(err)]).toEqual([host, 'ERR_CONTAINMENT_EGRESS_DENIED']);
    }
    expect(resolver.calls).toEqual([]);
  });

  it('checks the answer given at connect time, so a rebinding resolver cannot slip loopback in', async () => {
    // First answer public (what a check-time resolution would see), then loopback.
    let n = 0;
    const rebinding: LookupLike = (_h, options, cb) => {
      const address = n++ === 0 ? '93.184.216.34' : '127.0.0.1';
      if (options.all === true) process.nextTick(cb, null, [{ address, family: 4 }]);
      else process.nextTick(cb, null, address, 4);
    };
    const guard = createEgressGuard();
    const lookup = createGuardedLookup(guard, { lookup: rebinding });
    expect(guard.checkUrl(`http://rebind.test:${port}/`).allowed).toBe(true);
    const first = await new Promise((resolve) =>
      lookup('rebind.test', { all: true }, (e, a) => resolve(e ?? a)),
    );
    expect(first).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const agent = new http.Agent({ lookup });
    hits.length = 0;
    const err = await get(`http://rebind.test:${port}/`, agent).then(
      () => 'connected',
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
    expect(hits).toEqual([]);
    agent.destroy();
  });

  it('answers in the shape the caller asked for (all: true list, or address and family)', async () => {
    const resolver = fakeResolver({ 'two.test': ['93.184.216.34', '2606:2800:220:1::1'] });
    const lookup = createGuardedLookup(createEgressGuard(), { lookup: resolver });
    const all = await new Promise((resolve) =>
      lookup('two.test', { all: true }, (e, a) => resolve(e ?? a)),
    );
    expect(all).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    const one = await new Promise((resolve) =>
      lookup('two.test', {}, (e, a, f) => resolve(e ?? [a, f])),
    );
    expect(one).toEqual(['93.184.216.34', 4]);
    const unknown = await new Promise((resolve) => lookup('nope.test', {}, (e) => resolve(e)));
    expect((unknown as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});

describe('createGuardedDispatcher with undici fetch', () => {
  it('refuses an IP-literal loopback URL before connecting', async () => {
    const dispatcher = createGuardedDispatcher(createEgressGuard(), { Agent });
    hits.length = 0;
    const err = await fetch(`http://127.0.0.1:${port}/x`, { dispatcher }).then(
      () => 'connected',
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
    expect(hits).toEqual([]);
    await dispatcher.close();
  });

  it('refuses a host name whose DNS answer is loopback, at connect time', async () => {
    const resolver = fakeResolver({ 'svc.test': ['127.0.0.1'] });
    const dispatcher = createGuardedDispatcher(createEgressGuard(), { Agent, lookup: resolver });
    hits.length = 0;
    const err = await fetch(`http://svc.test:${port}/x`, { dispatcher }).then(
      () => 'connected',
      (e: unknown) => e,
    );
    expect(codeOf(err)).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
    expect(resolver.calls).toEqual(['svc.test']);
    expect(hits).toEqual([]);
    await dispatcher.close();
  });

  it('connects when the guard allows the target', async () => {
    const resolver = fakeResolver({ 'svc.test': ['127.0.0.1'] });
    const dispatcher = createGuardedDispatcher(createEgressGuard(allowLoopback), {
      Agent,
      lookup: resolver,
    });
    const res = await fetch(`http://svc.test:${port}/ok`, { dispatcher });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    await dispatcher.close();
  });

  it('re-checks every redirect hop that fetch follows', async () => {
    const resolver = fakeResolver({
      'allowed.test': ['127.0.0.1'],
      'forbidden.test': ['127.0.0.1'],
    });
    const guard = createEgressGuard({ ...allowLoopback, allowHosts: ['allowed.test'] });
    const dispatcher = createGuardedDispatcher(guard, { Agent, lookup: resolver });
    for (const to of [`http://forbidden.test:${port}/secret`, `http://127.0.0.1:${port}/secret`]) {
      hits.length = 0;
      const start = `http://allowed.test:${port}/redirect?to=${encodeURIComponent(to)}`;
      const err = await fetch(start, { dispatcher }).then(
        () => 'followed',
        (e: unknown) => e,
      );
      expect([to, codeOf(err)]).toEqual([to, 'ERR_CONTAINMENT_EGRESS_DENIED']);
      expect(hits).toEqual([`allowed.test:${port}/redirect?to=${encodeURIComponent(to)}`]);
    }
    // An allowed hop is followed.
    const ok = await fetch(
      `http://allowed.test:${port}/redirect?to=${encodeURIComponent(`http://allowed.test:${port}/fine`)}`,
      { dispatcher },
    );
    expect(ok.status).toBe(200);
    await dispatcher.close();
  });

  it('rejects a missing Agent class with TypeError', () => {
    expect(() =>
      createGuardedDispatcher(createEgressGuard(), {} as unknown as { Agent: typeof Agent }),
    ).toThrow(TypeError);
    expect(() =>
      createGuardedLookup({} as unknown as ReturnType<typeof createEgressGuard>),
    ).toThrow(TypeError);
  });
});

describe('the documented manual redirect loop', () => {
  it('stops at the first hop that checkRedirect refuses', async () => {
    const resolver = fakeResolver({
      'allowed.test': ['127.0.0.1'],
      'forbidden.test': ['127.0.0.1'],
    });
    const guard = createEgressGuard({ ...allowLoopback, allowHosts: ['allowed.test'] });
    const dispatcher = createGuardedDispatcher(guard, { Agent, lookup: resolver });
    const target = `http://forbidden.test:${port}/secret`;
    let url = guard.assertUrl(
      `http://allowed.test:${port}/redirect?to=${encodeURIComponent(target)}`,
    ).href;
    hits.length = 0;
    let refused: string | undefined;
    for (let hop = 0; hop < 5; hop++) {
      const res = await fetch(url, { dispatcher, redirect: 'manual' });
      const location = res.headers.get('location');
      await res.arrayBuffer();
      if (res.status < 300 || res.status > 399 || location === null) break;
      const d = checkRedirect(guard, url, location);
      if (!d.allowed || d.url === undefined) {
        refused = d.reason;
        break;
      }
      url = d.url;
    }
    expect(refused).toBe('host-not-allowed');
    expect(hits).toHaveLength(1);
    await dispatcher.close();
  });
});

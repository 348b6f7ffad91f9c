import { describe, expect, it } from 'vitest';
import {
  ContainmentError,
  checkRedirect,
  createEgressGuard,
  egressDeniedError,
} from '../src/index.ts';

describe('egress guard: URLs', () => {
  const guard = createEgressGuard();

  it('refuses loopback, private and metadata URLs in every notation the WHATWG parser accepts', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://127.0.0.1./',
      'http://%31%32%37.0.0.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:7f00:1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://[::127.0.0.1]/',
      'http://[64:ff9b::7f00:1]/',
      'http://[2002:7f00:1::]/',
      'http://10.0.0.1:8080/',
      'http://0xa.1/',
      'https://192.168.1.1/',
      'http://0xa9fea9fe/latest/meta-data/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://0.0.0.0/',
      'http://0/',
      'http://[::]/',
      'HTTP://LOCALHOST/',
      'http://localhost./',
      'http://app.localhost/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://METADATA.GOOGLE.INTERNAL./',
      'http://metadata/',
      'http://100.100.100.200/latest/meta-data/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://100.64.0.1/',
    ]) {
      const d = guard.checkUrl(url);
      expect([url, d.allowed]).toEqual([url, false]);
    }
  });

  it('reports the canonical address and the range it is in', () => {
    expect(guard.checkUrl('http://0x7f.1:8080/x')).toEqual({
      allowed: false,
      reason: 'blocked-address',
      range: 'loopback',
      address: '127.0.0.1',
      host: '127.0.0.1',
    });
    expect(guard.checkUrl('http://0xa9fea9fe/').range).toBe('metadata');
    expect(guard.checkUrl('http://metadata.google.internal/').reason).toBe('metadata-host');
    expect(guard.checkUrl('http://localhost/').reason).toBe('loopback-host');
  });

  it('admits public hosts and addresses over http and https by default', () => {
    for (const url of [
      'https://example.com/',
      'http://example.com:8080/a?b#c',
      'https://8.8.8.8/',
      'https://134744072/', // 8.8.8.8 in decimal
      'https://[2606:4700:4700::1111]/',
      'https://[::ffff:8.8.8.8]/',
      'https://[64:ff9b::808:808]/',
    ]) {
      expect([url, guard.checkUrl(url).allowed]).toEqual([url, true]);
    }
  });

  it('refuses schemes other than https and http by default', () => {
    for (const url of [
      'file:///etc/passwd',
      'ftp://example.com/',
      'gopher://example.com/',
      'data:text/plain,hi',
      'javascript:alert(1)',
      'ws://example.com/',
    ]) {
      expect([url, guard.checkUrl(url).reason]).toEqual([url, 'scheme-not-allowed']);
    }
    const ws = createEgressGuard({ allowSchemes: ['wss'] });
    expect(ws.checkUrl('wss://example.com/').allowed).toBe(true);
    expect(ws.checkUrl('https://example.com/').reason).toBe('scheme-not-allowed');
  });

  it('decides the opaque host of a non-special scheme with the raw-address parser', () => {
    const g = createEgressGuard({ allowSchemes: ['redis'] });
    expect(g.checkUrl('redis://0x7f.1:6379/').range).toBe('loopback');
    expect(g.checkUrl('redis://%31%32%37.1:6379/').range).toBe('loopback');
    expect(g.checkUrl('redis://cache.example.com:6379/').allowed).toBe(true);
  });

  it('refuses URLs with credentials unless allowed', () => {
    expect(guard.checkUrl('https://user:pw@example.com/').reason).toBe('credentials-in-url');
    expect(guard.checkUrl('https://example.com@127.0.0.1/').allowed).toBe(false);
    const g = createEgressGuard({ allowUrlCredentials: true });
    expect(g.checkUrl('https://user:pw@example.com/').allowed).toBe(true);
  });

  it('refuses strings that the WHATWG URL parser rejects, with a typed error from assertUrl', () => {
    for (const url of [
      '',
      'not a url',
      'http://',
      'http://[fe80::1%25eth0]/',
      'http://256.0.0.1/',
      'http://1.2.3.4.5/',
      'http://[::1/',
      'http://exa mple.com/',
    ]) {
      expect([url, guard.checkUrl(url).reason]).toEqual([url, 'invalid-url']);
      try {
        guard.assertUrl(url);
        expect.unreachable();
      } catch (e) {
        expect(ContainmentError.isInstance(e) && e.code).toBe('ERR_CONTAINMENT_INVALID_URL');
      }
    }
  });

  it('assertUrl returns the parsed URL when allowed and throws ERR_CONTAINMENT_EGRESS_DENIED otherwise', () => {
    expect(guard.assertUrl('https://example.com/a').href).toBe('https://example.com/a');
    try {
      guard.assertUrl('http://127.1/');
      expect.unreachable();
    } catch (e) {
      expect(ContainmentError.isInstance(e)).toBe(true);
      const err = e as ContainmentError;
      expect(err.code).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
      expect(err.message).toBe('egress denied: blocked-address (loopback)');
      expect(err.cause).toMatchObject({ address: '127.0.0.1' });
    }
  });

  it('rejects arguments of the wrong type with TypeError', () => {
    expect(() => guard.checkUrl(42 as unknown as string)).toThrow(TypeError);
    expect(() => guard.checkAddress(null as unknown as string)).toThrow(TypeError);
    expect(() => guard.checkHost({} as unknown as string)).toThrow(TypeError);
  });
});

describe('egress guard: allow-lists', () => {
  it('admits only listed hosts, with *.suffix matching subdomains but not the apex or look-alikes', () => {
    const g = createEgressGuard({ allowHosts: ['api.example.com', '*.cdn.example.net'] });
    expect(g.checkUrl('https://api.example.com/').allowed).toBe(true);
    expect(g.checkUrl('https://API.Example.COM./').allowed).toBe(true);
    expect(g.checkUrl('https://a.cdn.example.net/').allowed).toBe(true);
    expect(g.checkUrl('https://a.b.cdn.example.net/').allowed).toBe(true);
    for (const url of [
      'https://cdn.example.net/',
      'https://evilcdn.example.net/',
      'https://api.example.com.evil.org/',
      'https://example.com/',
      'https://xapi.example.com/',
      'https://8.8.8.8/',
    ]) {
      expect([url, g.checkUrl(url).reason]).toEqual([url, 'host-not-allowed']);
    }
  });

  it('never lets a host allow-list admit a blocked address or a metadata name', () => {
    const g = createEgressGuard({
      allowHosts: ['127.0.0.1', 'metadata.google.internal', '*.internal'],
    });
    expect(g.checkUrl('http://127.0.0.1/').reason).toBe('blocked-address');
    expect(g.checkUrl('http://0x7f.1/').reason).toBe('blocked-address');
    expect(g.checkUrl('http://metadata.google.internal/').reason).toBe('metadata-host');
  });

  it('refuses hosts on the deny-list even when otherwise allowed', () => {
    const g = createEgressGuard({ denyHosts: ['*.evil.test', 'bad.example.com'] });
    expect(g.checkUrl('https://x.evil.test/').reason).toBe('host-denied');
    expect(g.checkUrl('https://BAD.example.com./').reason).toBe('host-denied');
    expect(g.checkUrl('https://good.example.com/').allowed).toBe(true);
  });

  it('admits only listed ports, using the scheme default when the URL has none', () => {
    const g = createEgressGuard({ allowPorts: [443] });
    expect(g.checkUrl('https://example.com/').allowed).toBe(true);
    expect(g.checkUrl('https://example.com:443/').allowed).toBe(true);
    expect(g.checkUrl('http://example.com/').reason).toBe('port-not-allowed');
    expect(g.checkUrl('https://example.com:8443/').reason).toBe('port-not-allowed');
  });

  it('exempts dangerouslyAllowRanges from the blocked ranges but never metadata', () => {
    const g = createEgressGuard({
      dangerouslyAllowRanges: ['127.0.0.0/8', '169.254.0.0/16', 'fd00::/8'],
    });
    expect(g.checkUrl('http://127.0.0.1:3000/').allowed).toBe(true);
    expect(g.checkUrl('http://[::ffff:127.0.0.1]/').allowed).toBe(true);
    expect(g.checkAddress('169.254.1.1').allowed).toBe(true);
    expect(g.checkAddress('169.254.169.254').range).toBe('metadata');
    expect(g.checkAddress('fd00:ec2::254').range).toBe('metadata');
    expect(g.checkAddress('fd00::1').allowed).toBe(true);
    expect(g.checkAddress('10.0.0.1').range).toBe('private');
  });

  it('rejects malformed options with ERR_CONTAINMENT_INVALID_ARGUMENT or TypeError', () => {
    const code = (f: () => unknown): unknown => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return ContainmentError.isInstance(e) ? e.code : (e as Error).name;
      }
    };
    expect(code(() => createEgressGuard({ allowHosts: ['a*.example.com'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ allowHosts: ['*.'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ allowHosts: ['http://x'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ dangerouslyAllowRanges: ['10.0.0.0/33'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ dangerouslyAllowRanges: ['0x7f.1/8'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ allowPorts: [70000] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ allowSchemes: ['ht tp'] }))).toBe(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
    );
    expect(code(() => createEgressGuard({ allowHosts: 'x' as unknown as string[] }))).toBe(
      'TypeError',
    );
  });
});

describe('egress guard: redirects', () => {
  const guard = createEgressGuard({ allowHosts: ['*.example.com', 'example.com'] });

  it('decides the resolved target of every redirect hop', () => {
    expect(checkRedirect(guard, 'https://a.example.com/x', '/y')).toEqual({
      allowed: true,
      reason: 'allowed',
      host: 'a.example.com',
      url: 'https://a.example.com/y',
    });
    expect(checkRedirect(guard, 'https://a.example.com/x', 'https://b.example.com/').allowed).toBe(
      true,
    );
    expect(checkRedirect(guard, 'https://a.example.com/', 'https://evil.test/').reason).toBe(
      'host-not-allowed',
    );
    expect(checkRedirect(guard, 'https://a.example.com/', 'https://169.254.169.254/').allowed).toBe(
      false,
    );
    expect(checkRedirect(guard, 'https://a.example.com/', '//0x7f.1/').allowed).toBe(false);
    expect(checkRedirect(guard, 'https://a.example.com/', 'file:///etc/passwd').reason).toBe(
      'scheme-not-allowed',
    );
  });

  it('refuses an https to http downgrade unless allowed', () => {
    expect(checkRedirect(guard, 'https://example.com/', 'http://example.com/').reason).toBe(
      'scheme-downgrade',
    );
    expect(
      checkRedirect(guard, 'https://example.com/', 'http://example.com/', {
        allowHttpsDowngrade: true,
      }).allowed,
    ).toBe(true);
  });

  it('refuses empty and unparsable locations as invalid-url', () => {
    expect(checkRedirect(guard, 'https://example.com/', '').reason).toBe('invalid-url');
    expect(checkRedirect(guard, 'https://example.com/', 'http://[::1').reason).toBe('invalid-url');
    expect(checkRedirect(guard, 'not a url', '/x').reason).toBe('invalid-url');
  });
});

describe('egress errors', () => {
  it('egressDeniedError carries a stable code and no host in its message', () => {
    const d = createEgressGuard({ allowHosts: ['a.example.com'] }).checkUrl(
      'https://secret-host.test/',
    );
    const err = egressDeniedError(d);
    expect(err.code).toBe('ERR_CONTAINMENT_EGRESS_DENIED');
    expect(String(err)).not.toContain('secret-host');
    expect(JSON.stringify(err)).not.toContain('secret-host');
  });
});

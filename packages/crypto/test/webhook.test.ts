import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  generateStandardWebhookSecret,
  signGitHubWebhook,
  signRazorpayWebhook,
  signStandardWebhook,
  signStripeWebhook,
  verifyGitHubWebhook,
  verifyRazorpayWebhook,
  verifyStandardWebhook,
  verifyStripeWebhook,
} from '../src/index.ts';

function failureCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return CryptoError.isInstance(e) ? `${e.code}|${e.message}` : `other:${String(e)}`;
  }
  return undefined;
}
const GENERIC = 'ERR_CRYPTO_VERIFICATION_FAILED|webhook signature verification failed';

// The example used by the Standard Webhooks reference libraries and the Svix
// docs: secret, message id, timestamp, body and the published signature.
const SW = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (s: number) => () => s * 1000;

describe('Standard Webhooks', () => {
  it('reproduces the published Standard Webhooks example signature', () => {
    const h = signStandardWebhook({
      id: SW.id,
      body: SW.body,
      secret: SW.secret,
      clock: at(SW.timestamp),
    });
    expect(h).toEqual({
      'webhook-id': SW.id,
      'webhook-timestamp': String(SW.timestamp),
      'webhook-signature': SW.signature,
    });
  });

  it('verifies the published example from Headers and from a plain record', () => {
    const record = {
      'Webhook-Id': SW.id,
      'webhook-timestamp': String(SW.timestamp),
      'webhook-signature': `v1,AAAA ${SW.signature} v2,zzz`,
    };
    expect(
      verifyStandardWebhook({
        headers: record,
        body: SW.body,
        secrets: SW.secret,
        clock: at(SW.timestamp + 10),
      }),
    ).toEqual({ id: SW.id, timestamp: SW.timestamp });
    const headers = new Headers(record);
    expect(
      verifyStandardWebhook({
        headers,
        body: new TextEncoder().encode(SW.body),
        secrets: SW.secret,
        clock: at(SW.timestamp),
      }).id,
    ).toBe(SW.id);
  });

  it('matches an independently computed node:crypto HMAC over id.timestamp.body', () => {
    const secret = generateStandardWebhookSecret();
    const key = Buffer.from(secret.slice(6), 'base64');
    const body = new Uint8Array([0, 1, 2, 255, 10]);
    const h = signStandardWebhook({ id: 'msg_x', body, secret, clock: at(1_700_000_000) });
    const mac = createHmac('sha256', key).update('msg_x.1700000000.').update(body).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${mac}`);
  });

  it('rejects timestamps outside the 5 minute default tolerance either way, and honours a custom tolerance', () => {
    const v = (now: number, toleranceSeconds?: number) =>
      failureCode(() =>
        verifyStandardWebhook({
          headers: {
            'webhook-id': SW.id,
            'webhook-timestamp': String(SW.timestamp),
            'webhook-signature': SW.signature,
          },
          body: SW.body,
          secrets: SW.secret,
          clock: at(now),
          ...(toleranceSeconds === undefined ? {} : { toleranceSeconds }),
        }),
      );
    expect(v(SW.timestamp + 300)).toBeUndefined();
    expect(v(SW.timestamp - 300)).toBeUndefined();
    expect(v(SW.timestamp + 301)).toBe(GENERIC);
    expect(v(SW.timestamp - 301)).toBe(GENERIC);
    expect(v(SW.timestamp + 3600, 3600)).toBeUndefined();
  });

  it('accepts any of several secrets during rotation and rejects a secret not in the list', () => {
    const oldS = generateStandardWebhookSecret();
    const newS = generateStandardWebhookSecret();
    const h = signStandardWebhook({ id: 'msg_r', body: 'x', secret: oldS, clock: at(100) });
    expect(
      verifyStandardWebhook({ headers: h, body: 'x', secrets: [newS, oldS], clock: at(100) }).id,
    ).toBe('msg_r');
    expect(
      failureCode(() =>
        verifyStandardWebhook({ headers: h, body: 'x', secrets: [newS], clock: at(100) }),
      ),
    ).toBe(GENERIC);
  });

  it('lets the replay hook see the message id and reject a replay with the generic code', () => {
    const secret = generateStandardWebhookSecret();
    const h = signStandardWebhook({ id: 'msg_once', body: 'b', secret, clock: at(5000) });
    const seen = new Set<string>();
    const onMessageId = (id: string): boolean => {
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    };
    expect(
      verifyStandardWebhook({
        headers: h,
        body: 'b',
        secrets: secret,
        clock: at(5000),
        onMessageId,
      }).id,
    ).toBe('msg_once');
    expect([...seen]).toEqual(['msg_once']);
    expect(
      failureCode(() =>
        verifyStandardWebhook({
          headers: h,
          body: 'b',
          secrets: secret,
          clock: at(5000),
          onMessageId,
        }),
      ),
    ).toBe(GENERIC);
  });

  it('fails with the one generic code for missing headers, a changed body, id or timestamp', () => {
    const secret = generateStandardWebhookSecret();
    const h = signStandardWebhook({ id: 'msg_1', body: 'body', secret, clock: at(1000) });
    const v = (headers: Record<string, string>, body = 'body') =>
      failureCode(() => verifyStandardWebhook({ headers, body, secrets: secret, clock: at(1000) }));
    expect(v({ ...h }, 'bodx')).toBe(GENERIC);
    expect(v({ ...h, 'webhook-id': 'msg_2' })).toBe(GENERIC);
    expect(v({ ...h, 'webhook-timestamp': '1001' })).toBe(GENERIC);
    expect(v({ 'webhook-id': 'msg_1', 'webhook-timestamp': '1000' })).toBe(GENERIC);
    expect(v({ ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v2,') })).toBe(
      GENERIC,
    );
  });

  it('requires the raw body and a whsec_ secret at the type boundary', () => {
    const secret = generateStandardWebhookSecret();
    // @ts-expect-error a parsed object is not a raw body
    expect(() => signStandardWebhook({ id: 'm', body: { a: 1 }, secret })).toThrow(TypeError);
    expect(() => signStandardWebhook({ id: 'm', body: '', secret: 'nope' })).toThrow(RangeError);
    expect(() => signStandardWebhook({ id: 'm', body: '', secret: 'whsec_AAAA' })).toThrow(
      RangeError,
    );
  });
});

describe('Stripe, GitHub and Razorpay signatures', () => {
  it('signs Stripe-Signature as t=<unix>,v1=<hex HMAC of t.body> like node:crypto computes it', () => {
    const header = signStripeWebhook({
      body: '{"id":"evt_1"}',
      secret: 'whsec_test',
      clock: at(1_600_000_000),
    });
    const mac = createHmac('sha256', 'whsec_test')
      .update('1600000000.{"id":"evt_1"}')
      .digest('hex');
    expect(header).toBe(`t=1600000000,v1=${mac}`);
  });

  it('verifies Stripe headers with several v1 entries, rotation secrets and tolerance, and fails generically', () => {
    const body = '{"id":"evt_2"}';
    const good = signStripeWebhook({ body, secret: 'whsec_b', clock: at(2000) });
    const mac = good.split('v1=')[1];
    const header = `t=2000,v1=${'0'.repeat(64)},v0=abc,v1=${mac}`;
    expect(
      verifyStripeWebhook({
        signatureHeader: header,
        body,
        secrets: ['whsec_a', 'whsec_b'],
        clock: at(2100),
      }),
    ).toBe(2000);
    const v = (h: string | undefined, b = body, now = 2000) =>
      failureCode(() =>
        verifyStripeWebhook({ signatureHeader: h, body: b, secrets: 'whsec_b', clock: at(now) }),
      );
    expect(v(header, `${body} `)).toBe(GENERIC);
    expect(v(header, body, 2301)).toBe(GENERIC);
    expect(v(header.replace('t=2000', 't=2001'))).toBe(GENERIC);
    expect(v(undefined)).toBe(GENERIC);
    expect(v(`v1=${mac}`)).toBe(GENERIC);
  });

  it('reproduces the GitHub documentation example sha256=757107ea...', () => {
    expect(signGitHubWebhook('Hello, World!', "It's a Secret to Everybody")).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
    expect(() =>
      verifyGitHubWebhook(
        'Hello, World!',
        'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        "It's a Secret to Everybody",
      ),
    ).not.toThrow();
    expect(
      failureCode(() =>
        verifyGitHubWebhook('Hello, World?', signGitHubWebhook('Hello, World!', 's'), 's'),
      ),
    ).toBe(GENERIC);
    expect(failureCode(() => verifyGitHubWebhook('x', undefined, 's'))).toBe(GENERIC);
    expect(failureCode(() => verifyGitHubWebhook('x', signRazorpayWebhook('x', 's'), 's'))).toBe(
      GENERIC,
    );
  });

  it('signs Razorpay-style as hex HMAC-SHA256 of the body and verifies across rotation', () => {
    const body = new TextEncoder().encode('{"event":"payment.captured"}');
    const sig = signRazorpayWebhook(body, 'rzp_secret');
    expect(sig).toBe(createHmac('sha256', 'rzp_secret').update(body).digest('hex'));
    expect(() =>
      verifyRazorpayWebhook(body, sig.toUpperCase(), ['other', 'rzp_secret']),
    ).not.toThrow();
    expect(failureCode(() => verifyRazorpayWebhook(body, sig, 'other'))).toBe(GENERIC);
    expect(failureCode(() => verifyRazorpayWebhook(body, 'zz', 'rzp_secret'))).toBe(GENERIC);
  });
});

import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  CryptoError,
  signGitHubWebhook,
  signRazorpayWebhook,
  signStandardWebhook,
  signStripeWebhook,
  verifyGitHubWebhook,
  verifyRazorpayWebhook,
  verifyStandardWebhook,
  verifyStripeWebhook,
} from '../src/index.ts';

const arbBody = fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string({ maxLength: 256 }));
const arbKey = fc.uint8Array({ minLength: 24, maxLength: 64 });
const arbSecret = arbKey.map((k) => `whsec_${Buffer.from(k).toString('base64')}`);
const arbPlainSecret = fc.string({ minLength: 1, maxLength: 64 });
const arbId = fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/);
const arbTime = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 });

function bytesOf(b: Uint8Array | string): Uint8Array {
  return typeof b === 'string' ? new TextEncoder().encode(b) : b;
}
function flipBit(b: Uint8Array, bit: number): Uint8Array {
  const out = b.slice();
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] as number) ^ (1 << (bit % 8));
  return out;
}
function isGeneric(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return CryptoError.isInstance(e) && e.code === 'ERR_CRYPTO_VERIFICATION_FAILED';
  }
}

test.prop([arbBody, arbSecret, arbId, arbTime, fc.nat()])(
  'Standard Webhooks: verify(sign(x)) succeeds and any bit flip of the body fails generically',
  (body, secret, id, t, bit) => {
    const clock = () => t * 1000;
    const headers = signStandardWebhook({ id, body, secret, clock });
    expect(verifyStandardWebhook({ headers, body, secrets: secret, clock }).id).toBe(id);
    const raw = bytesOf(body);
    const changed = raw.length === 0 ? new Uint8Array([0]) : flipBit(raw, bit);
    expect(
      isGeneric(() => verifyStandardWebhook({ headers, body: changed, secrets: secret, clock })),
    ).toBe(true);
  },
);

test.prop([arbBody, arbSecret, arbSecret, arbId, arbTime])(
  'Standard Webhooks: a signature made with a different secret never verifies',
  (body, secret, other, id, t) => {
    fc.pre(secret !== other);
    const clock = () => t * 1000;
    const headers = signStandardWebhook({ id, body, secret: other, clock });
    expect(isGeneric(() => verifyStandardWebhook({ headers, body, secrets: secret, clock }))).toBe(
      true,
    );
  },
);

test.prop([arbBody, arbPlainSecret, arbTime, fc.nat()])(
  'Stripe: verify(sign(x)) succeeds and any bit flip of the body fails generically',
  (body, secret, t, bit) => {
    const clock = () => t * 1000;
    const signatureHeader = signStripeWebhook({ body, secret, clock });
    expect(verifyStripeWebhook({ signatureHeader, body, secrets: secret, clock })).toBe(t);
    const raw = bytesOf(body);
    const changed = raw.length === 0 ? new Uint8Array([0]) : flipBit(raw, bit);
    expect(
      isGeneric(() =>
        verifyStripeWebhook({ signatureHeader, body: changed, secrets: secret, clock }),
      ),
    ).toBe(true);
  },
);

test.prop([arbBody, arbPlainSecret, fc.nat(), fc.nat()])(
  'GitHub and Razorpay: verify(sign(x)) succeeds and any change of body or signature fails generically',
  (body, secret, bit, sigAt) => {
    const gh = signGitHubWebhook(body, secret);
    const rz = signRazorpayWebhook(body, secret);
    verifyGitHubWebhook(body, gh, secret);
    verifyRazorpayWebhook(body, rz, secret);
    const raw = bytesOf(body);
    const changed = raw.length === 0 ? new Uint8Array([0]) : flipBit(raw, bit);
    expect(isGeneric(() => verifyGitHubWebhook(changed, gh, secret))).toBe(true);
    expect(isGeneric(() => verifyRazorpayWebhook(changed, rz, secret))).toBe(true);
    const i = sigAt % rz.length;
    const badRz = rz.slice(0, i) + (rz[i] === '0' ? '1' : '0') + rz.slice(i + 1);
    expect(isGeneric(() => verifyRazorpayWebhook(body, badRz, secret))).toBe(true);
  },
);

test.prop([arbBody, arbSecret, arbId, arbTime])(
  'no webhook verification error contains secret or key bytes',
  (body, secret, id, t) => {
    const clock = () => t * 1000;
    const headers = signStandardWebhook({ id, body, secret, clock });
    try {
      verifyStandardWebhook({ headers, body: `${String(body)}x`, secrets: secret, clock });
    } catch (e) {
      const err = e as Error;
      for (const s of [String(err), err.stack ?? '', JSON.stringify(err)]) {
        expect(s).not.toContain(secret.slice(6, 22));
        expect(s).not.toContain(headers['webhook-signature'].slice(3, 20));
      }
    }
  },
);

test.prop([
  arbBody,
  arbSecret,
  arbId,
  arbTime,
  fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature'),
  fc.nat(),
])(
  'Standard Webhooks: changing any character of any signed header fails generically',
  (body, secret, id, t, name, at) => {
    const clock = () => t * 1000;
    const headers = signStandardWebhook({ id, body, secret, clock });
    const value = headers[name];
    const i = at % value.length;
    const replacement = value[i] === '1' ? '2' : '1';
    const changed = { ...headers, [name]: value.slice(0, i) + replacement + value.slice(i + 1) };
    // A changed timestamp is either stale or signs different content: both fail.
    expect(
      isGeneric(() => verifyStandardWebhook({ headers: changed, body, secrets: secret, clock })),
    ).toBe(true);
  },
);

import { CryptoError } from './errors.ts';
import {
  equalBytes,
  fromB64PaddedStrict,
  fromHexStrict,
  hmacSha256Parts,
  randomBytesInternal,
  toB64Padded,
  toHex,
  utf8Bytes,
} from './internal/extras-primitives.ts';

/** The raw request body exactly as received: bytes, or the exact string. Never a parsed object. */
export type WebhookBody = Uint8Array | string;

/**
 * Incoming headers: a WHATWG `Headers`-like object (with `get`) or a plain
 * record as Node's `IncomingMessage.headers`. Names are matched case-insensitively.
 */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A clock returning milliseconds since the Unix epoch (test seam; default `Date.now`). */
export type WebhookClock = () => number;

const GENERIC = 'webhook signature verification failed';

function fail(): never {
  throw new CryptoError('ERR_CRYPTO_VERIFICATION_FAILED', GENERIC);
}

function requireBody(body: WebhookBody): Uint8Array {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError('webhook body must be the raw bytes (Uint8Array) or the exact string');
  }
  return utf8Bytes(body);
}

function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError('headers must be a Headers object or a record');
  }
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const v = (headers as { get(n: string): string | null }).get(name);
    return v === null ? undefined : v;
  }
  const rec = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  for (const key of Object.keys(rec)) {
    if (key.toLowerCase() === lower) {
      const v = rec[key];
      if (v === undefined) return undefined;
      return typeof v === 'string' ? v : v.join(', ');
    }
  }
  return undefined;
}

function nowSeconds(clock: WebhookClock | undefined): number {
  const ms = (clock ?? Date.now)();
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError('clock must return ms');
  return Math.floor(ms / 1000);
}

function checkTolerance(tolerance: number | undefined): number {
  const t = tolerance ?? 300;
  if (!Number.isFinite(t) || t < 0) throw new RangeError('toleranceSeconds must be >= 0');
  return t;
}

function stringSecret(secret: string | Uint8Array, what: string): Uint8Array {
  if (typeof secret === 'string') {
    if (secret.length === 0) throw new RangeError(`${what} secret must not be empty`);
    return utf8Bytes(secret);
  }
  if (!(secret instanceof Uint8Array) || secret.length === 0) {
    throw new RangeError(`${what} secret must be a non-empty string or Uint8Array`);
  }
  return secret;
}

/* ------------------------------------------------------------------ */
/* Standard Webhooks / Svix                                            */
/* ------------------------------------------------------------------ */

const WHSEC_PREFIX = 'whsec_';

/**
 * Decodes a Standard Webhooks secret: `whsec_<base64>` (the base64 part is the
 * HMAC key). Raw bytes are accepted as the key itself.
 */
function standardKey(secret: string | Uint8Array): Uint8Array {
  if (secret instanceof Uint8Array) {
    if (secret.length < 24 || secret.length > 64) {
      throw new RangeError('Standard Webhooks secret must be 24 to 64 bytes');
    }
    return secret;
  }
  if (typeof secret !== 'string' || !secret.startsWith(WHSEC_PREFIX)) {
    throw new RangeError('Standard Webhooks secret must be "whsec_<base64>"');
  }
  const key = fromB64PaddedStrict(secret.slice(WHSEC_PREFIX.length));
  if (key === undefined || key.length < 24 || key.length > 64) {
    throw new RangeError('Standard Webhooks secret must be "whsec_" + base64 of 24 to 64 bytes');
  }
  return key;
}

/**
 * Generates a Standard Webhooks secret, `whsec_` + base64 of 32 random bytes.
 *
 * Exported from `@palisade/crypto`.
 *
 * @returns a new secret string.
 * @example Create a secret for a new endpoint.
 * ```ts
 * const secret = generateStandardWebhookSecret(); // "whsec_..."
 * ```
 */
export function generateStandardWebhookSecret(): string {
  return WHSEC_PREFIX + toB64Padded(randomBytesInternal(32));
}

/** Input of {@link signStandardWebhook}. */
export interface SignStandardWebhookInput {
  /** The message id (`webhook-id`), unique per message; reused on retries. */
  readonly id: string;
  /** The raw body that will be sent. */
  readonly body: WebhookBody;
  /** The `whsec_...` secret (or raw key bytes). */
  readonly secret: string | Uint8Array;
  /** Clock (ms since epoch); default `Date.now`. */
  readonly clock?: WebhookClock;
}

/** The three Standard Webhooks headers. */
export type StandardWebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

const MSG_ID_RE = /^[\x21-\x7e]{1,256}$/;

function standardSignature(key: Uint8Array, id: string, ts: string, body: Uint8Array): Uint8Array {
  return hmacSha256Parts(key, `${id}.${ts}.`, body);
}

/**
 * Signs a message per Standard Webhooks (Svix): HMAC-SHA256 over
 * `${id}.${timestamp}.${body}` with the base64-decoded `whsec_` key, sent as
 * `webhook-signature: v1,<base64>`.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param input - message id, raw body, secret and optional clock.
 * @returns the headers to send.
 * @throws RangeError for a malformed secret or message id; TypeError for a non-raw body.
 * @example Sign an outgoing webhook.
 * ```ts
 * const headers = signStandardWebhook({ id: 'msg_1', body: json, secret });
 * await fetch(url, { method: 'POST', body: json, headers });
 * ```
 */
export function signStandardWebhook(input: SignStandardWebhookInput): StandardWebhookHeaders {
  const body = requireBody(input.body);
  if (typeof input.id !== 'string' || !MSG_ID_RE.test(input.id) || input.id.includes(',')) {
    throw new RangeError('webhook id must be 1-256 printable ASCII characters without commas');
  }
  const ts = String(nowSeconds(input.clock));
  const sig = standardSignature(standardKey(input.secret), input.id, ts, body);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': ts,
    'webhook-signature': `v1,${toB64Padded(sig)}`,
  };
}

/** Options of {@link verifyStandardWebhook}. */
export interface VerifyStandardWebhookOptions {
  /** The incoming headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  readonly headers: WebhookHeaders;
  /** The raw body exactly as received. */
  readonly body: WebhookBody;
  /** One secret, or several during rotation (any one may match). */
  readonly secrets: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Allowed clock skew either way, in seconds; default 300 (5 minutes). */
  readonly toleranceSeconds?: number;
  /** Clock (ms since epoch); default `Date.now`. */
  readonly clock?: WebhookClock;
  /**
   * Replay hook: called with the message id and timestamp after the signature
   * and timestamp checked out. Return `false` if the id was already seen (the
   * verification then fails with the generic code); record it otherwise.
   */
  readonly onMessageId?: (id: string, timestampSeconds: number) => boolean;
}

/** A verified Standard Webhooks message. */
export interface VerifiedStandardWebhook {
  /** The message id (`webhook-id`). */
  readonly id: string;
  /** The signed timestamp, seconds since the epoch. */
  readonly timestamp: number;
}

/**
 * Verifies a Standard Webhooks (Svix) message: any `v1,` signature in the
 * header under any of the secrets, timestamp within tolerance, replay hook.
 * Comparisons are constant time.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - headers, raw body, secrets, tolerance, clock and replay hook.
 * @returns the verified message id and timestamp.
 * @throws CryptoError `ERR_CRYPTO_VERIFICATION_FAILED` for every failure
 *   (missing header, bad signature, stale timestamp, replay) with one generic
 *   message; RangeError for a malformed secret; TypeError for a non-raw body.
 * @example Verify in a request handler.
 * ```ts
 * const { id } = verifyStandardWebhook({ headers: req.headers, body: rawBody, secrets: [newSecret, oldSecret] });
 * ```
 */
export function verifyStandardWebhook(
  options: VerifyStandardWebhookOptions,
): VerifiedStandardWebhook {
  const body = requireBody(options.body);
  const list = Array.isArray(options.secrets) ? options.secrets : [options.secrets];
  if (list.length === 0) throw new RangeError('at least one secret is required');
  const keys = (list as readonly (string | Uint8Array)[]).map(standardKey);
  const tolerance = checkTolerance(options.toleranceSeconds);
  const id = headerValue(options.headers, 'webhook-id');
  const ts = headerValue(options.headers, 'webhook-timestamp');
  const sigHeader = headerValue(options.headers, 'webhook-signature');
  if (id === undefined || ts === undefined || sigHeader === undefined) fail();
  if (!MSG_ID_RE.test(id) || !/^[0-9]{1,12}$/.test(ts)) fail();
  const timestamp = Number(ts);
  const now = nowSeconds(options.clock);
  if (Math.abs(now - timestamp) > tolerance) fail();
  const candidates: Uint8Array[] = [];
  for (const part of sigHeader.split(' ')) {
    if (!part.startsWith('v1,')) continue;
    const sig = fromB64PaddedStrict(part.slice(3));
    if (sig !== undefined && sig.length === 32) candidates.push(sig);
  }
  let ok = false;
  for (const key of keys) {
    const expected = standardSignature(key, id, ts, body);
    for (const c of candidates) ok = equalBytes(expected, c) || ok;
  }
  if (!ok) fail();
  if (options.onMessageId !== undefined && options.onMessageId(id, timestamp) !== true) fail();
  return { id, timestamp };
}

/* ------------------------------------------------------------------ */
/* Stripe                                                              */
/* ------------------------------------------------------------------ */

/** Input of {@link signStripeWebhook}. */
export interface SignStripeWebhookInput {
  /** The raw body. */
  readonly body: WebhookBody;
  /** The endpoint secret (`whsec_...`), used as-is as the HMAC key. */
  readonly secret: string | Uint8Array;
  /** Clock (ms since epoch); default `Date.now`. */
  readonly clock?: WebhookClock;
}

/**
 * Produces a `Stripe-Signature` header value, `t=<unix>,v1=<hex>`, where
 * the v1 value is HMAC-SHA256 of `${t}.${body}` under the secret string.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param input - raw body, secret and optional clock.
 * @returns the header value.
 * @throws RangeError for an empty secret; TypeError for a non-raw body.
 * @example Build a test event header.
 * ```ts
 * const header = signStripeWebhook({ body, secret: 'whsec_test' });
 * ```
 */
export function signStripeWebhook(input: SignStripeWebhookInput): string {
  const body = requireBody(input.body);
  const key = stringSecret(input.secret, 'Stripe');
  const t = String(nowSeconds(input.clock));
  return `t=${t},v1=${toHex(hmacSha256Parts(key, `${t}.`, body))}`;
}

/** Options of {@link verifyStripeWebhook}. */
export interface VerifyStripeWebhookOptions {
  /** The `Stripe-Signature` header value. */
  readonly signatureHeader: string | undefined;
  /** The raw body exactly as received. */
  readonly body: WebhookBody;
  /** One secret, or several during rotation. */
  readonly secrets: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Allowed clock skew, seconds; default 300. */
  readonly toleranceSeconds?: number;
  /** Clock (ms since epoch); default `Date.now`. */
  readonly clock?: WebhookClock;
}

/**
 * Verifies a `Stripe-Signature` header (`t=...,v1=...`, several `v1` allowed),
 * timestamp within tolerance, constant-time comparison.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - header, raw body, secrets, tolerance and clock.
 * @returns the signed timestamp in seconds.
 * @throws CryptoError `ERR_CRYPTO_VERIFICATION_FAILED` for every failure.
 * @example Verify a Stripe event.
 * ```ts
 * verifyStripeWebhook({ signatureHeader: req.headers['stripe-signature'], body: raw, secrets: secret });
 * ```
 */
export function verifyStripeWebhook(options: VerifyStripeWebhookOptions): number {
  const body = requireBody(options.body);
  const list = Array.isArray(options.secrets) ? options.secrets : [options.secrets];
  if (list.length === 0) throw new RangeError('at least one secret is required');
  const keys = (list as readonly (string | Uint8Array)[]).map((s) => stringSecret(s, 'Stripe'));
  const tolerance = checkTolerance(options.toleranceSeconds);
  const header = options.signatureHeader;
  if (typeof header !== 'string') fail();
  let t: string | undefined;
  const sigs: Uint8Array[] = [];
  for (const item of header.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const k = item.slice(0, eq).trim();
    const v = item.slice(eq + 1).trim();
    if (k === 't') {
      if (t !== undefined) fail();
      t = v;
    } else if (k === 'v1') {
      const b = fromHexStrict(v);
      if (b !== undefined && b.length === 32) sigs.push(b);
    }
  }
  if (t === undefined || !/^[0-9]{1,12}$/.test(t)) fail();
  const timestamp = Number(t);
  if (Math.abs(nowSeconds(options.clock) - timestamp) > tolerance) fail();
  let ok = false;
  for (const key of keys) {
    const expected = hmacSha256Parts(key, `${t}.`, body);
    for (const s of sigs) ok = equalBytes(expected, s) || ok;
  }
  if (!ok) fail();
  return timestamp;
}

/* ------------------------------------------------------------------ */
/* GitHub and Razorpay-style (HMAC of the body only)                   */
/* ------------------------------------------------------------------ */

/**
 * Produces an `X-Hub-Signature-256` value, `sha256=<hex HMAC-SHA256(body)>`.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param body - the raw body.
 * @param secret - the webhook secret (UTF-8 string or bytes).
 * @returns the header value.
 * @throws RangeError for an empty secret; TypeError for a non-raw body.
 * @example Sign like GitHub does.
 * ```ts
 * const header = signGitHubWebhook(body, secret); // "sha256=..."
 * ```
 */
export function signGitHubWebhook(body: WebhookBody, secret: string | Uint8Array): string {
  return `sha256=${toHex(hmacSha256Parts(stringSecret(secret, 'GitHub'), requireBody(body)))}`;
}

/**
 * Verifies an `X-Hub-Signature-256` header (`sha256=<hex>`) in constant time.
 * GitHub signatures carry no timestamp: pair this with the delivery id
 * (`X-GitHub-Delivery`) in your own replay store.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param body - the raw body exactly as received.
 * @param signatureHeader - the header value.
 * @param secrets - one secret or several during rotation.
 * @returns nothing; returns normally only when a signature matched.
 * @throws CryptoError `ERR_CRYPTO_VERIFICATION_FAILED` for every failure.
 * @example Verify a GitHub delivery.
 * ```ts
 * verifyGitHubWebhook(raw, req.headers['x-hub-signature-256'], secret);
 * ```
 */
export function verifyGitHubWebhook(
  body: WebhookBody,
  signatureHeader: string | undefined,
  secrets: string | Uint8Array | readonly (string | Uint8Array)[],
): void {
  const bytes = requireBody(body);
  const keys = normaliseSecrets(secrets, 'GitHub');
  if (typeof signatureHeader !== 'string' || !signatureHeader.startsWith('sha256=')) fail();
  verifyBodyHmacHex(bytes, signatureHeader.slice(7), keys);
}

/**
 * Produces a Razorpay-style signature: lowercase hex HMAC-SHA256 of the body.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param body - the raw body.
 * @param secret - the webhook secret.
 * @returns the 64-char hex signature.
 * @throws RangeError for an empty secret; TypeError for a non-raw body.
 * @example Sign like Razorpay does.
 * ```ts
 * const sig = signRazorpayWebhook(body, secret);
 * ```
 */
export function signRazorpayWebhook(body: WebhookBody, secret: string | Uint8Array): string {
  return toHex(hmacSha256Parts(stringSecret(secret, 'Razorpay'), requireBody(body)));
}

/**
 * Verifies a Razorpay-style signature (hex HMAC-SHA256 of the body, e.g. the
 * `X-Razorpay-Signature` header) in constant time.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param body - the raw body exactly as received.
 * @param signature - the hex signature.
 * @param secrets - one secret or several during rotation.
 * @returns nothing; returns normally only when a signature matched.
 * @throws CryptoError `ERR_CRYPTO_VERIFICATION_FAILED` for every failure.
 * @example Verify a Razorpay webhook.
 * ```ts
 * verifyRazorpayWebhook(raw, req.headers['x-razorpay-signature'], secret);
 * ```
 */
export function verifyRazorpayWebhook(
  body: WebhookBody,
  signature: string | undefined,
  secrets: string | Uint8Array | readonly (string | Uint8Array)[],
): void {
  const bytes = requireBody(body);
  const keys = normaliseSecrets(secrets, 'Razorpay');
  if (typeof signature !== 'string') fail();
  verifyBodyHmacHex(bytes, signature, keys);
}

function normaliseSecrets(
  secrets: string | Uint8Array | readonly (string | Uint8Array)[],
  what: string,
): Uint8Array[] {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  if (list.length === 0) throw new RangeError('at least one secret is required');
  return (list as readonly (string | Uint8Array)[]).map((s) => stringSecret(s, what));
}

function verifyBodyHmacHex(body: Uint8Array, hex: string, keys: readonly Uint8Array[]): void {
  const sig = fromHexStrict(hex.trim());
  if (sig === undefined || sig.length !== 32) fail();
  let ok = false;
  for (const key of keys) ok = equalBytes(hmacSha256Parts(key, body), sig) || ok;
  if (!ok) fail();
}

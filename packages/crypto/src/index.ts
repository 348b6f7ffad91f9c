export { CryptoError, type CryptoErrorCode, type CryptoErrorOptions } from './errors.ts';
export { hmacSha256, sha256 } from './hash.ts';
export { randomBytes } from './random.ts';
export {
  exportSigningKeySeed,
  generateSigningKey,
  type SigningKey,
  sign,
  signingKeyFromSeed,
  verifySignature,
} from './signing-key.ts';
export { timingSafeEqual } from './timing-safe-equal.ts';
export {
  type CreateTokenOptions,
  createToken,
  hashToken,
  type IssuedToken,
  isWellFormedToken,
  type ParsedToken,
  parseToken,
  TOKEN_PATTERN,
  type TokenRecord,
  tokenLookupIdFromHash,
  verifyToken,
} from './token.ts';
export {
  generateStandardWebhookSecret,
  type SignStandardWebhookInput,
  type SignStripeWebhookInput,
  type StandardWebhookHeaders,
  signGitHubWebhook,
  signRazorpayWebhook,
  signStandardWebhook,
  signStripeWebhook,
  type VerifiedStandardWebhook,
  type VerifyStandardWebhookOptions,
  type VerifyStripeWebhookOptions,
  verifyGitHubWebhook,
  verifyRazorpayWebhook,
  verifyStandardWebhook,
  verifyStripeWebhook,
  type WebhookBody,
  type WebhookClock,
  type WebhookHeaders,
} from './webhook.ts';

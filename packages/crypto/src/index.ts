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

export {
  ageRecipientFromIdentity,
  type BackupDecryptOptions,
  type BackupEncryptOptions,
  createBackupDecryptStream,
  createBackupEncryptStream,
  decryptBackup,
  encryptBackup,
  generateAgeIdentity,
  parseAgeIdentityFile,
} from './backup.ts';
export { CryptoError, type CryptoErrorCode, type CryptoErrorOptions } from './errors.ts';
export { deriveExternalKey } from './external-key.ts';
export { hkdfSha256, hmacSha256, sha256 } from './hash.ts';
export {
  createKeyRing,
  importKeyRing,
  KeyRing,
  type KeyRingEntry,
  type KeyRingOptions,
  type KeyState,
  type ReencryptCheckpoint,
  type ReencryptItem,
  type ReencryptResult,
  rewrapKeyRing,
  type WrappedKeyRing,
} from './key-ring.ts';
export {
  type KeychainClient,
  type KeyWrapper,
  type KmsClient,
  kmsKeyWrapper,
  masterKeyWrapper,
} from './key-wrapper.ts';
export {
  DEFAULT_MASTER_KEY_ENV,
  exportMasterKey,
  generateMasterKey,
  MASTER_KEY_BYTES,
  type MasterKey,
  type MasterKeyOptions,
  masterKeyFromBytes,
  masterKeyFromEnv,
  masterKeyFromFile,
  masterKeyFromKeychain,
  storeMasterKeyInKeychain,
} from './master-key.ts';
export {
  type Argon2idParams,
  hashPassword,
  needsRehash,
  type ParsedPasswordHash,
  type PasswordAlgorithm,
  type PasswordLimits,
  type PasswordPolicy,
  parsePasswordHash,
  type ScryptParams,
  verifyPassword,
} from './password.ts';
export { randomBytes } from './random.ts';
export {
  inspectSealed,
  open,
  type SealedInfo,
  seal,
  sealDeterministic,
} from './seal.ts';
export type { SealContext } from './seal-context.ts';
export { deriveWorkspaceKey, type SealingKey, type WorkspaceKey } from './sealing-key.ts';
export {
  exportSigningKeySeed,
  generateSigningKey,
  type SigningKey,
  sign,
  signingKeyFromSeed,
  signingKeyIdOf,
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

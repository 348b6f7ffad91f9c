import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/crypto. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = [
  'CryptoError',
  // core primitives
  'sha256',
  'hmacSha256',
  'hkdfSha256',
  'timingSafeEqual',
  'randomBytes',
  'generateSigningKey',
  'signingKeyFromSeed',
  'exportSigningKeySeed',
  'sign',
  'verifySignature',
  'signingKeyIdOf',
  // core: keys, sealed format, key ring
  'generateMasterKey',
  'masterKeyFromBytes',
  'masterKeyFromEnv',
  'masterKeyFromFile',
  'masterKeyFromKeychain',
  'storeMasterKeyInKeychain',
  'exportMasterKey',
  'MASTER_KEY_BYTES',
  'DEFAULT_MASTER_KEY_ENV',
  'deriveWorkspaceKey',
  'deriveExternalKey',
  'seal',
  'sealDeterministic',
  'open',
  'inspectSealed',
  'KeyRing',
  'createKeyRing',
  'importKeyRing',
  'rewrapKeyRing',
  'masterKeyWrapper',
  'kmsKeyWrapper',
  // crypto-extras: tokens
  'createToken',
  'hashToken',
  'isWellFormedToken',
  'parseToken',
  'TOKEN_PATTERN',
  'tokenLookupIdFromHash',
  'verifyToken',
  // crypto-extras: webhooks
  'generateStandardWebhookSecret',
  'signGitHubWebhook',
  'signRazorpayWebhook',
  'signStandardWebhook',
  'signStripeWebhook',
  'verifyGitHubWebhook',
  'verifyRazorpayWebhook',
  'verifyStandardWebhook',
  'verifyStripeWebhook',
  // crypto-extras: backups
  'ageRecipientFromIdentity',
  'createBackupDecryptStream',
  'createBackupEncryptStream',
  'decryptBackup',
  'encryptBackup',
  'generateAgeIdentity',
  'parseAgeIdentityFile',
  // crypto-extras: passwords
  'hashPassword',
  'needsRehash',
  'parsePasswordHash',
  'verifyPassword',
];

describe('@palisade/crypto public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/crypto');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

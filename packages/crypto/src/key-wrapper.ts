import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { toBase64Url } from './internal/bytes.ts';
import { hkdfExpand } from './internal/hkdf-expand.ts';
import { createSealingMaterial, masterMaterialOf } from './internal/key-material.ts';
import { info, LABEL } from './internal/labels.ts';
import { openWith, sealWith } from './internal/sealed-format.ts';
import type { MasterKey } from './master-key.ts';

/**
 * Wraps and unwraps key bytes for storage (key rings). `aad` must be bound:
 * unwrap with different `aad` must fail. Implementations exist for a local
 * master key ({@link masterKeyWrapper}) and for a KMS client you create
 * ({@link kmsKeyWrapper}); the package never opens a connection itself.
 *
 * Exported from `@palisade/crypto` (type only).
 */
export interface KeyWrapper {
  /** Stable id of the wrapping key (recorded in exported key rings). */
  readonly id: string;
  wrap(key: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
  /** Resolves to the key bytes; rejects with ERR_CRYPTO_DECRYPTION_FAILED on any failure. */
  unwrap(wrapped: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

/**
 * A {@link KeyWrapper} that seals key bytes with a subkey of a local master
 * key (HKDF label `key-wrap/v1`, then the sealed format: XAES-256-GCM,
 * committing, `aad` bound).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param master - The key-encryption master key.
 * @returns A wrapper whose `id` is the master key id.
 * @throws CryptoError `ERR_CRYPTO_WRONG_KEY_PURPOSE` when `master` is not a MasterKey.
 *
 * @example Persist a key ring under a master key from the environment.
 * ```ts
 * const wrapped = await ring.export(masterKeyWrapper(masterKeyFromEnv()));
 * ```
 */
export function masterKeyWrapper(master: MasterKey): KeyWrapper {
  const mm = masterMaterialOf(master);
  const b = backend();
  const material = createSealingMaterial(
    b,
    hkdfExpand(b, mm.prk, info(LABEL.keyWrap), 32),
    mm.idBytes,
    undefined,
  );
  return Object.freeze({
    id: master.keyId,
    wrap: async (key: Uint8Array, aad: Uint8Array) => sealWith(b, material, key, aad, 'random'),
    async unwrap(wrapped: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
      const out = await openWith(b, material, wrapped, aad);
      if (out === undefined)
        throw new CryptoError('ERR_CRYPTO_DECRYPTION_FAILED', 'decryption failed');
      return out;
    },
  });
}

/**
 * The slice of a KMS client that {@link kmsKeyWrapper} needs. Adapt your SDK
 * in a few lines (for AWS KMS: `EncryptCommand` with `KeyId`, `Plaintext`,
 * `EncryptionContext`; for GCP KMS: `encrypt` with
 * `additionalAuthenticatedData`). The caller makes and owns the client and
 * its connection.
 *
 * Exported from `@palisade/crypto` (type only).
 */
export interface KmsClient {
  encrypt(request: {
    readonly keyId: string;
    readonly plaintext: Uint8Array;
    /** Must be authenticated by the KMS (AWS: EncryptionContext). */
    readonly context: Readonly<Record<string, string>>;
  }): Promise<{ readonly ciphertext: Uint8Array }>;
  decrypt(request: {
    readonly keyId: string;
    readonly ciphertext: Uint8Array;
    readonly context: Readonly<Record<string, string>>;
  }): Promise<{ readonly plaintext: Uint8Array }>;
}

/**
 * A {@link KeyWrapper} over a KMS client the caller made. The `aad` travels
 * as the KMS encryption context `{ "palisade-aad": base64url(SHA-256(aad)) }`.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param client - Your KMS client (see {@link KmsClient}).
 * @param options - `keyId`: the KMS key id or ARN.
 * @returns The wrapper; its `id` is `kms:<keyId>`.
 *
 * @example AWS KMS via the v3 SDK.
 * ```ts
 * const wrapper = kmsKeyWrapper({
 *   encrypt: async (r) => ({ ciphertext: (await kms.send(new EncryptCommand({ KeyId: r.keyId, Plaintext: r.plaintext, EncryptionContext: { ...r.context } }))).CiphertextBlob! }),
 *   decrypt: async (r) => ({ plaintext: (await kms.send(new DecryptCommand({ KeyId: r.keyId, CiphertextBlob: r.ciphertext, EncryptionContext: { ...r.context } }))).Plaintext! }),
 * }, { keyId: 'arn:aws:kms:...' });
 * ```
 */
export function kmsKeyWrapper(client: KmsClient, options: { readonly keyId: string }): KeyWrapper {
  const keyId = options.keyId;
  const ctx = (aad: Uint8Array): Record<string, string> => ({
    'palisade-aad': toBase64Url(backend().sha256(aad)),
  });
  return Object.freeze({
    id: `kms:${keyId}`,
    async wrap(key: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
      const r = await client.encrypt({ keyId, plaintext: key, context: ctx(aad) });
      return Uint8Array.from(r.ciphertext);
    },
    async unwrap(wrapped: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
      try {
        const r = await client.decrypt({ keyId, ciphertext: wrapped, context: ctx(aad) });
        return Uint8Array.from(r.plaintext);
      } catch {
        // Never forward the client's error: it could echo request bytes.
        throw new CryptoError('ERR_CRYPTO_DECRYPTION_FAILED', 'decryption failed');
      }
    },
  });
}

/**
 * The slice of an OS keychain client (keytar-style) used by
 * {@link masterKeyFromKeychain} and {@link storeMasterKeyInKeychain}.
 *
 * Exported from `@palisade/crypto` (type only).
 */
export interface KeychainClient {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
}

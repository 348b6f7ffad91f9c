// Where key objects keep their secrets: WeakMaps keyed by the public key
// object, so nothing secret is a property (util.inspect with showHidden,
// Object.getOwnPropertyNames or a structured clone never reach it).
// Internal: never re-exported.
import { CryptoError } from '../errors.ts';
import type { Backend } from './backend.ts';
import { hkdfExpand } from './hkdf-expand.ts';
import { info, LABEL } from './labels.ts';
import type { LruCache } from './lru.ts';
import { type XaesKey, xaesPrepare, xaesPrepareSync } from './xaes.ts';

export interface MasterMaterial {
  readonly secret: Uint8Array;
  /** HKDF-Extract output, cached so each derivation is expand-only. */
  readonly prk: Uint8Array;
  readonly idBytes: Uint8Array;
  readonly cache: LruCache<string, object>;
}

export interface SealingMaterial {
  readonly secret: Uint8Array;
  readonly aesKey: Uint8Array;
  /** Key commitment: a collision-resistant function (HMAC-SHA-256) of the secret. */
  readonly commitment: Uint8Array;
  /** The id written in sealed headers: the root (master) key id, or the key's own. */
  readonly headerKeyId: Uint8Array;
  readonly ownId: Uint8Array;
  readonly workspace: string | undefined;
  xaes: Promise<XaesKey> | undefined;
  /** Synchronous XAES state (node:crypto), or null when the backend has none. */
  xaesSync: XaesKey | null | undefined;
  det: { readonly sivKey: Uint8Array; readonly nonceKey: Uint8Array } | undefined;
}

export const masterMaterials: WeakMap<object, MasterMaterial> = new WeakMap();
export const sealingMaterials: WeakMap<object, SealingMaterial> = new WeakMap();
/** Objects whose material was wiped by dispose (to tell "disposed" from "foreign"). */
export const disposedKeys: WeakSet<object> = new WeakSet();

/** Derives the per-key subkeys of a sealing key from its 32-byte secret. */
export function createSealingMaterial(
  b: Backend,
  secret: Uint8Array,
  headerKeyId: Uint8Array | undefined,
  workspace: string | undefined,
): SealingMaterial {
  const okm = hkdfExpand(b, secret, info(LABEL.sealSubkeys), 72);
  const ownId = okm.slice(64, 72);
  const m: SealingMaterial = {
    secret,
    aesKey: okm.slice(0, 32),
    commitment: okm.slice(32, 64),
    ownId,
    headerKeyId: headerKeyId ?? ownId,
    workspace,
    xaes: undefined,
    xaesSync: undefined,
    det: undefined,
  };
  okm.fill(0);
  return m;
}

/** The XAES precomputation, made once per key on first use. */
export function xaesOf(b: Backend, m: SealingMaterial): Promise<XaesKey> {
  m.xaes ??= xaesPrepare(b, m.aesKey);
  return m.xaes;
}

/** The synchronous XAES state, made once per key; undefined when the backend is async-only. */
export function xaesSyncOf(b: Backend, m: SealingMaterial): XaesKey | undefined {
  if (b.syncAesGcm === undefined) return undefined;
  if (m.xaesSync === undefined) m.xaesSync = xaesPrepareSync(b, m.aesKey) ?? null;
  return m.xaesSync ?? undefined;
}

/** The deterministic-mode subkeys, made once per key on first use. */
export function detOf(
  b: Backend,
  m: SealingMaterial,
): { sivKey: Uint8Array; nonceKey: Uint8Array } {
  if (m.det === undefined) {
    const okm = hkdfExpand(b, m.secret, info(LABEL.sealDeterministic), 64);
    m.det = { sivKey: okm.slice(0, 32), nonceKey: okm.slice(32, 64) };
    okm.fill(0);
  }
  return m.det;
}

/** Wipes every array of a sealing material (what JS allows). */
export function wipeSealingMaterial(m: SealingMaterial): void {
  m.secret.fill(0);
  m.aesKey.fill(0);
  m.det?.sivKey.fill(0);
  m.det?.nonceKey.fill(0);
  // The AES context inside node:crypto (or a CryptoKey) is released by the
  // GC; JS cannot overwrite it.
  m.xaes = undefined;
  m.xaesSync = undefined;
}

/** Looks up the sealing material of `key`, or throws the stable error that says why not. */
export function sealingMaterialOf(key: unknown): SealingMaterial {
  const m = typeof key === 'object' && key !== null ? sealingMaterials.get(key) : undefined;
  if (m !== undefined) return m;
  if (typeof key === 'object' && key !== null && disposedKeys.has(key)) {
    throw new CryptoError(
      'ERR_CRYPTO_KEY_DESTROYED',
      'the key was disposed and can no longer be used',
    );
  }
  const purpose =
    typeof key === 'object' && key !== null ? (key as { purpose?: unknown }).purpose : undefined;
  const known = ['master', 'signing', 'seal'];
  throw new CryptoError(
    'ERR_CRYPTO_WRONG_KEY_PURPOSE',
    `expected a sealing key (purpose 'seal') from @palisade/crypto, got ${
      typeof purpose === 'string' && known.includes(purpose)
        ? `a key with purpose '${purpose}'`
        : 'another kind of value'
    }`,
  );
}

/** Looks up the master material of `key`, or throws the stable error that says why not. */
export function masterMaterialOf(key: unknown): MasterMaterial {
  const m = typeof key === 'object' && key !== null ? masterMaterials.get(key) : undefined;
  if (m !== undefined) return m;
  if (typeof key === 'object' && key !== null && disposedKeys.has(key)) {
    throw new CryptoError(
      'ERR_CRYPTO_KEY_DESTROYED',
      'the master key was disposed and can no longer be used',
    );
  }
  throw new CryptoError(
    'ERR_CRYPTO_WRONG_KEY_PURPOSE',
    "expected a master key (purpose 'master') from @palisade/crypto",
  );
}

import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { toHex } from './internal/bytes.ts';
import { isWellFormedString } from './internal/encoding.ts';
import { INSPECT } from './internal/hidden.ts';
import { hkdfExpand } from './internal/hkdf-expand.ts';
import {
  createSealingMaterial,
  disposedKeys,
  masterMaterialOf,
  sealingMaterials,
  wipeSealingMaterial,
} from './internal/key-material.ts';
import { info, LABEL } from './internal/labels.ts';
import type { MasterKey } from './master-key.ts';

/**
 * A key that seals and opens ({@link seal}, {@link open}). It can do nothing
 * else: its `purpose` brand keeps it away from signing and MAC APIs, and
 * other key types are refused by `seal` at runtime too. The key bytes live
 * outside the object; `util.inspect`, `JSON.stringify`, `String()` and errors
 * show only ids.
 *
 * Exported from `@palisade/crypto` (type only).
 */
export interface SealingKey extends Disposable {
  /** Brand: this key seals and opens, nothing else. */
  readonly purpose: 'seal';
  /** This key's own stable id (16 hex chars), derived by HKDF; reveals nothing about the key. */
  readonly keyId: string;
  /** Id of the key written into sealed headers: the master key it was derived from. */
  readonly rootKeyId: string;
}

/**
 * The sealing key of one workspace, derived from a master key with
 * HKDF-SHA-256 (domain-separated, versioned label `workspace-key/v1`, the
 * workspace id as a length-prefixed part of `info`). It seals only for its
 * own workspace: `seal` refuses a context naming another one.
 *
 * Exported from `@palisade/crypto` (type only; make one with {@link deriveWorkspaceKey}).
 */
export interface WorkspaceKey extends SealingKey {
  /** The workspace this key belongs to. */
  readonly workspace: string;
}

/** Longest accepted workspace id (UTF-16 code units). */
export const MAX_WORKSPACE_ID_LENGTH = 1024;

class Sealing implements WorkspaceKey {
  readonly purpose = 'seal' as const;
  readonly keyId: string;
  readonly rootKeyId: string;
  readonly workspace: string;

  constructor(keyId: string, rootKeyId: string, workspace: string) {
    this.keyId = keyId;
    this.rootKeyId = rootKeyId;
    this.workspace = workspace;
    Object.freeze(this);
  }

  toString(): string {
    return `WorkspaceKey(${this.keyId}, workspace ${JSON.stringify(this.workspace.slice(0, 64))})`;
  }

  toJSON(): { purpose: 'seal'; keyId: string; rootKeyId: string; workspace: string } {
    return {
      purpose: 'seal',
      keyId: this.keyId,
      rootKeyId: this.rootKeyId,
      workspace: this.workspace,
    };
  }

  [INSPECT](): string {
    return this.toString();
  }

  /**
   * Wipes this key's bytes and subkeys (what JS allows). If the key came from
   * the master key's cache, the next {@link deriveWorkspaceKey} call derives
   * a fresh object.
   */
  [Symbol.dispose](): void {
    const m = sealingMaterials.get(this);
    if (m === undefined) return;
    wipeSealingMaterial(m);
    sealingMaterials.delete(this);
    disposedKeys.add(this);
  }
}

function checkWorkspaceId(workspaceId: unknown): asserts workspaceId is string {
  if (
    !isWellFormedString(workspaceId) ||
    workspaceId.length === 0 ||
    workspaceId.length > MAX_WORKSPACE_ID_LENGTH
  ) {
    throw new CryptoError(
      'ERR_CRYPTO_INVALID_ARGUMENT',
      `workspace id must be a well-formed string of 1..${MAX_WORKSPACE_ID_LENGTH} characters`,
    );
  }
}

/**
 * Derives (or returns from a bounded LRU cache) the sealing key of one
 * workspace: `HKDF-SHA-256(master, salt = "palisade/crypto/v1/hkdf-extract",
 * info = lp("palisade/crypto/v1", "workspace-key/v1", workspaceId))`. The
 * extract step runs once per master key, so a cache miss costs one HMAC plus
 * the key's own subkey expansion, and a hit is a Map lookup.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param master - The master key.
 * @param workspaceId - The workspace id (1..1024 well-formed UTF-16 code units).
 * @returns The workspace's {@link WorkspaceKey}; the same object while cached.
 * @throws CryptoError `ERR_CRYPTO_INVALID_ARGUMENT` for a bad id; `ERR_CRYPTO_KEY_DESTROYED` after the master was disposed; `ERR_CRYPTO_WRONG_KEY_PURPOSE` when `master` is not a MasterKey.
 *
 * @example Seal a secret for one workspace.
 * ```ts
 * const key = deriveWorkspaceKey(master, 'ws_123');
 * const sealed = await seal(key, bytes, { tenant: 'org_1', workspace: 'ws_123', purpose: 'api-key' });
 * ```
 */
export function deriveWorkspaceKey(master: MasterKey, workspaceId: string): WorkspaceKey {
  const mm = masterMaterialOf(master);
  const cached = mm.cache.get(workspaceId) as Sealing | undefined;
  if (cached !== undefined && sealingMaterials.has(cached)) return cached;
  checkWorkspaceId(workspaceId);
  const b = backend();
  const secret = hkdfExpand(b, mm.prk, info(LABEL.workspaceKey, workspaceId), 32);
  const material = createSealingMaterial(b, secret, mm.idBytes, workspaceId);
  const key = new Sealing(toHex(material.ownId), toHex(mm.idBytes), workspaceId);
  sealingMaterials.set(key, material);
  mm.cache.set(workspaceId, key);
  return key;
}

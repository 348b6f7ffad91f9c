import { CryptoError } from './errors.ts';
import { backend } from './internal/backends.ts';
import { fromBase64, toBase64Url, toHex } from './internal/bytes.ts';
import { lengthPrefixed } from './internal/encoding.ts';
import { INSPECT } from './internal/hidden.ts';
import { masterMaterialOf, sealingMaterialOf } from './internal/key-material.ts';
import { DOMAIN } from './internal/labels.ts';
import { ALG_XAES_256_GCM, openWith, parseHeader, sealWith } from './internal/sealed-format.ts';
import type { KeyWrapper } from './key-wrapper.ts';
import {
  generateMasterKey,
  type MasterKey,
  type MasterKeyOptions,
  masterKeyFromBytes,
} from './master-key.ts';
import { decryptionFailed } from './seal.ts';
import { encodeSealContext, type SealContext } from './seal-context.ts';
import { deriveWorkspaceKey, type WorkspaceKey } from './sealing-key.ts';

/**
 * State of a key-ring entry.
 * - `primary`: seals and opens (exactly one).
 * - `active`: opens; may be promoted (stage a new key everywhere before promoting it).
 * - `retired`: still opens so stragglers can be re-encrypted; cannot be promoted until reactivated.
 * - `destroyed`: key bytes wiped; values under it no longer open. Terminal.
 *
 * Exported from `@palisade/crypto` (type only).
 */
export type KeyState = 'primary' | 'active' | 'retired' | 'destroyed';

/** One entry of a {@link KeyRing}: public facts only. */
export interface KeyRingEntry {
  readonly keyId: string;
  readonly state: KeyState;
  /** ISO 8601 time the entry was created. */
  readonly createdAt: string;
}

/** One stored value handed to {@link KeyRing.reencryptAll}. */
export interface ReencryptItem {
  /** The caller's id of the row or object; the source must list ids in a stable order. */
  readonly id: string;
  readonly sealed: Uint8Array;
  readonly context: SealContext;
}

/** Where a bulk re-encryption stopped. JSON-safe: persist it and pass it back to resume. */
export interface ReencryptCheckpoint {
  readonly version: 1;
  /** The primary key id the run re-encrypts to; resuming after another rotation is refused. */
  readonly targetKeyId: string;
  /** Id of the last item handled, or null before the first. */
  readonly after: string | null;
  readonly processed: number;
  readonly reencrypted: number;
  readonly failed: number;
}

/** What {@link KeyRing.reencryptAll} yields for each item. */
export interface ReencryptResult {
  readonly id: string;
  /** `reencrypted`: write `sealed` back. `current`: already under the primary. `failed`: did not open (destroyed key or corrupt value). */
  readonly status: 'reencrypted' | 'current' | 'failed';
  /** The new sealed value when `status` is `reencrypted`. */
  readonly sealed?: Uint8Array;
  /** Persist this after writing `sealed`; it covers this item. */
  readonly checkpoint: ReencryptCheckpoint;
}

/** A key ring in storable form: every key wrapped by a {@link KeyWrapper}. JSON-safe. */
export interface WrappedKeyRing {
  readonly format: 'palisade-keyring/v1';
  /** Id of the wrapper that wrapped the keys (a master key id, or `kms:<id>`). */
  readonly wrapperId: string;
  readonly entries: ReadonlyArray<KeyRingEntry & { readonly wrappedKey?: string }>;
}

interface Entry {
  readonly keyId: string;
  state: KeyState;
  readonly createdAt: string;
  root: MasterKey | undefined;
}

/** Options for {@link createKeyRing} and {@link importKeyRing}. */
export interface KeyRingOptions extends MasterKeyOptions {
  /** Clock for `createdAt` (tests inject one). */
  readonly now?: () => Date;
}

function ringError(
  code: 'ERR_CRYPTO_KEY_NOT_FOUND' | 'ERR_CRYPTO_KEY_STATE',
  message: string,
): CryptoError {
  return new CryptoError(code, message);
}

function entryAad(e: KeyRingEntry): Uint8Array {
  return lengthPrefixed([DOMAIN, 'key-ring-entry/v1', e.keyId, e.state, e.createdAt]);
}

/**
 * A ring of root keys with ids and states (Tink-style). Seals with the
 * primary key's workspace keys, opens with whichever entry the sealed header
 * names, tells which values need re-encryption, re-encrypts in resumable
 * batches, and exports wrapped for storage. Make one with
 * {@link createKeyRing} or {@link importKeyRing}.
 *
 * Exported from `@palisade/crypto`.
 */
export class KeyRing {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => Date;
  readonly #options: MasterKeyOptions;
  #primary: Entry;

  /** @internal Use {@link createKeyRing} or {@link importKeyRing}. */
  constructor(
    entries: ReadonlyArray<{
      keyId: string;
      state: KeyState;
      createdAt: string;
      root: MasterKey | undefined;
    }>,
    options: KeyRingOptions = {},
  ) {
    this.#now = options.now ?? (() => new Date());
    this.#options =
      options.workspaceKeyCacheSize === undefined
        ? {}
        : { workspaceKeyCacheSize: options.workspaceKeyCacheSize };
    let primary: Entry | undefined;
    for (const e of entries) {
      const entry: Entry = { ...e };
      if (this.#entries.has(e.keyId))
        throw ringError('ERR_CRYPTO_KEY_STATE', 'duplicate key id in key ring');
      this.#entries.set(e.keyId, entry);
      if (e.state === 'primary') {
        if (primary !== undefined)
          throw ringError('ERR_CRYPTO_KEY_STATE', 'a key ring has exactly one primary key');
        primary = entry;
      }
    }
    if (primary === undefined)
      throw ringError('ERR_CRYPTO_KEY_STATE', 'a key ring has exactly one primary key');
    this.#primary = primary;
    Object.freeze(this);
  }

  /** Id of the primary key. */
  get primaryKeyId(): string {
    return this.#primary.keyId;
  }

  /** Every entry, oldest first. */
  entries(): readonly KeyRingEntry[] {
    return [...this.#entries.values()].map((e) =>
      Object.freeze({ keyId: e.keyId, state: e.state, createdAt: e.createdAt }),
    );
  }

  #entry(keyId: string): Entry {
    const e = this.#entries.get(keyId);
    if (e === undefined)
      throw ringError(
        'ERR_CRYPTO_KEY_NOT_FOUND',
        `no key ${JSON.stringify(keyId.slice(0, 32))} in the key ring`,
      );
    return e;
  }

  #root(e: Entry): MasterKey {
    if (e.root === undefined)
      throw ringError('ERR_CRYPTO_KEY_STATE', `key ${e.keyId} is destroyed`);
    return e.root;
  }

  /** The primary key's sealing key for one workspace (cached). */
  workspaceKey(workspaceId: string): WorkspaceKey {
    return deriveWorkspaceKey(this.#root(this.#primary), workspaceId);
  }

  /** {@link seal} with the primary key's workspace key for `context.workspace`. */
  async seal(plaintext: Uint8Array, context: SealContext): Promise<Uint8Array> {
    const m = sealingMaterialOf(this.workspaceKey(context.workspace));
    return sealWith(backend(), m, plaintext, encodeSealContext(context), 'random');
  }

  /** {@link sealDeterministic} with the primary key's workspace key. */
  async sealDeterministic(plaintext: Uint8Array, context: SealContext): Promise<Uint8Array> {
    const m = sealingMaterialOf(this.workspaceKey(context.workspace));
    return sealWith(backend(), m, plaintext, encodeSealContext(context), 'deterministic');
  }

  /**
   * Opens a value sealed under any non-destroyed entry. Every failure,
   * including an unknown or destroyed key, throws ERR_CRYPTO_DECRYPTION_FAILED.
   */
  async open(sealed: Uint8Array, context: SealContext): Promise<Uint8Array> {
    const ctx = encodeSealContext(context);
    const h = parseHeader(sealed);
    const e = h === undefined ? undefined : this.#entries.get(toHex(h.keyId));
    if (e === undefined || e.root === undefined) throw decryptionFailed();
    const m = sealingMaterialOf(deriveWorkspaceKey(e.root, context.workspace));
    const pt = await openWith(backend(), m, sealed, ctx);
    if (pt === undefined) throw decryptionFailed();
    return pt;
  }

  /**
   * True when `sealed` is not under the primary key (so a bulk job should
   * re-encrypt it). Reads only the public header.
   *
   * @throws CryptoError `ERR_CRYPTO_DECRYPTION_FAILED` when `sealed` is not a sealed value.
   */
  needsReencrypt(sealed: Uint8Array): boolean {
    const h = parseHeader(sealed);
    if (h === undefined) throw decryptionFailed();
    return toHex(h.keyId) !== this.#primary.keyId;
  }

  /** Opens and seals again under the primary (same mode); returns `sealed` itself when already current. */
  async reencrypt(sealed: Uint8Array, context: SealContext): Promise<Uint8Array> {
    if (!this.needsReencrypt(sealed)) return sealed;
    const deterministic = parseHeader(sealed)?.alg !== ALG_XAES_256_GCM;
    const pt = await this.open(sealed, context);
    try {
      return deterministic
        ? await this.sealDeterministic(pt, context)
        : await this.seal(pt, context);
    } finally {
      pt.fill(0);
    }
  }

  /**
   * Re-encrypts every value a source lists, resumably. `source(after)` must
   * list items with ids after `after` (null: from the start) in a stable
   * order, for example `SELECT ... WHERE id > $1 ORDER BY id`. Each yielded
   * result carries a checkpoint covering that item: write the new value,
   * then persist the checkpoint; pass it back as `options.checkpoint` to
   * resume after a crash. Values that do not open are reported as `failed`
   * and do not stop the run.
   *
   * @throws CryptoError `ERR_CRYPTO_CHECKPOINT_INVALID` when the checkpoint is malformed or targets another primary key.
   */
  async *reencryptAll(
    source: (after: string | null) => AsyncIterable<ReencryptItem> | Iterable<ReencryptItem>,
    options: { readonly checkpoint?: ReencryptCheckpoint } = {},
  ): AsyncGenerator<ReencryptResult, ReencryptCheckpoint, undefined> {
    let cp: ReencryptCheckpoint = options.checkpoint ?? {
      version: 1,
      targetKeyId: this.#primary.keyId,
      after: null,
      processed: 0,
      reencrypted: 0,
      failed: 0,
    };
    checkCheckpoint(cp, this.#primary.keyId);
    for await (const item of source(cp.after)) {
      let status: ReencryptResult['status'];
      let sealed: Uint8Array | undefined;
      try {
        if (this.needsReencrypt(item.sealed)) {
          sealed = await this.reencrypt(item.sealed, item.context);
          status = 'reencrypted';
        } else {
          // Current values are still opened, so corruption is reported.
          (await this.open(item.sealed, item.context)).fill(0);
          status = 'current';
        }
      } catch (e) {
        if (!CryptoError.isInstance(e) || e.code !== 'ERR_CRYPTO_DECRYPTION_FAILED') throw e;
        status = 'failed';
      }
      cp = Object.freeze({
        version: 1,
        targetKeyId: cp.targetKeyId,
        after: item.id,
        processed: cp.processed + 1,
        reencrypted: cp.reencrypted + (status === 'reencrypted' ? 1 : 0),
        failed: cp.failed + (status === 'failed' ? 1 : 0),
      });
      yield Object.freeze(
        sealed === undefined
          ? { id: item.id, status, checkpoint: cp }
          : { id: item.id, status, sealed, checkpoint: cp },
      );
    }
    return cp;
  }

  /** Generates a new root key, makes it primary and demotes the old primary to active. */
  rotate(): KeyRingEntry {
    const root = generateMasterKey(this.#options);
    const e: Entry = {
      keyId: root.keyId,
      state: 'active',
      createdAt: this.#now().toISOString(),
      root,
    };
    this.#entries.set(e.keyId, e);
    this.promote(e.keyId);
    return this.entries().find((x) => x.keyId === e.keyId) as KeyRingEntry;
  }

  /** Adds an existing root key as `active` (stage it everywhere, then {@link KeyRing.promote}). */
  add(root: MasterKey): KeyRingEntry {
    masterMaterialOf(root);
    if (this.#entries.has(root.keyId))
      throw ringError('ERR_CRYPTO_KEY_STATE', 'the key is already in the key ring');
    const e: Entry = {
      keyId: root.keyId,
      state: 'active',
      createdAt: this.#now().toISOString(),
      root,
    };
    this.#entries.set(e.keyId, e);
    return Object.freeze({ keyId: e.keyId, state: e.state, createdAt: e.createdAt });
  }

  /** Makes an `active` key primary; the old primary becomes `active`. */
  promote(keyId: string): void {
    const e = this.#entry(keyId);
    if (e === this.#primary) return;
    if (e.state !== 'active')
      throw ringError(
        'ERR_CRYPTO_KEY_STATE',
        `only an active key can become primary (key ${keyId} is ${e.state})`,
      );
    this.#primary.state = 'active';
    e.state = 'primary';
    this.#primary = e;
  }

  /** Moves an `active` key to `retired` (it still opens; it cannot be promoted). */
  retire(keyId: string): void {
    const e = this.#entry(keyId);
    if (e.state !== 'active')
      throw ringError(
        'ERR_CRYPTO_KEY_STATE',
        `only an active key can be retired (key ${keyId} is ${e.state})`,
      );
    e.state = 'retired';
  }

  /** Moves a `retired` key back to `active`. */
  reactivate(keyId: string): void {
    const e = this.#entry(keyId);
    if (e.state !== 'retired')
      throw ringError(
        'ERR_CRYPTO_KEY_STATE',
        `only a retired key can be reactivated (key ${keyId} is ${e.state})`,
      );
    e.state = 'active';
  }

  /** Destroys a `retired` key: wipes its bytes (what JS allows). Values under it never open again. */
  destroy(keyId: string): void {
    const e = this.#entry(keyId);
    if (e.state !== 'retired')
      throw ringError(
        'ERR_CRYPTO_KEY_STATE',
        `only a retired key can be destroyed (key ${keyId} is ${e.state})`,
      );
    (e.root as (MasterKey & Disposable) | undefined)?.[Symbol.dispose]();
    e.root = undefined;
    e.state = 'destroyed';
  }

  /**
   * Wraps every live key with `wrapper` for storage. Each wrapped key is bound
   * to its entry's id, state and creation time, so editing a state in the
   * stored form makes that entry fail to unwrap.
   */
  async export(wrapper: KeyWrapper): Promise<WrappedKeyRing> {
    const entries: Array<KeyRingEntry & { wrappedKey?: string }> = [];
    for (const e of this.#entries.values()) {
      const pub: KeyRingEntry = { keyId: e.keyId, state: e.state, createdAt: e.createdAt };
      if (e.root === undefined) {
        entries.push(pub);
        continue;
      }
      const bytes = rootBytes(e.root);
      try {
        entries.push({ ...pub, wrappedKey: toBase64Url(await wrapper.wrap(bytes, entryAad(pub))) });
      } finally {
        bytes.fill(0);
      }
    }
    return Object.freeze({
      format: 'palisade-keyring/v1',
      wrapperId: wrapper.id,
      entries: Object.freeze(entries),
    });
  }

  toString(): string {
    return `KeyRing(primary ${this.#primary.keyId}, ${this.#entries.size} keys)`;
  }

  toJSON(): { primaryKeyId: string; entries: readonly KeyRingEntry[] } {
    return { primaryKeyId: this.#primary.keyId, entries: this.entries() };
  }

  /** Wipes every root key (what JS allows). */
  [Symbol.dispose](): void {
    for (const e of this.#entries.values())
      (e.root as (MasterKey & Disposable) | undefined)?.[Symbol.dispose]();
  }
}

// util.inspect shows the summary only (set here: a computed method name on an
// exported class would not survive isolatedDeclarations).
Object.defineProperty(KeyRing.prototype, INSPECT, {
  value(this: KeyRing): string {
    return this.toString();
  },
});

function rootBytes(root: MasterKey): Uint8Array {
  return masterMaterialOf(root).secret.slice();
}

function checkCheckpoint(cp: ReencryptCheckpoint, primary: string): void {
  const ok =
    typeof cp === 'object' &&
    cp !== null &&
    cp.version === 1 &&
    typeof cp.targetKeyId === 'string' &&
    (cp.after === null || typeof cp.after === 'string') &&
    [cp.processed, cp.reencrypted, cp.failed].every((n) => Number.isSafeInteger(n) && n >= 0);
  if (!ok)
    throw new CryptoError('ERR_CRYPTO_CHECKPOINT_INVALID', 'malformed re-encryption checkpoint');
  if (cp.targetKeyId !== primary) {
    throw new CryptoError(
      'ERR_CRYPTO_CHECKPOINT_INVALID',
      'the checkpoint targets another primary key (the ring was rotated since); start a new run',
    );
  }
}

/**
 * Makes a key ring with one primary root key: `initial` if given (for
 * example a master key already in use, so existing values keep opening), or
 * a freshly generated one.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param options - `initial` root key, `now` clock, cache options.
 * @returns The {@link KeyRing}.
 *
 * @example Rotate and re-encrypt.
 * ```ts
 * const ring = createKeyRing({ initial: masterKeyFromEnv() });
 * ring.rotate();
 * for await (const r of ring.reencryptAll((after) => db.scan(after))) {
 *   if (r.status === 'reencrypted') await db.update(r.id, r.sealed);
 *   await saveCheckpoint(r.checkpoint);
 * }
 * ```
 */
export function createKeyRing(
  options: KeyRingOptions & { readonly initial?: MasterKey } = {},
): KeyRing {
  const root = options.initial ?? generateMasterKey(options);
  masterMaterialOf(root);
  const now = options.now ?? (() => new Date());
  return new KeyRing(
    [{ keyId: root.keyId, state: 'primary', createdAt: now().toISOString(), root }],
    options,
  );
}

/**
 * Unwraps a stored key ring. Fails with ERR_CRYPTO_DECRYPTION_FAILED if any
 * entry does not unwrap (wrong wrapper, or an edited id, state or time).
 *
 * Exported from `@palisade/crypto`.
 *
 * @param wrapped - What {@link KeyRing.export} returned (parsed from JSON is fine).
 * @param wrapper - The wrapper it was exported with.
 * @param options - Clock and cache options.
 * @returns The {@link KeyRing}.
 * @throws CryptoError `ERR_CRYPTO_DECRYPTION_FAILED`; `ERR_CRYPTO_KEY_STATE` for a malformed ring.
 *
 * @example Load at startup.
 * ```ts
 * const ring = await importKeyRing(JSON.parse(text), masterKeyWrapper(masterKeyFromEnv()));
 * ```
 */
export async function importKeyRing(
  wrapped: WrappedKeyRing,
  wrapper: KeyWrapper,
  options: KeyRingOptions = {},
): Promise<KeyRing> {
  if (wrapped?.format !== 'palisade-keyring/v1' || !Array.isArray(wrapped.entries)) {
    throw ringError('ERR_CRYPTO_KEY_STATE', 'not a palisade-keyring/v1 key ring');
  }
  const states: readonly string[] = ['primary', 'active', 'retired', 'destroyed'];
  const out: Array<{
    keyId: string;
    state: KeyState;
    createdAt: string;
    root: MasterKey | undefined;
  }> = [];
  for (const e of wrapped.entries) {
    if (
      typeof e?.keyId !== 'string' ||
      !states.includes(e.state) ||
      typeof e.createdAt !== 'string'
    ) {
      throw ringError('ERR_CRYPTO_KEY_STATE', 'malformed key ring entry');
    }
    const pub: KeyRingEntry = { keyId: e.keyId, state: e.state, createdAt: e.createdAt };
    if (e.state === 'destroyed') {
      out.push({ ...pub, root: undefined });
      continue;
    }
    const w = typeof e.wrappedKey === 'string' ? fromBase64(e.wrappedKey) : undefined;
    if (w === undefined) throw decryptionFailed();
    const bytes = await wrapper.unwrap(w, entryAad(pub));
    try {
      const root = masterKeyFromBytes(bytes, options);
      if (root.keyId !== e.keyId) throw decryptionFailed();
      out.push({ ...pub, root });
    } finally {
      bytes.fill(0);
    }
  }
  return new KeyRing(out, options);
}

/**
 * Master-key rotation by re-wrapping: unwraps every key of a stored ring with
 * `from` and wraps it with `to`. Key ids, states and every sealed value stay
 * as they are; only the key-encryption key changes.
 *
 * Exported from `@palisade/crypto`.
 *
 * @param wrapped - The stored ring.
 * @param from - The current wrapper.
 * @param to - The new wrapper.
 * @returns The ring wrapped under `to`.
 *
 * @example Move from a local master key to a KMS key.
 * ```ts
 * const next = await rewrapKeyRing(stored, masterKeyWrapper(oldMaster), kmsKeyWrapper(client, { keyId }));
 * ```
 */
export async function rewrapKeyRing(
  wrapped: WrappedKeyRing,
  from: KeyWrapper,
  to: KeyWrapper,
): Promise<WrappedKeyRing> {
  const ring = await importKeyRing(wrapped, from, { workspaceKeyCacheSize: 0 });
  try {
    return await ring.export(to);
  } finally {
    ring[Symbol.dispose]();
  }
}

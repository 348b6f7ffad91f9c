import { deriveExternalKey, type WorkspaceKey } from '@palisade/crypto';
import { TenancyError } from './errors.ts';
import { parseWorkspaceId } from './ids.ts';

/**
 * The key of one workspace's encrypted SQLite file, derived from its
 * {@link WorkspaceKey}. The 32 key bytes live outside the object: `String()`,
 * `JSON.stringify` and `util.inspect` show only the workspace id.
 *
 * Exported from `@palisade/tenancy/sqlite` (type only; make one with
 * {@link deriveWorkspaceDatabaseKey}).
 */
export interface WorkspaceDatabaseKey {
  /** The workspace whose database this key opens (and no other). */
  readonly workspaceId: string;
}

/** The purpose label of the derivation; a new label gives unrelated keys. */
const PURPOSE = 'palisade/tenancy/sqlite-at-rest/v1';
const bytesOf = new WeakMap<WorkspaceDatabaseKey, Uint8Array>();

class DatabaseKey implements WorkspaceDatabaseKey {
  readonly workspaceId: string;

  constructor(workspaceId: string) {
    this.workspaceId = workspaceId;
    Object.freeze(this);
  }

  toString(): string {
    return `WorkspaceDatabaseKey(workspace ${this.workspaceId})`;
  }

  toJSON(): { workspaceId: string } {
    return { workspaceId: this.workspaceId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Derives the key that encrypts a workspace's SQLite file at rest from the
 * workspace's key in `@palisade/crypto` ({@link WorkspaceKey}, from
 * `deriveWorkspaceKey(master, workspaceId)`), under the dedicated purpose
 * `palisade/tenancy/sqlite-at-rest/v1`: 32 bytes of
 * `deriveExternalKey(workspaceKey, 'palisade/tenancy/sqlite-at-rest/v1')`,
 * HKDF-Expand of the workspace key's secret under that label. The same
 * workspace key always gives the same database key, and a key for one
 * purpose or workspace reveals nothing about another.
 *
 * Exported from `@palisade/tenancy/sqlite`.
 *
 * @param key - The workspace key; its workspace must be a valid workspace id.
 * @returns The database key, for `databaseKey` of {@link openWorkspaceWriter} and {@link openWorkspaceReader}.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` when the key's workspace is not a valid workspace id;
 * CryptoError from `@palisade/crypto` for a key that is not a workspace key or was disposed.
 * @example
 * ```ts
 * const databaseKey = deriveWorkspaceDatabaseKey(deriveWorkspaceKey(master, 'docs'));
 * const w = openWorkspaceWriter({ dataDir, workspaceId: 'docs', create: true, databaseKey });
 * ```
 */
export function deriveWorkspaceDatabaseKey(key: WorkspaceKey): WorkspaceDatabaseKey {
  const workspaceId = parseWorkspaceId(key?.workspace);
  const bytes = deriveExternalKey(key, PURPOSE, 32);
  const out = new DatabaseKey(workspaceId);
  bytesOf.set(out, bytes);
  return out;
}

/**
 * @internal The SQLite3 Multiple Ciphers raw-key literal (`x'<64 hex>'`) of a
 * database key, for `PRAGMA key`. The hex comes from the key's own 32 bytes,
 * so nothing else can reach the statement.
 */
export function _rawKeyLiteral(key: WorkspaceDatabaseKey): string {
  const bytes = bytesOf.get(key);
  if (bytes === undefined || bytes.length !== 32) {
    throw new TenancyError(
      'ERR_TENANCY_INVALID_ARGUMENT',
      'databaseKey must come from deriveWorkspaceDatabaseKey',
    );
  }
  return `"x'${Buffer.from(bytes).toString('hex')}'"`;
}

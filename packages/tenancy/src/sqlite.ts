import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, sep } from 'node:path';
import Database from 'better-sqlite3';
import { currentTenant, requireTenant } from './context.ts';
import { TenancyError } from './errors.ts';
import { parseWorkspaceId } from './ids.ts';
import { _rawKeyLiteral, type WorkspaceDatabaseKey } from './sqlite-key.ts';

/** Where one workspace lives under the data directory. */
export interface WorkspacePath {
  /** The workspace id (validated). */
  readonly workspaceId: string;
  /** The canonical data directory (realpath). */
  readonly root: string;
  /** `<root>/workspaces/<id>`: the workspace's own folder. */
  readonly dir: string;
  /** `<dir>/workspace.db`. */
  readonly file: string;
}

/** Options naming a workspace under a data directory. */
export interface WorkspaceLocation {
  /** Absolute data directory; must exist. */
  readonly dataDir: string;
  /** The workspace id (strict allow-list). */
  readonly workspaceId: string;
}

const FILE = 'workspace.db';

function pathEscape(): TenancyError {
  // Never echo the id or the paths involved.
  return new TenancyError('ERR_TENANCY_PATH_ESCAPE', 'the workspace path leaves its own folder');
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync.native(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Resolves a workspace's folder and database file under the data directory.
 * The id is validated against the allow-list first; then the folder must be a
 * direct child of `<realpath(dataDir)>/workspaces` (no traversal, no sibling
 * prefix), the folder and file, where they exist, must not be symlinks and
 * must resolve (realpath) to exactly the expected place, and the file must not
 * be hard-linked elsewhere.
 *
 * Exported from `@palisade/tenancy/sqlite`.
 *
 * @param location - Data directory and workspace id.
 * @returns The canonical paths.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` (bad id or relative data dir), `ERR_TENANCY_PATH_ESCAPE`.
 * @example
 * ```ts
 * const { file } = resolveWorkspacePath({ dataDir: '/var/lib/app', workspaceId: 'docs' });
 * ```
 */
export function resolveWorkspacePath(location: WorkspaceLocation): WorkspacePath {
  const workspaceId = parseWorkspaceId(location?.workspaceId);
  const dataDir = location.dataDir;
  if (typeof dataDir !== 'string' || !isAbsolute(dataDir) || dataDir.includes('\0')) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'dataDir must be an absolute path');
  }
  const root = realOrUndefined(dataDir);
  if (root === undefined) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'dataDir does not exist');
  }
  const parent = join(root, 'workspaces');
  const dir = join(parent, workspaceId);
  const file = join(dir, FILE);
  if (relative(parent, dir) !== workspaceId || dir.split(sep).includes('..')) throw pathEscape();
  for (const [p, kind] of [
    [parent, 'dir'],
    [dir, 'dir'],
    [file, 'file'],
  ] as const) {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
      throw e;
    }
    if (st.isSymbolicLink()) throw pathEscape();
    if (kind === 'dir' && !st.isDirectory()) throw pathEscape();
    if (kind === 'file' && (!st.isFile() || st.nlink > 1)) throw pathEscape();
    if (realOrUndefined(p) !== p) throw pathEscape();
  }
  return Object.freeze({ workspaceId, root, dir, file });
}

/** Where to open a workspace: the data directory, and the workspace id or (omitted) the current tenant's. */
export interface OpenWorkspaceOptions {
  /** Absolute data directory; must exist. */
  readonly dataDir: string;
  /**
   * The workspace id. When omitted, the current tenant context's workspace is
   * used (`ERR_TENANCY_NO_CONTEXT` without one). When given inside a tenant
   * context that names another workspace, `ERR_TENANCY_CONTEXT_MISMATCH`.
   */
  readonly workspaceId?: string;
  /**
   * Opens the file encrypted at rest with this key ({@link deriveWorkspaceDatabaseKey}):
   * SQLCipher 4 format (AES-256-CBC with an HMAC-SHA-512 per page) through
   * the optional peer `better-sqlite3-multiple-ciphers`, raw key (no
   * passphrase KDF), temporary tables in memory. The key must belong to the
   * same workspace (`ERR_TENANCY_CONTEXT_MISMATCH` otherwise).
   */
  readonly databaseKey?: WorkspaceDatabaseKey;
}

type DatabaseConstructor = typeof Database;
let cipherModule: DatabaseConstructor | null | undefined;

function cipherDatabase(): DatabaseConstructor {
  if (cipherModule === undefined) {
    try {
      cipherModule = createRequire(import.meta.url)(
        'better-sqlite3-multiple-ciphers',
      ) as DatabaseConstructor;
    } catch {
      cipherModule = null;
    }
  }
  if (cipherModule === null) {
    throw new TenancyError(
      'ERR_TENANCY_ENCRYPTION_UNAVAILABLE',
      'encrypted workspace databases need the optional peer better-sqlite3-multiple-ciphers',
    );
  }
  return cipherModule;
}

function unreadable(): TenancyError {
  return new TenancyError(
    'ERR_TENANCY_DECRYPTION_FAILED',
    'the workspace database could not be read with the given key',
  );
}

/**
 * Opens the file (with the cipher build when a key is given), applies the key
 * and reads the schema once, so a wrong or missing key fails here, typed.
 */
function openFile(
  path: WorkspacePath,
  databaseKey: WorkspaceDatabaseKey | undefined,
  options: Database.Options,
): Database.Database {
  let key: string | undefined;
  if (databaseKey !== undefined) {
    if (databaseKey?.workspaceId !== path.workspaceId) {
      throw new TenancyError(
        'ERR_TENANCY_CONTEXT_MISMATCH',
        'the database key belongs to another workspace',
      );
    }
    key = _rawKeyLiteral(databaseKey);
  }
  const Ctor = key === undefined ? Database : cipherDatabase();
  let db: Database.Database;
  try {
    db = new Ctor(path.file, options);
  } catch (e) {
    throw new TenancyError(
      'ERR_TENANCY_WORKSPACE_NOT_FOUND',
      'the workspace database does not exist',
      {
        cause: e,
      },
    );
  }
  try {
    if (key !== undefined) {
      db.pragma(`cipher = 'sqlcipher'`);
      db.pragma('legacy = 4');
      db.pragma(`key = ${key}`);
      // Sorts and temporary tables stay in memory, never in a plaintext temp file.
      db.pragma('temp_store = MEMORY');
    }
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (e) {
    db.close();
    if ((e as { code?: unknown })?.code === 'SQLITE_NOTADB') throw unreadable();
    throw e;
  }
  return db;
}

function locate(options: OpenWorkspaceOptions): WorkspaceLocation {
  const ctx = options.workspaceId === undefined ? requireTenant() : currentTenant();
  if (options.workspaceId === undefined) {
    if (ctx?.workspaceId === undefined) {
      throw new TenancyError('ERR_TENANCY_NO_CONTEXT', 'no workspace is set in the tenant context');
    }
    return { dataDir: options.dataDir, workspaceId: ctx.workspaceId };
  }
  if (ctx?.workspaceId !== undefined && ctx.workspaceId !== options.workspaceId) {
    throw new TenancyError(
      'ERR_TENANCY_CONTEXT_MISMATCH',
      'the workspace differs from the tenant context of this request',
    );
  }
  return { dataDir: options.dataDir, workspaceId: options.workspaceId };
}

/** Words refused anywhere in a statement, on both paths. */
const ALWAYS_FORBIDDEN = new Set([
  'attach',
  'detach',
  'vacuum',
  'load_extension',
  'fts3_tokenizer',
  'readfile',
  'writefile',
  'edit',
]);

function words(sql: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = sql.length;
  const skipQuoted = (close: string): string => {
    let j = i + 1;
    let text = '';
    for (;;) {
      if (j >= n) throw forbidden();
      if (sql[j] === close && sql[j + 1] === close && close !== ']') {
        text += close;
        j += 2;
      } else if (sql[j] === close) {
        j++;
        break;
      } else {
        text += sql[j];
        j++;
      }
    }
    i = j;
    return text;
  };
  while (i < n) {
    const c = sql[i] as string;
    if (c === '-' && sql[i + 1] === '-') {
      const e = sql.indexOf('\n', i);
      i = e === -1 ? n : e + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      if (e === -1) throw forbidden();
      i = e + 2;
    } else if (c === "'") {
      skipQuoted("'");
    } else if (c === '"' || c === '`' || c === '[') {
      out.push(skipQuoted(c === '[' ? ']' : c).toLowerCase());
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j] as string)) j++;
      out.push(sql.slice(i, j).toLowerCase());
      i = j;
    } else i++;
  }
  return out;
}

function forbidden(): TenancyError {
  return new TenancyError(
    'ERR_TENANCY_SQLITE_FORBIDDEN',
    'statement refused on the workspace database',
  );
}

function checkCommon(sql: string): string[] {
  if (typeof sql !== 'string' || sql.includes('\0')) throw forbidden();
  const w = words(sql);
  if (w.length === 0) throw forbidden();
  for (const x of w) {
    // sqlite3mc_config / sqlite3mc_codec_data: cipher settings of the encrypted build.
    if (ALWAYS_FORBIDDEN.has(x) || x.startsWith('sqlite3mc_')) throw forbidden();
  }
  return w;
}

/**
 * The query-path allow-list: one read-only SELECT / WITH / VALUES statement,
 * no ATTACH, DETACH, VACUUM (incl. VACUUM INTO), PRAGMA or extension loading.
 *
 * Exported from `@palisade/tenancy/sqlite`.
 *
 * @param sql - One statement.
 * @throws TenancyError `ERR_TENANCY_SQLITE_FORBIDDEN` otherwise.
 * @example
 * ```ts
 * assertWorkspaceReadStatement('SELECT * FROM notes'); // ok
 * ```
 */
export function assertWorkspaceReadStatement(sql: string): void {
  const w = checkCommon(sql);
  if (!['select', 'with', 'values'].includes(w[0] as string)) throw forbidden();
  if (w.includes('pragma')) throw forbidden();
}

/** Rows returned by the workspace handles. */
export type WorkspaceRow = Record<string, unknown>;

/** The read-only query path of one workspace. */
export interface WorkspaceReader {
  /** The resolved paths. */
  readonly path: WorkspacePath;
  /** Runs one allow-listed read statement. @throws TenancyError `ERR_TENANCY_SQLITE_FORBIDDEN`. */
  all(sql: string, params?: readonly unknown[]): WorkspaceRow[];
  /** Closes the handle. */
  close(): void;
}

/** The separate write path of one workspace. */
export interface WorkspaceWriter {
  /** The resolved paths. */
  readonly path: WorkspacePath;
  /** Runs one write or DDL statement (never ATTACH, DETACH, VACUUM, PRAGMA, extensions). */
  run(sql: string, params?: readonly unknown[]): { changes: number };
  /** Runs one read statement. */
  all(sql: string, params?: readonly unknown[]): WorkspaceRow[];
  /** Closes the handle. */
  close(): void;
}

function harden(db: Database.Database, readonly: boolean): void {
  // Functions in a hostile file's schema (views, triggers) must not run with our trust.
  db.pragma('trusted_schema = OFF');
  if (readonly) db.pragma('query_only = ON');
}

function prepared(db: Database.Database, sql: string): Database.Statement {
  try {
    return db.prepare(sql);
  } catch (e) {
    throw new TenancyError('ERR_TENANCY_SQLITE_FORBIDDEN', 'statement could not be prepared', {
      cause: e,
    });
  }
}

/**
 * Opens a workspace's database on the query path: `readonly: true`,
 * `fileMustExist: true`, `query_only` and `trusted_schema = OFF`, and every
 * statement passes {@link assertWorkspaceReadStatement} and SQLite's own
 * read-only check. The raw handle is never exposed; extension loading is never
 * enabled.
 *
 * Exported from `@palisade/tenancy/sqlite`.
 *
 * @param options - Data directory and workspace id (default: the current tenant's workspace).
 * @returns A reader.
 * @throws TenancyError `ERR_TENANCY_PATH_ESCAPE`, `ERR_TENANCY_WORKSPACE_NOT_FOUND`, `ERR_TENANCY_INVALID_ARGUMENT`,
 * `ERR_TENANCY_NO_CONTEXT` (no id and no workspace in context), `ERR_TENANCY_CONTEXT_MISMATCH` (also: a key of
 * another workspace), `ERR_TENANCY_DECRYPTION_FAILED` (wrong or missing key), `ERR_TENANCY_ENCRYPTION_UNAVAILABLE`.
 * @example
 * ```ts
 * const r = openWorkspaceReader({ dataDir, workspaceId: 'docs' });
 * const rows = r.all('SELECT id, title FROM notes WHERE id = ?', [id]);
 * ```
 */
export function openWorkspaceReader(options: OpenWorkspaceOptions): WorkspaceReader {
  const path = resolveWorkspacePath(locate(options));
  const db = openFile(path, options.databaseKey, { readonly: true, fileMustExist: true });
  harden(db, true);
  return Object.freeze({
    path,
    all(sql: string, params: readonly unknown[] = []): WorkspaceRow[] {
      assertWorkspaceReadStatement(sql);
      const stmt = prepared(db, sql);
      if (!stmt.readonly || !stmt.reader) throw forbidden();
      return stmt.all(...params) as WorkspaceRow[];
    },
    close(): void {
      db.close();
    },
  });
}

/**
 * Opens (and with `create`, creates) a workspace's database on the write
 * path, separate from the reader. The folder is created with mode 0700 and
 * re-validated after creation; ATTACH, DETACH, VACUUM, PRAGMA and extension
 * loading are refused here too.
 *
 * Exported from `@palisade/tenancy/sqlite`.
 *
 * @param options - Data directory and workspace id (default: the current tenant's workspace), plus `create`.
 * @returns A writer.
 * @throws TenancyError `ERR_TENANCY_PATH_ESCAPE`, `ERR_TENANCY_WORKSPACE_NOT_FOUND`, `ERR_TENANCY_INVALID_ARGUMENT`,
 * `ERR_TENANCY_NO_CONTEXT`, `ERR_TENANCY_CONTEXT_MISMATCH`, `ERR_TENANCY_DECRYPTION_FAILED`, `ERR_TENANCY_ENCRYPTION_UNAVAILABLE`.
 * @example
 * ```ts
 * const w = openWorkspaceWriter({ dataDir, workspaceId: 'docs', create: true });
 * w.run('CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, title TEXT)');
 * ```
 */
export function openWorkspaceWriter(
  options: OpenWorkspaceOptions & { readonly create?: boolean },
): WorkspaceWriter {
  const location = locate(options);
  let path = resolveWorkspacePath(location);
  if (options.create === true) {
    for (const d of [join(path.root, 'workspaces'), path.dir]) {
      try {
        mkdirSync(d, { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  }
  path = resolveWorkspacePath(location);
  const db = openFile(path, options.databaseKey, { fileMustExist: options.create !== true });
  // Re-check after open: the file we opened is the file we validated.
  try {
    resolveWorkspacePath(location);
  } catch (e) {
    db.close();
    throw e;
  }
  harden(db, false);
  db.pragma('journal_mode = WAL');
  const check = (sql: string): void => {
    const w = checkCommon(sql);
    if (w[0] === 'pragma') throw forbidden();
  };
  return Object.freeze({
    path,
    run(sql: string, params: readonly unknown[] = []): { changes: number } {
      check(sql);
      return { changes: prepared(db, sql).run(...params).changes };
    },
    all(sql: string, params: readonly unknown[] = []): WorkspaceRow[] {
      check(sql);
      return prepared(db, sql).all(...params) as WorkspaceRow[];
    },
    close(): void {
      db.close();
    },
  });
}

// A local-first desktop agent app, composed from the Palisade packages the
// way the open-source product wires them. Everything it writes lives in the
// repository's `.palisade/` directory, the repository's own `.git/` (worktree
// metadata and containment config), the agent worktrees it creates under
// `.palisade/worktrees/`, and the app data directory that holds the master
// key (outside the repository). It never opens a network connection.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type FileAuditStore,
  noteSignerFromSeed,
  openFileStore,
  type Verdict,
} from '@palisade/audit-log';
import { installContainment, verifyContainment } from '@palisade/containment';
import {
  ageRecipientFromIdentity,
  decryptBackup,
  deriveWorkspaceKey,
  encryptBackup,
  exportMasterKey,
  generateAgeIdentity,
  generateMasterKey,
  type MasterKey,
  masterKeyFromFile,
  open,
  randomBytes,
  seal,
} from '@palisade/crypto';
import {
  type Consent,
  type EgressContext,
  type EgressResult,
  type Policy,
  type PrivacyMode,
  parsePolicy,
  prepareEgress,
} from '@palisade/redaction';
import {
  deriveWorkspaceDatabaseKey,
  openWorkspaceReader,
  openWorkspaceWriter,
} from '@palisade/tenancy/sqlite';

/** Where the app keeps things. */
export interface DesktopOptions {
  /** The user's repository (a git work tree). */
  readonly repo: string;
  /** The app's own data directory, outside the repository (holds the master key). */
  readonly appDataDir: string;
  /** The person using the app: the single actor of the local audit history. */
  readonly user: string;
  /** Environment for git (tests pin HOME and git config; the app passes process.env). */
  readonly gitEnv?: NodeJS.ProcessEnv;
}

export interface DesktopApp {
  readonly palisadeDir: string;
  /** Creates a linked worktree for an agent, contained before the agent sees it. */
  createAgentWorktree(name: string): Promise<string>;
  /** Checks every containment layer of a worktree (run after each agent turn). */
  verifyAgentWorktree(path: string): Promise<boolean>;
  /** The project's privacy mode; `off` until the user changes it. */
  privacyMode(): PrivacyMode;
  /** Switches the privacy mode; `full` needs the user's recorded consent. */
  setPrivacyMode(mode: PrivacyMode, consent?: Consent): Promise<void>;
  /** What of this context may leave the device under the current mode (throws under `off`). */
  contextForCloud(context: EgressContext): EgressResult;
  /** Stores a note in a workspace's SQLite file, sealed with that workspace's key. */
  saveNote(workspace: string, id: string, text: string): Promise<void>;
  /** Reads a note through the read-only query path and opens it with the workspace key. */
  readNote(workspace: string, id: string): Promise<string | undefined>;
  /** Writes an age-format backup of a workspace file, encrypted to a separate backup key. */
  backupWorkspace(workspace: string): Promise<string>;
  /** Restores (decrypts) a backup and returns its bytes. */
  restoreBackup(file: string): Promise<Uint8Array>;
  /** Verifies the local audit history. */
  verifyAudit(): Promise<Verdict>;
  close(): Promise<void>;
}

function loadOrCreateMasterKey(appDataDir: string): MasterKey {
  const file = join(appDataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(appDataDir, { recursive: true, mode: 0o700 });
    using fresh = generateMasterKey();
    writeFileSync(file, `${exportMasterKey(fresh)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return masterKeyFromFile(file);
}

function loadOrCreateSecretFile(file: string, create: () => string): string {
  if (!existsSync(file)) writeFileSync(file, `${create()}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Opens (and on first use, initialises) the app for one repository. */
export async function openDesktopApp(options: DesktopOptions): Promise<DesktopApp> {
  const palisadeDir = join(options.repo, '.palisade');
  mkdirSync(join(palisadeDir, 'worktrees'), { recursive: true, mode: 0o700 });
  mkdirSync(join(palisadeDir, 'backups'), { recursive: true, mode: 0o700 });
  const env = options.gitEnv ?? process.env;
  const master = loadOrCreateMasterKey(options.appDataDir);
  const auditSeed = Buffer.from(
    loadOrCreateSecretFile(join(options.appDataDir, 'audit-signing.seed'), () =>
      Buffer.from(randomBytes(32)).toString('base64'),
    ),
    'base64',
  );
  const backupIdentity = loadOrCreateSecretFile(join(options.appDataDir, 'backup.agekey'), () =>
    generateAgeIdentity(),
  );
  const audit: FileAuditStore = await openFileStore({
    path: join(palisadeDir, 'audit.jsonl'),
    origin: 'palisade.desktop/local',
    signer: noteSignerFromSeed('palisade.desktop/local', new Uint8Array(auditSeed)),
    durability: 'durable',
    autoCheckpoint: false,
  });
  let policy: Policy = parsePolicy({});
  const record = (action: string, target: string, details?: Record<string, string>) =>
    audit.append({
      org: 'local',
      actor: options.user,
      action,
      target,
      ...(details === undefined ? {} : { details }),
    });
  const context = (workspace: string, id: string) => ({
    tenant: 'local',
    workspace,
    purpose: 'workspace-note',
    record: id,
  });
  // Each workspace file is encrypted at rest (SQLCipher 4) with a key derived
  // from that workspace's key; notes inside are sealed on top of that.
  const databaseKey = (workspace: string) =>
    deriveWorkspaceDatabaseKey(deriveWorkspaceKey(master, workspace));
  const openReader = (workspace: string) =>
    openWorkspaceReader({
      dataDir: palisadeDir,
      workspaceId: workspace,
      databaseKey: databaseKey(workspace),
    });
  const ensureWorkspace = (workspace: string) => {
    const writer = openWorkspaceWriter({
      dataDir: palisadeDir,
      workspaceId: workspace,
      create: true,
      databaseKey: databaseKey(workspace),
    });
    writer.run('CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, sealed BLOB NOT NULL)');
    return writer;
  };

  return {
    palisadeDir,
    async createAgentWorktree(name) {
      const path = join(palisadeDir, 'worktrees', name);
      execFileSync('git', ['worktree', 'add', '-q', '-b', `agent/${name}`, path], {
        cwd: options.repo,
        env,
      });
      await installContainment(path, { env });
      await record('worktree.create', name);
      return path;
    },
    async verifyAgentWorktree(path) {
      const report = await verifyContainment(path, { env });
      return report.ok;
    },
    privacyMode: () => policy.mode,
    async setPrivacyMode(mode, consent) {
      policy = parsePolicy({ ...policy, mode, ...(consent === undefined ? {} : { consent }) });
      await record('privacy.mode', mode);
    },
    contextForCloud(ctx) {
      return prepareEgress(policy, ctx);
    },
    async saveNote(workspace, id, text) {
      const key = deriveWorkspaceKey(master, workspace);
      const sealed = await seal(key, new TextEncoder().encode(text), context(workspace, id));
      const writer = ensureWorkspace(workspace);
      try {
        writer.run('INSERT OR REPLACE INTO notes (id, sealed) VALUES (?, ?)', [
          id,
          Buffer.from(sealed),
        ]);
      } finally {
        writer.close();
      }
      await record('note.save', `${workspace}/${id}`);
    },
    async readNote(workspace, id) {
      const reader = openReader(workspace);
      try {
        const rows = reader.all('SELECT sealed FROM notes WHERE id = ?', [id]);
        const sealed = rows[0]?.['sealed'];
        if (!(sealed instanceof Uint8Array)) return undefined;
        const key = deriveWorkspaceKey(master, workspace);
        return new TextDecoder().decode(await open(key, sealed, context(workspace, id)));
      } finally {
        reader.close();
      }
    },
    async backupWorkspace(workspace) {
      const reader = openReader(workspace);
      const file = reader.path.file;
      reader.close();
      const encrypted = await encryptBackup(readFileSync(file), {
        recipients: [ageRecipientFromIdentity(backupIdentity)],
      });
      const out = join(palisadeDir, 'backups', `${workspace}-${Date.now()}.age`);
      writeFileSync(out, encrypted, { mode: 0o600 });
      await record('backup.create', workspace);
      return out;
    },
    async restoreBackup(file) {
      return decryptBackup(readFileSync(file), { identities: [backupIdentity] });
    },
    async verifyAudit() {
      // Seal what was appended with a signed checkpoint, then verify everything.
      await audit.checkpoint();
      return audit.verify();
    },
    async close() {
      await audit.close();
      master[Symbol.dispose]();
    },
  };
}

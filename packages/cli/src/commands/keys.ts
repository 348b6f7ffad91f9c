import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  DEFAULT_MASTER_KEY_ENV,
  deriveWorkspaceKey,
  exportMasterKey,
  generateMasterKey,
  type MasterKey,
  masterKeyFromEnv,
  masterKeyFromFile,
} from '@palisade/crypto';
import type { Command } from '../command.ts';
import { parseCommandArgs, runSubcommand, UsageError } from '../command.ts';
import { type CliIO, EXIT, writeJson } from '../io.ts';

const usage = `Usage: palisade keys new-master [--out <file>] [--force]
       palisade keys derive --workspace <id> [--key-file <file> | --env <NAME>]

new-master  Generates a 256-bit master key. With --out, writes it to <file>
            with mode 0600 (refusing to overwrite unless --force) and prints
            only its key id. Without --out, prints the key (base64) on stdout
            for a secret manager; it is not stored anywhere.
derive      Loads the master key (from --key-file, or the environment variable
            --env, default ${DEFAULT_MASTER_KEY_ENV}) and shows the id of the
            workspace's derived key. Key bytes are never printed.

Keys never belong in source code: keep the master key in a 0600 file, a secret
manager or an environment variable set by your deployment.`;

function parse(
  args: readonly string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): { values: Record<string, string | boolean | undefined> } {
  const { values } = parseCommandArgs({
    args: [...args],
    options,
    allowPositionals: false,
  });
  return { values: values as Record<string, string | boolean | undefined> };
}

/** Writes `text` to a new file with mode 0600 (exclusive create unless `force`). */
function writeSecretFile(path: string, text: string, force: boolean): void {
  let fd: number;
  try {
    fd = openSync(path, force ? 'w' : 'wx', 0o600);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'EEXIST') {
      throw new UsageError(`${path} already exists; pass --force to replace it`);
    }
    throw e;
  }
  try {
    // An existing file keeps its old mode on open(): set 0600 explicitly.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function newMaster(args: readonly string[], io: CliIO, json: boolean): number {
  const { values } = parse(args, { out: { type: 'string' }, force: { type: 'boolean' } });
  using master = generateMasterKey();
  const text = exportMasterKey(master);
  const out = values['out'];
  if (typeof out === 'string') {
    const path = resolve(io.cwd ?? process.cwd(), out);
    writeSecretFile(path, `${text}\n`, values['force'] === true);
    if (json) writeJson(io, { keyId: master.keyId, file: path, mode: '0600' });
    else
      io.stdout.write(`wrote a new master key to ${path} (mode 0600)\nkey id: ${master.keyId}\n`);
    return EXIT.OK;
  }
  if (json) writeJson(io, { keyId: master.keyId, key: text });
  else io.stdout.write(`${text}\n`);
  io.stderr.write(
    `master key id ${master.keyId}. Store the key above in your secret manager now; it is not saved anywhere.\n`,
  );
  return EXIT.OK;
}

function loadMaster(io: CliIO, keyFile: unknown, envName: unknown): MasterKey {
  if (typeof keyFile === 'string' && typeof envName === 'string') {
    throw new UsageError('give either --key-file or --env, not both');
  }
  if (typeof keyFile === 'string')
    return masterKeyFromFile(resolve(io.cwd ?? process.cwd(), keyFile));
  return masterKeyFromEnv(typeof envName === 'string' ? envName : DEFAULT_MASTER_KEY_ENV, {
    env: io.env,
  });
}

function derive(args: readonly string[], io: CliIO, json: boolean): number {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    'key-file': { type: 'string' },
    env: { type: 'string' },
  });
  const workspace = values['workspace'];
  if (typeof workspace !== 'string') throw new UsageError('--workspace <id> is required');
  using master = loadMaster(io, values['key-file'], values['env']);
  const key = deriveWorkspaceKey(master, workspace);
  if (json) {
    writeJson(io, {
      workspace,
      keyId: key.keyId,
      masterKeyId: master.keyId,
      derivation: 'HKDF-SHA-256 workspace-key/v1',
    });
  } else {
    io.stdout.write(
      `workspace ${JSON.stringify(workspace)}\n  key id:        ${key.keyId}\n  master key id: ${master.keyId}\n  derivation:    HKDF-SHA-256, label palisade/crypto/v1 workspace-key/v1\n`,
    );
  }
  return EXIT.OK;
}

/**
 * `palisade keys`: make a master key, show derived workspace key ids.
 *
 * Exported from `@palisade/cli` internals (registered in `commands/index.ts`).
 */
export const keysCommand: Command = {
  name: 'keys',
  summary: 'Make a master key (file mode 0600 or stdout) and show derived workspace key ids',
  usage,
  async run(args, io, flags) {
    return runSubcommand(args, {
      'new-master': (rest) => newMaster(rest, io, flags.json),
      derive: (rest) => derive(rest, io, flags.json),
    });
  },
};

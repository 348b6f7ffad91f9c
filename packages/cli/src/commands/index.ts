import type { Command } from '../command.ts';

/**
 * Every subcommand, loaded lazily so `palisade --help` stays fast.
 * One line per command; each lives in its own file.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  demo: async () => (await import('./demo.ts')).demoCommand,
  redact: async () => (await import('./redact.ts')).redactCommand,
  keys: async () => (await import('./keys.ts')).keysCommand,
  token: async () => (await import('./token.ts')).tokenCommand,
  backup: async () => (await import('./backup.ts')).backupCommand,
};

import type { Command } from '../command.ts';

/**
 * Every subcommand, loaded lazily so `palisade --help` stays fast.
 * One line per command; each lives in its own file.
 */
export const commands: Readonly<Record<string, () => Promise<Command>>> = {
  demo: async () => (await import('./demo.ts')).demoCommand,
  scan: async () => (await import('./scan.ts')).scanCommand,
  redact: async () => (await import('./redact.ts')).redactCommand,
  contain: async () => (await import('./contain.ts')).containCommand,
  audit: async () => (await import('./audit.ts')).auditCommand,
  keys: async () => (await import('./keys.ts')).keysCommand,
  token: async () => (await import('./token.ts')).tokenCommand,
  backup: async () => (await import('./backup.ts')).backupCommand,
  tenancy: async () => (await import('./tenancy.ts')).tenancyCommand,
};

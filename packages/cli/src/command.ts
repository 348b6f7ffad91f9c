import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { CliIO } from './io.ts';

/** Parsed global flags shared by every subcommand. */
export interface GlobalFlags {
  /** Emit one JSON document on stdout instead of human text. */
  readonly json: boolean;
}

/** One subcommand of `palisade`. */
export interface Command {
  readonly name: string;
  /** One line for `palisade --help`. */
  readonly summary: string;
  /** Full usage text for `palisade <name> --help`. */
  readonly usage: string;
  /** Runs the command; returns the exit code. Throws {@link UsageError} on bad arguments. */
  run(args: readonly string[], io: CliIO, flags: GlobalFlags): Promise<number>;
}

/** Thrown for bad arguments; `main` prints it with the usage line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `node:util` `parseArgs` (strict by default) for a subcommand: bad flags
 * become a {@link UsageError}, so `main` prints usage and exits 2.
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

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

/** Lists names as `a, b or c`. */
function listNames(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/**
 * The usage error for a missing or unknown subcommand; it names the valid
 * ones, so `main` prints a message the user can act on and exits 2.
 */
export function subcommandError(sub: string | undefined, names: readonly string[]): UsageError {
  return new UsageError(
    sub === undefined
      ? `missing subcommand (${listNames(names)})`
      : `unknown subcommand "${sub}" (expected ${listNames(names)})`,
  );
}

/** Handles one subcommand's arguments (everything after its name). */
export type SubcommandHandler = (rest: readonly string[]) => number | Promise<number>;

/**
 * Runs the handler named by `args[0]` with the remaining arguments, or
 * throws {@link subcommandError}.
 */
export async function runSubcommand(
  args: readonly string[],
  handlers: Readonly<Record<string, SubcommandHandler>>,
): Promise<number> {
  const [sub, ...rest] = args;
  const handler = sub !== undefined && Object.hasOwn(handlers, sub) ? handlers[sub] : undefined;
  if (handler === undefined) throw subcommandError(sub, Object.keys(handlers));
  return handler(rest);
}

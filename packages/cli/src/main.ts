import pkg from '../package.json' with { type: 'json' };
import { UsageError } from './command.ts';
import { commands } from './commands/index.ts';
import { type CliIO, EXIT } from './io.ts';

/** The `--help` text; command modules load on demand, so only help needs every summary. */
function helpText(summaries: Readonly<Record<string, string>>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.keys(commands).map(
    (name) => `  ${name.padEnd(width)}  ${summaries[name] ?? ''}`,
  );
  return `palisade ${pkg.version}: the security SDK for AI coding-agent products

Usage: palisade <command> [options]

Commands:
${lines.join('\n')}

Global options:
  --json      one JSON document on stdout instead of text
  --help, -h  show help (also: palisade <command> --help)
  --version   print the version

Exit codes: 0 ok, 1 findings or verification failure, 2 usage error.
`;
}

/**
 * Runs the `palisade` command line and returns the exit code. Never calls
 * `process.exit`, so it can be embedded and tested.
 *
 * Exported from `@palisade/cli`.
 *
 * @param argv - the arguments after the program name.
 * @param io - the streams and environment to use.
 * @returns 0 on success, 1 on findings or failed verification, 2 on usage errors.
 * @example Run the demo from code.
 * ```ts
 * const code = await main(['demo'], { stdout: process.stdout, stderr: process.stderr, env: process.env });
 * ```
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const [name, ...args] = rest;
  if (name === '--version' || name === '-v') {
    io.stdout.write(json ? `${JSON.stringify({ version: pkg.version })}\n` : `${pkg.version}\n`);
    return EXIT.OK;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const summaries: Record<string, string> = {};
    for (const [n, load] of Object.entries(commands)) summaries[n] = (await load()).summary;
    (name === undefined ? io.stderr : io.stdout).write(helpText(summaries));
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (load === undefined) {
    io.stderr.write(`palisade: unknown command "${name}". Run "palisade --help" for the list.\n`);
    return EXIT.USAGE;
  }
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.OK;
  }
  try {
    return await command.run(args, io, { json });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`palisade ${name}: ${e.message}\n${command.usage.split('\n')[0] ?? ''}\n`);
      return EXIT.USAGE;
    }
    const code =
      typeof e === 'object' && e !== null && 'code' in e
        ? String((e as { code: unknown }).code)
        : '';
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`palisade ${name}: ${code === '' ? '' : `${code}: `}${message}\n`);
    return EXIT.FINDINGS;
  }
}

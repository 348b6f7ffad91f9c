import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EXIT, main } from '@palisade/cli';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { captureIO } from './support.ts';

describe('palisade command line', () => {
  it('prints its version and exits 0', async () => {
    const io = captureIO();
    expect(await main(['--version'], io)).toBe(EXIT.OK);
    expect(io.out()).toBe(`${pkg.version}\n`);
  });

  it('prints the version as one JSON document with --json', async () => {
    const io = captureIO();
    expect(await main(['--version', '--json'], io)).toBe(EXIT.OK);
    expect(JSON.parse(io.out())).toEqual({ version: pkg.version });
  });

  it('lists every subcommand with its summary under --help', async () => {
    const io = captureIO();
    expect(await main(['--help'], io)).toBe(EXIT.OK);
    expect(io.out()).toContain('Usage: palisade <command>');
    expect(io.out()).toMatch(/demo\s+Walk through every Palisade promise/);
    expect(io.out()).toContain(
      'Exit codes: 0 ok, 1 findings or verification failure, 2 usage error.',
    );
  });

  it('exits 2 with help on stderr when no command is given', async () => {
    const io = captureIO();
    expect(await main([], io)).toBe(EXIT.USAGE);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('Usage: palisade <command>');
  });

  it('exits 2 on an unknown command and names it', async () => {
    const io = captureIO();
    expect(await main(['frobnicate'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('unknown command "frobnicate"');
  });

  it('does not treat inherited object keys as commands', async () => {
    const io = captureIO();
    expect(await main(['constructor'], io)).toBe(EXIT.USAGE);
    expect(await main(['__proto__'], io)).toBe(EXIT.USAGE);
  });

  it.each([
    ['contain', 'install, verify, uninstall, status, promote, shim or sandbox'],
    ['keys', 'new-master or derive'],
    ['token', 'new or verify'],
    ['backup', 'encrypt or decrypt'],
    ['audit', 'append, verify, prove, checkpoint, export, prune or erase'],
    ['tenancy', 'check'],
  ])(
    '%s exits 2 on a missing, unknown or inherited subcommand and names the valid ones (%s)',
    async (command, names) => {
      for (const [sub, message] of [
        [undefined, `missing subcommand (${names})`],
        ['frobnicate', `unknown subcommand "frobnicate" (expected ${names})`],
        ['constructor', `unknown subcommand "constructor" (expected ${names})`],
      ] as const) {
        const io = captureIO();
        expect(await main(sub === undefined ? [command] : [command, sub], io)).toBe(EXIT.USAGE);
        expect(io.err()).toContain(`palisade ${command}: ${message}`);
        expect(io.out()).toBe('');
      }
    },
  );

  it('exits 2 on an unknown option of a subcommand', async () => {
    const io = captureIO();
    expect(await main(['demo', '--no-such-flag'], io)).toBe(EXIT.USAGE);
    expect(io.err()).toContain('palisade demo:');
  });

  it('prints subcommand usage for <command> --help', async () => {
    const io = captureIO();
    expect(await main(['demo', '--help'], io)).toBe(EXIT.OK);
    expect(io.out()).toContain('Usage: palisade demo');
  });

  it('never writes progress to a stderr that is not a terminal', async () => {
    const io = captureIO({ tty: false });
    await main(['--help'], io);
    expect(io.err()).toBe('');
  });

  it('runs as a real process from the built binary with the documented exit codes', async () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, '--version']);
    expect(ok.stdout.trim()).toBe(pkg.version);
    const bad = await run(process.execPath, [bin, 'frobnicate']).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(bad).toBe(2);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { ageRecipientFromIdentity, generateAgeIdentity } from '@palisade/crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { backupCommand } from '../src/commands/backup.ts';
import { captureIO } from './support.ts';

const hasAge = spawnSync('age', ['--version']).status === 0;
let dir = '';
let identity = '';
let recipient = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-backup-cli-'));
  identity = generateAgeIdentity();
  recipient = ageRecipientFromIdentity(identity);
  writeFileSync(join(dir, 'key.txt'), `# test key\n${identity}\n`, { mode: 0o600 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plain = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
const run = (args: string[], env: Record<string, string> = {}, json = false) => {
  const io = { ...captureIO({ env }), cwd: dir };
  return { io, done: backupCommand.run(args, io, { json }) };
};

describe('palisade backup', () => {
  it('encrypt -r then decrypt -i round-trips a file through -o outputs', async () => {
    writeFileSync(join(dir, 'db.dump'), plain);
    const enc = run(['encrypt', '-r', recipient, '-o', 'db.dump.age', 'db.dump']);
    expect(await enc.done).toBe(0);
    const dec = run(['decrypt', '-i', 'key.txt', '-o', 'restored', 'db.dump.age']);
    expect(await dec.done).toBe(0);
    expect(readFileSync(join(dir, 'restored')).equals(plain)).toBe(true);
    expect(dec.io.err()).toContain('wrote 70000 bytes');
  });

  it('streams stdin to stdout by default', async () => {
    const encOut = new PassThrough();
    const encChunks: Buffer[] = [];
    encOut.on('data', (c: Buffer) => encChunks.push(c));
    const io1 = {
      ...captureIO(),
      stdout: encOut,
      stdin: Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]),
      cwd: dir,
    };
    expect(await backupCommand.run(['encrypt', '-r', recipient], io1, { json: false })).toBe(0);
    const decOut = new PassThrough();
    const decChunks: Buffer[] = [];
    decOut.on('data', (c: Buffer) => decChunks.push(c));
    const io2 = {
      ...captureIO(),
      stdout: decOut,
      stdin: Readable.from([Buffer.concat(encChunks)]),
      cwd: dir,
    };
    expect(await backupCommand.run(['decrypt', '-i', 'key.txt'], io2, { json: false })).toBe(0);
    expect(Buffer.concat(decChunks).equals(plain)).toBe(true);
  });

  // CI installs Debian's `age`; a machine without it skips only this test.
  it.skipIf(!hasAge && !process.env.CI)(
    'interoperates with the age command both ways',
    async () => {
      writeFileSync(join(dir, 'in'), plain);
      expect(await run(['encrypt', '-r', recipient, '-o', 'ours.age', 'in']).done).toBe(0);
      expect(
        execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), join(dir, 'ours.age')]).equals(
          plain,
        ),
      ).toBe(true);
      execFileSync('age', ['-r', recipient, '-o', join(dir, 'theirs.age'), join(dir, 'in')]);
      expect(await run(['decrypt', '-i', 'key.txt', '-o', 'out', 'theirs.age']).done).toBe(0);
      expect(readFileSync(join(dir, 'out')).equals(plain)).toBe(true);
    },
  );

  // CI installs Debian's `age`; a machine without it skips only this test.
  it.skipIf(!hasAge && !process.env.CI)(
    'encrypt --armor writes the PEM armor of age -a: age -d reads it, and decrypt reads armored files from age -a',
    async () => {
      writeFileSync(join(dir, 'in'), plain);
      expect(await run(['encrypt', '-a', '-r', recipient, '-o', 'ours.age', 'in']).done).toBe(0);
      const armored = readFileSync(join(dir, 'ours.age'), 'latin1');
      expect(armored.startsWith('-----BEGIN AGE ENCRYPTED FILE-----\n')).toBe(true);
      expect(armored.endsWith('-----END AGE ENCRYPTED FILE-----\n')).toBe(true);
      expect(armored).toMatch(/^[\x20-\x7e\n]*$/);
      expect(
        execFileSync('age', ['-d', '-i', join(dir, 'key.txt'), join(dir, 'ours.age')]).equals(
          plain,
        ),
      ).toBe(true);
      execFileSync('age', ['-a', '-r', recipient, '-o', join(dir, 'theirs.age'), join(dir, 'in')]);
      expect(await run(['decrypt', '-i', 'key.txt', '-o', 'out', 'theirs.age']).done).toBe(0);
      expect(readFileSync(join(dir, 'out')).equals(plain)).toBe(true);
      await expect(
        run(['decrypt', '-a', '-i', 'key.txt', '-o', 'o2', 'theirs.age']).done,
      ).rejects.toThrow(UsageError);
    },
  );

  it('round-trips with --passphrase-env and rejects a wrong passphrase', async () => {
    writeFileSync(join(dir, 'in'), plain);
    expect(
      await run(['encrypt', '--passphrase-env', 'PW', '--work-factor', '10', '-o', 'p.age', 'in'], {
        PW: 'secret pass',
      }).done,
    ).toBe(0);
    expect(
      await run(['decrypt', '--passphrase-env', 'PW', '-o', 'out', 'p.age'], { PW: 'secret pass' })
        .done,
    ).toBe(0);
    expect(readFileSync(join(dir, 'out')).equals(plain)).toBe(true);
    const wrong = run(['decrypt', '--passphrase-env', 'PW', '-o', 'out2', 'p.age'], {
      PW: 'other pass',
    });
    expect(await wrong.done).toBe(1);
    expect(wrong.io.err()).toContain('wrong key');
    expect(wrong.io.err()).not.toContain('other pass');
  });

  it('exits 1 with a clear message for a wrong key and leaves no partial output', async () => {
    writeFileSync(join(dir, 'in'), plain);
    const other = ageRecipientFromIdentity(generateAgeIdentity());
    expect(await run(['encrypt', '-r', other, '-o', 'x.age', 'in']).done).toBe(0);
    const dec = run(['decrypt', '-i', 'key.txt', '-o', 'out', 'x.age']);
    expect(await dec.done).toBe(1);
    expect(dec.io.err()).toContain('wrong key');
    expect(dec.io.err()).toContain('ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED');
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('exits 1 with a clear message for a truncated file and for a bad header', async () => {
    writeFileSync(join(dir, 'in'), plain);
    expect(await run(['encrypt', '-r', recipient, '-o', 'x.age', 'in']).done).toBe(0);
    const full = readFileSync(join(dir, 'x.age'));
    const header = full.indexOf('\n---') + 1;
    writeFileSync(
      join(dir, 'cut.age'),
      full.subarray(0, full.indexOf('\n', header) + 1 + 16 + 65536 + 16),
    );
    const cut = run(['decrypt', '-i', 'key.txt', '-o', 'out', 'cut.age'], {}, true);
    expect(await cut.done).toBe(1);
    expect(cut.io.err()).toContain('truncated');
    expect(JSON.parse(cut.io.out())).toMatchObject({ ok: false, code: 'ERR_CRYPTO_AGE_TRUNCATED' });
    writeFileSync(
      join(dir, 'bad.age'),
      Buffer.concat([Buffer.from('age-encryption.org/v9\n'), full.subarray(22)]),
    );
    const bad = run(['decrypt', '-i', 'key.txt', '-o', 'out', 'bad.age']);
    expect(await bad.done).toBe(1);
    expect(bad.io.err()).toContain('bad header');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('rejects bad usage with UsageError (exit 2)', async () => {
    const u = (args: string[], env: Record<string, string> = {}) =>
      expect(run(args, env).done).rejects.toThrow(UsageError);
    await u([]);
    await u(['shred']);
    await u(['encrypt', '-o', 'x', 'in']);
    await u(['encrypt', '-r', recipient, '--passphrase-env', 'PW', '-o', 'x', 'in'], { PW: 'p' });
    await u(['decrypt', '-o', 'x', 'in']);
    await u(['decrypt', '--passphrase-env', 'MISSING', '-o', 'x', 'in']);
    await u(['encrypt', '-r', recipient, 'in']); // captured stdout cannot take binary data
    await u(['encrypt', '--passphrase-env', 'PW', '--work-factor', '40', '-o', 'x', 'in'], {
      PW: 'p',
    });
  });
});

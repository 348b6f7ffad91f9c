import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { redactCommand } from '../src/commands/redact.ts';
import { captureIO } from './support.ts';

// Fake credentials assembled at run time, in the providers' formats.
const AWS = ['AKIA', 'Q7DEMOONLY2345XY'].join('');
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function base62(v: number, width: number): string {
  let out = '';
  for (let x = v; x > 0; x = Math.floor(x / 62)) out = B62[x % 62] + out;
  return out.padStart(width, '0');
}
const GH_BODY = 'Dem0T0kenB0dyForPalisadeCli123';
const GH = `ghp_${GH_BODY}${base62(crc32(GH_BODY), 6)}`;
const PG = 'pgDemoPassw0rd77';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-redact-cli-'));
  writeFileSync(join(dir, '.env'), `AWS_ACCESS_KEY_ID=${AWS}\n`);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'app.ts'), `// token ${GH}\nexport const x = 1;\n`);
  writeFileSync(
    join(dir, 'app.log'),
    `connect postgres://app:${PG}@db:5432/app from /home/zed/proj\nok\n`,
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stdinOf = (text: string): Readable => Readable.from([Buffer.from(text)]);

describe('palisade redact', () => {
  it('off mode (the default) refuses with exit 1 and a clear message, printing nothing', async () => {
    const io = { ...captureIO(), cwd: dir, stdin: stdinOf(`k=${AWS}\n`) };
    expect(await redactCommand.run([], io, { json: false })).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('privacy mode is off, so nothing may leave this device');
    expect(await redactCommand.run(['--mode', 'off', 'app.log'], io, { json: false })).toBe(1);
  });

  it('redacted mode streams stdin to stdout with secrets replaced', async () => {
    const io = { ...captureIO(), cwd: dir, stdin: stdinOf(`key ${AWS}\nplain line\n`) };
    expect(await redactCommand.run(['--mode', 'redacted'], io, { json: false })).toBe(0);
    expect(io.out()).toBe('key <secret:aws-access-key-id#1>\nplain line\n');
  });

  it('redacted mode skips never-leave files, replaces secrets and masks home paths in the others', async () => {
    const io = { ...captureIO(), cwd: dir };
    const code = await redactCommand.run(
      ['--mode', 'redacted', '.env', 'src/app.ts', 'app.log'],
      io,
      {
        json: false,
      },
    );
    expect(code).toBe(0);
    const out = io.out();
    for (const s of [AWS, GH, PG, '/home/zed']) expect(out).not.toContain(s);
    expect(out).toContain('/home/<user>/proj');
    expect(out).toContain('// token <secret:github-pat#1>');
    expect(io.err()).toContain('skipped .env');
  });

  it('--format json prints one JSON document with released and dropped files', async () => {
    const io = { ...captureIO(), cwd: dir };
    await redactCommand.run(['--mode', 'redacted', '--format', 'json', '.env', 'app.log'], io, {
      json: false,
    });
    const doc = JSON.parse(io.out()) as {
      mode: string;
      files: Array<{ path: string; content: string; redactions: number }>;
      dropped: Array<{ path: string }>;
    };
    expect(doc.mode).toBe('redacted');
    expect(doc.dropped.map((d) => d.path)).toEqual(['.env']);
    expect(doc.files[0]?.path).toBe('app.log');
    expect(doc.files[0]?.content).not.toContain(PG);
    expect(doc.files[0]?.redactions).toBeGreaterThan(0);
  });

  it('--format ndjson prints one JSON object per output line', async () => {
    const io = { ...captureIO(), cwd: dir };
    await redactCommand.run(
      ['--mode', 'redacted', '--format', 'ndjson', 'src/app.ts', '.env'],
      io,
      {
        json: false,
      },
    );
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({
      file: 'src/app.ts',
      line: 1,
      text: '// token <secret:github-pat#1>',
    });
    expect(lines[1]).toEqual({ file: 'src/app.ts', line: 2, text: 'export const x = 1;' });
    expect(lines[2]).toEqual({ file: '.env', dropped: 'never-leave' });
  });

  it('full mode needs a recorded consent in the policy and still never prints credentials', async () => {
    const io = { ...captureIO(), cwd: dir };
    expect(await redactCommand.run(['--mode', 'full', 'app.log'], io, { json: false })).toBe(1);
    expect(io.err()).toContain('ERR_REDACTION_CONSENT_REQUIRED');
    expect(io.out()).toBe('');
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({
        mode: 'full',
        consent: {
          grantedBy: 'zed@example.com',
          grantedAt: '2020-01-01T00:00:00Z',
          scope: ['context'],
          expiresAt: '2999-01-01T00:00:00Z',
        },
      }),
    );
    const io2 = { ...captureIO(), cwd: dir };
    expect(
      await redactCommand.run(['--policy', 'policy.json', '.env', 'app.log', 'src/app.ts'], io2, {
        json: false,
      }),
    ).toBe(0);
    const out = io2.out();
    for (const s of [AWS, GH, PG]) expect(out).not.toContain(s);
    expect(out).toContain('/home/zed/proj');
  });

  it('rejects bad arguments and bad policies', async () => {
    const io = { ...captureIO(), cwd: dir, stdin: stdinOf('') };
    await expect(redactCommand.run(['--mode', 'public'], io, { json: false })).rejects.toThrow(
      UsageError,
    );
    await expect(redactCommand.run(['--format', 'xml'], io, { json: false })).rejects.toThrow(
      UsageError,
    );
    await expect(
      redactCommand.run(['--policy', 'missing.json'], io, { json: false }),
    ).rejects.toThrow(UsageError);
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ mode: 'redacted', paths: { neverLeave: 3 } }),
    );
    await expect(
      redactCommand.run(['--policy', 'bad.json'], io, { json: false }),
    ).rejects.toMatchObject({
      code: 'ERR_REDACTION_INVALID_POLICY',
      message: expect.stringContaining('"paths.neverLeave"'),
    });
    const noInput = { ...captureIO(), cwd: dir };
    await expect(
      redactCommand.run(['--mode', 'redacted'], noInput, { json: false }),
    ).rejects.toThrow(UsageError);
  });

  it('reports an unreadable file with exit 1', async () => {
    const io = { ...captureIO(), cwd: dir };
    expect(await redactCommand.run(['--mode', 'redacted', 'nope.txt'], io, { json: false })).toBe(
      1,
    );
    expect(io.err()).toContain('cannot read nope.txt: ENOENT');
  });
});

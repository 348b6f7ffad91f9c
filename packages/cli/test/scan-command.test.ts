import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/command.ts';
import { addedLines, maskPreview, scanCommand } from '../src/commands/scan.ts';
import { captureIO } from './support.ts';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A fake, checksum-valid GitHub token (random body, CRC-32 of it in base62). */
function fakeGithubToken(seed: number): string {
  let x = seed;
  let body = '';
  for (let i = 0; i < 30; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    body += B62.charAt(x % 62);
  }
  let v = crc32(body);
  let check = '';
  do {
    check = B62.charAt(v % 62) + check;
    v = Math.floor(v / 62);
  } while (v > 0);
  return `ghp_${body}${check.padStart(6, '0')}`;
}

const TOKEN = fakeGithubToken(7);
const TOKEN2 = fakeGithubToken(99);
let dir = '';
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-scan-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runScan = async (args: string[], json = false) => {
  const io = { ...captureIO(), cwd: dir };
  const code = await scanCommand.run(args, io, { json });
  return { code, out: io.out(), err: io.err() };
};

describe('palisade scan', () => {
  it('exits 1 and reports file:line:column of a secret without printing the secret', async () => {
    writeFileSync(join(dir, 'app.js'), `const a = 1;\nconst gh = "${TOKEN}";\n`);
    const r = await runScan([]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('app.js:2:13  github-pat  high');
    expect(r.out).not.toContain(TOKEN);
    expect(r.out).not.toContain(TOKEN.slice(4, 20));
    expect(r.err).toBe('');
  });

  it('exits 0 with a summary when nothing is found', async () => {
    writeFileSync(join(dir, 'ok.txt'), 'nothing to see here: token = process.env.TOKEN\n');
    const r = await runScan([]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('no secrets found in 1 file(s)');
  });

  it('respects .gitignore inside a git work tree', async () => {
    git('init', '-q');
    writeFileSync(join(dir, '.gitignore'), 'ignored.env\n');
    writeFileSync(join(dir, 'ignored.env'), `GITHUB_TOKEN=${TOKEN}\n`);
    writeFileSync(join(dir, 'kept.env'), `GITHUB_TOKEN=${TOKEN2}\n`);
    const r = await runScan(['--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { findings: { path: string }[] };
    expect(doc.findings.map((f) => f.path)).toEqual(['kept.env']);
  });

  it('skips node_modules and .git when walking a directory outside git', async () => {
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), `t="${TOKEN}"`);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), `t="${TOKEN2}"`);
    const r = await runScan([], true);
    const doc = JSON.parse(r.out) as { findings: { path: string }[] };
    expect(doc.findings.map((f) => f.path)).toEqual(['src/a.ts']);
  });

  it('--staged scans only the added lines of the staged diff, with their new line numbers', async () => {
    git('init', '-q');
    writeFileSync(join(dir, 'config.py'), 'A = 1\nB = 2\n');
    git('add', 'config.py');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'init');
    writeFileSync(join(dir, 'config.py'), `A = 1\nTOKEN = "${TOKEN}"\nB = 2\n`);
    writeFileSync(join(dir, 'unstaged.py'), `T = "${TOKEN2}"\n`);
    git('add', 'config.py');
    const r = await runScan(['--staged', '--format', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { findings: { path: string; line: number; ruleId: string }[] };
    expect(doc.findings.map((f) => [f.path, f.line, f.ruleId])).toEqual([
      ['config.py', 2, 'github-pat'],
    ]);
    expect(r.out).not.toContain(TOKEN);
  });

  it('prints valid SARIF 2.1.0 with rules, levels and physical locations', async () => {
    writeFileSync(join(dir, 'a.yml'), `x: 1\ntoken: ${TOKEN}\n`);
    const r = await runScan(['--format', 'sarif']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc.version).toBe('2.1.0');
    expect(doc.$schema).toContain('sarif');
    const run = doc.runs[0];
    expect(run.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['github-pat']);
    expect(run.results[0]).toMatchObject({
      ruleId: 'github-pat',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'a.yml' },
            region: { startLine: 2, startColumn: 8 },
          },
        },
      ],
    });
    expect(r.out).not.toContain(TOKEN);
  });

  it('reports PII only with --pii', async () => {
    writeFileSync(join(dir, 'people.txt'), 'mail alice.smith@example.org please\n');
    expect((await runScan([])).code).toBe(0);
    const r = await runScan(['--pii']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('pii-email');
    expect(r.out).not.toContain('alice.smith');
  });

  it('rejects an unknown format and unknown flags with a usage error', async () => {
    await expect(runScan(['--format', 'xml'])).rejects.toBeInstanceOf(UsageError);
    await expect(runScan(['--bogus'])).rejects.toBeInstanceOf(UsageError);
    await expect(runScan(['--staged', 'x'])).rejects.toBeInstanceOf(UsageError);
  });

  it('shows progress on stderr only when stderr is a TTY', async () => {
    for (let i = 0; i < 60; i++) writeFileSync(join(dir, `f${i}.txt`), 'hello\n');
    const tty = { ...captureIO({ tty: true }), cwd: dir };
    await scanCommand.run([], tty, { json: false });
    expect(tty.err()).toContain('scanning');
    const plain = { ...captureIO(), cwd: dir };
    await scanCommand.run([], plain, { json: false });
    expect(plain.err()).toBe('');
  });
});

describe('scan helpers', () => {
  it('maskPreview keeps at most 4 leading characters of long values and none of short ones', () => {
    expect(maskPreview('abcdefghijklmnopqrstuvwxyz')).toBe('abcd******** (26 chars)');
    expect(maskPreview('hunter2!')).toBe('******** (8 chars)');
  });

  it('addedLines maps added lines to their new line numbers per file', () => {
    const diff = [
      'diff --git a/x.txt b/x.txt',
      '--- a/x.txt',
      '+++ b/x.txt',
      '@@ -1,0 +2,2 @@',
      '+one',
      '+two',
      '@@ -9 +11 @@',
      '-old',
      '+new',
    ].join('\n');
    const m = addedLines(diff);
    expect(m.get('x.txt')).toEqual({ text: ['one', 'two', 'new'], lines: [2, 3, 11] });
  });
});

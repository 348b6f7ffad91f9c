import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { createScanner, type Finding, listRules, type Scanner } from '@palisade/redaction';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';
import { type CliIO, EXIT, progress, writeJson } from '../io.ts';

const usage = `Usage: palisade scan [paths...] [--staged] [--format text|json|sarif] [--pii]

Scans files for secrets (and, with --pii, personal data) and exits 1 when
anything is found. Inside a git work tree only tracked and untracked,
not-ignored files are scanned (.gitignore is respected); elsewhere the tree is
walked, skipping node_modules and .git. --staged scans only the lines added in
the staged diff (a pre-commit check). Output never contains a secret: only the
rule, the location and a masked preview. --format sarif prints SARIF 2.1.0 for
code-scanning tools; --json is the same as --format json.`;

type Format = 'text' | 'json' | 'sarif';

/** One reported finding, located in a file. Never holds the secret itself. */
interface Located {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly ruleId: string;
  readonly kind: 'secret' | 'pii';
  readonly confidence: string;
  readonly fingerprint: string;
  readonly preview: string;
}

const MAX_FILE_BYTES = 8 * 1024 * 1024;
const SKIP_DIRS = new Set(['node_modules', '.git']);

function run(cmd: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((res, rej) => {
    execFile(
      cmd,
      [...args],
      { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout) => {
        if (err !== null) rej(err);
        else res(stdout);
      },
    );
  });
}

/** A masked preview: at most the first 4 characters of long values, never the rest. */
export function maskPreview(value: string): string {
  const keep = value.length >= 16 ? 4 : 0;
  return `${value.slice(0, keep)}${'*'.repeat(Math.min(8, value.length - keep))} (${value.length} chars)`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

function locate(
  path: string,
  text: string,
  findings: readonly Finding[],
  lineMap?: readonly number[],
): Located[] {
  if (findings.length === 0) return [];
  const starts = lineStarts(text);
  return findings.map((f) => {
    const a = position(starts, f.start);
    const b = position(starts, f.end);
    const mapLine = (l: number): number => (lineMap === undefined ? l : (lineMap[l - 1] ?? l));
    return {
      path,
      line: mapLine(a.line),
      column: a.column,
      endLine: mapLine(b.line),
      endColumn: b.column,
      ruleId: f.ruleId,
      kind: f.kind,
      confidence: f.confidence,
      fingerprint: f.fingerprint,
      preview: maskPreview(text.slice(f.start, f.end)),
    };
  });
}

async function insideGit(cwd: string): Promise<boolean> {
  try {
    return (await run('git', ['rev-parse', '--is-inside-work-tree'], cwd)).trim() === 'true';
  } catch {
    return false;
  }
}

async function walk(root: string, base: string, out: string[]): Promise<void> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(root);
  } catch {
    throw new UsageError(`no such file or directory: ${relative(base, root) || root}`);
  }
  if (st.isFile()) {
    out.push(relative(base, root) || root);
    return;
  }
  if (!st.isDirectory()) return;
  const entries = await readdir(root, { withFileTypes: true });
  for (const e of entries) {
    if (SKIP_DIRS.has(e.name)) continue;
    const p = join(root, e.name);
    if (e.isDirectory()) await walk(p, base, out);
    else if (e.isFile()) out.push(relative(base, p));
  }
}

async function listFiles(cwd: string, paths: readonly string[]): Promise<string[]> {
  if (await insideGit(cwd)) {
    const out = await run(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...paths],
      cwd,
    );
    const files = out.split('\0').filter((f) => f.length > 0);
    return [...new Set(files)].sort();
  }
  const files: string[] = [];
  for (const p of paths) await walk(resolve(cwd, p), cwd, files);
  return files.sort();
}

function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8192);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

async function scanFiles(io: CliIO, scanner: Scanner, cwd: string, paths: readonly string[]) {
  const files = await listFiles(cwd, paths);
  const results: Located[] = [];
  let scanned = 0;
  for (const [i, file] of files.entries()) {
    if (files.length > 50 && i % 25 === 0) progress(io, `scanning ${i}/${files.length} files`);
    let buf: Buffer;
    try {
      const full = resolve(cwd, file);
      const st = await stat(full);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) continue;
      buf = await readFile(full);
    } catch {
      continue;
    }
    if (looksBinary(buf)) continue;
    scanned++;
    const text = buf.toString('utf8');
    results.push(...locate(file.split(sep).join('/'), text, scanner.scan(text)));
  }
  if (files.length > 50) progress(io, '');
  return { results, scanned };
}

/** Parses `git diff --cached -U0` into added lines per file with their new line numbers. */
export function addedLines(diff: string): Map<string, { text: string[]; lines: number[] }> {
  const files = new Map<string, { text: string[]; lines: number[] }>();
  let current: { text: string[]; lines: number[] } | undefined;
  let next = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4);
      if (p === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = p.startsWith('b/') ? p.slice(2) : p;
      current = files.get(path) ?? { text: [], lines: [] };
      files.set(path, current);
    } else if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      next = m === null ? 0 : Number(m[1]);
    } else if (line.startsWith('+') && current !== undefined) {
      current.text.push(line.slice(1));
      current.lines.push(next);
      next++;
    }
  }
  return files;
}

async function scanStaged(scanner: Scanner, cwd: string) {
  if (!(await insideGit(cwd))) throw new UsageError('--staged needs a git work tree');
  const diff = await run(
    'git',
    [
      'diff',
      '--cached',
      '-U0',
      '--no-color',
      '--no-ext-diff',
      '--diff-filter=ACMR',
      '--src-prefix=a/',
      '--dst-prefix=b/',
    ],
    cwd,
  );
  const results: Located[] = [];
  const files = addedLines(diff);
  for (const [path, added] of files) {
    const text = added.text.join('\n');
    results.push(...locate(path, text, scanner.scan(text), added.lines));
  }
  return { results, scanned: files.size };
}

function sarif(results: readonly Located[]): unknown {
  const infos = new Map(listRules().map((r) => [r.id, r]));
  const used = [...new Set(results.map((r) => r.ruleId))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'palisade-scan',
            informationUri: 'https://github.com/palisade-dev/palisade',
            rules: used.map((id) => ({
              id,
              name: id,
              shortDescription: { text: infos.get(id)?.description ?? id },
              properties: { kind: infos.get(id)?.kind ?? 'secret' },
            })),
          },
        },
        results: results.map((r) => ({
          ruleId: r.ruleId,
          ruleIndex: used.indexOf(r.ruleId),
          level: r.kind === 'secret' ? 'error' : 'warning',
          message: {
            text: `${infos.get(r.ruleId)?.description ?? r.ruleId} (${r.confidence} confidence): ${r.preview}`,
          },
          partialFingerprints: { secretFingerprint: r.fingerprint },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: r.path },
                region: {
                  startLine: r.line,
                  startColumn: r.column,
                  endLine: r.endLine,
                  endColumn: r.endColumn,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}

/** `palisade scan`: find secrets in files or in the staged diff. */
export const scanCommand: Command = {
  name: 'scan',
  summary: 'Find secrets (and optionally PII) in files or the staged diff; exit 1 on findings',
  usage,
  async run(args, io, flags) {
    const { values, positionals } = parseCommandArgs({
      args: [...args],
      options: {
        staged: { type: 'boolean' },
        format: { type: 'string' },
        pii: { type: 'boolean' },
      },
      allowPositionals: true,
    });
    const format = (values.format ?? (flags.json ? 'json' : 'text')) as Format;
    if (format !== 'text' && format !== 'json' && format !== 'sarif') {
      throw new UsageError(
        `--format must be text, json or sarif (got ${JSON.stringify(values.format)})`,
      );
    }
    if (values.staged === true && positionals.length > 0)
      throw new UsageError('--staged takes no paths');
    const cwd = io.cwd ?? process.cwd();
    const scanner = createScanner({
      detectors: values.pii === true ? ['secret', 'pii'] : ['secret'],
    });
    const { results, scanned } =
      values.staged === true
        ? await scanStaged(scanner, cwd)
        : await scanFiles(io, scanner, cwd, positionals.length > 0 ? positionals : ['.']);
    if (format === 'sarif') writeJson(io, sarif(results));
    else if (format === 'json') writeJson(io, { scanned, findings: results });
    else {
      for (const r of results) {
        io.stdout.write(
          `${r.path}:${r.line}:${r.column}  ${r.ruleId}  ${r.confidence}  ${r.preview}\n`,
        );
      }
      io.stdout.write(
        results.length === 0
          ? `no secrets found in ${scanned} ${values.staged === true ? 'staged file(s)' : 'file(s)'}\n`
          : `${results.length} finding(s) in ${new Set(results.map((r) => r.path)).size} file(s)\n`,
      );
    }
    return results.length > 0 ? EXIT.FINDINGS : EXIT.OK;
  },
};

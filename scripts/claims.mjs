// Checks docs/claims.md and docs/claims/*.md: every row is `proven` with proof
// links that resolve to an existing test title, `measured` with links that
// resolve to an existing benchmark title, or `planned`. A proof is
//   `packages/<pkg>/test/<file>.test.ts` › "<exact test title>"
// a measurement is
//   `packages/<pkg>/bench/<file>.bench.ts` › "<exact bench title>"
// and several links in one cell are separated by `<br>`. Benchmarks are not
// tests (timings on shared machines are noise in a test), so a `measured` row
// states its target and the figure of the run that met it in the claim text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PROOF = /`([^`]+)`\s*›\s*"((?:[^"\\]|\\.)+)"/g;

/** What each evidence-carrying status links to. */
const KINDS = {
  proven: {
    noun: 'proof',
    article: 'a test file',
    entry: 'test',
    path: /^packages\/[^/]+\/test\/.+\.test\.ts$|^test\/.+\.test\.ts$|^examples\/.+\.test\.ts$/,
  },
  measured: {
    noun: 'benchmark',
    article: 'a benchmark file',
    entry: 'benchmark',
    path: /^packages\/[^/]+\/bench\/.+\.bench\.ts$/,
  },
};

/** Splits one markdown table row into trimmed cells. */
function cells(line) {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const out = [];
  let cur = '';
  let inCode = false;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '`') inCode = !inCode;
    if (ch === '\\' && inner[i + 1] === '|') {
      cur += '|';
      i++;
      continue;
    }
    if (ch === '|' && !inCode) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** True when `source` contains `title` as a string literal in any quoting. */
export function hasTestTitle(source, title) {
  const variants = [
    `'${title.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`,
    `"${title.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`,
    `\`${title.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
  ];
  return variants.some((v) => source.includes(v));
}

/**
 * Parses one claims file.
 * @returns {{ rows: Array<{ file: string, line: number, claim: string, status: string, proofs: Array<{ path: string, title: string }> }>, problems: string[] }}
 */
export function parseClaimsFile(root, rel) {
  const text = readFileSync(join(root, rel), 'utf8');
  const lines = text.split('\n');
  const rows = [];
  const problems = [];
  let header = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim().startsWith('|')) {
      header = null;
      continue;
    }
    const c = cells(line);
    if (header === null) {
      header = c.map((h) => h.toLowerCase());
      if (!header.includes('status') || !header.includes('proof')) {
        problems.push(`${rel}:${i + 1}: table header needs "status" and "proof" columns`);
      }
      continue;
    }
    if (c.every((x) => /^:?-{3,}:?$/.test(x))) continue;
    const status = (c[header.indexOf('status')] ?? '').toLowerCase();
    const proofCell = c[header.indexOf('proof')] ?? '';
    const claim = c[0] ?? '';
    const proofs = [...proofCell.matchAll(PROOF)].map((m) => ({
      path: m[1],
      title: m[2].replaceAll('\\"', '"'),
    }));
    rows.push({ file: rel, line: i + 1, claim, status, proofs });
    const where = `${rel}:${i + 1}`;
    const kind = Object.hasOwn(KINDS, status) ? KINDS[status] : undefined;
    if (kind) {
      if (proofs.length === 0)
        problems.push(`${where}: "${claim}" is ${status} but has no ${kind.noun} link`);
      for (const p of proofs) {
        if (!kind.path.test(p.path)) {
          problems.push(`${where}: ${kind.noun} path ${p.path} is not ${kind.article}`);
          continue;
        }
        const abs = join(root, p.path);
        if (!existsSync(abs)) {
          problems.push(`${where}: ${kind.noun} file ${p.path} does not exist`);
          continue;
        }
        if (!hasTestTitle(readFileSync(abs, 'utf8'), p.title)) {
          problems.push(`${where}: ${p.path} has no ${kind.entry} titled "${p.title}"`);
        }
      }
    } else if (status === 'planned') {
      if (proofs.length > 0)
        problems.push(`${where}: "${claim}" is planned but links a proof (mark it proven)`);
    } else {
      problems.push(`${where}: status must be "proven", "measured" or "planned", got "${status}"`);
    }
  }
  return { rows, problems };
}

/** Checks every claims file of the repository. */
export function checkClaims(root) {
  const files = ['docs/claims.md'];
  const dir = join(root, 'docs', 'claims');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.md')) files.push(`docs/claims/${f}`);
  }
  const rows = [];
  const problems = [];
  for (const f of files) {
    if (!existsSync(join(root, f))) {
      problems.push(`${f}: missing`);
      continue;
    }
    const r = parseClaimsFile(root, f);
    rows.push(...r.rows);
    problems.push(...r.problems);
  }
  return { files, rows, problems };
}

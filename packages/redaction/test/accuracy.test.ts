import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/finding.ts';
import { createScanner, listRules } from '../src/scanner.ts';
import type { Sample } from './corpus/generate.ts';
import { hardNegatives, truePositives } from './corpus/generate.ts';
import { benignLines, FAMILY_NEGATIVES } from './corpus/realistic.ts';
import { SPECS } from './corpus/specs.ts';

const SAMPLES_PER_RULE = 6;
const rules = listRules();
const secretScanner = createScanner({ detectors: ['secret'] });
const piiScanner = createScanner({ detectors: ['pii'] });

interface Planted {
  readonly sample: Sample;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

/** Interleaves samples with benign lines (about 4 benign lines per sample) into documents. */
function buildDocuments(samples: readonly Sample[], seed: number) {
  const docs: { text: string; planted: Planted[]; lineStarts: number[] }[] = [];
  const benign = benignLines(samples.length * 4, seed);
  let b = 0;
  for (let i = 0; i < samples.length; i += 40) {
    const lines: string[] = [];
    const planted: Planted[] = [];
    let offset = 0;
    const lineStarts: number[] = [];
    const push = (l: string): number => {
      const at = offset;
      for (const part of l.split('\n')) {
        lineStarts.push(offset);
        offset += part.length + 1;
      }
      lines.push(l);
      return at;
    };
    for (const s of samples.slice(i, i + 40)) {
      for (let k = 0; k < 4; k++) push(benign[b++ % benign.length] as string);
      const line = lineStarts.length;
      const at = push(s.text);
      planted.push({ sample: s, start: at + s.start, end: at + s.end, line });
    }
    docs.push({ text: lines.join('\n'), planted, lineStarts });
  }
  return docs;
}

function lineOf(lineStarts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function measure(kind: 'secret' | 'pii') {
  const ids = rules.filter((r) => r.kind === kind).map((r) => r.id);
  const samples = ids.flatMap((id, i) => truePositives(id, SAMPLES_PER_RULE, 1000 + i));
  const docs = buildDocuments(samples, kind === 'secret' ? 7 : 8);
  const scanner = kind === 'secret' ? secretScanner : piiScanner;
  const perType = new Map<string, { found: number; total: number }>();
  let foundAny = 0;
  let flaggedLines = 0;
  let trueLines = 0;
  const falseLines: string[] = [];
  for (const doc of docs) {
    const findings: readonly Finding[] = scanner.scan(doc.text);
    for (const p of doc.planted) {
      const t = perType.get(p.sample.ruleId) ?? { found: 0, total: 0 };
      t.total++;
      const cover = findings.filter((f) => f.start <= p.start && f.end >= p.end);
      if (cover.length > 0) foundAny++;
      if (cover.some((f) => f.ruleId === p.sample.ruleId)) t.found++;
      perType.set(p.sample.ruleId, t);
    }
    const lines = new Map<number, boolean>();
    for (const f of findings) {
      const ln = lineOf(doc.lineStarts, f.start);
      const ok = doc.planted.some((p) => f.start < p.end && f.end > p.start);
      lines.set(ln, (lines.get(ln) ?? true) && ok);
    }
    for (const [ln, ok] of lines) {
      flaggedLines++;
      if (ok) trueLines++;
      else if (falseLines.length < 8) {
        const s = doc.lineStarts[ln] as number;
        falseLines.push(doc.text.slice(s, doc.text.indexOf('\n', s)).slice(0, 90));
      }
    }
  }
  return {
    recall: foundAny / samples.length,
    perType,
    linePrecision: flaggedLines === 0 ? 1 : trueLines / flaggedLines,
    falseLines,
    samples: samples.length,
  };
}

function falsePositiveRate(kind: 'secret' | 'pii') {
  const scanner = kind === 'secret' ? secretScanner : piiScanner;
  const ids = rules.filter((r) => r.kind === kind).map((r) => r.id);
  const negatives = ids.flatMap((id, i) => hardNegatives(id, 5000 + i));
  const fam = Object.entries(FAMILY_NEGATIVES)
    .filter(([f]) => (kind === 'pii') === (f === 'pii'))
    .flatMap(([, xs]) => xs);
  const all = [...negatives, ...fam];
  const fps = all.filter((n) => scanner.scan(n).length > 0);
  return { rate: fps.length / all.length, total: all.length, examples: fps.slice(0, 6) };
}

describe('accuracy on the generated corpus', () => {
  const secrets = measure('secret');

  it('recalls at least 99% of planted secrets overall', () => {
    expect(
      secrets.recall,
      `recall ${(secrets.recall * 100).toFixed(2)}% over ${secrets.samples} planted secrets`,
    ).toBeGreaterThanOrEqual(0.99);
  });

  it('recalls at least 95% of planted secrets for every secret type', () => {
    const weak = [...secrets.perType]
      .filter(([, t]) => t.found / t.total < 0.95)
      .map(([id, t]) => `${id} ${t.found}/${t.total}`);
    expect(weak, `types below 95%: ${weak.join(', ')}`).toEqual([]);
  });

  it('keeps line precision at or above 99% on realistic logs and code', () => {
    expect(
      secrets.linePrecision,
      `line precision ${(secrets.linePrecision * 100).toFixed(2)}%; false lines: ${secrets.falseLines.join(' | ')}`,
    ).toBeGreaterThanOrEqual(0.99);
  });

  it('flags at most 1.5% of secret hard negatives', () => {
    const fp = falsePositiveRate('secret');
    expect(
      fp.rate,
      `FP ${(fp.rate * 100).toFixed(2)}% of ${fp.total}: ${fp.examples.join(' | ')}`,
    ).toBeLessThanOrEqual(0.015);
  });

  it('recalls every PII type at 95% or more and flags at most 1.5% of PII hard negatives', () => {
    const pii = measure('pii');
    const weak = [...pii.perType]
      .filter(([, t]) => t.found / t.total < 0.95)
      .map(([id, t]) => `${id} ${t.found}/${t.total}`);
    expect(weak, `PII types below 95%: ${weak.join(', ')}`).toEqual([]);
    const fp = falsePositiveRate('pii');
    expect(
      fp.rate,
      `PII FP ${(fp.rate * 100).toFixed(2)}%: ${fp.examples.join(' | ')}`,
    ).toBeLessThanOrEqual(0.015);
  });
});

describe('corpus coverage', () => {
  it('has at least one true positive and one hard negative for every rule', () => {
    const missing = rules
      .filter(
        (r) =>
          SPECS[r.id] === undefined ||
          truePositives(r.id, 1, 1).length === 0 ||
          hardNegatives(r.id, 1).length === 0,
      )
      .map((r) => r.id);
    expect(missing, `rules without corpus entries: ${missing.join(', ')}`).toEqual([]);
  });

  it('has no corpus spec for a rule that does not exist', () => {
    const ids = new Set(rules.map((r) => r.id));
    expect(Object.keys(SPECS).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('ships at least 220 distinct secret rule ids', () => {
    expect(
      new Set(rules.filter((r) => r.kind === 'secret').map((r) => r.id)).size,
    ).toBeGreaterThanOrEqual(220);
  });
});

// Scanner throughput against secretlint 12 (recommended preset) on the same
// inputs, measured in the same run. Sizes are in the bench names: MB/s =
// ops/sec x size. Run: npx vitest bench --project redaction bench/scan.bench.ts
import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { bench, describe } from 'vitest';
import { builtinRules } from '../src/rules/index.ts';
import { createScanner } from '../src/scanner.ts';
import { truePositives } from '../test/corpus/generate.ts';
import { benignLines } from '../test/corpus/realistic.ts';

const scanner = createScanner({ detectors: ['secret'] });
const piiScanner = createScanner({ detectors: ['pii'] });

/** Realistic logs and code: benign lines with a planted secret every ~40 lines. */
function realistic(bytes: number, seed: number): string {
  const ids = builtinRules.map((r) => r.id);
  const lines: string[] = [];
  let size = 0;
  let i = 0;
  const benign = benignLines(Math.ceil(bytes / 40), seed);
  while (size < bytes) {
    const line =
      i % 40 === 39
        ? (truePositives(ids[i % ids.length] as string, 1, i)[0]?.text ?? '')
        : (benign[i % benign.length] as string);
    lines.push(line);
    size += line.length + 1;
    i++;
  }
  return lines.join('\n').slice(0, bytes);
}

/** Inputs built to make regex scanners backtrack: dense keywords, long runs, unterminated blocks. */
function adversarial(bytes: number): string {
  const parts = [
    'password='.repeat(200),
    `-----BEGIN RSA PRIVATE KEY-----${'A'.repeat(8000)}`,
    `eyJ${'a'.repeat(4000)}.eyJ${'b'.repeat(2000)}`,
    'a'.repeat(8000),
    '1'.repeat(4000),
    ':'.repeat(4000),
    'postgres://'.repeat(200),
    'key = '.repeat(400),
    'sk_live_'.repeat(300),
    'ghp_'.repeat(500),
    ' Bearer '.repeat(300),
  ];
  let out = '';
  while (out.length < bytes) for (const p of parts) out += `${p}\n`;
  return out.slice(0, bytes);
}

const secretlintConfig = {
  rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }],
};
const secretlint = (content: string) =>
  lintSource({
    source: { filePath: '/virtual/input.txt', content, ext: '.txt', contentType: 'text' },
    options: { config: secretlintConfig as never, noPhysicFilePath: true },
  });

const normal1m = realistic(1_000_000, 1);
const normal64k = realistic(64 * 1024, 2);
const normal4k = realistic(4 * 1024, 3);
const adv1m = adversarial(1_000_000);
// 1 MB cases take tens of ms per op: sample for longer on a shared machine.
const LONG = { time: 4000 };

describe('realistic text, 1 MB', () => {
  bench(
    'palisade scan (1 MB)',
    () => {
      scanner.scan(normal1m);
    },
    LONG,
  );
  bench(
    'secretlint 12 recommended (1 MB)',
    async () => {
      await secretlint(normal1m);
    },
    LONG,
  );
});

describe('realistic text, 64 KB', () => {
  bench('palisade scan (64 KB)', () => {
    scanner.scan(normal64k);
  });
  bench('secretlint 12 recommended (64 KB)', async () => {
    await secretlint(normal64k);
  });
});

describe('realistic text, 4 KB', () => {
  bench('palisade scan (4 KB)', () => {
    scanner.scan(normal4k);
  });
  bench('secretlint 12 recommended (4 KB)', async () => {
    await secretlint(normal4k);
  });
});

describe('adversarial vs normal text, 1 MB each', () => {
  bench(
    'palisade scan, normal (1 MB)',
    () => {
      scanner.scan(normal1m);
    },
    LONG,
  );
  bench(
    'palisade scan, adversarial (1 MB)',
    () => {
      scanner.scan(adv1m);
    },
    LONG,
  );
});

describe('PII detectors, 1 MB', () => {
  bench(
    'palisade PII scan (1 MB)',
    () => {
      piiScanner.scan(normal1m);
    },
    LONG,
  );
  bench(
    'palisade secret scan (1 MB)',
    () => {
      scanner.scan(normal1m);
    },
    LONG,
  );
});

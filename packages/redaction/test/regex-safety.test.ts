import { describe, expect, it } from 'vitest';
import { analyzeRegex } from '../src/engine/regex-safety.ts';
import { builtinRules } from '../src/rules/index.ts';
import { createScanner } from '../src/scanner.ts';

describe('regex safety', () => {
  it('every built-in rule regex passes the backtracking analyser', () => {
    const bad = builtinRules
      .map((r) => ({ id: r.id, issues: analyzeRegex(r.pattern) }))
      .filter((x) => x.issues.length > 0)
      .map((x) => `${x.id}: ${x.issues.join('; ')}`);
    expect(bad).toEqual([]);
  });

  it('the analyser rejects nested quantifiers, overlapping quantified alternations, unbounded and ambiguous adjacent quantifiers', () => {
    expect(analyzeRegex('(a+)+b').length).toBeGreaterThan(0);
    expect(analyzeRegex('(?:[a-z]{1,9}){1,9}x').join()).toContain('nested quantifier');
    expect(analyzeRegex('(?:a|ab){1,50}c').join()).toContain('overlapping alternation');
    expect(analyzeRegex('[a-z]*@').join()).toContain('unbounded');
    expect(analyzeRegex('\\w{0,500}[a-z0-9]{0,500}=').join()).toContain('adjacent');
  });

  it('the analyser accepts bounded, unambiguous token shapes', () => {
    expect(analyzeRegex('(?<![A-Za-z0-9])ghp_[A-Za-z0-9]{36}(?![A-Za-z0-9])')).toEqual([]);
    expect(analyzeRegex('(?:[A-Za-z0-9]|%2[BbFf]){43,60}')).toEqual([]);
    expect(analyzeRegex('-----BEGIN X-----[\\s\\S]{16,16000}?-----END X-----')).toEqual([]);
  });

  it('every rule searches a bounded window around its keyword hits', () => {
    const unbounded = builtinRules.filter(
      (r) => r.keywords.length === 0 || r.after > 16_200 || r.before > 16_200,
    );
    expect(unbounded.map((r) => r.id)).toEqual([]);
  });

  it('every rule without a distinctive literal prefix still has at least one keyword of 2+ characters', () => {
    const short = builtinRules.filter((r) => r.keywords.some((k) => k.length < 2));
    expect(short.map((r) => r.id)).toEqual([]);
  });

  it('scanning adversarial 20k-50k character inputs terminates with valid, in-bounds findings', () => {
    const scanner = createScanner();
    const inputs: string[] = [];
    const keywords = [...new Set(builtinRules.flatMap((r) => r.keywords))];
    for (const k of keywords.slice(0, 400)) inputs.push(k.repeat(Math.ceil(20_000 / k.length)));
    inputs.push(
      `-----BEGIN RSA PRIVATE KEY-----${'A'.repeat(40_000)}`,
      `eyJ${'a'.repeat(30_000)}.eyJ${'b'.repeat(10_000)}`,
      'password='.repeat(5_000),
      'postgres://'.repeat(2_000) + ':'.repeat(20_000),
      '1'.repeat(50_000),
      '1.'.repeat(25_000),
      ':'.repeat(50_000),
      'a@'.repeat(25_000),
      'A'.repeat(50_000),
      `sk_live_${'a'.repeat(40_000)}`,
      ' Basic '.repeat(5_000),
    );
    for (const input of inputs) {
      const fs = scanner.scan(input);
      let last = 0;
      for (const f of fs) {
        expect(f.start).toBeGreaterThanOrEqual(last);
        expect(f.end).toBeLessThanOrEqual(input.length);
        last = f.end;
      }
    }
  });
});

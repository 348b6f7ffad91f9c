// INTERIM test double until the real scanner (src/scanner.ts) lands: replace
// with `createScanner()` from '../scanner.ts'.
import { createHash } from 'node:crypto';
import type { Finding } from '../finding.ts';
import type { TextScanner } from '../redact-text.ts';

const RULES: ReadonlyArray<{ id: string; kind: 'secret' | 'pii'; re: RegExp; group: number }> = [
  { id: 'aws-access-key-id', kind: 'secret', re: /\b((?:AKIA|ASIA)[A-Z0-9]{16})\b/g, group: 1 },
  { id: 'github-pat', kind: 'secret', re: /\b(ghp_[A-Za-z0-9]{36})\b/g, group: 1 },
  {
    id: 'uri-password',
    kind: 'secret',
    re: /\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?):\/\/[^:/\s@]+:([^@\s/]+)@/g,
    group: 1,
  },
  {
    id: 'generic-password',
    kind: 'secret',
    re: /\b(?:password|passwd|pwd)\s*[=:]\s*["']?([^\s"'<>]{6,})/gi,
    group: 1,
  },
  { id: 'email', kind: 'pii', re: /\b([a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,})\b/gi, group: 1 },
];

const fp = (v: string): string => createHash('sha256').update(v).digest('hex').slice(0, 16);

const interim: TextScanner = {
  scan(text) {
    const all: Finding[] = [];
    for (const r of RULES) {
      r.re.lastIndex = 0;
      for (let m = r.re.exec(text); m !== null; m = r.re.exec(text)) {
        const v = m[r.group] ?? '';
        const start = m.index + m[0].lastIndexOf(v);
        all.push({
          ruleId: r.id,
          kind: r.kind,
          start,
          end: start + v.length,
          confidence: 'high',
          fingerprint: fp(v),
        });
      }
    }
    all.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Finding[] = [];
    let last = -1;
    for (const f of all) {
      if (f.start >= last) {
        out.push(f);
        last = f.end;
      }
    }
    return out;
  },
};

/** The package's default scanner (all rules), created once. @internal */
export function defaultScanner(): TextScanner {
  return interim;
}

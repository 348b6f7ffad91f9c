import { PERSONAL_FIELDS } from './event.ts';
import { utf8DecodeStrict } from './internal/bytes.ts';
import { parseLogLine } from './log-format.ts';
import type { VerifierInput } from './verifier.ts';

const COLUMNS = [
  'seq',
  'recordedAt',
  'timestamp',
  'org',
  'actor',
  'action',
  'target',
  'requestId',
  'subject',
  ...PERSONAL_FIELDS,
  'erased',
] as const;

function cell(v: string): string {
  // Neutralise spreadsheet formulas, then quote.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * A CSV view of a log for people (one row per entry; personal values shown
 * unless erased; cells that would start a spreadsheet formula are prefixed
 * with `'`). The CSV is a view, not evidence: verify the log or its bundle.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @param lines - Log lines (a store's `lines()` or a bundle file).
 * @returns CSV text chunks, header first, each ending in CRLF.
 * @throws AuditLogError `ERR_AUDIT_CORRUPT` for unreadable lines.
 * @example
 * ```ts
 * for await (const row of exportCsv(store.lines())) out.write(row);
 * ```
 */
export async function* exportCsv(
  lines: AsyncIterable<VerifierInput> | Iterable<VerifierInput>,
): AsyncGenerator<string> {
  yield `${COLUMNS.join(',')}\r\n`;
  for await (const raw of lines) {
    const text =
      typeof raw === 'string' ? raw : raw instanceof Uint8Array ? utf8DecodeStrict(raw) : undefined;
    if (text === undefined) continue;
    const rec = parseLogLine(text);
    if (rec.kind !== 'entry') continue;
    const l = rec.leaf;
    const side = rec.sidecar;
    const personal = (f: (typeof PERSONAL_FIELDS)[number]): string => {
      if (side === null || 'erasedBy' in side) return '';
      const v = side.f[f]?.value;
      if (v === undefined) return '';
      return typeof v === 'string' ? v : JSON.stringify(v);
    };
    const row = [
      String(l.seq),
      new Date(l.recordedAt).toISOString(),
      l.timestamp,
      l.org,
      l.actor,
      l.action,
      l.target,
      l.requestId ?? '',
      l.subject,
      ...PERSONAL_FIELDS.map(personal),
      side !== null && 'erasedBy' in side ? String(side.erasedBy) : '',
    ];
    yield `${row.map(cell).join(',')}\r\n`;
  }
}

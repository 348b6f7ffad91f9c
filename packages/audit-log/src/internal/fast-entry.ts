// The verifier's fast path for the common entry line: no personal values, an
// ASCII leaf without escapes, in exactly the RFC 8785 layout the writers
// produce. It reads the chain fields straight from the stored bytes (no
// JSON.parse, no intermediate objects) and returns undefined for anything
// else, which then goes through the full parser (parseLogLine). It accepts a
// strict subset of what parseLogLine accepts, with the same field values: a
// differential property test holds it to that.
import type { Sidecar } from '../event.ts';
import { decodeBase64Into } from './bytes.ts';
import { hashLeafInPlace } from './hash.ts';

/** The fields of an entry line the verifier needs. */
export interface EntryFields {
  /** Personal values or erasure reference (always null on the fast path). */
  readonly sidecar: Sidecar | null;
  /** base64 leaf hash (checked against the leaf bytes). */
  readonly h: string;
  readonly seq: number;
  readonly prev: string;
  readonly recordedAt: number;
  readonly org: string;
  readonly action: string;
  readonly target: string;
  readonly subject: string;
}

const LINE_HEAD = '{"h":"';
const LEAF_KEY = '","leaf":"';
const H_END = LINE_HEAD.length + 44;
const LEAF_START = H_END + LEAF_KEY.length;

let buf = Buffer.allocUnsafe(4096);
/** The leaf being scanned (latin1 of its bytes, which are all printable ASCII here). */
let leaf = '';
let pos = 0;

/** Any byte outside printable ASCII, or a backslash (escapes take the full parser). */
const NOT_PLAIN = /[^\x20-\x7e]|\\/;

function lit(s: string): boolean {
  if (!leaf.startsWith(s, pos)) return false;
  pos += s.length;
  return true;
}

/** Skips a JSON string (no escapes can occur here); false if there is none. */
function skipStr(): boolean {
  if (leaf.charCodeAt(pos) !== 0x22) return false;
  const close = leaf.indexOf('"', pos + 1);
  if (close < 0) return false;
  pos = close + 1;
  return true;
}

/** A JSON string of printable ASCII without escapes, or undefined. */
function str(): string | undefined {
  const start = pos + 1;
  return skipStr() ? leaf.slice(start, pos - 1) : undefined;
}

/** A canonical non-negative safe integer (no sign, no leading zero, no fraction), or -1. */
function int(): number {
  const start = pos;
  let v = 0;
  for (;;) {
    const c = leaf.charCodeAt(pos);
    if (!(c >= 0x30 && c <= 0x39)) break;
    v = v * 10 + (c - 0x30);
    pos++;
  }
  const len = pos - start;
  if (len === 0 || len > 16 || (len > 1 && leaf.charCodeAt(start) === 0x30)) return -1;
  return Number.isSafeInteger(v) ? v : -1;
}

/**
 * Reads an entry line in the fast layout, checking its leaf hash, or returns
 * undefined (the caller then runs the full parser, which decides).
 */
export function scanPlainEntryLine(line: string): EntryFields | undefined {
  const last = line.length - 2;
  if (
    !line.startsWith(LINE_HEAD) ||
    !line.startsWith(LEAF_KEY, H_END) ||
    !line.endsWith('"}') ||
    line.indexOf('"', LEAF_START) !== last
  ) {
    return undefined;
  }
  const leaf64 = line.slice(LEAF_START, last);
  if (leaf64.length % 4 !== 0) return undefined;
  const need = 1 + (leaf64.length / 4) * 3;
  if (buf.length < need) buf = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
  // Canonical base64 only (alphabet, padding, spare bits).
  const n = decodeBase64Into(leaf64, buf, 1);
  if (n < 0) return undefined;
  const h = hashLeafInPlace(buf, n);
  if (!line.startsWith(h, LINE_HEAD.length)) return undefined;
  leaf = buf.toString('latin1', 1, 1 + n);
  if (NOT_PLAIN.test(leaf)) return undefined;
  pos = 0;
  if (!lit('{"action":')) return undefined;
  const action = str();
  if (action === undefined || !lit(',"actor":') || !skipStr()) return undefined;
  if (lit(',"clockBackMs":') && int() < 0) return undefined;
  if (!lit(',"org":')) return undefined;
  const org = str();
  if (org === undefined || !lit(',"prev":')) return undefined;
  const prev = str();
  if (prev === undefined || !lit(',"recordedAt":')) return undefined;
  const recordedAt = int();
  if (recordedAt < 0) return undefined;
  if (lit(',"requestId":') && !skipStr()) return undefined;
  if (!lit(',"seq":')) return undefined;
  const seq = int();
  if (seq < 0 || !lit(',"subject":')) return undefined;
  const subject = str();
  if (subject === undefined || !lit(',"target":')) return undefined;
  const target = str();
  if (target === undefined || !lit(',"timestamp":') || !skipStr()) return undefined;
  if (!lit(',"v":1}') || pos !== leaf.length) return undefined;
  return { h, seq, prev, recordedAt, org, action, target, subject, sidecar: null };
}

// A fast pre-check for the common audit event: plain object, known keys, no
// timestamp, an IPv4 address (or none), details made of plain JSON. It accepts
// a strict subset of what auditEventSchema accepts and returns the same data
// (a copy, as zod does, so later mutation by the caller cannot change a queued
// event); for anything else it returns undefined and the zod schema decides.
// A differential property test holds it to that.
import type { JsonValue } from '../canonical-json.ts';
import type { AuditEventInput } from '../event.ts';

// zod 4's ipv4 pattern (z.ipv4()).
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ACTION = /^[A-Za-z0-9_.:/-]+$/;
const MAX_DEPTH = 64;
const NOT_SIMPLE = Symbol('not simple');

function isPlain(v: object): boolean {
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** A deep copy of plain JSON, or NOT_SIMPLE. */
function copyJson(v: unknown, depth: number): JsonValue | typeof NOT_SIMPLE {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : NOT_SIMPLE;
    case 'object':
      break;
    default:
      return NOT_SIMPLE;
  }
  if (v === null) return null;
  if (depth >= MAX_DEPTH) return NOT_SIMPLE;
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return NOT_SIMPLE;
      const c = copyJson(v[i], depth + 1);
      if (c === NOT_SIMPLE) return NOT_SIMPLE;
      out.push(c);
    }
    return out;
  }
  if (!isPlain(v)) return NOT_SIMPLE;
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(v)) {
    const c = copyJson((v as Record<string, unknown>)[k], depth + 1);
    if (c === NOT_SIMPLE) return NOT_SIMPLE;
    out[k] = c;
  }
  return out;
}

const str = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;

/** The validated copy of a common event, or undefined (let zod decide). */
export function fastParseEvent(input: unknown): AuditEventInput | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !isPlain(input)) {
    return undefined;
  }
  const o = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined) return undefined;
    switch (k) {
      case 'org':
      case 'actor':
      case 'subject':
        if (!str(v, 1, 256)) return undefined;
        break;
      case 'action':
        if (!str(v, 1, 128) || !ACTION.test(v)) return undefined;
        break;
      case 'target':
      case 'userAgent':
        if (!str(v, 0, 2048)) return undefined;
        break;
      case 'requestId':
        if (!str(v, 0, 256)) return undefined;
        break;
      case 'actorEmail':
        if (!str(v, 0, 320)) return undefined;
        break;
      case 'ip':
        if (typeof v !== 'string' || !IPV4.test(v)) return undefined;
        break;
      case 'details': {
        const c = copyJson(v, 0);
        if (c === NOT_SIMPLE) return undefined;
        out[k] = c;
        continue;
      }
      default:
        // timestamp and unknown keys: the schema decides.
        return undefined;
    }
    out[k] = v;
  }
  if (!('org' in out) || !('actor' in out) || !('action' in out) || !('target' in out)) {
    return undefined;
  }
  return out as unknown as AuditEventInput;
}

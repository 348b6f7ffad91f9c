import { z } from 'zod';
import { canonicalize, type JsonValue, serializeString } from './canonical-json.ts';
import { AuditLogError } from './errors.ts';
import { toBase64, utf8Encode } from './internal/bytes.ts';
import { fastParseEvent } from './internal/fast-event.ts';
import { hashLeafText, sha256Base64 } from './internal/hash.ts';

/** One privileged action, as the caller reports it. */
export interface AuditEventInput {
  /** Tenant / organisation id; one chain per org. */
  readonly org: string;
  /** Who acted (a stable, pseudonymous id such as `user:42`). */
  readonly actor: string;
  /** What was done, e.g. `secret.read` (the `audit.` prefix is reserved). */
  readonly action: string;
  /** What it was done to. */
  readonly target: string;
  /** When the caller says it happened (RFC 3339 with offset); defaults to the store clock. */
  readonly timestamp?: string;
  /** Correlation id of the request. */
  readonly requestId?: string;
  /** The data subject the personal fields belong to (default: `actor`). */
  readonly subject?: string;
  /** Personal: the actor's e-mail. Committed by salted hash; erasable. */
  readonly actorEmail?: string;
  /** Personal: client IP. Committed by salted hash; erasable. */
  readonly ip?: string;
  /** Personal: user agent. Committed by salted hash; erasable. */
  readonly userAgent?: string;
  /** Personal: free-form details JSON. Committed by salted hash; erasable. */
  readonly details?: JsonValue;
}

/** The fields that are committed by salted hash and can be erased. */
export const PERSONAL_FIELDS: readonly ['actorEmail', 'ip', 'userAgent', 'details'] = Object.freeze(
  ['actorEmail', 'ip', 'userAgent', 'details'] as const,
);

/** Name of a personal (erasable) field. */
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

const id = z.string().min(1).max(256);
const text = z.string().max(2048);

/**
 * The zod schema of {@link AuditEventInput}. Strings are checked for lone
 * surrogates and `details` for canonical-JSON representability when the leaf
 * is encoded.
 *
 * Exported from `@palisade/audit-log`.
 *
 * @example Validate an event.
 * ```ts
 * auditEventSchema.parse({ org: 'o', actor: 'u:1', action: 'login', target: 'app' });
 * ```
 */
export const auditEventSchema: z.ZodType<AuditEventInput> = z.strictObject({
  org: id,
  actor: id,
  action: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:/-]+$/),
  target: text,
  timestamp: z.iso.datetime({ offset: true }).optional(),
  requestId: z.string().max(256).optional(),
  subject: id.optional(),
  actorEmail: z.string().max(320).optional(),
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: text.optional(),
  details: z.json().optional(),
}) as z.ZodType<AuditEventInput>;

/** The parsed form of a leaf (what the Merkle tree commits to). */
export interface Leaf {
  /** Format version (1). */
  readonly v: 1;
  /** Sequence number (= leaf index) within the org's chain. */
  readonly seq: number;
  /** base64 RFC 9162 leaf hash of the previous leaf (32 zero bytes for seq 0). */
  readonly prev: string;
  /** Store clock in ms since the epoch, never decreasing along the chain. */
  readonly recordedAt: number;
  /** By how many ms the wall clock went backwards before this append (recorded, not trusted). */
  readonly clockBackMs?: number;
  readonly org: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly timestamp: string;
  readonly requestId?: string;
  readonly subject: string;
  /** base64 salted-hash commitments of personal fields. */
  readonly commit?: Readonly<Partial<Record<PersonalField, string>>>;
}

/** Salt and value of one personal field, stored beside the leaf. */
export interface PersonalValue {
  /** base64 16-byte salt. */
  readonly salt: string;
  /** The field's value. */
  readonly value: JsonValue;
}

/**
 * What is stored beside a leaf: the salts and values of its personal fields,
 * or, after erasure, the sequence number of the erasure record.
 */
export type Sidecar =
  | { readonly f: Readonly<Partial<Record<PersonalField, PersonalValue>>> }
  | { readonly erasedBy: number };

/**
 * The salted-hash commitment of a personal field:
 * SHA-256("palisade.audit.commit.v1\n" || field || "\n" || salt || JCS(value)).
 *
 * @param field - Field name (binds the value to its field).
 * @param salt - 16 random bytes.
 * @param value - The value.
 * @returns base64 of the 32-byte commitment.
 * @throws AuditLogError codes of {@link canonicalize}.
 * @example
 * ```ts
 * commitPersonalField('ip', salt, '203.0.113.7');
 * ```
 */
export function commitPersonalField(
  field: PersonalField,
  salt: Uint8Array,
  value: JsonValue,
): string {
  return commitCanonical(field, salt, canonicalize(value));
}

/** "palisade.audit.commit.v1\n" || field || "\n", per field. */
const COMMIT_PREFIX: Readonly<Record<PersonalField, Uint8Array>> = {
  actorEmail: utf8Encode('palisade.audit.commit.v1\nactorEmail\n'),
  ip: utf8Encode('palisade.audit.commit.v1\nip\n'),
  userAgent: utf8Encode('palisade.audit.commit.v1\nuserAgent\n'),
  details: utf8Encode('palisade.audit.commit.v1\ndetails\n'),
};

/** {@link commitPersonalField} of a value already in its canonical text. */
function commitCanonical(field: PersonalField, salt: Uint8Array, valueText: string): string {
  return sha256Base64(COMMIT_PREFIX[field], salt, valueText);
}

/**
 * Validates an event input, with typed errors.
 *
 * @param input - Untrusted event.
 * @returns The validated event.
 * @throws AuditLogError `ERR_AUDIT_INVALID_ARGUMENT`, `ERR_AUDIT_RESERVED_ACTION`.
 * @example
 * ```ts
 * parseAuditEvent({ org: 'o', actor: 'u:1', action: 'login', target: 'app' });
 * ```
 */
export function parseAuditEvent(input: unknown, allowReserved = false): AuditEventInput {
  const data = fastParseEvent(input) ?? parseWithSchema(input);
  if (!allowReserved && data.action.startsWith('audit.')) {
    throw new AuditLogError('ERR_AUDIT_RESERVED_ACTION', 'the audit.* actions are reserved');
  }
  return data;
}

function parseWithSchema(input: unknown): AuditEventInput {
  const r = auditEventSchema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new AuditLogError(
      'ERR_AUDIT_INVALID_ARGUMENT',
      `invalid audit event: ${first === undefined ? 'unknown' : `${first.path.join('.')}: ${first.message}`}`,
    );
  }
  return r.data;
}

/** An encoded entry, ready to store. */
export interface EncodedEntry {
  readonly leaf: Leaf;
  /** The leaf's RFC 8785 text (its UTF-8 bytes are the Merkle leaf). */
  readonly leafText: string;
  /** base64 of the leaf bytes. */
  readonly leaf64: string;
  /** base64 RFC 9162 leaf hash. */
  readonly hash64: string;
  readonly sidecar: Sidecar | null;
  /** The sidecar's RFC 8785 text, or null. */
  readonly sidecarText: string | null;
}

/** The keys of the personal fields in RFC 8785 (UTF-16 code unit) order. */
const PERSONAL_SORTED: readonly PersonalField[] = [...PERSONAL_FIELDS].sort();

/**
 * Builds the entry for an event at `seq` (internal to the stores; every store
 * writes through here, so their bytes are identical). The leaf and sidecar
 * texts are written directly in RFC 8785 form (keys in sorted order, strings
 * through the canonical serialiser, base64 and integers need no escaping);
 * a property test holds them equal to `canonicalize` of the objects.
 */
export function encodeEntry(
  event: AuditEventInput,
  seq: number,
  prev64: string,
  recordedAt: number,
  clockBackMs: number,
  randomSalt: () => Uint8Array,
): EncodedEntry {
  const commit: Partial<Record<PersonalField, string>> = {};
  const f: Partial<Record<PersonalField, PersonalValue>> = {};
  let commitText = '';
  let sideText = '';
  // Salts are drawn in PERSONAL_FIELDS order; the texts list fields in sorted order.
  const salts: Partial<Record<PersonalField, Uint8Array>> = {};
  for (const field of PERSONAL_FIELDS) if (event[field] !== undefined) salts[field] = randomSalt();
  for (const field of PERSONAL_SORTED) {
    const value = event[field];
    const salt = salts[field];
    if (value === undefined || salt === undefined) continue;
    const valueText = canonicalize(value);
    const c = commitCanonical(field, salt, valueText);
    const salt64 = toBase64(salt);
    commit[field] = c;
    f[field] = { salt: salt64, value };
    const sep = commitText === '' ? '' : ',';
    commitText += `${sep}"${field}":"${c}"`;
    sideText += `${sep}"${field}":{"salt":"${salt64}","value":${valueText}}`;
  }
  const hasPersonal = commitText !== '';
  const timestamp = event.timestamp ?? isoTime(recordedAt);
  const subject = event.subject ?? event.actor;
  const leaf: Leaf = {
    v: 1,
    seq,
    prev: prev64,
    recordedAt,
    ...(clockBackMs > 0 ? { clockBackMs } : {}),
    org: event.org,
    actor: event.actor,
    action: event.action,
    target: event.target,
    timestamp,
    ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
    subject,
    ...(hasPersonal ? { commit } : {}),
  };
  const leafText =
    `{"action":${serializeString(event.action)},"actor":${serializeString(event.actor)}` +
    (clockBackMs > 0 ? `,"clockBackMs":${serializeInteger(clockBackMs)}` : '') +
    (hasPersonal ? `,"commit":{${commitText}}` : '') +
    `,"org":${serializeString(event.org)},"prev":"${prev64}","recordedAt":${serializeInteger(recordedAt)}` +
    (event.requestId === undefined ? '' : `,"requestId":${serializeString(event.requestId)}`) +
    `,"seq":${serializeInteger(seq)},"subject":${serializeString(subject)}` +
    `,"target":${serializeString(event.target)},"timestamp":${serializeString(timestamp)},"v":1}`;
  const { hash64, leaf64 } = hashLeafText(leafText);
  return {
    leaf,
    leafText,
    leaf64,
    hash64,
    sidecar: hasPersonal ? { f } : null,
    sidecarText: hasPersonal ? `{"f":{${sideText}}}` : null,
  };
}

let lastIsoMs = Number.NaN;
let lastIso = '';

/** RFC 3339 UTC time of `ms` (cached: a burst of appends shares the millisecond). */
function isoTime(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}

function serializeInteger(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new AuditLogError('ERR_AUDIT_UNSAFE_INTEGER', 'leaf integers must be safe and >= 0');
  }
  return String(n);
}

/** 32 zero bytes: the `prev` of leaf 0. */
export const GENESIS_PREV: Uint8Array = new Uint8Array(32);

/** base64 of {@link GENESIS_PREV}. */
export const GENESIS_PREV64: string = toBase64(GENESIS_PREV);

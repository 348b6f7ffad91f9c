import { z } from 'zod';
import { canonicalBytes, canonicalize, type JsonValue } from './canonical-json.ts';
import { AuditLogError } from './errors.ts';
import { toBase64, utf8Encode } from './internal/bytes.ts';
import { sha256 } from './internal/hash.ts';

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

const COMMIT_DOMAIN = utf8Encode('palisade.audit.commit.v1\n');

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
  return toBase64(sha256(COMMIT_DOMAIN, utf8Encode(`${field}\n`), salt, canonicalBytes(value)));
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
  const r = auditEventSchema.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new AuditLogError(
      'ERR_AUDIT_INVALID_ARGUMENT',
      `invalid audit event: ${first === undefined ? 'unknown' : `${first.path.join('.')}: ${first.message}`}`,
    );
  }
  if (!allowReserved && r.data.action.startsWith('audit.')) {
    throw new AuditLogError('ERR_AUDIT_RESERVED_ACTION', 'the audit.* actions are reserved');
  }
  return r.data;
}

/** An encoded leaf, ready to store. */
export interface EncodedEntry {
  readonly leaf: Leaf;
  readonly leafBytes: Uint8Array;
  readonly sidecar: Sidecar | null;
}

/** Builds the leaf for an event at `seq` (internal to the stores). */
export function encodeLeaf(
  event: AuditEventInput,
  seq: number,
  prev: Uint8Array,
  recordedAt: number,
  clockBackMs: number,
  randomSalt: () => Uint8Array,
): EncodedEntry {
  const commit: Partial<Record<PersonalField, string>> = {};
  const f: Partial<Record<PersonalField, PersonalValue>> = {};
  let hasPersonal = false;
  for (const field of PERSONAL_FIELDS) {
    const value = event[field];
    if (value === undefined) continue;
    const salt = randomSalt();
    commit[field] = commitPersonalField(field, salt, value);
    f[field] = { salt: toBase64(salt), value };
    hasPersonal = true;
  }
  const leaf: Leaf = {
    v: 1,
    seq,
    prev: toBase64(prev),
    recordedAt,
    ...(clockBackMs > 0 ? { clockBackMs } : {}),
    org: event.org,
    actor: event.actor,
    action: event.action,
    target: event.target,
    timestamp: event.timestamp ?? new Date(recordedAt).toISOString(),
    ...(event.requestId === undefined ? {} : { requestId: event.requestId }),
    subject: event.subject ?? event.actor,
    ...(hasPersonal ? { commit } : {}),
  };
  return { leaf, leafBytes: utf8Encode(canonicalize(leaf)), sidecar: hasPersonal ? { f } : null };
}

/** 32 zero bytes: the `prev` of leaf 0. */
export const GENESIS_PREV: Uint8Array = new Uint8Array(32);

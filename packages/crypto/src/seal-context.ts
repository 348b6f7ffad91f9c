import { CryptoError } from './errors.ts';
import { isWellFormedString, lengthPrefixed, lengthPrefixedAfter } from './internal/encoding.ts';
import { DOMAIN, LABEL } from './internal/labels.ts';
import { freshBytes, Scratch } from './internal/scratch.ts';

/**
 * What a sealed value belongs to. Bound into the ciphertext as associated
 * data with an injective length-prefixed encoding, so a value sealed for one
 * tenant, workspace, purpose, record or field never opens for another.
 *
 * Exported from `@palisade/crypto` (type only).
 */
export interface SealContext {
  /** Tenant (organisation) id. */
  readonly tenant: string;
  /** Workspace id; must equal the workspace of the {@link WorkspaceKey} used. */
  readonly workspace: string;
  /** What the value is, e.g. `'integration-token'`. */
  readonly purpose: string;
  /** Row or object id the value is stored in (binds against row swaps). */
  readonly record?: string;
  /** Column or field name (binds against column swaps). */
  readonly field?: string;
}

/** Longest accepted context string (UTF-16 code units). */
export const MAX_CONTEXT_FIELD_LENGTH = 1024;
const ALLOWED = new Set<string>(['tenant', 'workspace', 'purpose', 'record', 'field']);
const PREFIX = lengthPrefixed([DOMAIN, LABEL.sealContext]);

function bad(message: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `invalid seal context: ${message}`);
}

function checkString(name: string, v: unknown): asserts v is string {
  if (!isWellFormedString(v) || v.length === 0 || v.length > MAX_CONTEXT_FIELD_LENGTH) {
    throw bad(`${name} must be a well-formed string of 1..${MAX_CONTEXT_FIELD_LENGTH} characters`);
  }
}

/**
 * Validates a context (required fields present, no unknown fields, strings
 * well formed) and returns its canonical associated-data encoding:
 * `lp(domain, label, tenant, workspace, purpose, recordFlag, record, fieldFlag, field)`
 * where `lp` prefixes each part with its 4-byte big-endian length and the
 * flags distinguish an absent optional field from any present value.
 *
 * @internal Exported for the sealed format and tests; not from index.ts.
 */
export function encodeSealContext(context: SealContext): Uint8Array {
  return encodeSealContextWith(context, freshBytes);
}

const TRANSIENT = new Scratch(512);
const transientBytes = (n: number): Uint8Array => TRANSIENT.bytes(n);

/**
 * {@link encodeSealContext} into a shared scratch buffer (no allocation): the
 * result is valid only until the next call, so callers copy it (as the sealed
 * format does when it assembles the associated data) before any `await`.
 *
 * @internal Not from index.ts.
 */
export function encodeSealContextTransient(context: SealContext): Uint8Array {
  return encodeSealContextWith(context, transientBytes);
}

function encodeSealContextWith(context: SealContext, alloc: (n: number) => Uint8Array): Uint8Array {
  if (typeof context !== 'object' || context === null) throw bad('expected an object');
  for (const k of Object.keys(context)) {
    if (!ALLOWED.has(k)) throw bad(`unknown field ${JSON.stringify(k.slice(0, 32))}`);
  }
  const { tenant, workspace, purpose, record, field } = context;
  checkString('tenant', tenant);
  checkString('workspace', workspace);
  checkString('purpose', purpose);
  if (record !== undefined) checkString('record', record);
  if (field !== undefined) checkString('field', field);
  // PREFIX already holds lp(DOMAIN, LABEL.sealContext).
  return lengthPrefixedAfter(
    PREFIX,
    [
      tenant,
      workspace,
      purpose,
      record === undefined ? '0' : '1',
      record ?? '',
      field === undefined ? '0' : '1',
      field ?? '',
    ],
    alloc,
  );
}

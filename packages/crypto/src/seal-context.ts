import { CryptoError } from './errors.ts';
import { isWellFormedString, lengthPrefixed, lengthPrefixedAfter } from './internal/encoding.ts';
import { DOMAIN, LABEL } from './internal/labels.ts';

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
const REQUIRED = ['tenant', 'workspace', 'purpose'] as const;
const OPTIONAL = ['record', 'field'] as const;
const ALLOWED = new Set<string>([...REQUIRED, ...OPTIONAL]);
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
  if (typeof context !== 'object' || context === null) throw bad('expected an object');
  for (const k of Object.keys(context)) {
    if (!ALLOWED.has(k)) throw bad(`unknown field ${JSON.stringify(k.slice(0, 32))}`);
  }
  for (const k of REQUIRED) checkString(k, context[k]);
  const parts: string[] = [
    DOMAIN,
    LABEL.sealContext,
    context.tenant,
    context.workspace,
    context.purpose,
  ];
  for (const k of OPTIONAL) {
    const v = context[k];
    if (v === undefined) {
      parts.push('0', '');
    } else {
      checkString(k, v);
      parts.push('1', v);
    }
  }
  return lengthPrefixedAfter(PREFIX, parts);
}

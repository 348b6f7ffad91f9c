import { TenancyError } from './errors.ts';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Validates an SQL identifier against `^[a-z_][a-z0-9_]{0,62}$` and returns it
 * double-quoted. Only lower-case ASCII names are accepted, so the quoted and
 * unquoted spellings name the same object.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param name - The identifier.
 * @returns `"name"`.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for anything else.
 * @example
 * ```ts
 * quoteIdent('notes'); // '"notes"'
 * ```
 */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || !IDENT.test(name)) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'invalid SQL identifier');
  }
  return `"${name}"`;
}

/** @internal Quotes a string literal whose content the caller has already validated. */
export function _literal(value: string): string {
  if (/['\\\0]/.test(value)) {
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'value cannot be used as a literal');
  }
  return `'${value}'`;
}

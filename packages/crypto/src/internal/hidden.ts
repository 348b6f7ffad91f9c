// Makes key objects hide their secrets from util.inspect, JSON.stringify,
// String() and structured logging. Internal: never re-exported.
import { CryptoError } from '../errors.ts';

/** Node's util.inspect hook, by its registered name (no node:util import). */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** Throws the stable error for use after dispose(). */
export function destroyedError(kind: string): CryptoError {
  return new CryptoError(
    'ERR_CRYPTO_KEY_DESTROYED',
    `${kind} was disposed and can no longer be used`,
  );
}

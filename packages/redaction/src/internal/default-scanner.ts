import type { TextScanner } from '../redact-text.ts';
import { createScanner } from '../scanner.ts';

let shared: TextScanner | undefined;

/** The package's default scanner (all built-in rules), created once. @internal */
export function defaultScanner(): TextScanner {
  shared ??= createScanner();
  return shared;
}

import { TenancyError } from '../../src/errors.ts';

/** Runs `fn` and names what it threw: a TenancyError code, `ok`, or `other: <message>`. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return TenancyError.isInstance(e) ? e.code : `other: ${(e as Error).message}`;
  }
}

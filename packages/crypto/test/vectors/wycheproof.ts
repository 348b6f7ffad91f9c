// Loader for the Wycheproof files vendored in ./wycheproof (see its README for
// the source and licence). Asserts each file's numberOfTests so no test is skipped silently.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WYCHEPROOF_DIR: string = fileURLToPath(new URL('./wycheproof/', import.meta.url));

export interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: 'valid' | 'invalid' | 'acceptable';
  readonly [field: string]: unknown;
}

export interface WycheproofGroup {
  readonly type: string;
  readonly tests: readonly WycheproofTest[];
  readonly [field: string]: unknown;
}

export interface WycheproofFile {
  readonly algorithm: string;
  readonly numberOfTests: number;
  readonly testGroups: readonly WycheproofGroup[];
}

/** Loads one file and checks that the tests it holds match numberOfTests. */
export function loadWycheproof(name: string): WycheproofFile {
  const file = JSON.parse(readFileSync(`${WYCHEPROOF_DIR}${name}`, 'utf8')) as WycheproofFile;
  const count = file.testGroups.reduce((n, g) => n + g.tests.length, 0);
  if (count !== file.numberOfTests) {
    throw new Error(`${name}: holds ${count} tests but numberOfTests says ${file.numberOfTests}`);
  }
  return file;
}

/** Every test of a file, with its group. */
export function allTests(
  file: WycheproofFile,
): Array<{ group: WycheproofGroup; test: WycheproofTest }> {
  return file.testGroups.flatMap((group) => group.tests.map((test) => ({ group, test })));
}

export function hex(value: unknown): Uint8Array {
  if (typeof value !== 'string') throw new TypeError('expected a hex string');
  return Uint8Array.from(Buffer.from(value, 'hex'));
}

/** Tally of outcomes; the suite asserts it sums to numberOfTests. */
export interface Tally {
  passedValid: number;
  rejectedInvalid: number;
  rejectedUnsupported: number;
}

export function newTally(): Tally {
  return { passedValid: 0, rejectedInvalid: 0, rejectedUnsupported: 0 };
}

export function tallyTotal(t: Tally): number {
  return t.passedValid + t.rejectedInvalid + t.rejectedUnsupported;
}

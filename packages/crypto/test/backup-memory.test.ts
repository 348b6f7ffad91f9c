// Streams are bounded: 1 GiB goes through an encrypting process into a
// decrypting process (a real pipe between them), and each process's live
// memory grows by at most 4 chunks + 1 MiB. The children are plain Node on an
// esbuild bundle of src/index.ts (built once here) with --expose-gc: each
// sample follows a full, synchronous GC, so it measures what the streams
// still hold, not garbage V8 has yet to collect (see fixtures/age-memory-child.mjs).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageRecipientFromIdentity, generateAgeIdentity } from '../src/index.ts';

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;
const TOTAL = Number(process.env.PALISADE_AGE_MEMORY_MIB ?? '1024') * MIB;
/** The bound: 4 age chunks (64 KiB each) + 1 MiB. */
const BOUND = 4 * CHUNK + MIB;
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

interface Result {
  readonly mode: 'encrypt' | 'decrypt';
  readonly peakArrayBuffers: number;
  readonly peakRss: number;
  readonly samples: number;
  readonly seen: number;
  readonly ms: number;
}

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'palisade-age-memory-'));
  bundle = join(dir, 'crypto.bundle.mjs');
  // esbuild ships with tsup (a root devDependency); resolve it through tsup.
  const req = createRequire(createRequire(import.meta.url).resolve('tsup'));
  const esbuild = req('esbuild') as { build(o: Record<string, unknown>): Promise<unknown> };
  await esbuild.build({
    entryPoints: [here('../src/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(child: ReturnType<typeof spawn>, name: string): Promise<Result> {
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = err.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`${name} child failed (exit ${code}): ${err.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULT '.length)) as Result);
    });
  });
}

describe('age backup streams use bounded memory', () => {
  it('1 GiB through an encrypting and a decrypting process grows the live memory of each by at most 4 chunks + 1 MiB', async () => {
    const identity = generateAgeIdentity();
    const recipient = ageRecipientFromIdentity(identity);
    const every = String(8 * MIB);
    const flags = ['--expose-gc', '--no-concurrent-array-buffer-sweeping'];
    const child = here('./fixtures/age-memory-child.mjs');
    const enc = spawn(
      process.execPath,
      [...flags, child, bundle, 'encrypt', recipient, String(TOTAL), every],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // The decryptor reads the encryptor's stdout directly (the pipe's fd is
    // handed over); this process lets go of its own end.
    const dec = spawn(
      process.execPath,
      [...flags, child, bundle, 'decrypt', identity, String(TOTAL), every],
      { stdio: [enc.stdout, 'ignore', 'pipe'] },
    );
    enc.stdout.destroy();
    const [e, d] = await Promise.all([collect(enc, 'encrypt'), collect(dec, 'decrypt')]);

    expect(d.seen).toBe(TOTAL);
    // Samples spread over the whole file on both sides of each stream.
    expect(e.samples).toBeGreaterThanOrEqual((2 * TOTAL) / (8 * MIB) - 2);
    expect(d.samples).toBeGreaterThanOrEqual((2 * TOTAL) / (8 * MIB) - 2);
    // Whole-file (or whole-write) buffering would show here: the encryptor
    // gets 4 MiB writes, and one worked off at once is 64 sealed chunks.
    expect(e.peakArrayBuffers).toBeLessThanOrEqual(BOUND);
    expect(d.peakArrayBuffers).toBeLessThanOrEqual(BOUND);
  }, 180_000);
});

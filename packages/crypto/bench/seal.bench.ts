// seal+open against a raw node:crypto AES-256-GCM encrypt+decrypt of the same
// size, in the same run (targets: >= 0.5x at 64 B, 0.8x at 4 KiB, 0.9x at
// 1 MiB), and cached workspace-key lookups (target >= 300k/s). Timed on the
// process CPU clock (see cpu-clock.ts).
//
// Measures the built package (dist/, as published; `pnpm bench` builds
// first): run from src/, every internal call would go through vitest's
// module-transform proxies, which the shipped bundle does not have.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { onCpuClock } from './cpu-clock.ts';

const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('build @palisade/crypto first (pnpm bench does)');
const { deriveWorkspaceKey, generateMasterKey, open, seal } = (await import(
  dist.href
)) as typeof import('../src/index.ts');

const master = generateMasterKey();
const key = deriveWorkspaceKey(master, 'ws-bench');
const context = { tenant: 'org-bench', workspace: 'ws-bench', purpose: 'bench' };
const rawKey = randomBytes(32);

/** The peer: what a careful hand-rolled AES-256-GCM round trip costs (random 12-byte IV, 16-byte tag). */
function rawRoundTrip(plaintext: Uint8Array): Uint8Array {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', rawKey, iv, { authTagLength: 16 });
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  const d = createDecipheriv('aes-256-gcm', rawKey, iv, { authTagLength: 16 });
  d.setAuthTag(ct.subarray(ct.length - 16));
  const pt = d.update(ct.subarray(0, ct.length - 16));
  d.final();
  return pt;
}

// Small sizes run a batch of round trips per sample, so that each sample is
// far above the clock's resolution and the harness's own cost per sample
// (timers, and a promise for the async side) is spread over many operations
// on both sides alike; hz counts batches.
const options = onCpuClock(2000);
// Titles are spelled out (docs/claims/crypto.md links them).
const cases = [
  {
    label: '64 B',
    size: 64,
    batch: 32,
    peer: 'raw node:crypto AES-256-GCM encrypt+decrypt 64 B, 32 per sample',
    subject: '@palisade/crypto seal+open 64 B, 32 per sample',
  },
  {
    label: '4 KiB',
    size: 4096,
    batch: 32,
    peer: 'raw node:crypto AES-256-GCM encrypt+decrypt 4 KiB, 32 per sample',
    subject: '@palisade/crypto seal+open 4 KiB, 32 per sample',
  },
  {
    label: '1 MiB',
    size: 1 << 20,
    batch: 1,
    peer: 'raw node:crypto AES-256-GCM encrypt+decrypt 1 MiB',
    subject: '@palisade/crypto seal+open 1 MiB',
  },
] as const;
for (const { label, size, batch, peer, subject } of cases) {
  const plaintext = randomBytes(size);
  describe(`seal+open vs raw node:crypto AES-256-GCM, ${label}`, () => {
    bench(
      peer,
      () => {
        for (let i = 0; i < batch; i++) rawRoundTrip(plaintext);
      },
      options,
    );
    bench(
      subject,
      async () => {
        for (let i = 0; i < batch; i++)
          await open(key, await seal(key, plaintext, context), context);
      },
      options,
    );
  });
}

describe('workspace-key lookups', () => {
  const ids = Array.from({ length: 512 }, (_, i) => `ws-${i}`);
  for (const id of ids) deriveWorkspaceKey(master, id);
  let i = 0;
  // 1000 lookups per sample: lookups per second = hz x 1000.
  bench(
    'deriveWorkspaceKey, cached (512 workspaces, LRU of 1024), 1000 per sample',
    () => {
      for (let k = 0; k < 1000; k++) deriveWorkspaceKey(master, ids[i++ & 511] as string);
    },
    options,
  );
  const uncached = generateMasterKey({ workspaceKeyCacheSize: 0 });
  let j = 0;
  bench(
    'deriveWorkspaceKey, uncached (HKDF expand + subkeys), 10 per sample',
    () => {
      for (let k = 0; k < 10; k++) deriveWorkspaceKey(uncached, `ws-${j++}`);
    },
    options,
  );
});

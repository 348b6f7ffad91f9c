// Token verification vs one raw node:crypto SHA-256 of the token, measured
// in the same run (target: >= 400k verifications/s), on the process CPU
// clock (see cpu-clock.ts), 100 operations per sample: operations per second
// = hz x 100. Measures the built package (dist/), as seal.bench.ts does.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { onCpuClock } from './cpu-clock.ts';

const dist = new URL('../dist/index.js', import.meta.url);
if (!existsSync(dist)) throw new Error('build @palisade/crypto first (pnpm bench does)');
const { createToken, verifyToken } = (await import(dist.href)) as typeof import('../src/index.ts');

const issued = createToken({ prefix: 'palk' });
const options = onCpuClock(2000);

describe('token verification', () => {
  bench(
    'raw node:crypto SHA-256 of the token string, 100 per sample',
    () => {
      for (let k = 0; k < 100; k++) createHash('sha256').update(issued.token).digest();
    },
    options,
  );

  bench(
    'verifyToken (parse + checksum + labelled SHA-256 + constant-time compare), 100 per sample',
    () => {
      for (let k = 0; k < 100; k++) {
        if (!verifyToken(issued.token, issued.hash)) throw new Error('token did not verify');
      }
    },
    options,
  );
});

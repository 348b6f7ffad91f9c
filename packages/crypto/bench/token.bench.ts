// Token verification vs one raw node:crypto SHA-256 of the token, measured
// in the same run (target: >= 400k verifications/s).
import { createHash } from 'node:crypto';
import { bench, describe } from 'vitest';
import { createToken, verifyToken } from '../src/index.ts';

const issued = createToken({ prefix: 'palk' });
// Longer than the default, so the rate is an average over a load mix.
const options = { time: 2000, warmupTime: 300 };

describe('token verification', () => {
  bench(
    'raw node:crypto SHA-256 of the token string',
    () => {
      createHash('sha256').update(issued.token).digest();
    },
    options,
  );

  bench(
    'verifyToken (parse + checksum + labelled SHA-256 + constant-time compare)',
    () => {
      if (!verifyToken(issued.token, issued.hash)) throw new Error('token did not verify');
    },
    options,
  );
});

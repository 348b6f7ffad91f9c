// Argon2id known answers, from two published sources:
// - RFC 9106 section 5.3 (Argon2id with secret and associated data), run on
//   the primitive @palisade/crypto uses (@noble/hashes 2.4.0);
// - the reference implementation's test suite (P-H-C/phc-winner-argon2,
//   src/test.c, Argon2id v=0x13 encoded hashes), run through verifyPassword.
import { argon2id } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import { parsePasswordHash, verifyPassword } from '../../src/index.ts';

describe('argon2id published vectors', () => {
  it('RFC 9106 5.3: Argon2id m=32,t=3,p=4 with secret and associated data gives 0d640df5...e659', () => {
    const tag = argon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), {
      t: 3,
      m: 32,
      p: 4,
      key: new Uint8Array(8).fill(3),
      personalization: new Uint8Array(12).fill(4),
      dkLen: 32,
      version: 0x13,
    });
    expect(Buffer.from(tag).toString('hex')).toBe(
      '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659',
    );
  });

  it.each([
    '$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4',
    '$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc',
    '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc',
  ])(
    'verifyPassword accepts the reference implementation hash %s for password and rejects passwore',
    async (phc) => {
      expect(parsePasswordHash(phc).algorithm).toBe('argon2id');
      expect(await verifyPassword('password', phc)).toBe(true);
      expect(await verifyPassword('passwore', phc)).toBe(false);
    },
  );

  it('reference test.c tag for m=65536,t=2,p=1 is 09316115...3cf7 (raw tag, not just the encoding)', () => {
    const phc =
      '$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc';
    expect(Buffer.from(parsePasswordHash(phc).hash).toString('hex')).toBe(
      '09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7',
    );
  });
});

import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  ageRecipientFromIdentity,
  CryptoError,
  createBackupEncryptStream,
  decryptBackup,
  generateAgeIdentity,
} from '@palisade/crypto';
import type { DemoStep } from './step.ts';

/**
 * The backup step of `palisade demo`: a small workspace file is encrypted
 * with @palisade/crypto to an age X25519 recipient, decrypted by the real
 * `age` command when it is installed and by @palisade/crypto, and the bytes
 * are compared. A wrong key is shown to fail with its typed error.
 *
 * @example Run the step alone.
 * ```ts
 * const { ok, facts } = await backupStep.run({ dir, say: (l) => lines.push(l), out: process.stdout });
 * ```
 */
export const backupStep: DemoStep = {
  id: 'backup',
  title: 'Backups encrypted again with a separate key, in the age format the age tool reads',
  pkg: '@palisade/crypto',
  docs: 'packages/crypto/README.md',
  async run(ctx) {
    const facts: string[] = [];
    let ok = true;

    // 1. A workspace file to back up, and a separate backup key (age X25519).
    const source = join(ctx.dir, 'workspace.sqlite.dump');
    const original = Buffer.from(
      Array.from({ length: 200 }, (_, i) => `INSERT INTO notes VALUES (${i}, 'note ${i}');\n`).join(
        '',
      ),
    );
    writeFileSync(source, original);
    const identity = generateAgeIdentity();
    const recipient = ageRecipientFromIdentity(identity);
    const keyFile = join(ctx.dir, 'backup-key.txt');
    writeFileSync(keyFile, `# backup identity (demo)\n${identity}\n`, { mode: 0o600 });
    ctx.say(`backup recipient ${recipient.slice(0, 16)}… (identity kept in a 0600 file)`);
    facts.push(`generated a separate age X25519 backup key (recipient ${recipient.slice(0, 16)}…)`);

    // 2. Encrypt by streaming through @palisade/crypto.
    const target = join(ctx.dir, 'workspace.sqlite.dump.age');
    await pipeline(
      createReadStream(source),
      createBackupEncryptStream({ recipients: [recipient] }),
      createWriteStream(target),
    );
    const encrypted = readFileSync(target);
    ok &&= encrypted.subarray(0, 22).toString('latin1') === 'age-encryption.org/v1\n';
    ok &&= !encrypted.includes(Buffer.from('INSERT INTO notes'));
    ctx.say(
      `encrypted ${original.length} bytes into ${encrypted.length} bytes (age v1 header, no plaintext visible)`,
    );
    facts.push(`encrypted ${original.length} bytes to an age v1 file of ${encrypted.length} bytes`);

    // 3. The real age command decrypts it, when installed.
    const age = spawnSync('age', ['-d', '-i', keyFile, target], { maxBuffer: 16 * 1024 * 1024 });
    if (age.error === undefined && age.status !== null) {
      const same = age.status === 0 && Buffer.compare(age.stdout, original) === 0;
      ok &&= same;
      ctx.say(`age -d: ${same ? 'identical bytes' : `FAILED (exit ${age.status})`}`);
      facts.push(
        same
          ? 'the age command decrypted it to identical bytes'
          : 'the age command did NOT decrypt it',
      );
    } else {
      ctx.say('age command not installed: skipped the interop check');
      facts.push('age command not installed here; interop not observed in this run');
    }

    // 4. @palisade/crypto decrypts it too; a different key fails with a typed error.
    const back = Buffer.from(await decryptBackup(encrypted, { identities: [identity] }));
    const same = Buffer.compare(back, original) === 0;
    ok &&= same;
    ctx.say(`@palisade/crypto decrypt: ${same ? 'identical bytes' : 'WRONG BYTES'}`);
    facts.push(`@palisade/crypto decrypted it to identical bytes: ${same}`);
    let code = 'decrypted (wrong!)';
    try {
      await decryptBackup(encrypted, { identities: [generateAgeIdentity()] });
      ok = false;
    } catch (e) {
      code = CryptoError.isInstance(e) ? e.code : String(e);
      ok &&= code === 'ERR_CRYPTO_AGE_NO_IDENTITY_MATCHED';
    }
    ctx.say(`decrypt with another key: ${code}`);
    facts.push(`decrypting with another key failed with ${code}`);
    return { ok, facts };
  },
};

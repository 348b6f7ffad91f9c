import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noteSignerFromSeed, openFileStore, verifyLogFile } from '@palisade/audit-log';
import type { DemoStep } from './step.ts';

/** Demo: append audit events, verify OK, change one byte of event #k, verify TAMPERED naming k. */
export const auditStep: DemoStep = {
  id: 'audit',
  title: 'A tamper-evident audit log names the event that was changed',
  pkg: '@palisade/audit-log',
  docs: 'packages/audit-log/README.md',
  async run(ctx) {
    const facts: string[] = [];
    const path = join(ctx.dir, '.palisade', 'audit.jsonl');
    const origin = 'palisade.demo/audit';
    const signer = noteSignerFromSeed(origin, new Uint8Array(randomBytes(32)));
    const store = await openFileStore({ path, origin, signer, autoCheckpoint: false });
    const actions = ['session.start', 'secret.read', 'file.write', 'push.promote', 'session.end'];
    for (const [i, action] of actions.entries()) {
      await store.append({
        org: 'local',
        actor: 'user:demo',
        action,
        target: `item/${i}`,
        ip: '203.0.113.7',
      });
    }
    await store.close();
    const opts = { verifiers: [store.verifierKey], origin };
    ctx.say(
      `appended ${actions.length} events to ${path} (each acknowledged after fsync) and sealed them with a signed checkpoint`,
    );
    const before = await verifyLogFile(path, opts);
    ctx.say(`verify: ${before.status}`);
    if (before.status === 'OK') facts.push(`verified ${before.size} events: OK`);

    const k = 2;
    const lines = (await readFile(path, 'utf8')).split('\n');
    const entry = JSON.parse(lines[k] as string) as { h: string; leaf: string };
    const leaf = Buffer.from(entry.leaf, 'base64');
    const at = leaf.indexOf('file.write');
    leaf[at] = 'F'.charCodeAt(0); // change one byte: file.write -> File.write
    lines[k] = JSON.stringify({ ...entry, leaf: leaf.toString('base64') });
    await writeFile(path, lines.join('\n'));
    ctx.say(`changed one byte of event #${k} on disk ("file.write" -> "File.write")`);
    const after = await verifyLogFile(path, opts);
    ctx.say(
      `verify: ${after.status}${after.seq === undefined ? '' : ` at seq ${after.seq}`} (${after.reason})`,
    );
    if (after.status === 'TAMPERED' && after.seq === k)
      facts.push(`one changed byte read TAMPERED naming seq ${k}`);
    return { ok: facts.length === 2, facts };
  },
};

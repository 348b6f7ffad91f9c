import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CryptoError,
  deriveWorkspaceKey,
  exportMasterKey,
  generateMasterKey,
  masterKeyFromFile,
  open,
  seal,
} from '@palisade/crypto';
import type { DemoStep } from './step.ts';

/**
 * The crypto step of `palisade demo`: one master key (from a 0600 file, never
 * from source), two HKDF-derived workspace keys, a value sealed for
 * workspace A that fails to open as workspace B with the one generic error,
 * and opens as A. Each numbered block below is one observed fact.
 */
export const cryptoStep: DemoStep = {
  id: 'crypto',
  title: 'Per-workspace keys: a value sealed for workspace A never opens for workspace B',
  pkg: '@palisade/crypto',
  docs: 'packages/crypto/README.md',
  async run(ctx) {
    const facts: string[] = [];
    let ok = true;
    const enc = new TextEncoder();

    // 1. A master key lives in a 0600 file, never in source.
    const keyFile = join(ctx.dir, 'master.key');
    {
      using fresh = generateMasterKey();
      writeFileSync(keyFile, `${exportMasterKey(fresh)}\n`, { mode: 0o600 });
    }
    using master = masterKeyFromFile(keyFile);
    ctx.say(`master key ${master.keyId} loaded from a 0600 file`);
    facts.push(`master key loaded from a mode-0600 file (id ${master.keyId})`);

    // 2. Each workspace gets its own key, derived from the master with HKDF.
    const keyA = deriveWorkspaceKey(master, 'ws-alpha');
    const keyB = deriveWorkspaceKey(master, 'ws-beta');
    ok &&= keyA.keyId !== keyB.keyId;
    ctx.say(`workspace keys: ws-alpha ${keyA.keyId}, ws-beta ${keyB.keyId}`);
    facts.push(`two workspace keys derived with HKDF-SHA-256: ${keyA.keyId} and ${keyB.keyId}`);

    // 3. Seal a secret for workspace A (XAES-256-GCM, committing, context-bound).
    const contextA = { tenant: 'org-demo', workspace: 'ws-alpha', purpose: 'integration-token' };
    const secret = 'ghp_demo_not_a_real_token';
    const sealed = await seal(keyA, enc.encode(secret), contextA);
    ctx.say(`sealed ${secret.length} bytes for ws-alpha into ${sealed.length} bytes`);
    facts.push(
      `sealed a secret for ws-alpha (${sealed.length} bytes, header names key ${master.keyId})`,
    );

    // 4. Opening as workspace B fails, with the one generic error.
    let codeB = 'opened (wrong!)';
    try {
      await open(keyB, sealed, { ...contextA, workspace: 'ws-beta' });
      ok = false;
    } catch (e) {
      codeB = CryptoError.isInstance(e) ? e.code : String(e);
      ok &&= codeB === 'ERR_CRYPTO_DECRYPTION_FAILED';
    }
    ctx.say(`open as ws-beta: ${codeB}`);
    facts.push(`opening as ws-beta failed with ${codeB}`);

    // 5. Opening as workspace A gives the secret back.
    const back = new TextDecoder().decode(await open(keyA, sealed, contextA));
    ok &&= back === secret;
    ctx.say(`open as ws-alpha: ${back === secret ? 'the original secret' : 'WRONG BYTES'}`);
    facts.push(`opening as ws-alpha returned the original ${back.length} bytes`);

    return { ok, facts };
  },
};

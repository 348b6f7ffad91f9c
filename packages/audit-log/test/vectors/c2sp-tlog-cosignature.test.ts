import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import {
  AuditLogError,
  cosignatureTimestamp,
  cosignerFromSeed,
  cosignNote,
  formatCosignerVerifierKey,
  type NoteSignature,
  noteSignerFromSeed,
  openCheckpoint,
  openNote,
  parseVerifierKey,
  signCheckpoint,
  verifyLog,
} from '@palisade/audit-log';
import { describe, expect, it } from 'vitest';
import { signer as logSigner, makeStore, ORIGIN, tempDir } from '../helpers.ts';

// C2SP tlog-cosignature, Ed25519 (cosignature/v1), checked against the spec's
// own definitions and published values.

/** Independent cosignature line, built from the spec text with node:crypto. */
function specCosignatureLine(name: string, seed: Uint8Array, time: number, body: string): string {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const pub = Buffer.from((key.export({ format: 'jwk' }) as { x: string }).x, 'base64url');
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([0x04]), pub]))
    .digest()
    .subarray(0, 4);
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(time));
  const sig = nodeSign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${body}`, 'utf8'), key);
  return `\u2014 ${name} ${Buffer.concat([keyId, ts, sig]).toString('base64')}\n`;
}

const seed = new Uint8Array(32).map((_, i) => i + 7);
const WITNESS = 'witness.example.com/w1';
const body = `${ORIGIN}\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n`;

describe('C2SP tlog-cosignature (cosignature/v1, Ed25519)', () => {
  it('a cosignature line equals the spec construction byte for byte: key ID with type 0x04, u64 big-endian time, Ed25519 over the cosignature/v1 header, time line and checkpoint body', () => {
    const t = 1679315147;
    const witness = cosignerFromSeed(WITNESS, seed, { now: () => t * 1000 + 999 });
    const note = signCheckpoint(
      {
        origin: ORIGIN,
        size: 20852163,
        rootHash: Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64'),
        extensions: [],
      },
      [logSigner],
    );
    const cosigned = cosignNote(note, [witness]);
    expect(cosigned.startsWith(note)).toBe(true);
    expect(cosigned.slice(note.length)).toBe(specCosignatureLine(WITNESS, seed, t, body));
    // Extension lines are part of the signed message.
    const withExt = signCheckpoint(
      { origin: ORIGIN, size: 1, rootHash: new Uint8Array(32), extensions: ['time 5'] },
      [logSigner],
    );
    const extBody = `${ORIGIN}\n1\n${Buffer.alloc(32).toString('base64')}\ntime 5\n`;
    expect(cosignNote(withExt, [witness]).slice(withExt.length)).toBe(
      specCosignatureLine(WITNESS, seed, t, extBody),
    );
  });

  it('the cosigner vkey uses type 0x04 and reproduces a published cosignature/v1 vkey', () => {
    const published = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
    const v = parseVerifierKey(published);
    expect(v.name).toBe('remora.n621.de');
    expect(v.keyHash).toBe(0xda77ade7);
    expect(formatCosignerVerifierKey(v.name, v.publicKey)).toBe(published);
    const witness = cosignerFromSeed(WITNESS, seed);
    const vkey = formatCosignerVerifierKey(WITNESS, witness.publicKey);
    expect(Buffer.from(vkey.split('+')[2] as string, 'base64')[0]).toBe(0x04);
    expect(parseVerifierKey(vkey).keyHash).toBe(witness.keyHash);
    // Same key, other type byte: another key ID.
    expect(noteSignerFromSeed(WITNESS, seed).keyHash).not.toBe(witness.keyHash);
  });

  it('timestamps read from published cosignatures: the spec example (1679315147) and transparency-dev (1727964367)', () => {
    // The key ID and name do not matter for reading the time.
    const line = (base64: string): NoteSignature => ({ name: WITNESS, keyHash: 0, base64 });
    // C2SP tlog-cosignature example (witness.example.com/w1, key ID 8d66cf3f).
    expect(
      cosignatureTimestamp(
        line(
          'jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==',
        ),
      ),
    ).toBe(1679315147);
    // transparency-dev/formats TestCosignatureTimestamp.
    expect(
      cosignatureTimestamp(
        line(
          'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
        ),
      ),
    ).toBe(1727964367);
    // A plain (64-byte) note signature has no timestamp.
    const plain = line(
      'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=',
    );
    expect(() => cosignatureTimestamp(plain)).toThrow(
      expect.objectContaining({ code: 'ERR_AUDIT_MALFORMED_NOTE' }),
    );
  });

  it('a cosigned checkpoint verifies with the log key and the cosigner vkey; a changed time, body or type byte fails', async () => {
    const t = 1_800_000_000;
    const witness = cosignerFromSeed(WITNESS, seed, { now: () => t * 1000 });
    const wkey = formatCosignerVerifierKey(WITNESS, witness.publicKey);
    const logKey = parseVerifierKey(
      `${logSigner.name}+${logSigner.keyHash.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([1]), logSigner.publicKey]).toString('base64')}`,
    );
    const note = cosignNote(
      signCheckpoint(
        { origin: ORIGIN, size: 3, rootHash: new Uint8Array(32).fill(9), extensions: [] },
        [logSigner],
      ),
      [witness],
    );
    const cp = openCheckpoint(note, [logKey, parseVerifierKey(wkey)], {
      requiredSigners: [logSigner.name, WITNESS],
    });
    expect(cp.signedBy).toEqual([logSigner.name, WITNESS]);
    const opened = openNote(note, [logKey, parseVerifierKey(wkey)]);
    expect(cosignatureTimestamp(opened.verified[1] as NoteSignature)).toBe(t);

    const lines = note.split('\n');
    const wline = lines.at(-2) as string;
    const raw = Buffer.from(wline.split(' ')[2] as string, 'base64');
    // Time: the signature commits to it.
    const timeShifted = Buffer.from(raw);
    timeShifted[11] = (timeShifted[11] ?? 0) ^ 1;
    const badTime = note.replace(wline, `\u2014 ${WITNESS} ${timeShifted.toString('base64')}`);
    expect(() => openNote(badTime, [logKey, parseVerifierKey(wkey)])).toThrow(
      expect.objectContaining({ code: 'ERR_AUDIT_SIGNATURE_INVALID' }),
    );
    // Body: another size under the same cosignature.
    const otherBody = note.replace(`${ORIGIN}\n3\n`, `${ORIGIN}\n4\n`);
    expect(() => openNote(otherBody, [parseVerifierKey(wkey)])).toThrow(AuditLogError);
    // The same key as a plain (0x01) note key does not accept a cosignature, and
    // the cosigner key does not accept a plain note signature.
    const plainKey = parseVerifierKey(
      `${WITNESS}+${noteSignerFromSeed(WITNESS, seed).keyHash.toString(16).padStart(8, '0')}+${Buffer.concat([Buffer.from([1]), witness.publicKey]).toString('base64')}`,
    );
    expect(() => openNote(note, [plainKey])).toThrow(
      expect.objectContaining({ code: 'ERR_AUDIT_SIGNATURE_INVALID' }),
    );
    const plainSigned = cosignNote(note, [noteSignerFromSeed(WITNESS, seed)]);
    expect(openNote(plainSigned, [parseVerifierKey(wkey)]).verified).toHaveLength(1);
  });

  it('verifyLog accepts cosigner vkeys beside the log key and still verifies OK', async () => {
    const tmp = tempDir();
    try {
      const store = await makeStore(`${tmp.dir}/c.jsonl`);
      await store.append({ org: 'local', actor: 'u:1', action: 'a.b', target: 't' });
      await store.close();
      const witness = cosignerFromSeed(WITNESS, seed);
      const v = await verifyLog(store.lines(), {
        verifiers: [store.verifierKey, formatCosignerVerifierKey(WITNESS, witness.publicKey)],
        origin: ORIGIN,
      });
      expect(v.status).toBe('OK');
    } finally {
      tmp.cleanup();
    }
  });
});

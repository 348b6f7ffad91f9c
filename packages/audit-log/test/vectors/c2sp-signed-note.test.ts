import {
  AuditLogError,
  cosignNote,
  formatCheckpoint,
  formatVerifierKey,
  noteSignerFromSeed,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signCheckpoint,
  signNote,
} from '@palisade/audit-log';
import { describe, expect, it } from 'vitest';

// golang.org/x/mod/sumdb/note/note_test.go
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return AuditLogError.isInstance(e) ? e.code : 'untyped';
  }
  return undefined;
}

describe('C2SP signed-note (golang.org/x/mod/sumdb/note vectors)', () => {
  it('signing the PeterNeumann note reproduces the published signed note byte for byte', () => {
    const signer = parseSignerKey(SKEY);
    expect(signer.keyHash.toString(16)).toBe('c74f20a3');
    expect(signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('the verifier key derived from the signer key equals the published vkey', () => {
    const signer = parseSignerKey(SKEY);
    expect(formatVerifierKey(signer.name, signer.publicKey)).toBe(VKEY);
    const v = parseVerifierKey(VKEY);
    expect(v.keyHash).toBe(0xc74f20a3);
  });

  it('opening the published note verifies Peter and leaves an unknown key unverified', () => {
    const opened = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [parseVerifierKey(VKEY)]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(opened.unverified.map((s) => s.name)).toEqual(['EnochRoot']);
    const both = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [
      parseVerifierKey(VKEY),
      parseVerifierKey(ENOCH_VKEY),
    ]);
    expect(both.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
  });

  it('every single-byte mangling of the published vkey is rejected with ERR_AUDIT_MALFORMED_KEY', () => {
    const b = Buffer.from(VKEY);
    for (let i = 0; i < b.length; i++) {
      const m = Buffer.from(b);
      m[i] = (m[i] ?? 0) + 1;
      expect(codeOf(() => parseVerifierKey(m.toString('latin1')))).toBe('ERR_AUDIT_MALFORMED_KEY');
    }
    for (let j = 1; j < b.length; j++) {
      expect(codeOf(() => parseVerifierKey(VKEY.slice(0, j)))).toBe('ERR_AUDIT_MALFORMED_KEY');
    }
    expect(
      codeOf(() =>
        parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
      ),
    ).toBe('ERR_AUDIT_MALFORMED_KEY');
  });

  it('malformed notes from the Go suite are rejected with typed errors', () => {
    const v = [parseVerifierKey(VKEY)];
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ];
    for (const note of bad)
      expect(codeOf(() => openNote(note, v))).toBe('ERR_AUDIT_MALFORMED_NOTE');
    const corrupted = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(codeOf(() => openNote(corrupted, v))).toBe('ERR_AUDIT_SIGNATURE_INVALID');
    expect(codeOf(() => openNote(`${TEXT}\n${ENOCH_SIG}`, v))).toBe('ERR_AUDIT_SIGNATURE_INVALID');
  });
});

// C2SP tlog-checkpoint.md, the example at the top of the spec.
const SPEC_CHECKPOINT =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

describe('C2SP tlog-checkpoint', () => {
  it('the example checkpoint from the C2SP spec parses field for field and re-formats byte for byte', () => {
    const text = SPEC_CHECKPOINT.slice(0, SPEC_CHECKPOINT.indexOf('\n\n') + 1);
    const cp = parseCheckpoint(text);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(Buffer.from(cp.rootHash).toString('base64')).toBe(
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
    );
    expect(formatCheckpoint(cp)).toBe(text);
    // Its signature line is well-formed; the key is unknown to us, so the note has no verifiable signature.
    expect(codeOf(() => openNote(SPEC_CHECKPOINT, [parseVerifierKey(VKEY)]))).toBe(
      'ERR_AUDIT_SIGNATURE_INVALID',
    );
  });

  const signer = noteSignerFromSeed('example.com/log', new Uint8Array(32).fill(7));
  const witness = noteSignerFromSeed('witness.example', new Uint8Array(32).fill(9));
  const root = new Uint8Array(32).fill(0xab);

  it('a checkpoint body is origin, decimal size, base64 root and extension lines, each ending in a newline', () => {
    const body = formatCheckpoint({
      origin: 'example.com/log',
      size: 42,
      rootHash: root,
      extensions: ['time 1'],
    });
    expect(body).toBe(`example.com/log\n42\n${Buffer.from(root).toString('base64')}\ntime 1\n`);
    expect(parseCheckpoint(body).size).toBe(42);
    for (const bad of [
      'o\n042\nAA==\n',
      'o\n-1\nAA==\n',
      'o\n1\n',
      'o\n1\nAAAA\n',
      'o\n18446744073709551616\nq83vq83vq83vq83vq83vq83vq83vq83vq83vq83vq80=\n',
    ]) {
      expect(codeOf(() => parseCheckpoint(bad))).toBe('ERR_AUDIT_MALFORMED_NOTE');
    }
  });

  it('a cosigned checkpoint verifies for the log key and the witness, and a required witness that did not sign fails', () => {
    const note = signCheckpoint(
      { origin: 'example.com/log', size: 3, rootHash: root, extensions: [] },
      [signer],
    );
    const logKey = parseVerifierKey(formatVerifierKey(signer.name, signer.publicKey));
    const witKey = parseVerifierKey(formatVerifierKey(witness.name, witness.publicKey));
    expect(
      codeOf(() =>
        openCheckpoint(note, [logKey, witKey], {
          requiredSigners: ['example.com/log', 'witness.example'],
        }),
      ),
    ).toBe('ERR_AUDIT_SIGNATURE_INVALID');
    const cosigned = cosignNote(note, [witness]);
    const cp = openCheckpoint(cosigned, [logKey, witKey], {
      expectedOrigin: 'example.com/log',
      requiredSigners: ['example.com/log', 'witness.example'],
    });
    expect(cp.signedBy).toEqual(['example.com/log', 'witness.example']);
    expect(codeOf(() => openCheckpoint(note, [logKey], { expectedOrigin: 'other' }))).toBe(
      'ERR_AUDIT_SIGNATURE_INVALID',
    );
  });
});

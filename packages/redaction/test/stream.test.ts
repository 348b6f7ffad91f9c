import { describe, expect, it } from 'vitest';
import { createRedactTransform, redactText } from '../src/index.ts';
import { viaNode, viaWeb } from './stream-helpers.ts';

const AWS = 'AKIAZ7ROTATEME2345QQ';

describe('redaction streams', () => {
  it('catches a secret split across two chunks (Node Transform and WHATWG TransformStream)', async () => {
    const text = `line one\nkey=${AWS} end\n`;
    const cut = text.indexOf(AWS) + 7;
    const chunks = [text.slice(0, cut), text.slice(cut)];
    const expected = 'line one\nkey=<secret:aws-access-key-id#1> end\n';
    expect((await viaNode(chunks)).toString()).toBe(expected);
    expect(await viaWeb(chunks)).toBe(expected);
  });

  it('decodes UTF-8 split inside a multi-byte character and splits a byte stream anywhere', async () => {
    const text = `héllo 日本 😀 ${AWS}\nmore ${AWS}`;
    const bytes = Buffer.from(text);
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    const expected = redactText(text).text;
    expect((await viaNode(chunks)).toString()).toBe(expected);
    expect(await viaWeb(chunks)).toBe(expected);
  });

  it('numbers placeholders across the whole stream like one whole-input call', async () => {
    const text = `a ${AWS}\nb AKIAQQ4567ROTATEME22\nc ${AWS}\n`;
    const chunks = text.split('');
    expect(await viaWeb(chunks)).toBe(redactText(text).text);
  });

  it('holds an unfinished PEM block until its END line, within the window', async () => {
    const pem = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      'QyNTUxOQAAACDsb8yRfdt1HmOvZ1vIf0c0K3lqXjYw0xk1m5iD3FeG8QAAAJgM3h2sDN4d',
      '-----END OPENSSH PRIVATE KEY-----',
    ].join('\n');
    const text = `before\n${pem}\nafter\n`;
    const chunks = text.split('\n').map((l) => `${l}\n`);
    chunks[chunks.length - 1] = '';
    expect(await viaWeb(chunks)).toBe(redactText(text).text);
  });

  it('bounds held-back text: a line longer than maxWindow is released in windows before its end arrives', async () => {
    const t = createRedactTransform({ maxWindow: 256 });
    const out: string[] = [];
    t.on('data', (c: Buffer) => out.push(c.toString()));
    t.write('x '.repeat(1000));
    await new Promise((r) => setImmediate(r));
    const released = out.join('').length;
    expect(released).toBeGreaterThan(2000 - 256);
    t.end();
  });

  it('replaces a value flagged on one line wherever it recurs on later lines, at any offset', async () => {
    const pw = 'Xq7rT2mzLp9vB4';
    // The recurrence sits at the same offset in its line as the first finding.
    const text = `password=${pw}\necho 1234${pw}\nlater: ${pw}\n`;
    const lines = text.split(/(?<=\n)/);
    for (const out of [
      await viaWeb(lines),
      (await viaNode(lines)).toString(),
      await viaWeb([text]),
    ]) {
      expect(out).not.toContain(pw);
    }
    expect(await viaWeb(lines)).toBe(redactText(text).text);
  });

  it('rejects a window below 256 with RangeError', () => {
    expect(() => createRedactTransform({ maxWindow: 10 })).toThrow(RangeError);
  });

  it('masks home paths in the stream when asked', async () => {
    expect(await viaWeb(['at /home/fr', 'ank/x\n'], { maskPaths: { usernames: [] } })).toBe(
      'at /home/<user>/x\n',
    );
  });
});

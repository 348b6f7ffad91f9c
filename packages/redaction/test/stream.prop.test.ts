import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { expect } from 'vitest';
import { createScanner, redactText } from '../src/index.ts';
import { arbCuts, arbDoc, arbLongFillerLine, splitAt } from './arbitraries.ts';
import { viaNode, viaWeb } from './stream-helpers.ts';

const scanner = createScanner();

/**
 * The documented exception to stream/whole-input identity: a stream cannot
 * replace an occurrence of a value on a line before the line where the value
 * is first flagged (that text has already been released). True when no such
 * occurrence exists.
 */
function noEarlierUnflaggedRecurrence(text: string): boolean {
  const seen = new Set<string>();
  for (const f of scanner.scan(text)) {
    const v = text.slice(f.start, f.end);
    if (seen.has(v)) continue;
    seen.add(v);
    const firstAt = text.indexOf(v);
    const lineStart = text.lastIndexOf('\n', f.start - 1) + 1;
    if (firstAt < lineStart) return false;
  }
  return true;
}

const arbChunked = arbDoc().chain((doc) =>
  fc.record({
    doc: fc.constant(doc),
    cuts: arbCuts(doc.text.length),
    byteCuts: arbCuts(Buffer.byteLength(doc.text)),
  }),
);

test.prop([arbChunked])(
  'chunking the input at arbitrary points never changes the Node Transform output (byte-identical to whole-input redaction)',
  async ({ doc, byteCuts }) => {
    const bytes = Buffer.from(doc.text);
    const chunks: Uint8Array[] = [];
    let prev = 0;
    for (const c of [...byteCuts, bytes.length]) {
      chunks.push(bytes.subarray(prev, c));
      prev = c;
    }
    const out = await viaNode(chunks);
    expect(out.equals(await viaNode([bytes]))).toBe(true);
    if (noEarlierUnflaggedRecurrence(doc.text)) {
      expect(out.toString()).toBe(redactText(doc.text).text);
    }
  },
);

test.prop([arbChunked])(
  'chunking the input at arbitrary points never changes the WHATWG TransformStream output (identical to whole-input redaction)',
  async ({ doc, cuts }) => {
    const out = await viaWeb(splitAt(doc.text, cuts));
    expect(out).toBe(await viaWeb([doc.text]));
    if (noEarlierUnflaggedRecurrence(doc.text)) expect(out).toBe(redactText(doc.text).text);
    for (const s of doc.secrets) expect(out).not.toContain(s);
  },
);

const arbLong = arbDoc(arbLongFillerLine()).chain((doc) =>
  fc.record({ doc: fc.constant(doc), cuts: arbCuts(doc.text.length) }),
);

test.prop([arbLong])(
  'with a small window, lines longer than the window are cut the same way for any chunking',
  async ({ doc, cuts }) => {
    const options = { maxWindow: 256 };
    const out = await viaWeb(splitAt(doc.text, cuts), options);
    expect(out).toBe(await viaWeb([doc.text], options));
    // Node receives bytes: cut the UTF-8 encoding at the same relative points.
    const bytes = Buffer.from(doc.text);
    const byteCuts = [...new Set(cuts.map((c) => Math.floor((c * bytes.length) / doc.text.length)))]
      .filter((c) => c > 0 && c < bytes.length)
      .sort((a, b) => a - b);
    const pieces: Uint8Array[] = [];
    let prev = 0;
    for (const c of [...byteCuts, bytes.length]) {
      pieces.push(bytes.subarray(prev, c));
      prev = c;
    }
    expect((await viaNode(pieces, options)).toString()).toBe(out);
  },
);

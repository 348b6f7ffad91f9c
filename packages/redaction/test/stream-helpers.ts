import { Readable } from 'node:stream';
import {
  createRedactionStream,
  createRedactTransform,
  type RedactStreamOptions,
} from '../src/index.ts';

/** Runs chunks through the Node Transform and returns the output bytes. */
export async function viaNode(
  chunks: ReadonlyArray<string | Uint8Array>,
  options?: RedactStreamOptions,
): Promise<Buffer> {
  const out: Buffer[] = [];
  const t = createRedactTransform(options);
  const done = new Promise<void>((resolve, reject) => {
    t.on('data', (c: Buffer) => out.push(Buffer.from(c)));
    t.on('end', resolve);
    t.on('error', reject);
  });
  Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : Buffer.from(c)))).pipe(
    t,
  );
  await done;
  return Buffer.concat(out);
}

/** Runs chunks through the WHATWG TransformStream and returns the output text. */
export async function viaWeb(
  chunks: ReadonlyArray<string | Uint8Array>,
  options?: RedactStreamOptions,
): Promise<string> {
  const source = new ReadableStream<string | Uint8Array>({
    start(controller): void {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  let out = '';
  const reader = source.pipeThrough(createRedactionStream(options)).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value;
  return out;
}

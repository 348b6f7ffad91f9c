import { Transform } from 'node:stream';
import { type MaskPathsOptions, maskPaths } from './redact-path.ts';
import {
  createRun,
  type RedactionRun,
  type RedactTextOptions,
  redactWithRun,
} from './redact-text.ts';

/**
 * The longest stretch of text the redaction streams hold back (64 KiB of
 * UTF-16 code units) unless `maxWindow` is given.
 *
 * Exported from `@palisade/redaction`.
 *
 * @example
 * ```ts
 * DEFAULT_MAX_WINDOW; // 65536
 * ```
 */
export const DEFAULT_MAX_WINDOW = 65_536;

/** Options for {@link createRedactTransform} and {@link createRedactionStream}. */
export interface RedactStreamOptions extends RedactTextOptions {
  /**
   * The bound on held-back text, in UTF-16 code units (default
   * {@link DEFAULT_MAX_WINDOW}, minimum 256). Text is released line by line;
   * a PEM block is held until its `-----END` line (a block longer than the
   * window is cut at its last line break inside the window); a line longer
   * than the window is cut into windows (after the last space or tab in the
   * window's second half, else at the window size). A secret straddling such
   * a cut is not guaranteed to be caught; the cuts never depend on chunking.
   */
  readonly maxWindow?: number;
  /** Also mask home directories and user names (as {@link maskPaths}); off by default. */
  readonly maskPaths?: MaskPathsOptions | boolean;
}

/**
 * Line-oriented incremental redactor shared by both stream flavours. Output
 * does not depend on how the input is chunked.
 * @internal
 */
export class IncrementalRedactor {
  readonly #run: RedactionRun;
  readonly #max: number;
  readonly #mask: MaskPathsOptions | undefined;
  #pending = '';

  constructor(options: RedactStreamOptions | undefined) {
    this.#run = createRun(options);
    const max = options?.maxWindow ?? DEFAULT_MAX_WINDOW;
    if (!Number.isInteger(max) || max < 256) {
      throw new RangeError('maxWindow must be an integer of at least 256');
    }
    this.#max = max;
    const m = options?.maskPaths;
    this.#mask = m === true ? {} : m === false || m === undefined ? undefined : m;
  }

  #redact(piece: string): string {
    if (piece.length === 0) return '';
    const r = redactWithRun(this.#run, piece, true).text;
    return this.#mask === undefined ? r : maskPaths(r, this.#mask);
  }

  /** Where to cut a window of an over-long line that starts at `pos`. */
  #windowCut(text: string, pos: number): number {
    const end = pos + this.#max;
    let ws = -1;
    for (let i = end - 1; i >= pos + (this.#max >> 1); i--) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        ws = i;
        break;
      }
    }
    let cut = ws === -1 ? end : ws + 1;
    const prev = text.charCodeAt(cut - 1);
    if (prev >= 0xd800 && prev <= 0xdbff) cut -= 1;
    return cut;
  }

  /** Redacts `text[0:end]`, cutting over-long lines into windows. */
  #emit(text: string, end: number): string {
    let out = '';
    let groupStart = 0;
    let lineStart = 0;
    while (lineStart < end) {
      const nl = text.indexOf('\n', lineStart);
      const lineEnd = nl === -1 || nl >= end ? end : nl + 1;
      if (lineEnd - lineStart > this.#max) {
        out += this.#redact(text.slice(groupStart, lineStart));
        let pos = lineStart;
        while (lineEnd - pos > this.#max) {
          const cut = this.#windowCut(text, pos);
          out += this.#redact(text.slice(pos, cut));
          pos = cut;
        }
        groupStart = pos;
      }
      lineStart = lineEnd;
    }
    out += this.#redact(text.slice(groupStart, end));
    return out;
  }

  /**
   * Releases what is safe to release. Text goes out in whole lines; a PEM
   * block is held until its END line is complete; a block longer than the
   * window (BEGIN line start to END line end) is cut at the last line break
   * inside the window from its BEGIN line, whether or not its END has arrived,
   * so no cut depends on chunking. `final` releases everything.
   */
  #drain(final: boolean): string {
    let out = '';
    for (;;) {
      const pending = this.#pending;
      let ready = final ? pending.length : pending.lastIndexOf('\n') + 1;
      let cutByPem = false;
      let hold = false;
      let from = 0;
      while (ready > 0) {
        const begin = pending.indexOf('-----BEGIN', from);
        if (begin === -1 || begin >= ready) break;
        const holdStart = pending.lastIndexOf('\n', begin) + 1;
        const end = pending.indexOf('-----END', begin);
        let blockEnd = -1;
        if (end !== -1 && end < ready) {
          const nl = pending.indexOf('\n', end);
          blockEnd = nl === -1 ? pending.length : nl + 1;
        }
        const oversize =
          blockEnd !== -1
            ? blockEnd - holdStart > this.#max
            : pending.length - holdStart > this.#max;
        if (oversize) {
          const lastNl = pending.lastIndexOf('\n', holdStart + this.#max - 1);
          if (lastNl >= holdStart) {
            ready = lastNl + 1;
            cutByPem = true;
            break;
          }
        } else if (blockEnd === -1 && !final) {
          ready = holdStart;
          hold = true;
          break;
        }
        from = blockEnd === -1 ? begin + 1 : blockEnd;
      }
      // A partial last line longer than the window: release whole windows of it.
      let tail = ready;
      if (!cutByPem && !hold && !final) {
        while (pending.length - tail > this.#max) tail = this.#windowCut(pending, tail);
      }
      if (tail === 0) return out;
      out += this.#emit(pending, ready);
      let pos = ready;
      while (pos < tail) {
        const cut = this.#windowCut(pending, pos);
        out += this.#redact(pending.slice(pos, cut));
        pos = cut;
      }
      this.#pending = pending.slice(tail);
      if (!cutByPem) return out;
    }
  }

  /** Feeds text; returns the redacted output that is safe to release now. */
  write(text: string): string {
    this.#pending += text;
    return this.#drain(false);
  }

  /** Flushes everything held back. */
  end(): string {
    return this.#drain(true);
  }
}

/**
 * A Node.js `Transform` that redacts a text stream (UTF-8 bytes or strings in,
 * UTF-8 out). A secret split across chunks is still caught, and the output is
 * byte-identical to redacting the whole input at once, for any chunking, as
 * long as no secret spans a line break (PEM blocks excepted) and no line
 * exceeds `maxWindow`; see {@link RedactStreamOptions.maxWindow} for the bound
 * on held-back text.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param options - scanner, vault, allow-list, window and path masking.
 * @returns a Transform stream.
 * @throws RangeError when `maxWindow` is below 256.
 * @example Redact stdin to stdout.
 * ```ts
 * process.stdin.pipe(createRedactTransform()).pipe(process.stdout);
 * ```
 */
export function createRedactTransform(options?: RedactStreamOptions): Transform {
  const redactor = new IncrementalRedactor(options);
  const decoder = new TextDecoder('utf-8');
  return new Transform({
    decodeStrings: false,
    transform(chunk: unknown, _encoding, callback): void {
      try {
        const text =
          typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
        const out = redactor.write(text);
        callback(null, out.length > 0 ? out : undefined);
      } catch (e) {
        callback(e as Error);
      }
    },
    flush(callback): void {
      try {
        const out = redactor.write(decoder.decode()) + redactor.end();
        callback(null, out.length > 0 ? out : undefined);
      } catch (e) {
        callback(e as Error);
      }
    },
  });
}

/**
 * A WHATWG `TransformStream` (strings or UTF-8 bytes in, strings out) with the
 * same guarantees as {@link createRedactTransform}.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param options - scanner, vault, allow-list, window and path masking.
 * @returns a TransformStream of text.
 * @throws RangeError when `maxWindow` is below 256.
 * @example Redact a fetch body.
 * ```ts
 * const redacted = response.body.pipeThrough(createRedactionStream());
 * ```
 */
export function createRedactionStream(
  options?: RedactStreamOptions,
): TransformStream<string | Uint8Array, string> {
  const redactor = new IncrementalRedactor(options);
  const decoder = new TextDecoder('utf-8');
  return new TransformStream<string | Uint8Array, string>({
    transform(chunk, controller): void {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      const out = redactor.write(text);
      if (out.length > 0) controller.enqueue(out);
    },
    flush(controller): void {
      const out = redactor.write(decoder.decode()) + redactor.end();
      if (out.length > 0) controller.enqueue(out);
    },
  });
}

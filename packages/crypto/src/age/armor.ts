// ASCII armor for age files (age spec, "ASCII armor"): strict PEM as in
// RFC 7468 section 3 (figure 3) with the label "AGE ENCRYPTED FILE", padded
// canonical base64 in 64-column lines. Both directions stream: the encoder
// keeps under 48 bytes between calls, the decoder under one line, so armor
// adds no unbounded buffering. Whitespace before and after the block and
// CRLF line ends are accepted (as the spec allows); anything else that is
// not the canonical encoding is refused, since a lax parser would make the
// armored file malleable.
import { CryptoError } from '../errors.ts';

export const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
export const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const LINE_BYTES = 48; // 64 base64 characters
const LINE_CHARS = 64;
const NL = Buffer.from('\n');

function armorError(detail: string): CryptoError {
  return new CryptoError('ERR_CRYPTO_AGE_HEADER_INVALID', `invalid age armor: ${detail}`);
}

/** Streaming armor encoder: `begin`, then `push` for every piece, then `end`. */
export class ArmorEncoder {
  private carry: Buffer = Buffer.alloc(0);

  begin(): Buffer {
    return Buffer.from(`${ARMOR_BEGIN}\n`, 'latin1');
  }

  /** The complete 64-column lines that `data` finishes (possibly none). */
  push(data: Buffer): Buffer | undefined {
    const all = this.carry.length === 0 ? data : Buffer.concat([this.carry, data]);
    const whole = all.length - (all.length % LINE_BYTES);
    this.carry = Buffer.from(all.subarray(whole));
    if (whole === 0) return undefined;
    return lines(all.subarray(0, whole));
  }

  /** The last (padded) line, if any, and the end line. */
  end(): Buffer {
    const last = this.carry.length === 0 ? Buffer.alloc(0) : lines(this.carry);
    this.carry = Buffer.alloc(0);
    return Buffer.concat([last, Buffer.from(`${ARMOR_END}\n`, 'latin1')]);
  }
}

function lines(bytes: Buffer): Buffer {
  const b64 = bytes.toString('base64');
  const n = Math.ceil(b64.length / LINE_CHARS);
  const out = Buffer.allocUnsafe(b64.length + n);
  let o = 0;
  for (let i = 0; i < b64.length; i += LINE_CHARS) {
    o += out.write(b64.slice(i, i + LINE_CHARS), o, 'latin1');
    o += NL.copy(out, o);
  }
  return out;
}

const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Streaming strict armor decoder. `push` returns the payload bytes of every
 * line the data completes; `end` checks that the block was closed.
 */
export class ArmorDecoder {
  private state: 'before' | 'begin' | 'body' | 'after' = 'before';
  private line = '';
  /** Set after a line shorter than 64 characters: only the end line may follow. */
  private lastLineSeen = false;

  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < data.length; i++) {
      const c = data[i] as number;
      if (this.state === 'before') {
        if (isSpace(c)) continue;
        this.state = 'begin';
      }
      if (this.state === 'after') {
        if (!isSpace(c)) throw armorError('data after the end line');
        continue;
      }
      if (c === 0x0a) {
        const decoded = this.endLine();
        if (decoded !== undefined) out.push(decoded);
        continue;
      }
      // A line holds at most 64 characters (the begin/end lines fewer), plus a CR.
      if (this.line.length > LINE_CHARS) throw armorError('line longer than 64 columns');
      this.line += String.fromCharCode(c);
    }
    return out;
  }

  private endLine(): Buffer | undefined {
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    this.line = '';
    if (this.state === 'begin') {
      if (line !== ARMOR_BEGIN) throw armorError('missing or malformed begin line');
      this.state = 'body';
      return undefined;
    }
    if (line === ARMOR_END) {
      this.state = 'after';
      return undefined;
    }
    if (this.lastLineSeen) throw armorError('a short line before the end line');
    if (line.length === 0 || line.length > LINE_CHARS || line.length % 4 !== 0) {
      throw armorError('line of a wrong length');
    }
    if (!BASE64_LINE.test(line)) throw armorError('not base64');
    const bytes = Buffer.from(line, 'base64');
    // Canonical: re-encoding gives the same characters (padding, zero bits).
    if (bytes.toString('base64') !== line) throw armorError('non-canonical base64');
    if (line.length < LINE_CHARS || line.endsWith('=')) this.lastLineSeen = true;
    return bytes;
  }

  /** Throws unless the end line was seen. */
  end(): void {
    if (this.state === 'after') return;
    if (this.state === 'before') {
      throw new CryptoError('ERR_CRYPTO_AGE_TRUNCATED', 'age file is truncated (empty input)');
    }
    // The end line may lack its line feed.
    const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
    if (this.state === 'body' && line === ARMOR_END) return;
    throw new CryptoError('ERR_CRYPTO_AGE_TRUNCATED', 'age file is truncated (inside the armor)');
  }
}

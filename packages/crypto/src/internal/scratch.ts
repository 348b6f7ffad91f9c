// A reusable byte buffer for synchronous hot paths (seal/open on node:crypto):
// allocating a fresh ArrayBuffer costs more than sealing 64 bytes, so the
// associated data is assembled here instead. A view from `bytes(n)` is valid
// only until the next call on the same Scratch: callers fill and consume it
// with no `await` in between and never hand it out. Only public bytes (sealed
// headers, encoded contexts) go through it. Internal: never re-exported.

export class Scratch {
  #buf: Uint8Array;

  constructor(initialBytes: number) {
    this.#buf = new Uint8Array(initialBytes);
  }

  /** A view of `n` bytes (contents unspecified), grown by doubling when needed. */
  bytes(n: number): Uint8Array {
    if (this.#buf.length < n) {
      let size = this.#buf.length * 2;
      while (size < n) size *= 2;
      this.#buf = new Uint8Array(size);
    }
    return this.#buf.subarray(0, n);
  }
}

/** Allocates a fresh array: the default target of encoders that can also write to a Scratch. */
export function freshBytes(n: number): Uint8Array {
  return new Uint8Array(n);
}

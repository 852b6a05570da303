// Readers that misbehave on purpose, after Go's testing/iotest. Shared by tests of this and
// other packages through the `@ka/io/testing` subpath.
import type { Reader, Writer } from '../io.js';

/** Go's `iotest.OneByteReader`: returns at most one byte per read. */
export class OneByteReader implements Reader {
  constructor(private readonly r: Reader) {}
  read(p: Uint8Array): Promise<number | null> {
    return this.r.read(p.length === 0 ? p : p.subarray(0, 1));
  }
}

/** Go's `iotest.HalfReader`: returns half of what was asked for (rounded up). */
export class HalfReader implements Reader {
  constructor(private readonly r: Reader) {}
  read(p: Uint8Array): Promise<number | null> {
    return this.r.read(p.subarray(0, (p.length + 1) >> 1));
  }
}

/** A reader that yields the given chunks one per read, then EOF or the given error. */
export class ChunkReader implements Reader {
  #chunks: Uint8Array[];
  #err: unknown;
  reads = 0;
  constructor(chunks: (Uint8Array | string)[], err?: unknown) {
    this.#chunks = chunks.map((c) => (typeof c === 'string' ? new TextEncoder().encode(c) : c));
    this.#err = err;
  }
  async read(p: Uint8Array): Promise<number | null> {
    this.reads++;
    const c = this.#chunks[0];
    if (c === undefined) {
      if (this.#err !== undefined) throw this.#err;
      return null;
    }
    const n = Math.min(c.length, p.length);
    p.set(c.subarray(0, n));
    if (n === c.length) this.#chunks.shift();
    else this.#chunks[0] = c.subarray(n);
    return n;
  }
}

/** A writer that records each write call, optionally failing after `failAfter` calls. */
export class RecordingWriter implements Writer {
  writes: Uint8Array[] = [];
  constructor(
    private readonly failAfter = Number.POSITIVE_INFINITY,
    private readonly err: unknown = new Error('write failed'),
  ) {}
  async write(p: Uint8Array): Promise<number> {
    if (this.writes.length >= this.failAfter) throw this.err;
    this.writes.push(p.slice());
    return p.length;
  }
  /** All bytes written, decoded as latin1 for easy comparison. */
  text(): string {
    return this.writes.map((w) => Buffer.from(w).toString('latin1')).join('');
  }
}

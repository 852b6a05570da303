// Go: bufioReaderPool / bufioWriter2kPool / bufioWriter4kPool (server.go) — Go recycles the
// buffers of closed connections through sync.Pools. Here buffers are also lent back while a
// keep-alive connection idles between requests, so an idle connection holds no buffers at
// all; the pools are bounded, so a burst of idle connections leaves at most
// `maxPooled` buffers of each size behind.

const maxPooled = 256;

/** A bounded free list of equal-size byte buffers. */
export class BufPool {
  readonly size: number;
  readonly #free: Uint8Array[] = [];

  constructor(size: number) {
    this.size = size;
  }

  /** A pooled buffer, or undefined when the pool is empty (the caller allocates). */
  get(): Uint8Array | undefined {
    return this.#free.pop();
  }

  /** Returns a buffer; dropped when the pool is full or the size is wrong. */
  put(b: Uint8Array | null): void {
    if (b === null || b.length !== this.size || this.#free.length >= maxPooled) return;
    this.#free.push(b);
  }

  /** How many buffers are pooled (for tests). */
  get length(): number {
    return this.#free.length;
  }
}

/** Buffers of the connections' 4 KiB readers and writers. */
export const pool4k = new BufPool(4 << 10);
/** Buffers of the responses' 2 KiB writers. */
export const pool2k = new BufPool(2 << 10);

// Go: transport.go connLRU — the idle connections of every host in the order they became
// idle, so that MaxIdleConns can evict the one idle the longest.
//
// A Map keeps insertion order, which is all the list Go builds by hand is for: adding puts a
// connection at the "most recent" end, the first key is the oldest.

/** Go's `connLRU`: idle connections, least recently idled first. */
export class ConnLRU<T> {
  readonly #m = new Set<T>();

  // Go: (*connLRU).add — a connection may be in the list only once.
  /** Records `pc` as the most recently idled connection. */
  add(pc: T): void {
    if (this.#m.has(pc)) throw new Error('persistConn was already in LRU');
    this.#m.add(pc);
  }

  // Go: (*connLRU).removeOldest.
  /** Removes and returns the connection idle the longest, or undefined when empty. */
  removeOldest(): T | undefined {
    for (const pc of this.#m) {
      this.#m.delete(pc);
      return pc;
    }
    return undefined;
  }

  /** Forgets `pc` if present. */
  remove(pc: T): void {
    this.#m.delete(pc);
  }

  /** Whether `pc` is in the list (Go: `t.idleLRU.m[pc]`). */
  has(pc: T): boolean {
    return this.#m.has(pc);
  }

  /** Number of idle connections tracked. */
  get length(): number {
    return this.#m.size;
  }
}

// Reads of a dialed socket handed straight to its conn, past Node's stream machinery.
//
// Node's `onread` connect option (dialed sockets only; accepted ones cannot have it) gives
// each read to a callback, in a buffer of ours. Without it, every read is wrapped in a new
// Buffer and goes through Readable.push, addChunk and a 'data' event. The buffer here is one
// for all sockets: a read lands in it and is copied out before the callback returns, and the
// next read, whichever socket it is for, only comes after.
import type { Socket } from 'node:net';

const readBuffer = Buffer.allocUnsafeSlow(64 * 1024);

/** @internal Where a dialed socket's reads go: queued until its conn takes them over. */
export class DirectReads {
  #sink: ((chunk: Buffer) => void) | null = null;
  #early: Buffer[] | null = null;

  /** The `onread` option for `net.connect`. */
  readonly onread = {
    buffer: readBuffer,
    // Always true (go on reading): the conn pauses the socket itself when its queue is full.
    callback: (n: number, buf: Uint8Array): boolean => {
      const chunk = Buffer.allocUnsafe(n); // from Node's pool when small
      chunk.set(n === buf.length ? buf : buf.subarray(0, n));
      if (this.#sink !== null) this.#sink(chunk);
      else (this.#early ??= []).push(chunk);
      return true;
    },
  };

  /** Sends the reads to `sink` from now on, those that came before the conn first. */
  attach(sink: (chunk: Buffer) => void): void {
    const early = this.#early;
    this.#early = null;
    this.#sink = sink;
    if (early !== null) for (const c of early) sink(c);
  }
}

// The sockets dialed with direct reads, for the conn that wraps them.
const bySocket = new WeakMap<Socket, DirectReads>();

/** @internal Records that `socket` was dialed with `reads.onread`. */
export function setDirectReads(socket: Socket, reads: DirectReads): void {
  bySocket.set(socket, reads);
}

/** @internal The direct reads of `socket`, if it was dialed with them. */
export function directReadsOf(socket: Socket): DirectReads | undefined {
  return bySocket.get(socket);
}

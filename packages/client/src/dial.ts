// The connection and dialer contracts the transport is written against.
//
// They are the subset of @ka/net's `Conn` and `dial` the transport uses, stated structurally
// so a `dial` hook can return a @ka/net Conn, a TLS-wrapped one, or a test double.
import type { Reader, Writer } from '@ka/io';

/** The connection the transport reads responses from and writes requests to (Go's `net.Conn`). */
export interface Conn extends Reader, Writer {
  /** Reads into `p`; resolves the count, `null` at EOF; rejects once the conn is closed. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes all of `p` or rejects. */
  write(p: Uint8Array): Promise<number>;
  /** Closes both directions; a pending `read` rejects. Must be idempotent. */
  close(): void | Promise<void>;
  /** Half-close (FIN) of the write side, if supported (101 Switching Protocols bodies). */
  closeWrite?(): void | Promise<void>;
  /** The local address (`ip:port` or an Addr object), if known. */
  readonly localAddr?: unknown;
  /** The remote address, if known. */
  readonly remoteAddr?: unknown;
  /** Lets the process exit while this conn is open (idle pooled conns are unref'd). */
  unref?(): void;
  /** Undoes {@link Conn.unref}. */
  ref?(): void;
}

/** Options passed to a {@link DialFunc}. */
export interface DialOptions {
  /** Aborted when the dial is no longer wanted (Go: the dial context). */
  signal: AbortSignal;
}

/**
 * Go's `Transport.DialContext`: connects to `address` (`host:port`) on `network` (`tcp`).
 * Rejects with the dial error (Go: a `*net.OpError`, e.g.
 * `dial tcp 127.0.0.1:1: connect: connection refused`).
 */
export type DialFunc = (network: string, address: string, options: DialOptions) => Promise<Conn>;

/** Closes `conn`, ignoring errors (a second close of a @ka/net Conn rejects). */
export async function closeQuietly(conn: Conn): Promise<void> {
  try {
    await conn.close();
  } catch {
    // already closed
  }
}

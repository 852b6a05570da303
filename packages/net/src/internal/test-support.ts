// Helpers for this package's tests (not exported from the package).

import type { TCPConn, UnixConn } from '../conn.js';
import { type DialerOptions, dial } from '../dial.js';
import { type ListenConfig, type Listener, listen } from '../listen.js';

/** A listener with one accepted connection and its dialed peer. */
export interface TCPPair {
  ln: Listener<TCPConn | UnixConn>;
  /** The dialed end. */
  client: TCPConn;
  /** The accepted end. */
  server: TCPConn;
  /** Closes all three, ignoring "already closed". */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:0, dials it, accepts. */
export async function tcpPair(
  listenConfig: ListenConfig = {},
  dialer: DialerOptions = {},
  address = '127.0.0.1:0',
): Promise<TCPPair> {
  const ln = await listen('tcp', address, listenConfig);
  const [client, server] = await Promise.all([
    dial('tcp', ln.addr().toString(), dialer),
    ln.accept(),
  ]);
  return {
    ln,
    client: client as TCPConn,
    server: server as TCPConn,
    async close() {
      await Promise.allSettled([client.close(), server.close(), ln.close()]);
    },
  };
}

/** The text of a rejection (fails the test when `p` resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** Resolves after `ms` (the timer is always cleared by firing). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `n` bytes of a repeating pattern, easy to verify. */
export function pattern(n: number, seed = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** True when a promise has settled (checked after a macrotask turn). */
export async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

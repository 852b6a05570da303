// Go: transport.go (*persistConn).addTLS — the TLS layer of https connections, on node:tls.
//
// The handshake runs over any Conn (a TCP conn, or a CONNECT tunnel through a proxy) by
// presenting it to node:tls as a Duplex stream. The first bytes the server sends are
// inspected: a server that answers the ClientHello with plain `HTTP/` gets Go's
// RecordHeaderError, which the Client reports as ErrSchemeMismatch.
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { GoError } from '@ka/io';
import { type ConnectionState, connectionStateOf } from '@ka/net';
import { type Conn, closeQuietly } from './dial.js';
import { TLSHandshakeTimeoutError } from './errors.js';
import { SocketConn } from './internal/node-conn.js';
import type { ClientTrace } from './trace.js';

/**
 * Go's `tls.RecordHeaderError`: the server's first bytes are not a TLS record. `recordHeader`
 * holds those 5 bytes (`HTTP/` for a plain HTTP server).
 */
export class RecordHeaderError extends GoError {
  /** The first 5 bytes the server sent. */
  readonly recordHeader: Uint8Array;
  constructor(message: string, recordHeader: Uint8Array) {
    super('ERR_TLS_RECORD_HEADER', message);
    this.name = 'RecordHeaderError';
    this.recordHeader = recordHeader;
  }
}

/** The TLS settings addTLS reads from the transport. */
export interface TLSSettings {
  readonly tlsClientConfig: tls.ConnectionOptions | undefined;
  readonly tlsHandshakeTimeout: number;
}

// A Duplex over a Conn, recording the first 5 bytes read.
function connDuplex(conn: Conn, first: { bytes: Uint8Array }): Duplex {
  let pumping = false;
  const buf = new Uint8Array(16 * 1024);
  const d: Duplex = new Duplex({
    read() {
      if (pumping) return;
      pumping = true;
      void pump();
    },
    write(chunk: Buffer, _enc, cb) {
      conn.write(chunk).then(
        () => cb(),
        (e: unknown) => cb(e as Error),
      );
    },
    final(cb) {
      if (conn.closeWrite === undefined) return cb();
      Promise.resolve(conn.closeWrite()).then(
        () => cb(),
        (e: unknown) => cb(e as Error),
      );
    },
    destroy(err, cb) {
      Promise.resolve(conn.close()).then(
        () => cb(err),
        () => cb(err),
      );
    },
  });
  async function pump(): Promise<void> {
    for (;;) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch (e) {
        d.destroy(e as Error);
        return;
      }
      if (n === null) {
        d.push(null);
        return;
      }
      if (first.bytes.length < 5) {
        const k = Math.min(5 - first.bytes.length, n);
        const b = new Uint8Array(first.bytes.length + k);
        b.set(first.bytes);
        b.set(buf.subarray(0, k), first.bytes.length);
        first.bytes = b;
      }
      if (!d.push(Buffer.from(buf.subarray(0, n)))) {
        pumping = false;
        return;
      }
    }
  }
  return d;
}

// Go: (*persistConn).addTLS — handshake with `name` as server name, honoring
// TLSHandshakeTimeout; on failure the plain connection is closed.
/**
 * Runs a TLS client handshake over `conn` and resolves the encrypted Conn with the
 * handshake's state.
 */
export async function addTLS(
  conn: Conn,
  name: string,
  t: TLSSettings,
  onlyH1: boolean,
  trace: ClientTrace | undefined,
  signal: AbortSignal,
): Promise<{ conn: Conn; state: ConnectionState }> {
  const first = { bytes: new Uint8Array(0) };
  const duplex = connDuplex(conn, first);
  const cfg: tls.ConnectionOptions = { ...t.tlsClientConfig };
  if (cfg.servername === undefined && isIP(name) === 0) cfg.servername = name;
  cfg.host ??= name;
  // Only HTTP/1.1 is spoken here, websocket upgrades or not.
  void onlyH1;
  cfg.ALPNProtocols = ['http/1.1'];
  trace?.tlsHandshakeStart?.();
  const socket = tls.connect({ ...cfg, socket: duplex });
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        socket.off('secureConnect', onOK);
        socket.off('error', onErr);
        signal.removeEventListener('abort', onAbort);
      };
      const onOK = () => {
        cleanup();
        resolve();
      };
      const onErr = (e: Error) => {
        cleanup();
        const h = first.bytes;
        if (h.length === 5 && Buffer.from(h).toString('latin1') === 'HTTP/') {
          reject(new RecordHeaderError('tls: first record does not look like a TLS handshake', h));
          return;
        }
        reject(new GoError('ERR_TLS', `tls: ${e.message}`, { cause: e }));
      };
      const onAbort = () => {
        cleanup();
        reject(new GoError('ERR_TLS_CANCELED', 'operation was canceled', { cause: signal.reason }));
      };
      socket.once('secureConnect', onOK);
      socket.once('error', onErr);
      signal.addEventListener('abort', onAbort, { once: true });
      if (t.tlsHandshakeTimeout > 0) {
        timer = setTimeout(() => {
          cleanup();
          reject(new TLSHandshakeTimeoutError());
        }, t.tlsHandshakeTimeout);
      }
    });
  } catch (e) {
    socket.on('error', () => {});
    socket.destroy();
    await closeQuietly(conn);
    trace?.tlsHandshakeDone?.(undefined, e);
    throw e;
  }
  trace?.tlsHandshakeDone?.(socket, undefined);
  const tlsConn = new SocketConn(socket, () => {
    void closeQuietly(conn);
  });
  return { conn: tlsConn, state: connectionStateOf(socket)! };
}

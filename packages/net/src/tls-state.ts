// Go: crypto/tls ConnectionState — what a handler may want to know about a TLS connection
// (http.Request.TLS), read from a node:tls socket once its handshake is done.
import type { Socket } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';

/**
 * Go's `tls.ConnectionState`, the fields handlers and clients use. ka's HTTP server puts it
 * on every request of a TLS connection (`Request.tls`, Go's `Request.TLS`), and ka's client
 * on every response of an https connection (`Response.tls`).
 */
export interface ConnectionState {
  /** The TLS version, as Go's constants: 0x0301 (TLS 1.0) … 0x0304 (TLS 1.3); 0 if unknown. */
  readonly version: number;
  /** Whether the handshake has completed (true for every conn a TLS listener hands out). */
  readonly handshakeComplete: boolean;
  /** Whether the session was resumed from an earlier one. */
  readonly didResume: boolean;
  /**
   * The cipher suite's IANA name, e.g. `TLS_AES_128_GCM_SHA256` (Go keeps the 16-bit ID and
   * names it with `tls.CipherSuiteName`; Node gives the name).
   */
  readonly cipherSuite: string;
  /** The server name the client asked for (SNI), `''` when it sent none. */
  readonly serverName: string;
  /** The protocol agreed by ALPN, `''` when none was. */
  readonly negotiatedProtocol: string;
  /** The peer's certificate chain in DER, its own certificate first; empty when it sent none. */
  readonly peerCertificates: readonly Uint8Array[];
}

const versions: Record<string, number> = {
  TLSv1: 0x0301,
  'TLSv1.1': 0x0302,
  'TLSv1.2': 0x0303,
  'TLSv1.3': 0x0304,
};

/**
 * Go's `(*tls.Conn).ConnectionState` for a `node:tls` socket (`null` for any other socket).
 * Meant for after the handshake: before it, `version` is 0 and `handshakeComplete` false.
 */
export function connectionStateOf(socket: Socket): ConnectionState | null {
  const t = socket as Partial<TLSSocket>;
  if (t.encrypted !== true || typeof t.getProtocol !== 'function') return null;
  const s = socket as TLSSocket;
  const servername = (s as { servername?: string | false }).servername;
  // Node names the version once the handshake is done ('unknown' or null before).
  const version = versions[s.getProtocol() ?? ''] ?? 0;
  return {
    version,
    handshakeComplete: version !== 0,
    didResume: s.isSessionReused(),
    cipherSuite: s.getCipher()?.standardName ?? '',
    serverName: typeof servername === 'string' ? servername : '',
    negotiatedProtocol: typeof s.alpnProtocol === 'string' ? s.alpnProtocol : '',
    peerCertificates: chainOf(s.getPeerCertificate(true)),
  };
}

// Node links each certificate to its issuer; a self-signed root links to itself.
function chainOf(leaf: PeerCertificate | Record<string, never>): Uint8Array[] {
  const out: Uint8Array[] = [];
  let c = leaf as Partial<PeerCertificate> & { issuerCertificate?: PeerCertificate };
  while (c?.raw !== undefined && out.length < 16) {
    out.push(new Uint8Array(c.raw));
    if (c.issuerCertificate === undefined || c.issuerCertificate === c) break;
    c = c.issuerCertificate;
  }
  return out;
}

/**
 * The TLS state of any conn that reports one through a `connectionState()` method (as
 * `TCPConn` does, and a conn from a user's TLS dial hook may), else `null`.
 */
export function tlsStateOf(conn: object): ConnectionState | null {
  const cs = (conn as { connectionState?: unknown }).connectionState;
  return typeof cs === 'function' ? (cs.call(conn) as ConnectionState | null) : null;
}

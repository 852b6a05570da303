import { X509Certificate } from 'node:crypto';
import {
  type ConnectionOptions,
  type TLSSocket,
  type TlsOptions,
  connect as tlsConnect,
} from 'node:tls';
import { describe, expect, test } from 'vitest';
import { testCert, testKey } from '../../../test/testcert.js';
import { TCPConn } from './conn.js';
import { tcpPair } from './internal/test-support.js';
import { listen } from './listen.js';
import { tlsStateOf } from './tls-state.js';

// A TLS listener with the test certificate, a node:tls client of it, and the accepted conn.
async function tlsPair(server: TlsOptions, client: ConnectionOptions) {
  const ln = await listen('tcp', '127.0.0.1:0', {
    tls: { cert: testCert, key: testKey, ...server },
  });
  const port = Number(ln.addr().toString().split(':').pop());
  const sock: TLSSocket = tlsConnect({
    port,
    host: '127.0.0.1',
    ca: testCert,
    servername: 'localhost',
    ...client,
  });
  sock.on('error', () => {});
  const conn = (await ln.accept()) as TCPConn;
  expect(conn).toBeInstanceOf(TCPConn);
  return {
    conn,
    sock,
    async close() {
      sock.destroy();
      await conn.close();
      await ln.close();
    },
  };
}

describe('connectionState', () => {
  test('a conn from a TLS listener reports the handshake: version, suite, SNI, ALPN', async () => {
    const p = await tlsPair({ ALPNProtocols: ['http/1.1'] }, { ALPNProtocols: ['h2', 'http/1.1'] });
    const st = p.conn.connectionState();
    expect(st).not.toBeNull();
    expect(st!.version).toBe(p.sock.getProtocol() === 'TLSv1.3' ? 0x0304 : 0x0303);
    expect(st!.handshakeComplete).toBe(true);
    expect(st!.didResume).toBe(false);
    expect(st!.cipherSuite).toBe(p.sock.getCipher().standardName);
    expect(st!.cipherSuite).toMatch(/^TLS_/);
    expect(st!.serverName).toBe('localhost');
    expect(st!.negotiatedProtocol).toBe('http/1.1');
    expect(st!.peerCertificates).toEqual([]); // the client sent no certificate
    await p.close();
  });

  test('a client certificate shows in peerCertificates, in DER', async () => {
    const p = await tlsPair({ requestCert: true, ca: testCert }, { cert: testCert, key: testKey });
    const chain = p.conn.connectionState()!.peerCertificates;
    expect(chain.length).toBe(1); // self-signed: its issuer is itself
    expect(Buffer.from(chain[0]!).equals(new X509Certificate(testCert).raw)).toBe(true);
    await p.close();
  });

  test('a plain TCP conn has none', async () => {
    const p = await tcpPair();
    expect(p.server.connectionState()).toBeNull();
    expect(p.client.connectionState()).toBeNull();
    expect(tlsStateOf(p.server)).toBeNull();
    await p.close();
  });

  test('tlsStateOf asks any conn with connectionState(), and gives null for one without', async () => {
    const p = await tlsPair({}, {});
    expect(tlsStateOf(p.conn)).toEqual(p.conn.connectionState());
    expect(tlsStateOf(p.conn)?.serverName).toBe('localhost');
    await p.close();
    expect(tlsStateOf({ read: () => null })).toBeNull();
  });
});

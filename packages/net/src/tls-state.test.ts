import { X509Certificate } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, test } from 'vitest';
import { testCert, testKey } from '../../../test/testcert.js';
import { TCPConn } from './conn.js';
import { tcpPair } from './internal/test-support.js';
import { listen } from './listen.js';

describe('connectionState', () => {
  test('a conn from a TLS listener reports the handshake: version, suite, SNI, ALPN', async () => {
    const ln = await listen('tcp', '127.0.0.1:0', {
      tls: { cert: testCert, key: testKey, ALPNProtocols: ['http/1.1'] },
    });
    const port = Number(ln.addr().toString().split(':').pop());
    const client = tlsConnect({
      port,
      host: '127.0.0.1',
      ca: testCert,
      servername: 'localhost',
      ALPNProtocols: ['h2', 'http/1.1'],
    });
    client.on('error', () => {});
    const conn = await ln.accept();
    expect(conn).toBeInstanceOf(TCPConn);
    const st = (conn as TCPConn).connectionState();
    expect(st).not.toBeNull();
    expect(st!.version).toBe(client.getProtocol() === 'TLSv1.3' ? 0x0304 : 0x0303);
    expect(st!.handshakeComplete).toBe(true);
    expect(st!.didResume).toBe(false);
    expect(st!.cipherSuite).toBe(client.getCipher().standardName);
    expect(st!.cipherSuite).toMatch(/^TLS_/);
    expect(st!.serverName).toBe('localhost');
    expect(st!.negotiatedProtocol).toBe('http/1.1');
    expect(st!.peerCertificates).toEqual([]); // the client sent no certificate
    client.destroy();
    await conn.close();
    await ln.close();
  });

  test('a client certificate shows in peerCertificates, in DER', async () => {
    const ln = await listen('tcp', '127.0.0.1:0', {
      tls: { cert: testCert, key: testKey, requestCert: true, ca: testCert },
    });
    const port = Number(ln.addr().toString().split(':').pop());
    const client = tlsConnect({
      port,
      host: '127.0.0.1',
      ca: testCert,
      servername: 'localhost',
      cert: testCert,
      key: testKey,
    });
    client.on('error', () => {});
    const conn = (await ln.accept()) as TCPConn;
    const der = new X509Certificate(testCert).raw;
    const chain = conn.connectionState()!.peerCertificates;
    expect(chain.length).toBe(1); // self-signed: its issuer is itself
    expect(Buffer.from(chain[0]!).equals(der)).toBe(true);
    client.destroy();
    await conn.close();
    await ln.close();
  });

  test('a plain TCP conn has none', async () => {
    const p = await tcpPair();
    expect(p.server.connectionState()).toBeNull();
    expect(p.client.connectionState()).toBeNull();
    await p.close();
  });
});

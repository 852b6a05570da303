// ka's server driven by Debian's HTTP tools: curl (keep-alive across URLs, 100-continue with
// a chunked upload), wrk, ab -k (HTTP/1.0 keep-alive) and h2load in HTTP/1.1 mode (plain
// and pipelined). Each asserts what the tool reports and what the server's ConnState saw.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Peer, startKaServer } from './peers.js';
import { parseAb, parseH2load, parseWrk, runTool, which } from './tools.js';

const curl = which('curl');
const wrk = which('wrk');
const ab = which('ab');
const h2load = which('h2load');

let peer: Peer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

describe('curl', () => {
  it.skipIf(curl === undefined)(
    'keep-alive: three URLs in one curl -v run share one connection',
    async () => {
      peer = await startKaServer();
      const r = await runTool(curl!, [
        '-sv',
        '--max-time',
        '10',
        `${peer.url}/a`,
        `${peer.url}/b`,
        `${peer.url}/c`,
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('path /a\npath /b\npath /c\n');
      expect(r.stderr.match(/Re-using existing connection/g)).toHaveLength(2);
      expect(r.stderr.match(/< HTTP\/1\.1 200 OK/g)).toHaveLength(3);
      expect(peer.newConns()).toBe(1);
    },
  );

  it.skipIf(curl === undefined)(
    'Expect: 100-continue with a chunked 256 KiB upload is echoed byte for byte',
    async () => {
      peer = await startKaServer();
      const body = randomBytes(256 << 10);
      const r = await runTool(
        curl!,
        [
          '-sv',
          '--max-time',
          '10',
          '-H',
          'Expect: 100-continue',
          '-H',
          'Transfer-Encoding: chunked',
          '--data-binary',
          '@-',
          '-o',
          '-',
          `${peer.url}/echo`,
        ],
        { input: body },
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('< HTTP/1.1 100 Continue');
      expect(r.stderr).toContain('< HTTP/1.1 200 OK');
      expect(r.stderr).toContain('> Transfer-Encoding: chunked');
      expect(r.raw.equals(body)).toBe(true);
      expect(peer.newConns()).toBe(1);
    },
  );
});

describe('wrk', () => {
  it.skipIf(wrk === undefined)(
    "wrk -c 8 for 2 s: no socket errors, no non-2xx, 8 connections (+ wrk's probe)",
    async () => {
      peer = await startKaServer();
      const r = await runTool(wrk!, ['-t', '1', '-c', '8', '-d', '2s', `${peer.url}/hello`]);
      expect(r.code).toBe(0);
      const rep = parseWrk(r.stdout);
      console.log(`wrk → ka: ${rep.requests} requests, ${Math.round(rep.rps)} req/s`);
      expect(rep.requests).toBeGreaterThan(100);
      expect(rep.socketErrors).toBe(0);
      expect(rep.non2xx).toBe(0);
      // wrk connects (and closes) once before the run to check the address: 8 + 1
      expect(peer.newConns()).toBeLessThanOrEqual(9);
    },
  );
});

describe('ab', () => {
  it.skipIf(ab === undefined)(
    'ab -k (HTTP/1.0 keep-alive) -n 2000 -c 8: every request kept alive, 8 connections',
    async () => {
      peer = await startKaServer();
      const r = await runTool(ab!, ['-k', '-q', '-n', '2000', '-c', '8', `${peer.url}/hello`]);
      expect(r.code).toBe(0);
      const rep = parseAb(r.stdout);
      console.log(`ab -k → ka: ${rep.complete} requests, ${Math.round(rep.rps)} req/s`);
      expect(rep).toMatchObject({ complete: 2000, failed: 0, non2xx: 0, keepAlive: 2000 });
      expect(peer.newConns()).toBe(8);
    },
  );
});

describe('h2load --h1', () => {
  it.skipIf(h2load === undefined)(
    'h2load --h1 -n 2000 -c 8: all succeed with 2xx on at most 8 connections',
    async () => {
      peer = await startKaServer();
      const r = await runTool(h2load!, ['--h1', '-n', '2000', '-c', '8', `${peer.url}/hello`]);
      expect(r.code).toBe(0);
      const rep = parseH2load(r.stdout);
      console.log(`h2load --h1 → ka: ${rep.total} requests, ${Math.round(rep.rps)} req/s`);
      expect(rep).toMatchObject({ total: 2000, succeeded: 2000, failed: 0, errored: 0 });
      expect(rep.status2xx).toBe(2000);
      expect(peer.newConns()).toBeLessThanOrEqual(8);
    },
  );

  it.skipIf(h2load === undefined)(
    'h2load --h1 -m 8 (pipelined, 8 requests in flight per connection): all succeed',
    async () => {
      peer = await startKaServer();
      const r = await runTool(h2load!, [
        '--h1',
        '-n',
        '2000',
        '-c',
        '4',
        '-m',
        '8',
        `${peer.url}/hello`,
      ]);
      expect(r.code).toBe(0);
      const rep = parseH2load(r.stdout);
      expect(rep).toMatchObject({ total: 2000, succeeded: 2000, failed: 0, errored: 0 });
      expect(rep.status2xx).toBe(2000);
      expect(peer.newConns()).toBeLessThanOrEqual(4);
    },
  );
});

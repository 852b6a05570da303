// ka's server driven by other clients: Node's http client with a keep-alive Agent, undici
// (a Pool, and a pipelining Client), and Go's http.Client (go/goclient). Every answer is
// checked, and the server's ConnState must show the clients kept their connections.
import * as http from 'node:http';
import { Pool, Client as UndiciClient } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGoClient, type Peer, runGoClient, startKaServer } from './peers.js';
import { goMissing } from './testutil/env.js';

let peer: Peer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

/** Runs `n` jobs with at most `c` at a time. */
async function pool(n: number, c: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) await job(next++);
    }),
  );
}

describe('node:http client', () => {
  it('keep-alive Agent (maxSockets 4): 300 GETs and POSTs on at most 4 connections', async () => {
    peer = await startKaServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const bad: string[] = [];
    try {
      await pool(300, 8, async (i) => {
        const post = i % 3 === 0;
        const body = `agent post ${i}\n`;
        const { status, text } = await new Promise<{ status: number; text: string }>(
          (resolve, reject) => {
            const req = http.request(
              `${peer!.url}${post ? '/echo' : '/hello'}`,
              { agent, method: post ? 'POST' : 'GET' },
              (res) => {
                let t = '';
                res.setEncoding('utf8');
                res.on('data', (d: string) => (t += d));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, text: t }));
                res.on('error', reject);
              },
            );
            req.on('error', reject);
            req.end(post ? body : undefined);
          },
        );
        if (status !== 200 || text !== (post ? body : 'hello\n'))
          bad.push(`${i}: ${status} ${text}`);
      });
    } finally {
      agent.destroy();
    }
    expect(bad).toEqual([]);
    // (req.reusedSocket is only set for a request that found a free socket, not for one that
    // waited in the Agent's queue: the server's ConnState count is the one to trust)
    expect(peer.newConns()).toBeLessThanOrEqual(4);
  });
});

describe('undici', () => {
  it('Pool (4 connections): 300 GETs and POSTs on at most 4 connections', async () => {
    peer = await startKaServer();
    const p = new Pool(peer.url, { connections: 4 });
    const bad: string[] = [];
    try {
      await pool(300, 8, async (i) => {
        const post = i % 3 === 0;
        const body = `undici post ${i}\n`;
        const res = await p.request({
          path: post ? '/echo' : '/hello',
          method: post ? 'POST' : 'GET',
          ...(post ? { body } : {}),
        });
        const text = await res.body.text();
        if (res.statusCode !== 200 || text !== (post ? body : 'hello\n')) {
          bad.push(`${i}: ${res.statusCode} ${text}`);
        }
      });
    } finally {
      await p.close();
    }
    expect(bad).toEqual([]);
    expect(peer.newConns()).toBeLessThanOrEqual(4);
  });

  it('Client with pipelining 8: 200 pipelined GETs on one connection', async () => {
    peer = await startKaServer();
    const c = new UndiciClient(peer.url, { pipelining: 8 });
    const texts: string[] = [];
    try {
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const res = await c.request({ path: `/p${i}`, method: 'GET' });
          texts[i] = `${res.statusCode} ${await res.body.text()}`;
        }),
      );
    } finally {
      await c.close();
    }
    expect(texts).toEqual(Array.from({ length: 200 }, (_, i) => `200 path /p${i}\n`));
    expect(peer.newConns()).toBe(1);
  });
});

describe("Go's http.Client", () => {
  it.skipIf(goMissing !== null)(
    `Transport (MaxIdleConnsPerHost 4), 4 workers: 400 GETs and POSTs on at most 4 connections${goMissing ? ` — skipped: ${goMissing}` : ''}`,
    async () => {
      const bin = await buildGoClient();
      peer = await startKaServer();
      const r = await runGoClient(bin, [
        '-url',
        peer.url,
        '-n',
        '400',
        '-c',
        '4',
        '-post-every',
        '3',
      ]);
      expect(r.firstError).toBeUndefined();
      expect(r).toMatchObject({ requests: 400, ok: 400, errors: 0, attempts: 400 });
      expect(r.newConns).toBeLessThanOrEqual(4);
      // Go dials in the background for a request that may then get a connection freed
      // meanwhile (late binding); such a spare connection is pooled or closed, never used
      // twice: the server may count one or two more than Go handed out, never fewer.
      expect(peer.newConns()).toBeGreaterThanOrEqual(r.newConns);
      expect(peer.newConns()).toBeLessThanOrEqual(r.newConns + 4);
    },
    120_000,
  );
});

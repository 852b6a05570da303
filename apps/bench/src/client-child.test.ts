// The client benchmark's child process: each client it knows runs the requests it is asked
// for, against a local server, and exits cleanly when told to close. Runs the built child
// (dist/client-child.js), so it needs `pnpm build` first, as CI runs it.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildCommand, type ChildReply, clientNames } from './client-child.js';

const child = join(dirname(fileURLToPath(import.meta.url)), '../dist/client-child.js');

let server: http.Server;
let base = '';
let hits = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/hello') hits++;
    res.end('hello\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe.skipIf(!existsSync(child))('client-child', () => {
  for (const name of clientNames) {
    it(`${name}: runs what it is asked for, then closes and exits`, async () => {
      const before = hits;
      // No execArgv: the test runner's own flags are not for the child.
      const proc = fork(child, [name, base, '4'], { stdio: 'pipe', execArgv: [] });
      let stderr = '';
      proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((r) => proc.once('exit', r));
      const reply = await new Promise<ChildReply>((resolve, reject) => {
        proc.once('message', resolve);
        proc.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
        proc.send({ run: 20 } satisfies ChildCommand);
      });
      expect(reply.seconds).toBeGreaterThan(0);
      expect(reply.cpuMicros).toBeGreaterThan(0);
      expect(hits - before).toBe(20);
      proc.send({ close: true } satisfies ChildCommand);
      expect(await exited).toBe(0);
    });
  }
});

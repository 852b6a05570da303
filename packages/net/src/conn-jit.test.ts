// The first connection to close must not throw away the JIT's work on the others: a function
// that reads a conn's state, compiled while no conn had ever closed, is still compiled after
// one closes. This checks V8 itself (through --allow-natives-syntax), in a child process
// running the built package, so it needs `pnpm build` first, as CI runs it.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');

// `%` calls are V8 natives; the file is only ever run with --allow-natives-syntax.
const script = (netUrl: string) => `
import { dial, listen } from ${JSON.stringify(netUrl)};
const ln = await listen('tcp', '127.0.0.1:0');
const pair = async () => {
  const accepted = ln.accept();
  const c = await dial('tcp', ln.addr().toString());
  return [c, await accepted];
};
const [a, b] = await pair();
const [c, d] = await pair();
const noop = () => {};
// Traffic first, as on any conn in use: the read offsets move off their initial values.
await a.write(new Uint8Array(100));
await new Promise((r) => b.watchReadable(r));
// Reads every state field of the conn (closed, queued, error, eof, read-shut, gone).
function hot(conn) {
  conn.watchReadable(noop);
  conn.unwatchReadable(noop);
  return conn.tryRead(new Uint8Array(8));
}
%PrepareFunctionForOptimization(hot);
for (let i = 0; i < 50; i++) hot(b);
%OptimizeFunctionOnNextCall(hot);
hot(b);
const before = %ActiveTierIsTurbofan(hot);
// Close one pair from both ends and wait until the accepted side has seen EOF and the close.
await c.close();
await new Promise((r) => d.watchReadable(r));
await d.close();
await new Promise((r) => setTimeout(r, 50));
hot(b);
const after = %ActiveTierIsTurbofan(hot);
await a.close();
await b.close();
await ln.close();
console.log(JSON.stringify({ before, after }));
`;

describe('SocketConn and the JIT', () => {
  it.skipIf(!existsSync(dist))(
    'a conn closing keeps code compiled against the open ones (NET, perf)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ka-conn-jit-'));
      try {
        const file = join(dir, 'probe.mjs');
        writeFileSync(file, script(pathToFileURL(dist).href));
        const { stdout } = await run(process.execPath, ['--allow-natives-syntax', file], {
          timeout: 20_000,
        });
        const res = JSON.parse(stdout.trim().split('\n').pop()!) as {
          before: boolean;
          after: boolean;
        };
        expect(res.before).toBe(true);
        expect(res.after).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

#!/usr/bin/env node
// The ka server the stress suites run in a child process, so its memory and handles can be
// measured alone (and so it can run under a low `ulimit -n`).
//
//   node dist/server-child.js --addr 127.0.0.1:0 [--read-timeout MS] [--read-header-timeout MS]
//     [--write-timeout MS] [--idle-timeout MS] [--stats-interval MS]
//
// Protocol: one JSON object per stdout line (`{"ev":"listening","addr":…}`, `stats`, `log`,
// `shutdown-start`, `shutdown-done`, `exit`); one command per stdin line: `stats`, `gc`
// (collect garbage, then stats; needs --expose-gc), `restart` (graceful shutdown, then a new
// Server on the same address), `shutdown` (graceful shutdown, then exit), `exit`.
//
// Routes: GET /hello, POST /echo (body echoed), GET /bytes/{n}, GET /sleep/{ms} (ends early
// when the request's signal aborts), GET /stats. A request may carry `X-Req-Id`: the ids
// being served when a shutdown starts are reported with `shutdown-start`.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Request } from '@ka/http';
import {
  ConnState,
  connStateString,
  isServerClosed,
  type ResponseWriter,
  ServeMux,
  Server,
} from '@ka/http-server';
import { listen } from '@ka/net';

const { values } = parseArgs({
  options: {
    addr: { type: 'string', default: '127.0.0.1:0' },
    'read-timeout': { type: 'string', default: '0' },
    'read-header-timeout': { type: 'string', default: '0' },
    'write-timeout': { type: 'string', default: '0' },
    'idle-timeout': { type: 'string', default: '0' },
    'stats-interval': { type: 'string', default: '0' },
    'shutdown-deadline': { type: 'string', default: '10000' },
    'conn-state-log': { type: 'boolean', default: false },
  },
});
const ms = (s: string | undefined) => Number.parseInt(s ?? '0', 10) || 0;

function emit(ev: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ ev, t: Date.now(), ...data })}\n`);
}

// Connection-state totals over the process's life, and the connections open now.
const stateTotals = [0, 0, 0, 0, 0];
let openConns = 0;
let served = 0;
const inFlight = new Set<string>();

function census(): Record<string, number> {
  const m: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) m[kind] = (m[kind] ?? 0) + 1;
  return m;
}

function stats(): Record<string, unknown> {
  // memoryUsage reads /proc: under EMFILE it throws, which must not end the server
  let mu = { rss: -1, heapUsed: -1, external: -1, arrayBuffers: -1 };
  try {
    mu = process.memoryUsage();
  } catch {
    // keep -1
  }
  return {
    rss: mu.rss,
    heapUsed: mu.heapUsed,
    external: mu.external,
    arrayBuffers: mu.arrayBuffers,
    handles: census(),
    openConns,
    states: stateTotals.slice(),
    served,
    inFlight: inFlight.size,
  };
}

const bytes = new Uint8Array(16 << 10).fill(0x61);

async function writeN(w: ResponseWriter, n: number): Promise<void> {
  w.header().set('Content-Length', String(n));
  while (n > 0) {
    const k = Math.min(n, bytes.length);
    await w.write(k === bytes.length ? bytes : bytes.subarray(0, k));
    n -= k;
  }
}

function tracked(
  h: (w: ResponseWriter, r: Request) => Promise<void>,
): (w: ResponseWriter, r: Request) => Promise<void> {
  return async (w, r) => {
    const id = r.header.get('X-Req-Id');
    if (id !== '') inFlight.add(id);
    try {
      await h(w, r);
      served++;
    } finally {
      if (id !== '') inFlight.delete(id);
    }
  };
}

function newMux(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc(
    'GET /hello',
    tracked(async (w) => {
      await w.write('hello\n');
    }),
  );
  mux.handleFunc(
    'POST /echo',
    tracked(async (w, r) => {
      // Read it all before answering: Go's HTTP/1 server (and ka's) discards an unread request
      // body once the response head is written (unless full duplex), so a streaming echo of
      // more than 512 bytes on a keep-alive connection would come back cut at 512.
      let body: Uint8Array;
      try {
        body = await r.body.bytes();
      } catch {
        return; // a gone or timed-out client: nothing to echo (the Go reference ignores it too)
      }
      w.header().set('Content-Type', 'application/octet-stream');
      await w.write(body);
    }),
  );
  mux.handleFunc(
    'GET /bytes/{n}',
    tracked(async (w, r) => {
      const n = Number.parseInt(r.pathValue('n'), 10);
      // a gone or stalled client: stop writing, as the Go reference does
      await writeN(w, Number.isFinite(n) ? Math.min(n, 256 << 20) : 0).catch(() => {});
    }),
  );
  mux.handleFunc(
    'GET /sleep/{ms}',
    tracked(async (w, r) => {
      const d = Math.min(Number.parseInt(r.pathValue('ms'), 10) || 0, 60_000);
      await new Promise<void>((resolve) => {
        const signal = r.signal;
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const t = setTimeout(done, d);
        signal.addEventListener('abort', done, { once: true });
      });
      await w.write('slept\n');
    }),
  );
  mux.handleFunc('GET /stats', async (w) => {
    w.header().set('Content-Type', 'application/json');
    await w.write(JSON.stringify(stats()));
  });
  return mux;
}

function newServer(): Server {
  return new Server({
    handler: newMux(),
    readTimeout: ms(values['read-timeout']),
    readHeaderTimeout: ms(values['read-header-timeout']),
    writeTimeout: ms(values['write-timeout']),
    idleTimeout: ms(values['idle-timeout']),
    errorLog: (msg) => emit('log', { msg: msg.split('\n')[0] }),
    connState: (c, s) => {
      if (values['conn-state-log']) {
        emit('connstate', { remote: c.remoteAddr().toString(), state: connStateString(s) });
      }
      stateTotals[s] = (stateTotals[s] ?? 0) + 1;
      if (s === ConnState.StateNew) openConns++;
      else if (s === ConnState.StateClosed || s === ConnState.StateHijacked) openConns--;
    },
  });
}

let addr = values.addr;
let srv: Server;

async function start(): Promise<void> {
  srv = newServer();
  const ln = await listen('tcp', addr);
  addr = ln.addr().toString();
  const s = srv;
  s.serve(ln).catch((err: unknown) => {
    if (!isServerClosed(err)) emit('log', { msg: `serve: ${String(err)}` });
  });
  emit('listening', { addr });
}

async function gracefulShutdown(): Promise<void> {
  const t0 = Date.now();
  emit('shutdown-start', { inFlight: [...inFlight] });
  let err: string | null = null;
  try {
    await srv.shutdown({ signal: AbortSignal.timeout(ms(values['shutdown-deadline'])) });
  } catch (e) {
    err = String(e);
    await srv.close().catch(() => {});
  }
  emit('shutdown-done', { ms: Date.now() - t0, err, inFlight: [...inFlight] });
}

let statsTimer: ReturnType<typeof setInterval> | undefined;
const interval = ms(values['stats-interval']);
if (interval > 0) {
  statsTimer = setInterval(() => emit('stats', stats()), interval);
}

let queue = Promise.resolve();
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const cmd = line.trim();
  queue = queue.then(async () => {
    switch (cmd) {
      case 'stats':
        emit('stats', stats());
        break;
      case 'gc': {
        const gc = (globalThis as { gc?: () => void }).gc;
        for (let i = 0; i < 3 && gc !== undefined; i++) {
          gc();
          await new Promise((r) => setImmediate(r));
        }
        emit('stats', stats());
        break;
      }
      case 'restart':
        await gracefulShutdown();
        await start();
        break;
      case 'shutdown':
        await gracefulShutdown();
        await exit();
        break;
      case 'exit':
        await srv.close().catch(() => {});
        await exit();
        break;
      default:
        emit('log', { msg: `unknown command ${JSON.stringify(cmd)}` });
    }
  });
});
rl.on('close', () => {
  // the parent went away: end now
  void srv.close().finally(() => process.exit(0));
});

async function exit(): Promise<void> {
  if (statsTimer !== undefined) clearInterval(statsTimer);
  // let closing sockets leave the handle list before the last census
  for (let i = 0; i < 20 && (census().TCPSocketWrap ?? 0) > 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  emit('exit', stats());
  process.exit(0);
}

await start();

// --demo: a ka upstream and the proxy on loopback, driven by @ka/client, to show which
// connections each hop opened — and that the proxy's upstream connections outlive its
// clients' (Connection is hop-by-hop).
import { Client, Transport, withClientTrace } from '@ka/client';
import { newRequest, parseURL, type Request } from '@ka/http';
import {
  ConnState,
  isServerClosed,
  ResponseController,
  type ResponseWriter,
  Server,
} from '@ka/http-server';
import { listen } from '@ka/net';
import { formatSummary, type RunningProxy, startProxy } from './app.js';
import type { Options } from './args.js';

/** The result of one demo phase. */
export interface PhaseResult {
  label: string;
  requests: number;
  failed: number;
  /** Connections the clients opened to the proxy (their gotConn `reused: false`). */
  clientConnections: number;
  /** Connections the proxy opened to the upstream in this phase (its connectDone). */
  upstreamNewConnections: number;
  /** Upstream requests on a reused connection in this phase. */
  upstreamReused: number;
  /** Connections the upstream accepted in this phase (its ConnState), to cross-check. */
  upstreamAccepted: number;
}

const STREAM_CHUNKS = 3;
const STREAM_PAUSE_MS = 200;
const HELLO_DELAY_MS = 10;

// The demo's upstream: /hello, /headers (what arrived), /stream (chunks with pauses).
async function upstreamHandler(w: ResponseWriter, r: Request): Promise<void> {
  switch (r.url.path) {
    case '/headers': {
      w.header().set('Content-Type', 'application/json');
      await w.write(JSON.stringify(r.header.toJSON()));
      return;
    }
    case '/stream': {
      // No Content-Length: the proxy sees an unknown length and flushes each chunk at once.
      const rc = new ResponseController(w);
      w.header().set('Content-Type', 'text/plain');
      for (let i = 1; i <= STREAM_CHUNKS; i++) {
        if (i > 1) await sleep(STREAM_PAUSE_MS, r.signal);
        await w.write(`chunk ${i}\n`);
        await rc.flush();
      }
      return;
    }
    default:
      // A little work per request, so that concurrent requests overlap at the upstream.
      await sleep(HELLO_DELAY_MS, r.signal);
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      await w.write('hello from upstream\n');
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs `n` GETs of `url` through the proxy, `concurrency` at a time, on a fresh client pool. */
async function runPhase(
  label: string,
  proxy: RunningProxy,
  upstreamAccepted: () => number,
  n: number,
  concurrency: number,
  close: boolean,
): Promise<PhaseResult> {
  const transport = new Transport({ maxIdleConnsPerHost: concurrency });
  const client = new Client({ transport, timeout: 10_000 });
  const before = { ...proxy.stats };
  const accepted0 = upstreamAccepted();
  let clientConnections = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      let req = newRequest('GET', `${proxy.url}/hello`);
      req.close = close;
      req = withClientTrace(req, {
        gotConn: (info) => {
          if (!info.reused) clientConnections++;
        },
      });
      try {
        const res = await client.do(req);
        const body = await res.body.text();
        if (res.statusCode !== 200 || body !== 'hello from upstream\n') failed++;
      } catch {
        failed++;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    transport.closeIdleConnections();
  }
  return {
    label,
    requests: n,
    failed,
    clientConnections,
    upstreamNewConnections: proxy.stats.upstreamNewConnections - before.upstreamNewConnections,
    upstreamReused: proxy.stats.upstreamReused - before.upstreamReused,
    upstreamAccepted: upstreamAccepted() - accepted0,
  };
}

/** The phase table. */
export function formatPhases(phases: readonly PhaseResult[]): string {
  const head = ['phase', 'requests', 'client→proxy conns', 'proxy→upstream conns opened', 'reused'];
  const rows = phases.map((p, i) => [
    `${i + 1} ${p.label}`,
    String(p.requests),
    String(p.clientConnections),
    String(p.upstreamNewConnections),
    String(p.upstreamReused),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** Runs the demo; resolves the exit status. */
export async function runDemo(o: Options, out: (s: string) => void): Promise<number> {
  let accepted = 0;
  const upstream = new Server({
    handler: upstreamHandler,
    readHeaderTimeout: 10_000,
    connState: (_c, s) => {
      if (s === ConnState.StateNew) accepted++;
    },
  });
  const uln = await listen('tcp', '127.0.0.1:0');
  const upstreamServed = upstream.serve(uln).catch((err: unknown) => {
    if (!isServerClosed(err)) throw err;
  });
  const upstreamURL = `http://${uln.addr()}`;
  const errors: string[] = [];
  let proxy: RunningProxy;
  try {
    proxy = await startProxy({
      upstream: parseURL(upstreamURL),
      addr: o.addr,
      errorLog: (m) => errors.push(m),
    });
  } catch (err) {
    await upstream.close();
    await upstreamServed;
    throw err;
  }
  out(`listening on ${proxy.addr}\n`);
  out(`upstream: a ka server on ${uln.addr()} (started by --demo)\n\n`);

  let status = 0;
  try {
    const n = o.requests;
    const c = o.concurrency;
    const phases = [
      await runPhase('one keep-alive client', proxy, () => accepted, n, 1, false),
      await runPhase('Connection: close from the client', proxy, () => accepted, n, 1, true),
      await runPhase(`${c} keep-alive clients at once`, proxy, () => accepted, n, c, false),
    ];
    out(`${formatPhases(phases)}\n\n`);
    out(
      [
        '1: one client connection carries every request; the proxy opens one upstream connection and reuses it.',
        '2: the client closes its connection after each request, but Connection is a hop-by-hop header:',
        '   the proxy does not pass it on, and keeps reusing its upstream connection.',
        `3: ${c} client connections at once: a request that finds no idle upstream connection dials one, but`,
        '   takes whichever comes first, a new one or one that another request just freed (as Go does);',
        '   dialed connections join the pool. So about one connection per concurrent request is opened.',
        '',
      ].join('\n'),
    );
    for (const p of phases) {
      if (p.failed > 0) {
        out(`UNEXPECTED: ${p.label}: ${p.failed} requests failed\n`);
        status = 1;
      }
      if (p.upstreamAccepted !== p.upstreamNewConnections) {
        out(
          `UNEXPECTED: ${p.label}: the upstream accepted ${p.upstreamAccepted} connections, the proxy counted ${p.upstreamNewConnections}\n`,
        );
        status = 1;
      }
    }

    // What the upstream sees of the headers: hop-by-hop gone, X-Forwarded-For appended.
    const client = new Client({ transport: new Transport(), timeout: 10_000 });
    try {
      const req = newRequest('GET', `${proxy.url}/headers`);
      req.header.set('Connection', 'X-Hop');
      req.header.set('X-Hop', 'only for the proxy');
      req.header.set('Keep-Alive', 'timeout=5');
      req.header.set('X-Forwarded-For', '203.0.113.7');
      const res = await client.do(req);
      const seen = (await res.body.json()) as Record<string, string[]>;
      const show = (k: string) => (seen[k] === undefined ? '(removed)' : seen[k].join(', '));
      out(
        '\nheaders: the client sent Connection: X-Hop, X-Hop, Keep-Alive, X-Forwarded-For: 203.0.113.7\n',
      );
      out(`  upstream saw X-Forwarded-For: ${show('X-Forwarded-For')}\n`);
      out(
        `  upstream saw Connection: ${show('Connection')}, X-Hop: ${show('X-Hop')}, Keep-Alive: ${show('Keep-Alive')}\n`,
      );

      // Streaming: each chunk reaches the client when the upstream writes it.
      const t0 = performance.now();
      const sres = await client.do(newRequest('GET', `${proxy.url}/stream`));
      const times: string[] = [];
      const buf = new Uint8Array(1024);
      let text = '';
      for (let i = 0; i < 100; i++) {
        const k = await sres.body.read(buf);
        if (k === null) break;
        text += Buffer.from(buf.subarray(0, k)).toString('latin1');
        const complete = text.split('\n').length - 1; // chunks seen whole so far
        while (times.length < complete) times.push(`${Math.round(performance.now() - t0)} ms`);
      }
      out(
        `\nstreaming: the upstream writes ${STREAM_CHUNKS} chunks ${STREAM_PAUSE_MS} ms apart (no Content-Length);\n` +
          `  the client read them at ${times.join(', ')}\n`,
      );
      if (times.length !== STREAM_CHUNKS) status = 1;
    } finally {
      client.closeIdleConnections();
    }
  } finally {
    const { timedOut } = await proxy.shutdown(5_000);
    await upstream.shutdown();
    await upstreamServed;
    out(`\n${formatSummary(proxy.stats)}`);
    if (timedOut) status = 1;
    if (proxy.stats.upstreamNewConnections !== accepted) {
      out(`UNEXPECTED: the upstream accepted ${accepted} connections in all\n`);
      status = 1;
    }
    for (const e of errors) process.stderr.write(`${e}\n`);
  }
  return status;
}

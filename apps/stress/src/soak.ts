// Soak: mixed load against a ka server in a child process, with periodic graceful shutdowns
// and restarts on the same address. Every request is accounted for: answered (and checked),
// failed with an error the client saw, or lost (neither, within a watchdog) — the last must
// never happen. Requests in flight when a shutdown starts must all be answered.
import { median } from '@ka/app-kit';
import { Client, Transport } from '@ka/client';
import { newRequest } from '@ka/http';
import { type ChildEvent, ChildServer, type ChildStats } from './child.js';
import { dialRaw, type RawConn, sleep } from './raw.js';

export interface SoakOptions {
  durationMs: number;
  /** Graceful shutdown + restart of the server every this many ms (0: never). */
  restartEveryMs: number;
  /** Samples before this are warm-up (excluded from the RSS comparison). */
  warmupMs: number;
  /** Concurrent @ka/client workers. */
  clientWorkers?: number;
  /** Concurrent raw keep-alive workers. */
  rawWorkers?: number;
  /** Concurrent slow (trickling) workers. */
  slowWorkers?: number;
  /** A request not settled after this long is counted as lost. */
  watchdogMs?: number;
  /** Called every `tickMs` with the running totals (the CLI prints them). */
  onTick?: (row: SoakRow) => void;
  tickMs?: number;
}

export interface SoakRow {
  elapsedMs: number;
  answered: number;
  failed: number;
  lost: number;
  restarts: number;
  rssMiB: number;
  heapMiB: number;
  openConns: number;
}

export interface Restart {
  at: number;
  shutdownMs: number;
  err: string | null;
  inFlight: string[];
}

export interface SoakResult {
  total: number;
  answered: number;
  failed: number;
  lost: number;
  /** Answered but with a wrong status or body. */
  wrong: number;
  /** A few of the wrong ones, for the report. */
  wrongIds: string[];
  /** Failure classes (addresses and ports elided) → count. */
  errors: Record<string, number>;
  restarts: Restart[];
  /** Requests in flight at some shutdown's start that were not answered. */
  inFlightNotAnswered: string[];
  samples: { t: number; rss: number; heapUsed: number; openConns: number }[];
  baseline: ChildStats;
  final: ChildStats;
  exit: ChildStats;
  startedAt: number;
  durationMs: number;
}

type Outcome = 'answered' | 'failed' | 'lost' | 'wrong';

const pattern = Buffer.alloc(64 << 10);
for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 31 + 7) & 0xff;

function errorClass(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m
    .replace(/\d+\.\d+\.\d+\.\d+:\d+/g, 'ADDR')
    .replace(/"http:\/\/[^"]*"/g, '"URL"')
    .slice(0, 160);
}

/** Runs the soak; the caller decides what to assert. */
export async function runSoak(opts: SoakOptions): Promise<SoakResult> {
  const watchdogMs = opts.watchdogMs ?? 30_000;
  const child = await ChildServer.start({
    // A young generation of fixed size: left adaptive, V8 doubles it in steps under load for
    // the first minutes (up to ~100 MiB of RSS that is never a leak), which would read as
    // growth here. Pinned, RSS growth means memory really kept.
    nodeFlags: ['--min-semi-space-size=8', '--max-semi-space-size=8'],
    args: [
      '--idle-timeout=5000',
      '--read-header-timeout=5000',
      '--stats-interval=1000',
      '--shutdown-deadline=15000',
    ],
  });
  const baseline = await child.stats();
  const base = `http://${child.addr}`;
  const startedAt = Date.now();
  const stopAt = startedAt + opts.durationMs;
  const outcomes = new Map<string, Outcome>();
  const errors: Record<string, number> = {};
  let seq = 0;
  const count = { answered: 0, failed: 0, lost: 0, wrong: 0 };
  const wrongIds: string[] = [];
  const record = (id: string, o: Outcome, err?: unknown) => {
    outcomes.set(id, o);
    if (o === 'wrong' && wrongIds.length < 20) wrongIds.push(id);
    count[o]++;
    if (err !== undefined) {
      const k = errorClass(err);
      errors[k] = (errors[k] ?? 0) + 1;
    }
  };

  // A request that settles in time is answered or failed; one that does not is lost.
  async function guarded(
    id: string,
    run: (signal: AbortSignal) => Promise<boolean>,
  ): Promise<void> {
    const ac = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<'lost'>((res) => {
      timer = setTimeout(() => res('lost'), watchdogMs);
    });
    try {
      const r = await Promise.race([
        run(ac.signal).then((ok) => (ok ? 'answered' : 'wrong')),
        watchdog,
      ]);
      if (r === 'lost') {
        ac.abort(new Error('soak watchdog'));
        record(id, 'lost');
      } else record(id, r as Outcome);
    } catch (err) {
      record(id, 'failed', err);
    } finally {
      clearTimeout(timer);
    }
  }

  const transport = new Transport({ maxIdleConnsPerHost: 8, idleConnTimeout: 3_000 });
  const client = new Client({ transport });

  async function clientWorker(w: number): Promise<void> {
    for (let i = 0; Date.now() < stopAt; i++) {
      const id = `c${w}-${i}-${seq++}`;
      const kind = i % 10;
      await guarded(id, async (signal) => {
        if (kind < 4) {
          const req = newRequest('GET', `${base}/hello`, undefined, { signal });
          req.header.set('X-Req-Id', id);
          const resp = await client.do(req);
          const body = await resp.body.text();
          return resp.statusCode === 200 && body === 'hello\n';
        }
        if (kind < 7) {
          const n = (i * 7919) % pattern.length;
          const req = newRequest('POST', `${base}/echo`, pattern.subarray(0, n), { signal });
          req.header.set('X-Req-Id', id);
          if (kind === 6) req.close = true;
          const resp = await client.do(req);
          const body = await resp.body.bytes();
          return resp.statusCode === 200 && Buffer.compare(body, pattern.subarray(0, n)) === 0;
        }
        if (kind < 9) {
          const n = (i * 104_729) % (256 << 10);
          const req = newRequest('GET', `${base}/bytes/${n}`, undefined, { signal });
          req.header.set('X-Req-Id', id);
          const resp = await client.do(req);
          const body = await resp.body.bytes();
          return resp.statusCode === 200 && body.length === n;
        }
        // slow handler: in flight across shutdowns
        const req = newRequest('GET', `${base}/sleep/${200 + ((i * 37) % 800)}`, undefined, {
          signal,
        });
        req.header.set('X-Req-Id', id);
        const resp = await client.do(req);
        return resp.statusCode === 200 && (await resp.body.text()) === 'slept\n';
      });
      // while the server restarts, dials are refused: don't spin
      if (outcomes.get(id) === 'failed') await sleep(25);
    }
  }

  // Raw keep-alive connections: a few requests each, the last with Connection: close.
  const rawConns = new Set<RawConn>();
  async function rawWorker(w: number): Promise<void> {
    for (let k = 0; Date.now() < stopAt; k++) {
      let c: RawConn;
      try {
        c = await dialRaw(child.addr);
      } catch (err) {
        record(`r${w}-${k}-dial-${seq++}`, 'failed', err);
        await sleep(50);
        continue;
      }
      rawConns.add(c);
      const perConn = 1 + (k % 8);
      for (let j = 0; j < perConn && Date.now() < stopAt && !c.isClosed; j++) {
        const id = `r${w}-${k}-${j}-${seq++}`;
        const close = j === perConn - 1;
        c.chunks.length = 0;
        c.received = 0;
        await guarded(id, async () => {
          const ok = await c.write(
            `GET /hello HTTP/1.1\r\nHost: soak\r\nX-Req-Id: ${id}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`,
          );
          if (!ok) throw new Error('raw: write failed (connection closed)');
          for (;;) {
            const got = c.text();
            if (got.endsWith('hello\n')) return got.startsWith('HTTP/1.1 200 OK\r\n');
            if (c.isClosed) throw new Error('raw: connection closed before the response');
            await sleep(2);
          }
        });
        if (outcomes.get(id) !== 'answered') break;
      }
      await c.destroy();
      rawConns.delete(c);
    }
  }

  // Slow peers: a request head trickled over ~1 s (inside readHeaderTimeout).
  async function slowWorker(w: number): Promise<void> {
    for (let k = 0; Date.now() < stopAt; k++) {
      const id = `s${w}-${k}-${seq++}`;
      let c: RawConn | undefined;
      await guarded(id, async () => {
        c = await dialRaw(child.addr);
        rawConns.add(c);
        const head = `GET /hello HTTP/1.1\r\nHost: soak\r\nX-Req-Id: ${id}\r\nConnection: close\r\n\r\n`;
        const step = Math.max(1, Math.floor(head.length / 50));
        for (let i = 0; i < head.length; i += step) {
          if (!(await c.write(head.slice(i, i + step)))) {
            throw new Error('slow: connection closed while sending');
          }
          await sleep(20);
        }
        await c.closed;
        if (!c.text().endsWith('hello\n')) throw new Error('slow: closed without a response');
        return c.text().startsWith('HTTP/1.1 200 OK');
      });
      if (c !== undefined) {
        await c.destroy();
        rawConns.delete(c);
      }
      if (outcomes.get(id) === 'failed') await sleep(25);
    }
  }

  // Restarts: graceful shutdown under load, then a new server on the same address.
  const restarts: Restart[] = [];
  async function restarter(): Promise<void> {
    if (opts.restartEveryMs <= 0) return;
    for (;;) {
      await sleep(Math.min(opts.restartEveryMs, stopAt - Date.now()));
      if (Date.now() + 2_000 >= stopAt) return;
      const from = child.events.length;
      const at = Date.now();
      child.proc.stdin!.write('restart\n');
      const start = await child.waitFor((e) => e.ev === 'shutdown-start', 20_000, from);
      const done = await child.waitFor((e) => e.ev === 'shutdown-done', 30_000, from);
      await child.waitFor((e) => e.ev === 'listening', 30_000, from);
      restarts.push({
        at,
        shutdownMs: Number(done.ms),
        err: (done.err as string | null) ?? null,
        inFlight: (start.inFlight as string[]) ?? [],
      });
    }
  }

  let tickTimer: ReturnType<typeof setInterval> | undefined;
  const lastStats = (): ChildEvent | undefined => child.events.findLast((e) => e.ev === 'stats');
  if (opts.onTick !== undefined) {
    const onTick = opts.onTick;
    tickTimer = setInterval(() => {
      const s = lastStats();
      onTick({
        elapsedMs: Date.now() - startedAt,
        ...count,
        restarts: restarts.length,
        rssMiB: Number(s?.rss ?? 0) / 2 ** 20,
        heapMiB: Number(s?.heapUsed ?? 0) / 2 ** 20,
        openConns: Number(s?.openConns ?? 0),
      });
    }, opts.tickMs ?? 60_000);
  }

  try {
    await Promise.all([
      ...Array.from({ length: opts.clientWorkers ?? 8 }, (_, i) => clientWorker(i)),
      ...Array.from({ length: opts.rawWorkers ?? 2 }, (_, i) => rawWorker(i)),
      ...Array.from({ length: opts.slowWorkers ?? 1 }, (_, i) => slowWorker(i)),
      restarter(),
    ]);
  } finally {
    if (tickTimer !== undefined) clearInterval(tickTimer);
    transport.closeIdleConnections();
    await Promise.all([...rawConns].map((c) => c.destroy()));
  }

  // Everything closed on our side: the server must come back to its baseline.
  let final = await child.stats();
  for (let i = 0; i < 50 && (final.openConns > 0 || (final.handles.TCPSocketWrap ?? 0) > 0); i++) {
    await sleep(100);
    final = await child.stats();
  }
  const exit = await child.shutdown();
  await child.kill();

  const inFlightNotAnswered: string[] = [];
  for (const r of restarts) {
    for (const id of r.inFlight) {
      if (outcomes.get(id) !== 'answered') inFlightNotAnswered.push(`${id}:${outcomes.get(id)}`);
    }
  }
  const samples = child.events
    .filter((e) => e.ev === 'stats')
    .map((e) => ({
      t: e.t - startedAt,
      rss: Number(e.rss),
      heapUsed: Number(e.heapUsed),
      openConns: Number(e.openConns),
    }))
    .filter((s) => s.t >= 0 && s.t <= opts.durationMs);
  return {
    total: outcomes.size,
    ...count,
    errors,
    restarts,
    inFlightNotAnswered,
    wrongIds,
    samples,
    baseline,
    final,
    exit,
    startedAt,
    durationMs: Date.now() - startedAt,
  };
}

/** RSS medians of the first and last thirds of the samples after warm-up (bytes). */
export function rssThirds(r: SoakResult, warmupMs: number): { first: number; last: number } {
  const after = r.samples.filter((s) => s.t >= warmupMs).map((s) => s.rss);
  const third = Math.max(1, Math.floor(after.length / 3));
  return { first: median(after.slice(0, third)), last: median(after.slice(-third)) };
}

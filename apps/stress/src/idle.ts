// Thousands of idle keep-alive connections against a server in a child process: its memory
// per connection while they are held, and their release by idleTimeout.
import { readFileSync } from 'node:fs';
import { buildGoReference } from '@ka/conformance';
import { ChildServer, type ChildStats, startListeningProgram } from './child.js';
import { dialRaw, type RawConn } from './raw.js';

export interface IdleOptions {
  conns: number;
  idleTimeoutMs: number;
  /** Which server: ka (server-child) or Go's reference server. */
  server?: 'ka' | 'go';
  /** Connections opened at once. */
  batch?: number;
}

export interface IdleResult {
  server: 'ka' | 'go';
  conns: number;
  idleTimeoutMs: number;
  baseRss: number;
  loadedRss: number;
  afterRss: number;
  /** ka only: V8 heap (after gc) before, loaded, after. */
  baseHeap?: number;
  loadedHeap?: number;
  afterHeap?: number;
  /** ka only: the server's census when loaded and after release. */
  loaded?: ChildStats;
  after?: ChildStats;
  baseline?: ChildStats;
  openMs: number;
  firstAnswerAt: number;
  lastAnswerAt: number;
  /** Client-side close times, in answer order. */
  closedAt: number[];
  /** Connections that ended with a reset instead of a FIN. */
  resets: number;
  /** Connections not closed by the server within idleTimeout + 15 s. */
  notClosed: number;
}

function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? -1 : Number(m[1]) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens `conns` keep-alive connections, one request each, then waits for idleTimeout. */
export async function runIdle(opts: IdleOptions): Promise<IdleResult> {
  const which = opts.server ?? 'ka';
  const batch = opts.batch ?? 250;
  let addr: string;
  let rss: () => Promise<number>;
  let census: (() => Promise<ChildStats>) | undefined;
  let stop: () => Promise<void>;
  if (which === 'ka') {
    const child = await ChildServer.start({
      args: [`--idle-timeout=${opts.idleTimeoutMs}`, '--read-header-timeout=30000'],
      nodeFlags: ['--expose-gc'],
    });
    addr = child.addr;
    census = () => child.stats(true);
    rss = async () => (await child.stats(true)).rss;
    stop = () => child.kill();
  } else {
    const go = await buildGoReference();
    const p = await startListeningProgram(go.binary, [
      '--addr=127.0.0.1:0',
      `--idle-timeout=${opts.idleTimeoutMs}ms`,
      '--read-header-timeout=30s',
    ]);
    addr = p.addr;
    rss = async () => vmRss(p.proc.pid!);
    stop = p.stop;
  }
  const held: RawConn[] = [];
  try {
    // warm-up: load code, grow pools
    const warm = await Promise.all(Array.from({ length: 50 }, () => dialRaw(addr)));
    for (const c of warm)
      await c.write('GET /hello HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n');
    await Promise.all(warm.map((c) => c.waitClosed(5_000)));
    await sleep(200);
    const baseline = await census?.();
    const baseRss = baseline?.rss ?? (await rss());

    const answeredAt = new Map<RawConn, number>();
    const t0 = Date.now();
    for (let i = 0; i < opts.conns; i += batch) {
      const group = await Promise.all(
        Array.from({ length: Math.min(batch, opts.conns - i) }, () => dialRaw(addr)),
      );
      held.push(...group);
      await Promise.all(
        group.map(async (c) => {
          await c.write('GET /hello HTTP/1.1\r\nHost: s\r\n\r\n');
          await c.waitText('hello\n', 20_000);
          answeredAt.set(c, Date.now());
          c.keep = false;
          c.chunks.length = 0;
        }),
      );
    }
    const openMs = Date.now() - t0;
    const loaded = await census?.();
    const loadedRss = loaded?.rss ?? (await rss());

    const ends = await Promise.all(held.map((c) => c.waitClosed(opts.idleTimeoutMs + 15_000)));
    await sleep(300);
    const after = await census?.();
    const afterRss = after?.rss ?? (await rss());
    const answers = [...answeredAt.values()];
    const r: IdleResult = {
      server: which,
      conns: opts.conns,
      idleTimeoutMs: opts.idleTimeoutMs,
      baseRss,
      loadedRss,
      afterRss,
      openMs,
      firstAnswerAt: Math.min(...answers),
      lastAnswerAt: Math.max(...answers),
      closedAt: ends.map((e) => e?.closedAt ?? Number.POSITIVE_INFINITY),
      resets: ends.filter((e) => e?.errorCode !== undefined).length,
      notClosed: ends.filter((e) => e === undefined).length,
    };
    if (baseline !== undefined && loaded !== undefined && after !== undefined) {
      Object.assign(r, {
        baseHeap: baseline.heapUsed,
        loadedHeap: loaded.heapUsed,
        afterHeap: after.heapUsed,
        baseline,
        loaded,
        after,
      });
    }
    return r;
  } finally {
    await Promise.all(held.map((c) => c.destroy()));
    await stop();
  }
}

/** `2000 conns: RSS 82.7 → 151.7 MiB (35.3 KiB/conn), heap …` */
export function describeIdle(r: IdleResult): string {
  const MiB = 2 ** 20;
  const per = (a: number, b: number) => ((b - a) / r.conns / 1024).toFixed(1);
  let s = `${r.server}: ${r.conns} idle conns opened in ${(r.openMs / 1000).toFixed(1)} s; RSS ${(r.baseRss / MiB).toFixed(1)} → ${(r.loadedRss / MiB).toFixed(1)} MiB (${per(r.baseRss, r.loadedRss)} KiB/conn), after release ${(r.afterRss / MiB).toFixed(1)} MiB`;
  if (r.baseHeap !== undefined && r.loadedHeap !== undefined && r.afterHeap !== undefined) {
    s += `; heap ${(r.baseHeap / MiB).toFixed(1)} → ${(r.loadedHeap / MiB).toFixed(1)} MiB (${per(r.baseHeap, r.loadedHeap)} KiB/conn), after release ${(r.afterHeap / MiB).toFixed(1)} MiB`;
  }
  const closes = r.closedAt.filter(Number.isFinite);
  if (closes.length > 0) {
    s += `; closed ${((Math.min(...closes) - r.firstAnswerAt) / 1000).toFixed(2)}–${((Math.max(...closes) - r.lastAnswerAt) / 1000).toFixed(2)} s after answers (idleTimeout ${r.idleTimeoutMs / 1000} s)`;
  }
  return s;
}

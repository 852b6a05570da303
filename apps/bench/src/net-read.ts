// Throughput of @ka/net's Conn.read (a Promise per call, copying into a 32 KiB buffer) against
// the raw node:net 'data' loop it is built on, over loopback. A worker thread sends the same
// number of bytes to each receiver, so the sender does not share the receiver's event loop.
// Each variant runs `rounds` times, interleaved; the best round counts. Bounded in bytes
// (`total`) and in time (`maxMs` per round: the receiver stops early and the rate is computed
// from what arrived).

import { createServer, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { listen, type TCPAddr, type TCPConn } from '@ka/net';

/** One measured variant. */
export interface NetReadResult {
  /** Variant name. */
  name: string;
  /** Bytes received in the best round. */
  bytes: number;
  /** Duration of the best round (ms). */
  bestMs: number;
  /** Throughput of the best round, MiB/s. */
  mibPerSec: number;
  /** Throughput relative to the raw 'data' loop. */
  ratio: number;
  /** Receiving thread's CPU time per MiB in the best round (ms). */
  cpuMsPerMiB: number;
  /** CPU cost of the raw loop divided by this variant's (1 = same cost per byte). */
  cpuRatio: number;
}

/** Options of {@link benchNetRead}. */
export interface NetReadOptions {
  /** Bytes per round (default 512 MiB). */
  total?: number;
  /** Rounds per variant; the best counts (default 3). */
  rounds?: number;
  /** Read buffer for Conn.read (default 32 KiB). */
  bufSize?: number;
  /** A round stops after this long (default 20 s). */
  maxMs?: number;
}

// The sender, run in a worker (eval'd, so it works from src/ and dist/ alike).
const senderSource = `
const { workerData, parentPort } = require('node:worker_threads');
const net = require('node:net');
const { port, total } = workerData;
const chunk = Buffer.alloc(1024 * 1024, 0x78);
const s = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => {
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(chunk.length, left);
      left -= n;
      if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        s.once('drain', pump);
        return;
      }
    }
    s.end();
  };
  pump();
});
s.on('error', () => {});
s.on('close', () => parentPort.postMessage('done'));
`;

function startSender(port: number, total: number): Promise<void> {
  const w = new Worker(senderSource, { eval: true, workerData: { port, total } });
  return new Promise((resolve, reject) => {
    w.once('error', reject);
    w.once('exit', () => resolve());
  });
}

interface Round {
  bytes: number;
  ms: number;
  cpuMs: number;
}

// CPU time of this thread only (the sender runs in another), in ms.
function threadCpuMs(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

// Baseline: a plain 'data' listener that only counts.
async function rawRound(total: number, maxMs: number): Promise<Round> {
  let done!: (r: Round) => void;
  const result = new Promise<Round>((resolve) => {
    done = resolve;
  });
  const server = createServer((socket: Socket) => {
    const t0 = performance.now();
    const c0 = threadCpuMs();
    let bytes = 0;
    const timer = setTimeout(() => socket.destroy(), maxMs);
    const finish = () => {
      clearTimeout(timer);
      done({ bytes, ms: performance.now() - t0, cpuMs: threadCpuMs() - c0 });
    };
    socket.on('data', (d: Buffer) => {
      bytes += d.length;
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const sent = startSender(port, total);
  const r = await result;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sent;
  return r;
}

// Conn.read into one reused buffer, or Conn.readChunk (no copy).
async function connRound(
  total: number,
  maxMs: number,
  bufSize: number,
  chunked: boolean,
): Promise<Round> {
  const ln = await listen('tcp', '127.0.0.1:0');
  const sent = startSender((ln.addr() as TCPAddr).port, total);
  const conn = (await ln.accept()) as TCPConn;
  const t0 = performance.now();
  const c0 = threadCpuMs();
  conn.setReadDeadline(Date.now() + maxMs);
  let bytes = 0;
  const buf = new Uint8Array(bufSize);
  try {
    if (chunked) {
      for (let c = await conn.readChunk(); c !== null; c = await conn.readChunk()) {
        bytes += c.length;
      }
    } else {
      for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) bytes += n;
    }
  } catch {
    // deadline reached: the rate is computed from what arrived
  }
  const ms = performance.now() - t0;
  const cpuMs = threadCpuMs() - c0;
  await conn.close();
  await ln.close();
  await sent;
  return { bytes, ms, cpuMs };
}

/**
 * Runs the net-read benchmark: raw 'data' loop, `Conn.read` into a 32 KiB buffer, and
 * `Conn.readChunk`, best of `rounds` each.
 */
export async function benchNetRead(options: NetReadOptions = {}): Promise<NetReadResult[]> {
  const total = options.total ?? 512 * 1024 * 1024;
  const rounds = options.rounds ?? 3;
  const bufSize = options.bufSize ?? 32 * 1024;
  const maxMs = options.maxMs ?? 20_000;
  const variants: [string, () => Promise<Round>][] = [
    ["net.Socket 'data'", () => rawRound(total, maxMs)],
    [`Conn.read ${bufSize >> 10} KiB`, () => connRound(total, maxMs, bufSize, false)],
    ['Conn.readChunk', () => connRound(total, maxMs, bufSize, true)],
  ];
  const mib = 1024 * 1024;
  const best = variants.map(() => ({ bytes: 0, ms: Number.POSITIVE_INFINITY, rate: 0 }));
  const cpu = variants.map(() => Number.POSITIVE_INFINITY); // best CPU ms per MiB
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const round = await variants[i]![1]();
      const rate = round.bytes / (round.ms / 1000);
      if (rate > best[i]!.rate) best[i] = { bytes: round.bytes, ms: round.ms, rate };
      if (round.bytes > 0) cpu[i] = Math.min(cpu[i]!, round.cpuMs / (round.bytes / mib));
    }
  }
  const base = best[0]!.rate;
  return variants.map(([name], i) => ({
    name,
    bytes: best[i]!.bytes,
    bestMs: best[i]!.ms,
    mibPerSec: best[i]!.rate / mib,
    ratio: base > 0 ? best[i]!.rate / base : 0,
    cpuMsPerMiB: cpu[i]!,
    cpuRatio: cpu[i]! > 0 ? cpu[0]! / cpu[i]! : 0,
  }));
}

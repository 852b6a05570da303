// Debian's HTTP tools as peers: curl, wrk, ab (apache2-utils) and h2load (nghttp2-client),
// run as child processes with a time limit, their reports parsed into numbers.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Peer, startGoServer, startKaServer } from './peers.js';

/** Finds `name` in the usual Debian bin folders; undefined when it is not installed. */
export function which(name: string): string | undefined {
  for (const d of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/bin']) {
    const p = `${d}/${name}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** What a tool printed and how it ended. */
export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as bytes. */
  raw: Buffer;
}

/** Runs a tool to its end (killed after `timeoutMs`); never rejects for a non-zero exit. */
export function runTool(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; input?: string | Buffer } = {},
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs ?? 30_000,
        maxBuffer: 16 << 20,
        killSignal: 'SIGKILL',
        encoding: 'buffer',
      },
      (err, stdout, stderr) => {
        if (err !== null && typeof (err as NodeJS.ErrnoException).code === 'string') {
          reject(err); // ENOENT and the like: the tool did not run
          return;
        }
        const code = err === null ? 0 : ((err as { code?: number | null }).code ?? null);
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString(), raw: stdout });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin?.end();
  });
}

function num(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** wrk's summary. */
export interface WrkReport {
  requests: number;
  rps: number;
  socketErrors: number;
  non2xx: number;
}

/** Parses wrk's text report. */
export function parseWrk(out: string): WrkReport {
  const requests = num(/(\d+) requests in /, out);
  if (requests === undefined) throw new Error(`wrk: no summary in ${JSON.stringify(out)}`);
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests,
    rps: num(/Requests\/sec:\s+([\d.]+)/, out) ?? 0,
    socketErrors: se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/, out) ?? 0,
  };
}

/** ab's summary. */
export interface AbReport {
  complete: number;
  failed: number;
  non2xx: number;
  keepAlive: number;
  rps: number;
}

/** Parses ab's text report. */
export function parseAb(out: string): AbReport {
  const complete = num(/Complete requests:\s+(\d+)/, out);
  if (complete === undefined) throw new Error(`ab: no summary in ${JSON.stringify(out)}`);
  return {
    complete,
    failed: num(/Failed requests:\s+(\d+)/, out) ?? 0,
    non2xx: num(/Non-2xx responses:\s+(\d+)/, out) ?? 0,
    keepAlive: num(/Keep-Alive requests:\s+(\d+)/, out) ?? 0,
    rps: num(/Requests per second:\s+([\d.]+)/, out) ?? 0,
  };
}

/** h2load's summary. */
export interface H2loadReport {
  total: number;
  succeeded: number;
  failed: number;
  errored: number;
  timeout: number;
  status2xx: number;
  rps: number;
}

/** Parses h2load's text report. */
export function parseH2load(out: string): H2loadReport {
  const m =
    /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(
      out,
    );
  if (m === null) throw new Error(`h2load: no summary in ${JSON.stringify(out)}`);
  return {
    total: Number(m[1]),
    succeeded: Number(m[2]),
    failed: Number(m[3]),
    errored: Number(m[4]),
    timeout: Number(m[5]),
    status2xx: num(/status codes: (\d+) 2xx/, out) ?? 0,
    rps: num(/finished in [\d.]+\w+, ([\d.]+) req\/s/, out) ?? 0,
  };
}

/** One row of the long-mode load table. */
export interface LoadRow {
  tool: string;
  server: string;
  requests: number;
  'req/s': number;
  errors: number;
  'server conns': number;
}

/**
 * The long mode's load: wrk, ab -k and h2load --h1 (plain and pipelined) against ka's server
 * and Go's, each for `duration` ms on `connections` keep-alive connections.
 */
export async function runLoad(o: { duration: number; connections: number }): Promise<LoadRow[]> {
  const secs = Math.max(1, Math.round(o.duration / 1000));
  const c = String(o.connections);
  const rows: LoadRow[] = [];
  for (const start of [() => startKaServer(), () => startGoServer()]) {
    for (const tool of ['wrk', 'ab -k', 'h2load --h1', 'h2load --h1 -m 8'] as const) {
      const bin = which(tool.split(' ')[0]!);
      if (bin === undefined) continue;
      const peer: Peer = await start();
      try {
        const url = `${peer.url}/hello`;
        const limit = { timeoutMs: o.duration + 60_000 };
        let requests = 0;
        let rps = 0;
        let errors = 0;
        if (tool === 'wrk') {
          const r = parseWrk(
            (await runTool(bin, ['-t', '1', '-c', c, '-d', `${secs}s`, url], limit)).stdout,
          );
          ({ requests, rps } = r);
          errors = r.socketErrors + r.non2xx;
        } else if (tool === 'ab -k') {
          const r = parseAb(
            (
              await runTool(
                bin,
                ['-k', '-q', '-c', c, '-t', String(secs), '-n', '10000000', url],
                limit,
              )
            ).stdout,
          );
          requests = r.complete;
          rps = r.rps;
          errors = r.failed + r.non2xx + (r.complete - r.keepAlive);
        } else {
          const m = tool.endsWith('-m 8') ? '8' : '1';
          const r = parseH2load(
            (await runTool(bin, ['--h1', '-c', c, '-m', m, '-D', String(secs), url], limit)).stdout,
          );
          requests = r.total;
          rps = r.rps;
          errors = r.failed + r.errored + r.timeout + (r.succeeded - r.status2xx);
        }
        rows.push({
          tool,
          server: peer.name,
          requests,
          'req/s': Math.round(rps),
          errors,
          'server conns': peer.newConns(),
        });
      } finally {
        await peer.close();
      }
    }
  }
  return rows;
}

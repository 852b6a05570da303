// The peers of the interop suites: ka's server (in process), a node:http server (in
// process), Go's standard-library server (the conformance reference, a child process), nginx
// (Debian's, a child process with a generated config) and a Go client program. Every helper
// returns something with a `close()` that frees all it holds: sockets, timers, processes.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildGoProgram, buildGoReference, defaultGoCacheDir } from '@ka/conformance';
import { isServerClosed, ServeMux, Server, StateNew } from '@ka/http-server';
import { listen } from '@ka/net';

const here = dirname(fileURLToPath(import.meta.url));
/** apps/interop (from src/ under vitest, from dist/ when built). */
export const appRoot = resolve(here, '..');

/** A server under test, on 127.0.0.1. */
export interface Peer {
  /** What it is, for tables: `ka`, `go (go1.26.8)`, `node:http (v24.x)`, `nginx`. */
  readonly name: string;
  /** `127.0.0.1:PORT`. */
  readonly addr: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** TCP connections the server accepted so far. */
  newConns(): number;
  /** Stops the server and frees everything it holds. */
  close(): Promise<void>;
}

/** The routes every test server answers, the reference app's subset. */
export const Routes = {
  /** `GET /hello` → `hello\n`. */
  hello: '/hello',
  /** `POST /echo` → the request body. */
  echo: '/echo',
} as const;

// ---------------------------------------------------------------------------------------
// ka's server, in process

/** Options for {@link startKaServer}; durations in ms, 0 = Go's zero. */
export interface KaServerOptions {
  idleTimeout?: number;
  readHeaderTimeout?: number;
  /** Called with the remote address of every accepted connection. */
  onConn?: (remote: string) => void;
}

/** ka's `Server` on 127.0.0.1:0 with `GET /hello`, `/echo` and `/` (answers `path P`). */
export async function startKaServer(opts: KaServerOptions = {}): Promise<Peer> {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello', async (w) => {
    await w.write('hello\n');
  });
  mux.handleFunc('/echo', async (w, r) => {
    const body = await r.body.bytes();
    w.header().set('Content-Type', 'application/octet-stream');
    await w.write(body);
  });
  mux.handleFunc('/', async (w, r) => {
    await w.write(`path ${r.url.path}\n`);
  });
  let accepted = 0;
  const errors: string[] = [];
  const srv = new Server({
    handler: mux,
    idleTimeout: opts.idleTimeout ?? 0,
    readHeaderTimeout: opts.readHeaderTimeout ?? 0,
    connState: (c, s) => {
      if (s === StateNew) {
        accepted++;
        opts.onConn?.(c.remoteAddr().toString());
      }
    },
    errorLog: (m) => errors.push(m),
  });
  const ln = await listen('tcp', '127.0.0.1:0');
  const addr = ln.addr().toString();
  const served = srv.serve(ln).catch((err: unknown) => {
    if (!isServerClosed(err)) throw err;
  });
  return {
    name: 'ka',
    addr,
    url: `http://${addr}`,
    newConns: () => accepted,
    close: async () => {
      await srv.close();
      await served;
    },
  };
}

// ---------------------------------------------------------------------------------------
// node:http, in process

/** Options for {@link startNodeServer}. */
export interface NodeServerOptions {
  /** `server.keepAliveTimeout` (ms); Node's default is 5 000. */
  keepAliveTimeout?: number;
  /**
   * `server.keepAliveTimeoutBuffer` (Node ≥ 24.6, default 1 000 ms, added to the socket's
   * idle timeout). The races set it to 0 so the server really closes at `keepAliveTimeout`.
   */
  keepAliveTimeoutBuffer?: number;
  /** Called with the remote address of every accepted connection. */
  onConn?: (remote: string) => void;
}

/** A node:http server with the same routes. */
export async function startNodeServer(opts: NodeServerOptions = {}): Promise<Peer> {
  const server = http.createServer(
    {
      ...(opts.keepAliveTimeout !== undefined ? { keepAliveTimeout: opts.keepAliveTimeout } : {}),
      ...(opts.keepAliveTimeoutBuffer !== undefined
        ? { keepAliveTimeoutBuffer: opts.keepAliveTimeoutBuffer }
        : {}),
    },
    (req, res) => {
      if (req.url === Routes.echo) {
        const parts: Buffer[] = [];
        req.on('data', (d: Buffer) => parts.push(d));
        req.on('end', () => {
          res.setHeader('Content-Type', 'application/octet-stream');
          res.end(Buffer.concat(parts));
        });
        return;
      }
      req.resume();
      res.end(req.url === Routes.hello ? 'hello\n' : `path ${req.url}\n`);
    },
  );
  if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout;
  let accepted = 0;
  server.on('connection', (sock: net.Socket) => {
    accepted++;
    opts.onConn?.(`${sock.remoteAddress}:${sock.remotePort}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const addr = `127.0.0.1:${port}`;
  return {
    name: `node:http (${process.version})`,
    addr,
    url: `http://${addr}`,
    newConns: () => accepted,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

// ---------------------------------------------------------------------------------------
// child processes

const children = new Set<ChildProcess>();

/** Kills every child process still running (for signal handlers of the CLI). */
export function killAllPeers(): void {
  for (const c of children) c.kill('SIGKILL');
}

/** Sends `signal`, then SIGKILL after `graceMs`; resolves once the process and its pipes closed. */
export async function stopChild(
  proc: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 3_000,
): Promise<void> {
  const closed = new Promise<void>((r) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      // exited: the pipes may still be draining
      if (proc.stdout === null || proc.stdout.closed) r();
      else proc.once('close', () => r());
    } else proc.once('close', () => r());
  });
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill(signal);
    const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await closed;
    clearTimeout(t);
  } else await closed;
  children.delete(proc);
}

/** Spawns `cmd` and waits for a `listening on ADDR` line on stdout. */
async function spawnListening(
  cmd: string,
  args: string[],
  onStderrLine: (line: string) => void,
): Promise<{ proc: ChildProcess; addr: string }> {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let err = '';
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (d: string) => {
    err += d;
    let i = err.indexOf('\n');
    while (i >= 0) {
      onStderrLine(err.slice(0, i));
      err = err.slice(i + 1);
      i = err.indexOf('\n');
    }
  });
  try {
    const addr = await new Promise<string>((res, rej) => {
      let out = '';
      const t = setTimeout(() => rej(new Error(`${cmd}: no "listening on" line in 30 s`)), 30_000);
      proc.stdout!.setEncoding('utf8');
      proc.stdout!.on('data', (d: string) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          res(m[1]!);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(t);
        rej(new Error(`${cmd} exited (${code}) before listening`));
      });
      proc.once('error', (e) => {
        clearTimeout(t);
        rej(e);
      });
    });
    return { proc, addr };
  } catch (e) {
    await stopChild(proc, 'SIGKILL');
    throw e;
  }
}

/** Go duration text for milliseconds. */
export function goDuration(ms: number): string {
  return `${ms}ms`;
}

/** Options for {@link startGoServer}. */
export interface GoServerOptions {
  /** `http.Server.IdleTimeout` (ms; 0 = Go's zero). */
  idleTimeout?: number;
}

/**
 * Go's standard-library server: the conformance reference (`GET /hello`, `/echo`, …), with
 * `--conn-state-log` so its accepted connections can be counted.
 */
export async function startGoServer(opts: GoServerOptions = {}): Promise<Peer> {
  const ref = await buildGoReference();
  let accepted = 0;
  const { proc, addr } = await spawnListening(
    ref.binary,
    [
      '--addr',
      '127.0.0.1:0',
      '--conn-state-log',
      '--idle-timeout',
      goDuration(opts.idleTimeout ?? 0),
    ],
    (line) => {
      if (/^connstate \S+ new$/.test(line)) accepted++;
    },
  );
  return {
    name: `go (${ref.goVersion})`,
    addr,
    url: `http://${addr}`,
    newConns: () => accepted,
    close: () => stopChild(proc, 'SIGKILL'),
  };
}

/** dist/serve.js: ka's or node:http's server in a process of its own. */
export const serveJs = join(appRoot, 'dist', 'serve.js');

/**
 * ka's or node:http's server in its own Node process (dist/serve.js, so built first), for
 * measurements where sharing the test's event loop would handicap the server.
 */
export async function startServerProcess(
  kind: 'ka' | 'node',
  opts: { idleTimeout?: number } = {},
): Promise<Peer> {
  if (!existsSync(serveJs)) {
    throw new Error(`${serveJs} is missing: build first (pnpm exec tsc -b apps/interop)`);
  }
  let accepted = 0;
  const { proc, addr } = await spawnListening(
    process.execPath,
    [serveJs, kind, '--idle-timeout', String(opts.idleTimeout ?? 0)],
    (line) => {
      if (/^connstate \S+ new$/.test(line)) accepted++;
    },
  );
  return {
    name: kind === 'ka' ? 'ka' : `node:http (${process.version})`,
    addr,
    url: `http://${addr}`,
    newConns: () => accepted,
    close: () => stopChild(proc, 'SIGTERM'),
  };
}

// ---------------------------------------------------------------------------------------
// the Go client program (go/goclient)

/** Builds (or reuses) go/goclient, sharing the conformance package's GOCACHE. */
export async function buildGoClient(): Promise<string> {
  const built = await buildGoProgram({
    name: 'goclient',
    srcDir: join(appRoot, 'go', 'goclient'),
    cacheDir: join(appRoot, '.cache', 'goclient'),
    goCache: join(defaultGoCacheDir(), 'gocache'),
    what: 'the Go client of apps/interop',
  });
  return built.binary;
}

/** What go/goclient prints (one JSON line). */
export interface GoClientResult {
  requests: number;
  ok: number;
  errors: number;
  attempts: number;
  newConns: number;
  reused: number;
  firstError?: string;
}

/** Runs go/goclient with `args`; resolves with its JSON line. */
export function runGoClient(binary: string, args: string[]): Promise<GoClientResult> {
  return new Promise((res, rej) => {
    execFile(binary, args, { timeout: 120_000, maxBuffer: 8 << 20 }, (err, stdout, stderr) => {
      if (err !== null) {
        rej(new Error(`goclient ${args.join(' ')}: ${err.message}\n${stderr}`));
        return;
      }
      try {
        res(JSON.parse(stdout.trim().split('\n').pop()!) as GoClientResult);
      } catch (e) {
        rej(new Error(`goclient printed ${JSON.stringify(stdout)}: ${String(e)}`));
      }
    });
  });
}

// ---------------------------------------------------------------------------------------
// nginx

/** Where Debian's nginx lives. */
export const nginxBinary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitConnectable(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        r(true);
      });
      c.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise<void>((r) => setTimeout(r, 25));
  }
}

/** One `server` block of the generated nginx config. */
export interface NginxSite {
  /** Name for tables and the upstream block. */
  name: string;
  /** `location /` body, e.g. `return 200 "hi\n";` or `proxy_pass http://up_x;`. */
  location: string;
  /** More directives for the `server` block, e.g. `keepalive_requests 100;`. */
  server?: string;
  /** An upstream block to declare: its servers and keep-alive settings. */
  upstream?: {
    /** `127.0.0.1:PORT` of the server behind nginx. */
    addr: string;
    /** `keepalive N;` — idle connections nginx caches per worker. */
    keepalive: number;
    /** Upstream `keepalive_timeout` (ms). */
    keepaliveTimeout: number;
  };
}

/** A running nginx. */
export interface Nginx {
  /** `http://127.0.0.1:PORT` per site name. */
  readonly urls: Record<string, string>;
  /** The error log so far. */
  errorLog(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts nginx in the foreground as one process (`master_process off`), everything under a
 * temp dir: config, pid, logs, temp paths. Each site listens on its own 127.0.0.1 port.
 */
export async function startNginx(sites: NginxSite[]): Promise<Nginx> {
  if (nginxBinary === undefined) throw new Error('nginx is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'ka-interop-nginx-'));
  await mkdir(join(dir, 'logs'));
  const urls: Record<string, string> = {};
  const ports: number[] = [];
  let blocks = '';
  for (const s of sites) {
    const port = await freePort();
    ports.push(port);
    urls[s.name] = `http://127.0.0.1:${port}`;
    if (s.upstream) {
      blocks += `  upstream up_${s.name} {
    server ${s.upstream.addr};
    keepalive ${s.upstream.keepalive};
    keepalive_timeout ${s.upstream.keepaliveTimeout}ms;
  }
`;
    }
    blocks += `  server {
    listen 127.0.0.1:${port};
    ${s.server ?? ''}
    location / {
      ${s.location}
    }
  }
`;
  }
  const conf = `master_process off;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/plain;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_http_version 1.1;
  proxy_set_header Connection "";
  keepalive_timeout 75s;
${blocks}}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const proc = spawn(
    nginxBinary,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs/error.log')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(proc);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const close = async () => {
    await stopChild(proc, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 10_000;
    for (const p of ports) {
      if (proc.exitCode !== null) throw new Error(`nginx exited: ${out}`);
      await waitConnectable(p, deadline);
    }
  } catch (e) {
    const log = await readFile(join(dir, 'logs/error.log'), 'utf8').catch(() => '');
    await close();
    throw new Error(`${(e as Error).message}\n${out}\n${log}`);
  }
  return {
    urls,
    errorLog: () => readFile(join(dir, 'logs/error.log'), 'utf8').catch(() => ''),
    close,
  };
}

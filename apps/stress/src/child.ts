// Driving a server in a child process: the ka server of server-child.ts (built: dist/), or any
// program that prints `listening on ADDR` (the Go reference server, ka's reference server).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The built child server (tests run from src/, the child from dist/). */
export const serverChildJs = resolve(here, '../dist/server-child.js');

/** What server-child reports with `stats`. */
export interface ChildStats {
  t: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  handles: Record<string, number>;
  openConns: number;
  /** Totals per ConnState: new, active, idle, hijacked, closed. */
  states: number[];
  served: number;
  inFlight: number;
}

/** One line of server-child's stdout. */
export interface ChildEvent {
  ev: string;
  t: number;
  [k: string]: unknown;
}

export interface SpawnOptions {
  /** Arguments after the script. */
  args?: string[];
  /** Run under `ulimit -n N` (soft limit). */
  ulimitN?: number;
  /** Extra node flags (e.g. `--expose-gc`). */
  nodeFlags?: string[];
}

/** A ka server (server-child.ts) in a child process. */
export class ChildServer {
  readonly proc: ChildProcess;
  addr = '';
  readonly events: ChildEvent[] = [];
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  #waiters: { pred: (e: ChildEvent) => boolean; resolve: (e: ChildEvent) => void }[] = [];
  #exited: Promise<number | null>;

  private constructor(proc: ChildProcess) {
    this.proc = proc;
    this.#exited = new Promise((res) => proc.once('exit', (code) => res(code)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let e: ChildEvent;
      try {
        e = JSON.parse(line) as ChildEvent;
      } catch {
        return;
      }
      if (e.ev === 'log') this.logs.push(String(e.msg));
      else this.events.push(e);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(e)) return true;
        w.resolve(e);
        return false;
      });
    });
    createInterface({ input: proc.stderr! }).on('line', (line) => this.stderr.push(line));
  }

  /** Starts server-child.js and waits for it to listen. */
  static async start(opts: SpawnOptions = {}): Promise<ChildServer> {
    if (!existsSync(serverChildJs)) {
      throw new Error(`${serverChildJs} is missing: build first (pnpm exec tsc -b apps/stress)`);
    }
    const nodeArgs = [...(opts.nodeFlags ?? []), serverChildJs, ...(opts.args ?? [])];
    const proc =
      opts.ulimitN !== undefined
        ? spawn(
            'bash',
            ['-c', `ulimit -n ${opts.ulimitN} && exec "$0" "$@"`, process.execPath, ...nodeArgs],
            { stdio: ['pipe', 'pipe', 'pipe'] },
          )
        : spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    const c = new ChildServer(proc);
    const ev = await c.waitFor((e) => e.ev === 'listening', 15_000);
    c.addr = String(ev.addr);
    return c;
  }

  get port(): number {
    return Number(this.addr.slice(this.addr.lastIndexOf(':') + 1));
  }

  /** Waits for an event matching `pred` (past events included from index `from`). */
  waitFor(pred: (e: ChildEvent) => boolean, timeoutMs: number, from = 0): Promise<ChildEvent> {
    const past = this.events.slice(from).find(pred);
    if (past !== undefined) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const onExit = () => {
        clearTimeout(t);
        reject(new Error(`child exited: ${this.stderr.slice(-5).join('\n')}`));
      };
      const t = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        this.proc.off('exit', onExit);
        reject(new Error(`child: no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (e: ChildEvent) => {
        clearTimeout(t);
        this.proc.off('exit', onExit);
        resolve(e);
      };
      this.#waiters.push({ pred, resolve: done });
      this.proc.once('exit', onExit);
    });
  }

  /** Sends a command line and waits for the event it answers with. */
  async command(cmd: string, ev: string, timeoutMs = 30_000): Promise<ChildEvent> {
    const from = this.events.length;
    const p = this.waitFor((e) => e.ev === ev, timeoutMs, from);
    this.proc.stdin!.write(`${cmd}\n`);
    return p;
  }

  async stats(gc = false): Promise<ChildStats> {
    return (await this.command(gc ? 'gc' : 'stats', 'stats')) as unknown as ChildStats;
  }

  /** Graceful shutdown, then exit; resolves with the exit census. */
  async shutdown(timeoutMs = 30_000): Promise<ChildStats> {
    return (await this.command('shutdown', 'exit', timeoutMs)) as unknown as ChildStats;
  }

  /** Ends the child (if still running) and waits for it. */
  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
    }
    await this.#exited;
    this.proc.stdin?.destroy();
    this.proc.stdout?.destroy();
    this.proc.stderr?.destroy();
  }
}

/** A program printing `listening on ADDR` (Go or ka reference server). */
export async function startListeningProgram(
  program: string,
  args: string[],
): Promise<{ proc: ChildProcess; addr: string; stderr: string[]; stop: () => Promise<void> }> {
  const proc = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<void>((res) => proc.once('exit', () => res()));
  const addr = await new Promise<string>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`${program}: not listening after 15 s`)), 15_000);
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const m = /^listening on (\S+)/.exec(l);
      if (m !== null) {
        clearTimeout(t);
        res(m[1]!);
      }
    });
    proc.once('exit', () => {
      clearTimeout(t);
      rej(new Error(`${program} exited: ${stderr.join('\n')}`));
    });
  });
  return {
    proc,
    addr,
    stderr,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
      proc.stdout?.destroy();
      proc.stderr?.destroy();
    },
  };
}

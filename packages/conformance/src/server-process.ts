// Starting and stopping a server program that implements REFERENCE_APP.md, reading its
// start-up line and its stderr (ConnState log, panics).

import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The first stdout line the contract requires: `listening on 127.0.0.1:PORT`. */
const LISTENING_RE = /^listening on (127\.0\.0\.1|\[::1\]|[\w.-]+):(\d+)\s*$/;

/** How to start a server: the program and its fixed arguments. */
export interface ServerCommand {
  /** argv[0]. */
  readonly program: string;
  /** Arguments before the per-case flags. */
  readonly args: readonly string[];
  /** Shown in reports (defaults to the command line). */
  readonly label?: string;
}

/** Most stderr lines kept per server (older ones are dropped). */
const MAX_STDERR_LINES = 5000;

/** Server processes not yet exited: killed if the runner's process exits first. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** Kills every server process still running (for signal handlers of a CLI). */
export function killAllServers(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** A running server process. */
export class ServerProcess {
  /** Port from the start-up line. */
  port = 0;
  /** Host from the start-up line. */
  host = '127.0.0.1';
  /** Recent stderr lines (ConnState lines included). */
  readonly stderr: string[] = [];
  /** Set once the process exited: its code (null if killed by a signal) and signal. */
  exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  /** The error of a failed spawn (program not found, not executable). */
  spawnError: Error | null = null;

  private readonly states = new Map<string, string[]>();
  private readonly waiters = new Set<() => void>();
  private readonly closed: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** The flags this process was started with. */
    readonly flags: readonly string[],
  ) {
    track(child);
    this.closed = new Promise((resolve) => {
      child.once('exit', () => live.delete(child));
      child.once('close', (code, signal) => {
        live.delete(child);
        this.exited = { code, signal };
        this.wake();
        resolve();
      });
      // a program that cannot be spawned emits 'error' and may never emit 'close'
      child.once('error', (err) => {
        this.spawnError ??= err;
        if (child.pid !== undefined) return;
        live.delete(child);
        this.exited = { code: null, signal: null };
        this.wake();
        resolve();
      });
    });
    const err = createInterface({ input: child.stderr! });
    err.on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > MAX_STDERR_LINES)
        this.stderr.splice(0, this.stderr.length - MAX_STDERR_LINES);
      const m = /^connstate (\S+) (\w+)$/.exec(line);
      if (m !== null) {
        const list = this.states.get(m[1]!) ?? [];
        list.push(m[2]!);
        this.states.set(m[1]!, list);
      }
      this.wake();
    });
  }

  /**
   * Spawns `cmd` with `--addr 127.0.0.1:0` and `flags`, and waits for the start-up line.
   *
   * @throws Error when the program cannot start, exits, or prints no start-up line in time.
   */
  static async start(
    cmd: ServerCommand,
    flags: readonly string[],
    timeoutMs = 15_000,
  ): Promise<ServerProcess> {
    const child = spawn(cmd.program, [...cmd.args, '--addr', '127.0.0.1:0', ...flags], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new ServerProcess(child, flags);
    const out = createInterface({ input: child.stdout! });
    let first: string | null = null;
    out.on('line', (line) => {
      first ??= line;
      proc.wake();
    });
    await proc.waitFor(() => first !== null || proc.exited !== null, timeoutMs);
    const describe = () => `${[cmd.program, ...cmd.args, ...flags].join(' ')}`;
    if (proc.spawnError !== null) {
      await proc.stop();
      throw new Error(`cannot start ${describe()}: ${proc.spawnError.message}`);
    }
    if (first === null) {
      await proc.stop();
      const why =
        proc.exited !== null
          ? `exited (code ${proc.exited.code}, signal ${proc.exited.signal}) without`
          : `printed no`;
      throw new Error(
        `${describe()} ${why} a start-up line within ${timeoutMs} ms; stderr:\n${proc.stderr.slice(-20).join('\n')}`,
      );
    }
    const m = LISTENING_RE.exec(first);
    if (m === null) {
      await proc.stop();
      throw new Error(
        `${describe()}: first stdout line must be "listening on 127.0.0.1:PORT", got ${JSON.stringify(first)}`,
      );
    }
    proc.host = m[1]!.replace(/^\[|\]$/g, '');
    proc.port = Number(m[2]);
    return proc;
  }

  /** ConnState names logged so far for the peer address `remote` (`127.0.0.1:PORT`). */
  connStates(remote: string): readonly string[] {
    return this.states.get(remote) ?? [];
  }

  /** Sends a signal (no-op after exit). */
  signal(sig: NodeJS.Signals): void {
    if (this.exited === null) this.child.kill(sig);
  }

  /** Resolves true when `cond()` holds, false after `timeoutMs`. Checked on every stderr line and on exit. */
  waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (cond()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (cond()) finish(true);
      };
      const finish = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(cond()), Math.max(0, timeoutMs));
      this.waiters.add(check);
    });
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after `graceMs`; resolves once it exited and its
   * pipes closed.
   */
  async stop(graceMs = 7000): Promise<void> {
    if (this.exited === null) {
      this.child.kill('SIGTERM');
      const exited = await this.waitFor(() => this.exited !== null, graceMs);
      if (!exited) this.child.kill('SIGKILL');
    }
    await this.closed;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/**
 * Splits a command line into words like a POSIX shell would for simple cases: whitespace
 * separates words; single quotes, double quotes and backslashes quote. No expansions.
 *
 * @throws Error on an unterminated quote or an empty command.
 */
export function splitCommand(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) throw new Error(`unterminated ' in ${JSON.stringify(line)}`);
      cur += line.slice(i + 1, j);
      inWord = true;
      i = j + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated " in ${JSON.stringify(line)}`);
        const d = line[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          cur += line[i + 1];
          i += 2;
        } else {
          cur += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      i++;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  if (words.length === 0) throw new Error('empty server command');
  return words;
}

/** Builds a {@link ServerCommand} from a command line such as `"node dist/main.js --quiet"`. */
export function parseServerCommand(line: string, label?: string): ServerCommand {
  const [program, ...args] = splitCommand(line);
  return { program: program!, args, label: label ?? line };
}

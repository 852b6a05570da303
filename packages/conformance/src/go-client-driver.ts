// The Go side of the client half: builds go-client-driver/main.go (like the reference
// server) and runs one scenario per process, speaking its line protocol.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DriverResult, DriverScenario } from './client-scenario.js';
import {
  buildGoProgram,
  defaultGoCacheDir,
  type GoReference,
  packageRoot,
} from './go-reference.js';

/** Folder of the Go client driver's sources. */
export function goClientDriverSourceDir(): string {
  return join(packageRoot(), 'go-client-driver');
}

/** Default build folder: `<package>/.cache/go-client-driver`. */
export function defaultGoClientDriverCacheDir(): string {
  return join(packageRoot(), '.cache', 'go-client-driver');
}

/**
 * Builds (or reuses) the Go client driver with the `go` on PATH. It shares the reference
 * server's GOCACHE, so the standard library is compiled once for both.
 *
 * @throws GoNotFoundError without a usable Go; Error with the compiler output if the build fails.
 */
export async function buildGoClientDriver(
  opts: { cacheDir?: string; go?: string } = {},
): Promise<GoReference> {
  return buildGoProgram({
    name: 'go-client-driver',
    srcDir: goClientDriverSourceDir(),
    cacheDir: opts.cacheDir ?? defaultGoClientDriverCacheDir(),
    goCache: join(defaultGoCacheDir(), 'gocache'),
    what: 'the Go client driver',
    ...(opts.go !== undefined ? { go: opts.go } : {}),
  });
}

/** A Go driver process that reported its result and waits to be released. */
export interface GoDriverRun {
  readonly result: DriverResult;
  /** Lets the driver close what it holds and exit; resolves when it exited. */
  finish(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every Go driver still running (for signal handlers). */
export function killAllGoDrivers(): void {
  for (const c of running) c.kill('SIGKILL');
}

/**
 * Runs a scenario with the Go driver `binary`. Calls `checkpoint` for each checkpoint step
 * (the driver waits until it resolves); resolves once the driver reported its result.
 *
 * @throws Error when the driver fails, prints something unexpected or exceeds `timeoutMs`.
 */
export function runGoDriver(
  binary: string,
  sc: DriverScenario,
  hooks: { checkpoint(name: string): Promise<void> },
  timeoutMs: number,
): Promise<GoDriverRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    let stderr = '';
    let settled = false;
    let exited = false;
    let onExit: (() => void) | undefined;
    const fail = (msg: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${msg}${stderr.trim() !== '' ? `\nstderr: ${stderr.trim()}` : ''}`));
    };
    const timer = setTimeout(
      () => fail(`the Go driver did not finish within ${timeoutMs} ms`),
      timeoutMs,
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      if (stderr.length < 20_000) stderr += s;
    });
    child.stdin.on('error', () => {});
    child.on('error', (e) => fail(`cannot run the Go driver: ${e.message}`));
    child.on('exit', (code, signal) => {
      exited = true;
      running.delete(child);
      clearTimeout(timer);
      onExit?.();
      if (!settled) fail(`the Go driver exited early (${signal ?? `status ${code}`})`);
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      let msg: { event?: string; name?: string; outcomes?: unknown; logs?: unknown };
      try {
        msg = JSON.parse(line);
      } catch {
        fail(`the Go driver printed ${JSON.stringify(line.slice(0, 200))}`);
        return;
      }
      if (msg.event === 'checkpoint') {
        hooks.checkpoint(String(msg.name)).then(
          () => child.stdin.write('ok\n'),
          (e: unknown) => fail(`checkpoint failed: ${(e as Error).message}`),
        );
      } else if (msg.event === 'result') {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const result = { outcomes: msg.outcomes, logs: msg.logs } as DriverResult;
        resolve({
          result,
          finish: () =>
            new Promise<void>((done) => {
              if (exited) return done();
              const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
              onExit = () => {
                clearTimeout(kill);
                done();
              };
              child.stdin.end('ok\n');
            }),
        });
      } else {
        fail(`the Go driver sent an unknown message ${line.slice(0, 200)}`);
      }
    });
    child.stdin.write(`${JSON.stringify(sc)}\n`);
  });
}

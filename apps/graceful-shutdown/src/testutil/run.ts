// Test helpers: run the built app (dist/main.js, dist/server.js) as child processes. Not part
// of the build.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
/** The built entry points the tests run. */
export const MAIN = `${DIST}main.js`;
export const SERVER = `${DIST}server.js`;

/** Throws a clear error when the app has not been built, or was built from older sources. */
export function requireBuilt(): void {
  const build = 'build first: pnpm exec tsc -b apps/graceful-shutdown';
  for (const f of readdirSync(SRC)) {
    if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
    const js = `${DIST}${f.replace(/\.ts$/, '.js')}`;
    if (!existsSync(js)) throw new Error(`${js} is missing: ${build}`);
    if (statSync(js).mtimeMs < statSync(`${SRC}${f}`).mtimeMs) {
      throw new Error(`${js} is older than src/${f}: ${build}`);
    }
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A started child: its output so far, a way to wait for a line, and its exit. */
export interface Child {
  proc: ChildProcess;
  /** Resolves with the first stdout match of `re` (rejects if the child exits first). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<Exit>;
}

/**
 * Starts `node script args` (with the Node running the tests). SIGKILLed after `timeoutMs`:
 * the exit then has `signal` set, and the test fails on the exit code.
 */
export function start(script: string, args: readonly string[], timeoutMs = 60_000): Child {
  const proc = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  proc.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const w of watchers) w();
  });
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<Exit>((resolve, reject) => {
    proc.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close': exited and its stdio pipes are closed (nothing left open).
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of watchers) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  const waitFor = (re: RegExp, ms = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(stdout);
        if (m !== null || done) {
          clearTimeout(t);
          watchers.delete(check);
          if (m !== null) resolve(m);
          else reject(new Error(`exited before printing ${re}: ${stdout}${stderr}`));
        }
      };
      const t = setTimeout(() => {
        watchers.delete(check);
        reject(new Error(`no ${re} within ${ms} ms: ${stdout}${stderr}`));
      }, ms);
      watchers.add(check);
      check();
    });
  return { proc, waitFor, exited };
}

/** Runs `node script args` to completion. */
export function run(script: string, args: readonly string[], timeoutMs = 60_000): Promise<Exit> {
  return start(script, args, timeoutMs).exited;
}

// Test helpers: run the built app (dist/main.js) as a child process and watch its output.
// Not part of the build.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** The built entry point the tests run. */
export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Throws a clear error when the app has not been built. */
export function requireBuilt(): void {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build first (pnpm exec tsc -b apps/reverse-proxy)`);
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `node dist/main.js …`. */
export class Proc {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  stdout = '';
  stderr = '';
  /** Settles when the process has exited and its pipes are closed. */
  readonly exit: Promise<Exit>;
  readonly #waiters = new Set<() => void>();
  #exited = false;

  constructor(args: readonly string[], timeoutMs = 60_000) {
    this.child = spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.stdout += d;
      this.#wake();
    });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
      this.#wake();
    });
    // Killed after timeoutMs, so that a hung app fails the test instead of hanging it.
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    this.exit = new Promise((resolve, reject) => {
      this.child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      this.child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.#exited = true;
        this.#wake();
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }

  /** Resolves the first match of `re` in stdout; rejects if the process exits or `ms` pass. */
  waitFor(re: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = re.exec(this.stdout);
        if (m !== null) {
          done();
          resolve(m);
        } else if (this.#exited) {
          done();
          reject(new Error(`exited before ${re}; stdout: ${this.stdout}; stderr: ${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`no ${re} within ${ms} ms; stdout: ${this.stdout}; stderr: ${this.stderr}`),
        );
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Kills the process if it is still running and waits for it. */
  async stop(): Promise<void> {
    if (!this.#exited) this.child.kill('SIGKILL');
    await this.exit.catch(() => {});
  }
}

/** Runs the app to completion. */
export function run(args: readonly string[], timeoutMs?: number): Promise<Exit> {
  return new Proc(args, timeoutMs).exit;
}

// Test helpers: run the built app (dist/main.js) as a child process. Not part of the build.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built entry point the tests run. */
export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Throws a clear error when the app has not been built. */
export function requireBuilt(): void {
  if (!existsSync(MAIN)) {
    throw new Error(
      `${MAIN} is missing: build first (pnpm exec turbo run build --filter=@ka/keepalive-demo)`,
    );
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `program args` to completion and collects its output. Killed (SIGKILL) after
 * `timeoutMs`: the result then has `signal` set, and the test fails on the exit code.
 */
export function run(
  program: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close': the process exited and its stdio pipes are closed (nothing left open).
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the demo with `process.execPath` (the Node running the tests). */
export function runDemo(
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<Exit> {
  return run(process.execPath, [MAIN, ...args], options);
}

// Runs the demo server until SIGTERM or SIGINT, prints its events, then shuts down the way Go
// does. Shared by dist/server.js and `dist/main.js --server-only`.
import type { ServerOptions } from './args.js';
import { DemoServer, formatServerEvent, type ServerEvent } from './demo-server.js';

/** Serves until a signal; resolves with the exit code (0: shutdown completed in time). */
export async function runServer(o: ServerOptions): Promise<number> {
  const print = (e: ServerEvent) =>
    process.stdout.write(o.json ? `${JSON.stringify(e)}\n` : formatServerEvent(e));
  const server = new DemoServer(print);
  await server.start(o.addr);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(s);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
  // A second signal while shutting down: say so, and keep shutting down (the deadline holds).
  const again = (s: NodeJS.Signals) =>
    process.stderr.write(`server: ${s} again: already shutting down\n`);
  process.on('SIGTERM', again);
  process.on('SIGINT', again);
  try {
    const summary = await server.shutdown(o.deadline, signal);
    return summary.outcome === 'complete' ? 0 : 1;
  } finally {
    process.off('SIGTERM', again);
    process.off('SIGINT', again);
  }
}

/** After `runServer`: exit by itself, or say what is still open and leave. */
export function exitWhenIdle(code: number, name: string): void {
  process.exitCode = code;
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((k) => k !== 'TTYWrap' && k !== 'Timeout');
    process.stderr.write(`${name}: still running 2 s after the end; open: ${open.join(', ')}\n`);
    process.exit(code === 0 ? 1 : code);
  }, 2_000).unref();
}

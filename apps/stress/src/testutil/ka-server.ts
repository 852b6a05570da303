// A ka Server in the test process, with every ConnState transition and log line recorded.
import { type ConnState, connStateString, type HandlerLike, Server } from '@ka/http-server';
import { listen } from '@ka/net';

export interface StateEvent {
  remote: string;
  state: string;
  at: number;
}

export interface InProcessServer {
  srv: Server;
  addr: string;
  states: StateEvent[];
  logs: string[];
  /** States seen by the connection whose client end is `local` (`127.0.0.1:PORT`). */
  statesOf(local: string): string[];
  /** When the connection of `local` reached `state` (ms since epoch). */
  timeOf(local: string, state: string): number | undefined;
  /** Waits until the connection of `local` is closed (or hijacked); false on timeout. */
  waitState(local: string, state: string, timeoutMs: number): Promise<boolean>;
  /** Close (not shutdown): ends everything; idempotent. */
  close(): Promise<void>;
  serving: Promise<unknown>;
}

export interface Timeouts {
  readTimeout?: number;
  readHeaderTimeout?: number;
  writeTimeout?: number;
  idleTimeout?: number;
}

export async function startInProcess(
  handler: HandlerLike,
  timeouts: Timeouts = {},
): Promise<InProcessServer> {
  const states: StateEvent[] = [];
  const logs: string[] = [];
  const srv = new Server({
    handler,
    ...timeouts,
    errorLog: (m) => logs.push(m),
    connState: (c, s: ConnState) =>
      states.push({ remote: c.remoteAddr().toString(), state: connStateString(s), at: Date.now() }),
  });
  const ln = await listen('tcp', '127.0.0.1:0');
  const serving = srv.serve(ln).catch((err: unknown) => err);
  let closed = false;
  const find = (local: string, state: string) =>
    states.find((e) => e.remote === local && e.state === state);
  return {
    srv,
    addr: ln.addr().toString(),
    states,
    logs,
    serving,
    statesOf: (local) => states.filter((e) => e.remote === local).map((e) => e.state),
    timeOf: (local, state) => find(local, state)?.at,
    async waitState(local, state, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (find(local, state) === undefined && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      return find(local, state) !== undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      await srv.close().catch(() => {});
      await serving;
    },
  };
}

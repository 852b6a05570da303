// The same abusive peer against two servers in child processes: ka (server-child.ts) and Go's
// standard library (the conformance package's Go reference server). Both log their ConnState
// transitions, which we timestamp on arrival.
import { buildGoReference } from '@ka/conformance';

export { goUnavailable } from '@ka/conformance';

import { ChildServer, startListeningProgram } from './child.js';

export interface Timeouts {
  readTimeout?: number;
  readHeaderTimeout?: number;
  writeTimeout?: number;
  idleTimeout?: number;
}

export interface StateLine {
  remote: string;
  state: string;
  at: number;
}

/** A server under test in a child process. */
export interface PeerServer {
  name: 'ka' | 'go';
  addr: string;
  states: StateLine[];
  /** Waits until `remote` reached `state`; undefined on timeout. */
  waitState(remote: string, state: string, timeoutMs: number): Promise<number | undefined>;
  logs(): string[];
  stop(): Promise<void>;
}

function waiter(states: StateLine[]) {
  return async (remote: string, state: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = states.find((s) => s.remote === remote && s.state === state);
      if (e !== undefined) return e.at;
      if (Date.now() >= deadline) return undefined;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
}

/** Starts ka's server-child with the given timeouts and ConnState logging. */
export async function startKaPeer(t: Timeouts): Promise<PeerServer> {
  const c = await ChildServer.start({
    args: [
      '--conn-state-log',
      `--read-timeout=${t.readTimeout ?? 0}`,
      `--read-header-timeout=${t.readHeaderTimeout ?? 0}`,
      `--write-timeout=${t.writeTimeout ?? 0}`,
      `--idle-timeout=${t.idleTimeout ?? 0}`,
    ],
  });
  const states: StateLine[] = [];
  // ConnState events are stamped by the child's own clock (same machine)
  const sync = () => {
    const all = c.events.filter((e) => e.ev === 'connstate');
    for (let i = states.length; i < all.length; i++) {
      const e = all[i]!;
      states.push({ remote: String(e.remote), state: String(e.state), at: e.t });
    }
  };
  const wait = waiter(states);
  return {
    name: 'ka',
    addr: c.addr,
    states,
    waitState: async (remote, state, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        sync();
        const at = await wait(remote, state, 0);
        if (at !== undefined || Date.now() >= deadline) return at;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    logs: () => c.logs,
    stop: () => c.kill(),
  };
}

const goFlag = (name: string, ms: number | undefined) => `--${name}=${ms ?? 0}ms`;

/** Starts the Go reference server with the given timeouts and ConnState logging. */
export async function startGoPeer(t: Timeouts): Promise<PeerServer> {
  const go = await buildGoReference();
  const p = await startListeningProgram(go.binary, [
    '--addr=127.0.0.1:0',
    '--conn-state-log',
    goFlag('read-timeout', t.readTimeout),
    goFlag('read-header-timeout', t.readHeaderTimeout),
    goFlag('write-timeout', t.writeTimeout),
    goFlag('idle-timeout', t.idleTimeout),
  ]);
  const states: StateLine[] = [];
  let seen = 0;
  const sync = () => {
    for (; seen < p.stderr.length; seen++) {
      const m = /connstate (\S+) (\w+)/.exec(p.stderr[seen]!);
      if (m !== null) states.push({ remote: m[1]!, state: m[2]!, at: Date.now() });
    }
  };
  const timer = setInterval(sync, 2);
  const wait = waiter(states);
  return {
    name: 'go',
    addr: p.addr,
    states,
    waitState: (remote, state, timeoutMs) => wait(remote, state, timeoutMs),
    logs: () => p.stderr.filter((l) => !l.startsWith('connstate ')),
    stop: async () => {
      clearInterval(timer);
      await p.stop();
    },
  };
}

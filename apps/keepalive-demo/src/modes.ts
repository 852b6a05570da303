// The seven ways the demo drives the server, and what each result means.
import type { Options } from './args.js';

export type ModeId =
  | 'http11'
  | 'close'
  | 'http10'
  | 'http10-keepalive'
  | 'server-no-keepalive'
  | 'idle-timeout'
  | 'ignore-body';

/** One way of driving the server. */
export interface ModeSpec {
  id: ModeId;
  /** 1…7, the order of the table. */
  n: number;
  /** Short label for the table and the charts. */
  label: string;
  /** `client`: @ka/client Client/Transport; `raw`: HTTP/1.0 written by hand over @ka/net dial. */
  via: 'client' | 'raw';
  /** Needs a setting of the built-in server, so it cannot run against `--target`. */
  serverSetting: boolean;
  /** What should happen if keep-alive works as specified. */
  expect: 'reuse' | 'per-request';
}

export const MODES: readonly ModeSpec[] = [
  {
    id: 'http11',
    n: 1,
    label: 'HTTP/1.1 default',
    via: 'client',
    serverSetting: false,
    expect: 'reuse',
  },
  {
    id: 'close',
    n: 2,
    label: 'Connection: close',
    via: 'client',
    serverSetting: false,
    expect: 'per-request',
  },
  {
    id: 'http10',
    n: 3,
    label: 'HTTP/1.0',
    via: 'raw',
    serverSetting: false,
    expect: 'per-request',
  },
  {
    id: 'http10-keepalive',
    n: 4,
    label: 'HTTP/1.0 + keep-alive',
    via: 'raw',
    serverSetting: false,
    expect: 'reuse',
  },
  {
    id: 'server-no-keepalive',
    n: 5,
    label: 'server keep-alives off',
    via: 'client',
    serverSetting: true,
    expect: 'per-request',
  },
  {
    id: 'idle-timeout',
    n: 6,
    label: 'idleTimeout < pause',
    via: 'client',
    serverSetting: true,
    expect: 'per-request',
  },
  {
    id: 'ignore-body',
    n: 7,
    label: 'body not read',
    via: 'client',
    serverSetting: false,
    expect: 'per-request',
  },
];

/** What one mode sent: the request line and the headers that matter here. */
export function requestShape(mode: ModeSpec, o: Options): string {
  switch (mode.id) {
    case 'http11':
      return 'GET HTTP/1.1, no Connection header, body read to EOF';
    case 'close':
      return 'GET HTTP/1.1 + Connection: close';
    case 'http10':
      return 'GET HTTP/1.0 (raw, over @ka/net dial), no Connection header';
    case 'http10-keepalive':
      return 'GET HTTP/1.0 (raw, over @ka/net dial) + Connection: keep-alive';
    case 'server-no-keepalive':
      return 'GET HTTP/1.1; server: srv.setKeepAlivesEnabled(false)';
    case 'idle-timeout':
      return `GET HTTP/1.1 in rounds, ${o.pause} ms pause between rounds; server: idleTimeout ${o.idleTimeout} ms`;
    case 'ignore-body':
      return 'GET HTTP/1.1, body closed without reading it';
  }
}

/** Figures the explanation needs. */
export interface Observed {
  requests: number;
  connections: number;
  concurrency: number;
  /** The Connection header of the first response ('' = none; 'close' when the client consumed it). */
  responseConnection: string;
}

/** Whether the connection count matches what keep-alive rules predict. */
export function asExpected(mode: ModeSpec, ob: Observed): boolean {
  if (ob.requests === 0) return false;
  if (mode.expect === 'per-request') return ob.connections === ob.requests;
  return ob.connections <= Math.min(ob.concurrency, ob.requests);
}

const rpc = (ob: Observed): string =>
  ob.connections === 0
    ? '–'
    : (ob.requests / ob.connections).toFixed(ob.connections > ob.requests / 10 ? 1 : 0);

/** One line: what happened in this mode and why. */
export function explain(mode: ModeSpec, ob: Observed, o: Options): string {
  const conn =
    ob.responseConnection === '' ? 'no Connection header' : `Connection: ${ob.responseConnection}`;
  let s: string;
  switch (mode.id) {
    case 'http11':
      s =
        `HTTP/1.1 keeps the connection by default — no header needed: ${ob.concurrency} workers, ` +
        `${ob.connections} connections, ~${rpc(ob)} requests on each (the response carried ${conn}).`;
      break;
    case 'close':
      s =
        'Connection: close on the request: the server answers, then closes, so every request ' +
        'pays for a new TCP connection (handshake, fresh socket, a TIME_WAIT left behind).';
      break;
    case 'http10':
      s =
        'HTTP/1.0 closes by default: without Connection: keep-alive the server closes after every ' +
        `response (${conn} — for 1.0, saying nothing means close). Sent raw: @ka/client speaks only HTTP/1.1.`;
      break;
    case 'http10-keepalive':
      s =
        `HTTP/1.0 with Connection: keep-alive: the server agrees and says so (${conn}), and the ` +
        'connection is reused. Only HTTP/1.0 needs this header; in HTTP/1.1 it changes nothing.';
      break;
    case 'server-no-keepalive':
      s =
        'srv.setKeepAlivesEnabled(false): the server sends Connection: close on every response, ' +
        'whatever the client asks — the server decides too.';
      break;
    case 'idle-timeout':
      s =
        `Server idleTimeout ${o.idleTimeout} ms < client pause ${o.pause} ms: the server closes each idle ` +
        'connection before the next request; the pool notices (its idle read sees EOF) and dials again.';
      break;
    case 'ignore-body':
      s =
        'The client closed each body without reading it to EOF: unread bytes would corrupt the ' +
        'next response, so the connection is closed. Read bodies to the end to get reuse.';
      break;
  }
  if (!asExpected(mode, ob)) {
    const want =
      mode.expect === 'reuse' ? `at most ${ob.concurrency}` : `${ob.requests} (one per request)`;
    s += ` UNEXPECTED: ${ob.connections} connections for ${ob.requests} requests, expected ${want}.`;
  }
  return s;
}

/** How to read the table, printed after it. */
export const COMPARE =
  'Compare like with like: 1 with 2, 5, 6 and 7 (the same @ka/client code) and 4 with 3 (the same ' +
  'raw code); what differs within each group is whether a request pays for a new connection.';

/** The 1.0-vs-1.1 rule, printed after the table. */
export const NUANCE =
  'HTTP/1.1 keeps connections open unless a side sends Connection: close; Connection: keep-alive ' +
  'is only needed (and only means something) in HTTP/1.0, where the server confirms it in its response.';

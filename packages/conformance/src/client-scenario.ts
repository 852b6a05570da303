// The client half's scenario format: scripted raw-TCP peers (the server side, played by the
// runner) and a client plan (the requests a client makes), as plain data. The same plan runs
// with Go's http.Client (go-client-driver/main.go) and with @ka/client (client-driver.ts).
// See ../README.md, "Client half".

import type { Bytes } from './bytes.js';
import type { Priority } from './case.js';

/**
 * One client conformance scenario: a catalog behavior (CLI-NN) shown by running the same
 * plan with Go's client and with ka's against the same scripted peers.
 */
export interface ClientScenario {
  /** Catalog ID with an optional letter suffix: `CLI-02`, `CLI-24b`. */
  readonly id: string;
  /** What the scenario shows, in one line. */
  readonly title: string;
  /** Catalog priority of the entry. */
  readonly priority: Priority;
  /** Catalog area (sub-heading of the entry). */
  readonly area: string;
  /** Where the running Go differs from the catalog, or what a reader should know. */
  readonly note?: string;
  /** The servers (default: one peer `a` serving every request with `200 hello`). */
  readonly peers?: readonly PeerSpec[];
  /** Transport settings (Go's zero Transport plus these). */
  readonly transport?: TransportSpec;
  /** Client settings. */
  readonly client?: ClientSpec;
  /** What the client does, in order. */
  readonly plan: readonly PlanStep[];
  /** What the runner compares between Go and ka (default: everything, heads excluded). */
  readonly compare?: CompareSpec;
  /** Facts the Go run must show, so the scenario provably exercises the behavior. */
  readonly expect?: ScenarioExpectations;
  /** Upper bound per side in ms (default {@link DefaultScenarioTimeoutMs}). */
  readonly timeout?: number;
  /** Oldest Go minor version whose behavior the scenario pins (older Go: SKIP). */
  readonly minGoMinor?: number;
}

/** Default upper bound of one side of a scenario. */
export const DefaultScenarioTimeoutMs = 10_000;

// ---------------------------------------------------------------------------------------------
// Peers

/**
 * A scripted server: a listener on 127.0.0.1:0. Connection N (in accept order, 1-based) runs
 * `conns[N-1]`, or `otherConns` when there is no such script.
 */
export interface PeerSpec {
  /** Name used in templates: `{{a}}`, `{{a:port}}` (see {@link resolveTemplate}). */
  readonly name: string;
  /** Scripts of the first accepted connections, in accept order. */
  readonly conns?: readonly (readonly PeerStep[])[];
  /** Script of every further connection (default `[{ serve: true }]`). */
  readonly otherConns?: readonly PeerStep[];
  /**
   * Replies of `serve` / `route` steps by `"METHOD /target"`, then `"/target"`, then `"*"`
   * (no match: `404` with an empty body).
   */
  readonly routes?: Readonly<Record<string, Bytes | RouteReply>>;
  /** No listener at all: the port is closed (connection refused). */
  readonly closed?: boolean;
}

/** A route's reply with extras. */
export interface RouteReply {
  /** The bytes to write. */
  readonly reply: Bytes;
  /** Wait this long (ms) after the request before replying. */
  readonly delay?: number;
  /** After replying: `fin` closes (FIN), `reset` resets the connection. */
  readonly after?: 'fin' | 'reset';
}

/**
 * A peer step:
 *
 * - `{ read: 'request' }` — read one whole request (head and body, by Content-Length or
 *   chunked); `'head'` only the head, `'body'` the body of the last head, `'any'` whatever
 *   bytes arrive first. `within` (ms): the transcript notes `late` when the read took longer.
 *   EOF before a read ends the script.
 * - `{ reply: Bytes }` — write bytes (templates resolved).
 * - `{ route: true }` — reply to the last request from `routes`.
 * - `{ serve: true, max? }` — loop: read a request, reply from `routes`, until EOF (or `max`).
 * - `{ wait: ms }` — sleep.
 * - `{ quiet: ms }` — wait up to `ms` for the client to send something; the transcript
 *   notes `quiet` (nothing), `got N bytes`, or `eof` (the client closed).
 * - `{ close: 'fin' | 'reset' }` — close the connection (FIN, or RST) and end the script.
 */
export type PeerStep =
  | { readonly read: 'request' | 'head' | 'body' | 'any'; readonly within?: number }
  | { readonly reply: Bytes }
  | { readonly route: true }
  | { readonly serve: true; readonly max?: number }
  | { readonly wait: number }
  | { readonly quiet: number }
  | { readonly close: 'fin' | 'reset' };

// ---------------------------------------------------------------------------------------------
// Client plan

/** Transport settings; durations in ms, 0 / absent = Go's zero value. */
export interface TransportSpec {
  readonly disableKeepAlives?: boolean;
  readonly disableCompression?: boolean;
  readonly maxIdleConns?: number;
  readonly maxIdleConnsPerHost?: number;
  readonly maxConnsPerHost?: number;
  readonly idleConnTimeout?: number;
  readonly responseHeaderTimeout?: number;
  readonly expectContinueTimeout?: number;
  readonly maxResponseHeaderBytes?: number;
  /** Harness: the Nth dial (0-based, across the transport) sleeps this long first. */
  readonly dialDelays?: readonly number[];
}

/** Client settings. */
export interface ClientSpec {
  /** `Client.Timeout` in ms. */
  readonly timeout?: number;
  /** Redirect policy: Go's default, `ErrUseLastResponse`, or an error of our own. */
  readonly redirects?: 'follow' | 'use-last' | 'error';
  /** Replace the Transport by a RoundTripper returning a body-less response / nothing. */
  readonly roundTripper?: 'nil-body' | 'nil-response';
}

/**
 * A request body:
 * `bytes` — in memory, known length, replayable (Go's `strings.Reader`, ka's string body);
 * `bytes-no-getbody` — the same without `GetBody`;
 * `reader` — in one piece but of unknown length and not replayable;
 * `empty-stream` — unknown length, empty; `stream` — chunks, `firstDelay` before the first
 * and `delay` before each further one.
 */
export interface BodySpec {
  readonly kind: 'bytes' | 'bytes-no-getbody' | 'reader' | 'empty-stream' | 'stream';
  readonly data?: string;
  readonly chunks?: readonly string[];
  readonly firstDelay?: number;
  readonly delay?: number;
}

/**
 * What is done with a response body: `all` read to EOF then close (default);
 * `eof-no-close` read to EOF, never close; `close` close unread; `none` neither (closed
 * when the plan is over); `partial` read `readBytes` then close; `close-then-read` close,
 * then try a read.
 */
export type ReadMode = 'all' | 'eof-no-close' | 'close' | 'none' | 'partial' | 'close-then-read';

/** One request of the plan. */
export interface PlannedRequest {
  /** Unique within the scenario: names the outcome. */
  readonly name: string;
  readonly method?: string;
  /** Set after the request was made (so Go's NewRequest accepts it). */
  readonly rawMethod?: string;
  /** A template; a bare path (`/a`) means `{{a}}/a`. */
  readonly url: string;
  /** Added in order (`Header.Add`). */
  readonly headers?: readonly (readonly [string, string])[];
  /** `Request.Host`. */
  readonly host?: string;
  /** `Request.Close`. */
  readonly close?: boolean;
  /** `Request.RequestURI` (which a client must leave empty). */
  readonly requestURI?: string;
  readonly body?: BodySpec;
  readonly read?: ReadMode;
  /** For `read: 'partial'`. */
  readonly readBytes?: number;
  /** Cancel after this many ms from the start of the request. */
  readonly cancelAfter?: number;
  /** Call `CloseIdleConnections` this many ms after the start of the request. */
  readonly closeIdleAfter?: number;
  /** How: the request's context (default), or `Transport.CancelRequest`. */
  readonly cancelHow?: 'context' | 'transport';
  /** Inside `parallel`: start this many ms after the group. */
  readonly startAfter?: number;
  /** `transport`: call the Transport's RoundTrip directly instead of Client.Do. */
  readonly via?: 'client' | 'transport';
  /** Set the trace's `Got1xxResponse` hook (it changes Go's header limit for 1xx). */
  readonly trace1xx?: boolean;
  /** Report the sequence of trace hooks that fired. */
  readonly traceEvents?: boolean;
}

/**
 * A plan step: a request; requests started together (each may `startAfter`), all awaited
 * (bodies included); a pause; `CloseIdleConnections`; or a checkpoint where the runner
 * records the peers' view of every connection.
 */
export type PlanStep =
  | { readonly request: PlannedRequest }
  | { readonly parallel: readonly PlannedRequest[] }
  | { readonly wait: number }
  | { readonly closeIdle: true }
  | { readonly checkpoint: string };

// ---------------------------------------------------------------------------------------------
// Comparison and expectations

/** What the runner compares. */
export interface CompareSpec {
  /**
   * Connections: `exact` (default) — each request's connections, labeled A, B, … in order of
   * first use along the plan; `count` — only how many connections and how they were obtained,
   * outcomes of a `parallel` group compared as a multiset; `none`.
   */
  readonly conns?: 'exact' | 'count' | 'none';
  /** Compare the peers' transcripts (requests per connection, checkpoints). Default true. */
  readonly peer?: boolean;
  /** Also compare the request heads byte for byte (ports normalized). Default false. */
  readonly heads?: boolean;
  /** Compare error texts (ports normalized), not only their classes. Default true. */
  readonly errText?: boolean;
  /** Outcome fields left out of the comparison, with the reason in the scenario's note. */
  readonly ignore?: readonly (keyof NormalizedOutcome)[];
  /** Compare the transports' log lines. Default true. */
  readonly logs?: boolean;
}

/** What one request of the Go run must show. */
export interface ExpectedOutcome {
  readonly status?: number;
  /** An error class (`eof`, `timeout`, …) or the exact normalized text; `none` for success. */
  readonly err?: string;
  /** The body read error: class or text. */
  readonly bodyErr?: string;
  /** The normalized connection trail, e.g. `A:new`, `A:idle`, `A:reused B:new`. */
  readonly conns?: string;
  /** The body as text. */
  readonly body?: string;
}

/** Facts about the Go run that prove the scenario shows its behavior. */
export interface ScenarioExpectations {
  /** Connections the peers accepted (all peers). */
  readonly connections?: number;
  readonly requests?: Readonly<Record<string, ExpectedOutcome>>;
  /** Per checkpoint, per connection label: `open`, `closed-by-client`, `closed-by-peer`. */
  readonly checkpoints?: Readonly<Record<string, Readonly<Record<string, ConnState>>>>;
  /** Substrings each expected in some log line. */
  readonly logs?: readonly string[];
  /**
   * Per connection label: exactly what the peer saw on it (the transcript lines of the
   * report, e.g. `POST /dest HTTP/1.1 [length 4] body 4 "BODY"`, `quiet`, `eof`).
   */
  readonly transcripts?: Readonly<Record<string, readonly string[]>>;
}

/** A connection as a peer sees it at a checkpoint. */
export type ConnState = 'open' | 'closed-by-client' | 'closed-by-peer';

// ---------------------------------------------------------------------------------------------
// The driver protocol (shared by both drivers)

/** A planned request with its URL resolved, as the drivers get it. */
export type DriverRequest = Omit<PlannedRequest, 'url'> & { readonly url: string };

/** A plan step as the drivers get it. */
export type DriverStep =
  | { readonly request: DriverRequest }
  | { readonly parallel: readonly DriverRequest[] }
  | { readonly wait: number }
  | { readonly closeIdle: true }
  | { readonly checkpoint: string };

/** What a driver runs (JSON on the Go driver's stdin). */
export interface DriverScenario {
  readonly transport: TransportSpec;
  readonly client: ClientSpec;
  readonly steps: readonly DriverStep[];
}

/** An error as a driver reports it. */
export interface DriverError {
  /** `err.Error()` / `message`. */
  readonly text: string;
  /** `Timeout()` somewhere in the chain. */
  readonly timeout: boolean;
  /**
   * Well-known errors the chain holds (`errors.Is`): `canceled`, `deadline`, `eof`,
   * `unexpected-eof`, `econnreset`, `econnrefused`, `epipe`, `net-closed`, `scheme-mismatch`.
   */
  readonly flags: readonly string[];
}

/** A connection a request used (httptrace GotConn). */
export interface DriverConn {
  /** The client's local port: the runner maps it to the peer's connection. */
  readonly port: number;
  readonly reused: boolean;
  readonly wasIdle: boolean;
}

/** What a driver reports per request (same JSON from both drivers). */
export interface DriverOutcome {
  readonly name: string;
  /** 0 when there was no response. */
  readonly status: number;
  readonly proto?: string;
  /** Response header lines `Key: value`, sorted. */
  readonly headers?: readonly string[];
  readonly contentLength?: number;
  readonly close: boolean;
  readonly uncompressed: boolean;
  readonly body?: { readonly len: number; readonly sha256: string; readonly text?: string };
  /** Error of the request itself (NewRequest, Do / RoundTrip). */
  readonly err?: DriverError;
  /** Error reading the body. */
  readonly bodyErr?: DriverError;
  /** Error of a read after Close. */
  readonly readAfterClose?: DriverError;
  readonly conns: readonly DriverConn[];
  /** httptrace PutIdleConn: `ok` or the error text. */
  readonly putIdle: readonly string[];
  readonly got1xx?: readonly number[];
  /** Trailer keys before the body was read. */
  readonly trailerBefore?: readonly string[];
  /** Trailer lines after EOF, sorted. */
  readonly trailer?: readonly string[];
  /** How many times the transport closed the request body (tracked bodies only). */
  readonly reqBodyCloses?: number;
  /** Trace hooks in the order they fired (with `traceEvents`). */
  readonly events?: readonly string[];
}

/** The result message of a driver. */
export interface DriverResult {
  readonly outcomes: readonly DriverOutcome[];
  readonly logs: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Normalized results (what is compared)

/**
 * An outcome with ports replaced by placeholders, errors as `class: text`, and connections
 * as a trail such as `A:new` or `A:idle B:new` (`new`: fresh; `idle`: reused from the idle
 * pool; `handoff`: reused, handed over by another request; `fresh-idle`: never used but
 * taken from the pool).
 */
export interface NormalizedOutcome {
  readonly name: string;
  readonly status: number;
  readonly proto?: string;
  readonly headers?: readonly string[];
  readonly contentLength?: number;
  readonly close: boolean;
  readonly uncompressed: boolean;
  readonly body?: string;
  readonly err?: string;
  readonly bodyErr?: string;
  readonly readAfterClose?: string;
  readonly conns: string;
  readonly putIdle?: readonly string[];
  readonly got1xx?: readonly number[];
  readonly trailerBefore?: readonly string[];
  readonly trailer?: readonly string[];
  readonly reqBodyCloses?: number;
  readonly events?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Templates and validation

/** Peer ports by name, for {@link resolveTemplate}. */
export type PortMap = Readonly<Record<string, number>>;

/**
 * Resolves `{{a}}` (`http://127.0.0.1:PORT` of peer `a`), `{{a:localhost}}`
 * (`http://localhost:PORT`), `{{a:host}}` (`127.0.0.1:PORT`) and `{{a:port}}`.
 *
 * @throws Error for an unknown peer or form.
 */
export function resolveTemplate(s: string, ports: PortMap): string {
  return s.replace(/\{\{([a-z][a-z0-9]*)(?::([a-z]+))?\}\}/g, (all, name: string, form) => {
    const port = ports[name];
    if (port === undefined) throw new Error(`template ${all}: no peer ${name}`);
    switch (form) {
      case undefined:
        return `http://127.0.0.1:${port}`;
      case 'localhost':
        return `http://localhost:${port}`;
      case 'host':
        return `127.0.0.1:${port}`;
      case 'port':
        return String(port);
      default:
        throw new Error(`template ${all}: unknown form ${form}`);
    }
  });
}

/** A planned request's URL, resolved: a bare path goes to peer `a`. */
export function resolveRequestURL(url: string, ports: PortMap): string {
  return resolveTemplate(url.startsWith('/') ? `{{a}}${url}` : url, ports);
}

/** The peers of a scenario (the default one when it names none). */
export function scenarioPeers(s: ClientScenario): readonly PeerSpec[] {
  return s.peers ?? [{ name: 'a', routes: { '*': okReply('hello') } }];
}

/** `HTTP/1.1 200 OK` with a Content-Length body. */
export function okReply(body: string, extra: readonly string[] = []): string {
  return `HTTP/1.1 200 OK\r\n${extra.map((h) => `${h}\r\n`).join('')}Content-Length: ${body.length}\r\n\r\n${body}`;
}

/** Every request of a plan, in plan order. */
export function planRequests(plan: readonly PlanStep[]): PlannedRequest[] {
  const out: PlannedRequest[] = [];
  for (const s of plan) {
    if ('request' in s) out.push(s.request);
    else if ('parallel' in s) out.push(...s.parallel);
  }
  return out;
}

const CLI_ID_RE = /^CLI-\d{2}[a-z]?$/;
const MAX_MS = 10_000;

/**
 * Checks scenarios for mistakes a type checker cannot see: IDs, unique names, bounded
 * waits, peers that exist, expectations that name real requests. Returns the problems.
 */
export function validateClientScenarios(scenarios: readonly ClientScenario[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const s of scenarios) {
    const at = (m: string) => problems.push(`${s.id}: ${m}`);
    if (!CLI_ID_RE.test(s.id)) at('ID must look like CLI-02 or CLI-24b');
    if (ids.has(s.id)) at('duplicate ID');
    ids.add(s.id);
    if (s.title.trim() === '') at('empty title');
    if (s.plan.length === 0) at('empty plan');
    const peers = scenarioPeers(s);
    const peerNames = new Set<string>();
    for (const p of peers) {
      if (!/^[a-z][a-z0-9]*$/.test(p.name)) at(`peer name ${p.name} must be [a-z][a-z0-9]*`);
      if (peerNames.has(p.name)) at(`duplicate peer ${p.name}`);
      peerNames.add(p.name);
      for (const script of [...(p.conns ?? []), p.otherConns ?? []]) {
        for (const st of script) {
          for (const k of ['wait', 'quiet', 'within'] as const) {
            const v = (st as Record<string, unknown>)[k];
            if (v !== undefined && (typeof v !== 'number' || v < 0 || v > MAX_MS))
              at(`peer ${p.name}: ${k} must be 0..${MAX_MS} ms`);
          }
        }
      }
    }
    const names = new Set<string>();
    const checkpoints = new Set<string>(['end']);
    const templates = (t: string) => {
      for (const m of t.matchAll(/\{\{([a-z][a-z0-9]*)/g)) {
        if (!peerNames.has(m[1]!)) at(`template names unknown peer ${m[1]}`);
      }
    };
    for (const st of s.plan) {
      if ('wait' in st && (st.wait < 0 || st.wait > MAX_MS)) at(`wait must be 0..${MAX_MS} ms`);
      if ('checkpoint' in st) {
        if (checkpoints.has(st.checkpoint)) at(`duplicate checkpoint ${st.checkpoint}`);
        checkpoints.add(st.checkpoint);
      }
    }
    for (const r of planRequests(s.plan)) {
      if (names.has(r.name)) at(`duplicate request name ${r.name}`);
      names.add(r.name);
      if (r.url.startsWith('/') && !peerNames.has('a')) at(`${r.name}: bare path needs peer a`);
      templates(r.url);
      if (r.read === 'partial' && (r.readBytes === undefined || r.readBytes <= 0))
        at(`${r.name}: partial read needs readBytes`);
      for (const k of ['cancelAfter', 'startAfter', 'closeIdleAfter'] as const) {
        const v = r[k];
        if (v !== undefined && (v < 0 || v > MAX_MS)) at(`${r.name}: ${k} must be 0..${MAX_MS}`);
      }
    }
    for (const n of Object.keys(s.expect?.requests ?? {})) {
      if (!names.has(n)) at(`expect names unknown request ${n}`);
    }
    for (const n of Object.keys(s.expect?.checkpoints ?? {})) {
      if (!checkpoints.has(n)) at(`expect names unknown checkpoint ${n}`);
    }
    if (s.timeout !== undefined && (s.timeout <= 0 || s.timeout > 30_000))
      at('timeout must be 1..30000 ms');
  }
  return problems;
}

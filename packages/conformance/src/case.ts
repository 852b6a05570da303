// The case format: plain data describing what a scripted TCP peer sends to a server and
// what must come back. Cases are JSON-serializable; see ../README.md for the step language.

import type { Bytes } from './bytes.js';

/** Catalog priority of the behavior a case checks. */
export type Priority = 'core' | 'important' | 'extended';

/** The priorities in report order. */
export const Priorities: readonly Priority[] = ['core', 'important', 'extended'];

/**
 * One conformance case: a catalog behavior observed over the wire.
 *
 * Every step runs on a connection, named by `conn` (default `'a'`, opened before the first
 * step); other names must be opened with a `connect` step first.
 */
export interface Case {
  /** Catalog ID, with a letter suffix for variants: `SRV-13`, `SRV-13a`. */
  readonly id: string;
  /** What the case shows, in one line. */
  readonly title: string;
  /** Priority of the catalog entry. */
  readonly priority: Priority;
  /** Catalog area (the sub-heading of the entry), used to group reports. */
  readonly area: string;
  /** Extra server flags (REFERENCE_APP.md), e.g. `['--read-header-timeout', '300ms']`. */
  readonly flags?: readonly string[];
  /** The script. */
  readonly steps: readonly Step[];
  /** Where the running Go differs from the catalog, or anything else a reader should know. */
  readonly note?: string;
  /** Upper bound for the whole case in ms (default {@link DefaultCaseTimeoutMs}). */
  readonly timeout?: number;
}

/** Default upper bound of one case. */
export const DefaultCaseTimeoutMs = 15_000;

/** Write bytes to the connection. */
export interface SendStep {
  readonly send: Bytes;
  readonly conn?: string;
}

/** Sleep, in ms (≤ 10 000). */
export interface WaitStep {
  readonly wait: number;
}

/** Open another connection under the given name. */
export interface ConnectStep {
  readonly connect: string;
}

/** Half-close: send FIN, keep reading. */
export interface HalfCloseStep {
  readonly halfClose: true;
  readonly conn?: string;
}

/** Close the connection completely (the client goes away). */
export interface CloseStep {
  readonly close: true;
  readonly conn?: string;
}

/** Read the next response and compare it. */
export interface ExpectStep {
  readonly expect: ExpectedResponse;
  readonly conn?: string;
}

/**
 * The connection's fate after everything read so far; no unread bytes may be pending.
 *
 * - `open`: no EOF for `within` ms (default 50), then, unless `probe` is false, a
 *   `GET /hello` on the same connection is answered `200` with `hello\n`.
 * - `close`: EOF (FIN, or a reset) within `within` ms (default 1000), not before `notBefore`
 *   ms, with no further bytes.
 * - `close-linger`: FIN within `within` ms (default 300) and then the server keeps the socket
 *   open for reading: a byte written after the FIN draws no reset for `hold` ms (default 200).
 */
export interface FateStep {
  readonly fate: 'open' | 'close' | 'close-linger';
  readonly within?: number;
  readonly notBefore?: number;
  readonly probe?: boolean;
  readonly hold?: number;
  readonly conn?: string;
}

/** Nothing at all (no byte, no EOF) may arrive for the given ms. */
export interface SilenceStep {
  readonly silence: number;
  readonly conn?: string;
}

/**
 * The server's ConnState transitions for this connection, in order (needs the server flag
 * `--conn-state-log`). Waits up to `within` ms (default 1000) for them.
 */
export interface ConnStatesStep {
  readonly connStates: readonly ConnStateName[];
  readonly within?: number;
  readonly conn?: string;
}

/** The names Go's `ConnState.String` prints. */
export type ConnStateName = 'new' | 'active' | 'idle' | 'hijacked' | 'closed';

/** Send a signal to the server process (the case then gets a server of its own). */
export interface SignalStep {
  readonly signal: 'SIGTERM' | 'SIGINT' | 'SIGUSR2';
}

/** The server process exits with this code within `within` ms (default 6000). */
export interface ExitStep {
  readonly exit: number;
  readonly within?: number;
}

/** One instruction of a case. */
export type Step =
  | SendStep
  | WaitStep
  | ConnectStep
  | HalfCloseStep
  | CloseStep
  | ExpectStep
  | FateStep
  | SilenceStep
  | ConnStatesStep
  | SignalStep
  | ExitStep;

/**
 * What the next response must look like. Either `raw` (exact bytes) or any of the structured
 * fields; fields left out are not checked.
 *
 * Header lines are compared as exact text (`Name: value`), as a set (a multiset: duplicates
 * count) unless `ordered` is true. A value `<date>` matches a valid RFC 1123 GMT date close
 * to the runner's clock; a value `<any>` matches anything. A `Date` line in the response is
 * always validated.
 */
export interface ExpectedResponse {
  /** Exact bytes of the whole response; `<date>` stands for a 29-byte date. */
  readonly raw?: Bytes;
  /** The status line, e.g. `HTTP/1.1 200 OK`. */
  readonly status?: string;
  /** The complete set of header lines. */
  readonly headers?: readonly string[];
  /** Compare `headers` in order too. */
  readonly ordered?: boolean;
  /** Header lines that must be among the headers (others allowed). */
  readonly has?: readonly string[];
  /** Header names (any case) that must not appear. */
  readonly lacks?: readonly string[];
  /** The payload (after removing chunk framing). */
  readonly body?: Bytes;
  /** The body exactly as on the wire, chunk framing and trailers included. */
  readonly rawBody?: Bytes;
  /** The complete set of trailer lines (chunked responses). */
  readonly trailers?: readonly string[];
  /** The request was HEAD: no body on the wire whatever the headers say. */
  readonly head?: boolean;
  /** The response must be complete within this many ms (default 2000). */
  readonly within?: number;
  /** ...and not before this many ms. */
  readonly notBefore?: number;
}

/** The connection name steps use when they name none. */
export const DefaultConn = 'a';

/** Connection a step runs on, or null for steps about the server process. */
export function stepConn(step: Step): string | null {
  if ('signal' in step || 'exit' in step || 'wait' in step) return null;
  if ('connect' in step) return step.connect;
  return step.conn ?? DefaultConn;
}

/** The kind of a step, for messages: `send`, `expect`, `fate`, ... */
export function stepKind(step: Step): string {
  for (const k of [
    'send',
    'wait',
    'connect',
    'halfClose',
    'close',
    'expect',
    'fate',
    'silence',
    'connStates',
    'signal',
    'exit',
  ]) {
    if (k in step) return k;
  }
  return 'unknown';
}

/** Whether a case needs a server process of its own (it signals the server). */
export function needsOwnServer(c: Case): boolean {
  return c.steps.some((s) => 'signal' in s);
}

const ID_RE = /^(NET|SRV|CLI)-\d{2,3}[a-z]?$/;
const MAX_WAIT_MS = 10_000;

/**
 * Checks a list of cases for mistakes a type checker cannot see: ID syntax and uniqueness,
 * bounded waits, connections used before `connect`, and `raw` mixed with structured fields.
 * Returns the problems found (empty when fine).
 */
export function validateCases(cases: readonly Case[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    const at = (msg: string) => problems.push(`${c.id}: ${msg}`);
    if (!ID_RE.test(c.id)) at('ID must look like SRV-01 or SRV-13a');
    if (seen.has(c.id)) at('duplicate ID');
    seen.add(c.id);
    if (c.title.trim() === '') at('empty title');
    if (c.steps.length === 0) at('no steps');
    const conns = new Set([DefaultConn]);
    c.steps.forEach((s, i) => {
      const where = `step ${i + 1} (${stepKind(s)})`;
      if (stepKind(s) === 'unknown') at(`${where}: unknown step ${JSON.stringify(s)}`);
      for (const k of ['wait', 'silence', 'within', 'notBefore', 'hold'] as const) {
        const v = (s as unknown as Record<string, unknown>)[k];
        if (v !== undefined && (typeof v !== 'number' || v < 0 || v > MAX_WAIT_MS)) {
          at(`${where}: ${k} must be 0..${MAX_WAIT_MS} ms`);
        }
      }
      if ('connect' in s) {
        if (conns.has(s.connect)) at(`${where}: connection ${s.connect} already open`);
        conns.add(s.connect);
      } else {
        const conn = stepConn(s);
        if (conn !== null && !conns.has(conn))
          at(`${where}: connection ${conn} used before connect`);
      }
      if ('expect' in s) {
        const e = s.expect;
        const structured = [
          'status',
          'headers',
          'has',
          'lacks',
          'body',
          'rawBody',
          'trailers',
        ].some((k) => (e as Record<string, unknown>)[k] !== undefined);
        if (e.raw !== undefined && structured)
          at(`${where}: raw cannot be combined with structured fields`);
        if (e.raw === undefined && !structured) at(`${where}: expects nothing`);
        if (e.ordered === true && e.headers === undefined) at(`${where}: ordered without headers`);
      }
    });
    if (c.timeout !== undefined && (c.timeout <= 0 || c.timeout > 60_000))
      at('timeout must be 1..60000 ms');
  }
  return problems;
}

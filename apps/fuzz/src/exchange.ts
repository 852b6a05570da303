// One hostile input over one TCP connection, and the verdict a server gave it.
//
// An exchange: connect, write the input in one go, collect what comes back until the server
// closes or has been quiet for a while; then, if the connection is still open, send a probe
// request (`GET /method?ka-fuzz-probe` with `Connection: close`) and our FIN, and wait for the
// server to finish. The verdict is read from the bytes alone, never from timing: the
// responses' status codes, whether the probe was answered (the connection survived the input
// with its framing intact: "kept-alive") or not ("closed"), and the whole transcript with
// Date values masked. Two servers that agree on every byte of every transcript treat hostile
// input the same way.
import { normalizeDates, parseResponse, WireConn } from '@ka/conformance';

/** The probe sent after the input: answered only when the connection is still usable. */
export const Probe = Buffer.from(
  'GET /method?ka-fuzz-probe HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n',
  'latin1',
);
/** What the answer to {@link Probe} contains (the body of `/method`). */
const ProbeAnswer = Buffer.from('GET /method?ka-fuzz-probe HTTP/1.1\n', 'latin1');

/** How an exchange is run. */
export interface ExchangeOptions {
  /** Quiet time after the last byte from the server that ends the first phase, ms (default 150). */
  readonly quietMs?: number;
  /** Send the probe and FIN after the first phase (default true). Without: wait for the server to close. */
  readonly probe?: boolean;
  /** Bound on the server closing after the first phase (or, without probe, after the input), ms (default 5000). */
  readonly endMs?: number;
  /** Connect timeout, ms (default 3000). */
  readonly connectMs?: number;
}

/** What happened on the connection. */
export interface Exchange {
  /** Every byte the server sent. */
  readonly transcript: Buffer;
  /** How the connection ended (`fin`, `reset`, `error`), or `hung` when it was still open at the bound. */
  readonly ending: 'fin' | 'reset' | 'error' | 'hung';
  /** From the input's write to the end of the connection (or the bound), ms. */
  readonly elapsedMs: number;
  /** Whether the probe was sent (the connection was open after the first phase). */
  readonly probeSent: boolean;
}

/** How a server treated an input: compared between servers. */
export interface Verdict {
  /** Status codes of the responses, in order (the probe's answer included). */
  readonly statuses: readonly number[];
  /** `kept-alive`: the probe was answered; `closed`: the server ended the connection first; `hung`: still open at the bound. */
  readonly fate: 'kept-alive' | 'closed' | 'hung';
  /** The transcript with Date values masked (latin1). */
  readonly bytes: string;
}

/** Runs one exchange against `host:port`. */
export async function exchange(
  host: string,
  port: number,
  input: Uint8Array,
  opts: ExchangeOptions = {},
): Promise<Exchange> {
  const quietMs = opts.quietMs ?? 150;
  const endMs = opts.endMs ?? 5_000;
  const probe = opts.probe ?? true;
  const conn = await WireConn.open(host, port, opts.connectMs ?? 3_000);
  const start = Date.now();
  let probeSent = false;
  try {
    conn.write(Buffer.from(input));
    if (probe) {
      // Phase 1: until the server closes or stays quiet (bounded: a server streaming for
      // longer than endMs is treated as quiet).
      const phase1End = start + endMs;
      for (;;) {
        if (conn.ending !== null) break;
        const last = conn.lastDataAt; // 0 until the first byte
        const wait = Math.min(Math.max(start, last) + quietMs, phase1End) - Date.now();
        if (wait <= 0) break;
        await conn.waitFor(() => conn.ending !== null || conn.lastDataAt !== last, wait);
      }
      if (conn.ending === null) {
        conn.write(Probe);
        conn.halfClose();
        probeSent = true;
      }
    }
    const bound = Date.now() + endMs;
    await conn.waitFor(() => conn.ending !== null, bound - Date.now());
    const ending = conn.ending;
    return {
      transcript: conn.transcript(),
      ending: ending === null ? 'hung' : ending.kind,
      elapsedMs: (ending?.at ?? Date.now()) - start,
      probeSent,
    };
  } finally {
    conn.destroy();
  }
}

/** The verdict an exchange shows. */
export function verdictOf(ex: Exchange): Verdict {
  const statuses: number[] = [];
  let rest = ex.transcript;
  for (let i = 0; i < 64 && rest.length > 0; i++) {
    const out = parseResponse(rest, { eof: ex.ending !== 'hung' });
    if (out.status !== 'complete') break;
    statuses.push(out.response.code);
    rest = rest.subarray(out.consumed);
  }
  const fate =
    ex.ending === 'hung'
      ? 'hung'
      : ex.probeSent && ex.transcript.includes(ProbeAnswer)
        ? 'kept-alive'
        : 'closed';
  return { statuses, fate, bytes: normalizeDates(ex.transcript).toString('latin1') };
}

/** Whether two verdicts agree (every field). */
export function sameVerdict(a: Verdict, b: Verdict): boolean {
  return (
    a.fate === b.fate &&
    a.bytes === b.bytes &&
    a.statuses.length === b.statuses.length &&
    a.statuses.every((s, i) => s === b.statuses[i])
  );
}

/** A short form for messages and records: `400,200 closed`. */
export function verdictSummary(v: Verdict): string {
  return `${v.statuses.length === 0 ? 'no response' : v.statuses.join(',')} ${v.fate}`;
}

/** Bytes as a JS string literal with escapes, for counterexamples (at most `max` bytes). */
export function showBytes(b: Uint8Array, max = 600): string {
  let s = '';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x27) s += "\\'";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `'${s}'${b.length > max ? ` … (${b.length} bytes)` : ''}`;
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// A strict HTTP/1.x response parser working on the raw bytes a peer received.
//
// Strict on purpose: the suite checks servers, so every line must end in CRLF, framing
// headers must be consistent and chunk framing exact. The parser never throws on bad
// input; it reports `invalid` with a reason, or `incomplete` when more bytes are needed.

/** How the body of a response is delimited on the wire. */
export type Framing = 'none' | 'content-length' | 'chunked' | 'until-close';

/** One response as taken from the wire. */
export interface ParsedResponse {
  /** Every byte of this response: head, body and chunk framing / trailers. */
  readonly raw: Buffer;
  /** Status line, header lines and the blank line. */
  readonly head: Buffer;
  /** The status line without CRLF, e.g. `HTTP/1.1 200 OK`. */
  readonly statusLine: string;
  /** `HTTP/1.1` or `HTTP/1.0` (as sent). */
  readonly version: string;
  /** Status code. */
  readonly code: number;
  /** Reason phrase (may be empty; Go's detailed 400s carry `Bad Request: detail`). */
  readonly reason: string;
  /** Header lines as sent, without CRLF, in order (e.g. `Content-Length: 6`). */
  readonly headerLines: readonly string[];
  /** How the body was delimited. */
  readonly framing: Framing;
  /** The body bytes as sent (chunk framing and trailers included when chunked). */
  readonly rawBody: Buffer;
  /** The payload: the body with chunk framing removed. */
  readonly body: Buffer;
  /** Trailer lines after the last chunk, without CRLF. */
  readonly trailerLines: readonly string[];
  /** Sizes of the data chunks in order (chunked only; the final 0 not included). */
  readonly chunkSizes: readonly number[];
}

/** What {@link parseResponse} found. */
export type ParseOutcome =
  | { readonly status: 'complete'; readonly response: ParsedResponse; readonly consumed: number }
  | { readonly status: 'incomplete'; readonly reason: string }
  | { readonly status: 'invalid'; readonly reason: string };

/** Knowledge the parser needs from outside the bytes. */
export interface ParseOptions {
  /** The request was HEAD: the response has no body whatever its headers say. */
  readonly head?: boolean;
  /** The peer closed: a body delimited by close ends at the end of `buf`. */
  readonly eof?: boolean;
}

/** Longest head (status line + headers) the parser accepts: 1 MiB. */
export const MaxResponseHeadBytes = 1 << 20;
/** Longest chunk-size line accepted: 4096 bytes. */
export const MaxChunkLineBytes = 4096;

const STATUS_RE = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/;

/**
 * Parses the first response in `buf`. Interim 1xx responses are returned on their own
 * (no body); call again on the rest for the final response.
 */
export function parseResponse(buf: Buffer, opts: ParseOptions = {}): ParseOutcome {
  const lines = readLines(buf, 0, MaxResponseHeadBytes);
  if (lines.status !== 'ok') {
    return lines.status === 'invalid'
      ? { status: 'invalid', reason: `response head: ${lines.reason}` }
      : incompleteOrTruncated(opts, 'response head');
  }
  const [statusLine, ...headerLines] = lines.lines;
  if (statusLine === undefined || statusLine === '') {
    return { status: 'invalid', reason: 'empty status line' };
  }
  const m = STATUS_RE.exec(statusLine);
  if (m === null)
    return { status: 'invalid', reason: `bad status line ${JSON.stringify(statusLine)}` };
  const version = m[1]!;
  const code = Number(m[2]);
  const reason = m[3] ?? '';
  for (const l of headerLines) {
    if (l.indexOf(':') <= 0)
      return { status: 'invalid', reason: `bad header line ${JSON.stringify(l)}` };
  }
  const headEnd = lines.end;
  const head = buf.subarray(0, headEnd);
  const base = { head, statusLine, version, code, reason, headerLines };

  const te = valuesOf(headerLines, 'transfer-encoding');
  const cl = valuesOf(headerLines, 'content-length');
  let framing: Framing;
  if (opts.head === true || (code >= 100 && code < 200) || code === 204 || code === 304) {
    framing = 'none';
  } else if (te.length > 0) {
    const codings = te.flatMap((v) => v.split(',').map((s) => s.trim().toLowerCase()));
    if (codings[codings.length - 1] !== 'chunked') {
      framing = 'until-close';
    } else {
      framing = 'chunked';
    }
  } else if (cl.length > 0) {
    framing = 'content-length';
  } else {
    framing = 'until-close';
  }

  const done = (
    bodyEnd: number,
    rawBody: Buffer,
    body: Buffer,
    trailerLines: string[],
    chunkSizes: number[],
  ): ParseOutcome => ({
    status: 'complete',
    consumed: bodyEnd,
    response: {
      ...base,
      raw: buf.subarray(0, bodyEnd),
      framing,
      rawBody,
      body,
      trailerLines,
      chunkSizes,
    },
  });

  switch (framing) {
    case 'none':
      return done(headEnd, Buffer.alloc(0), Buffer.alloc(0), [], []);
    case 'content-length': {
      const distinct = new Set(cl.map((v) => v.trim()));
      if (distinct.size !== 1)
        return { status: 'invalid', reason: `conflicting Content-Length ${JSON.stringify(cl)}` };
      const v = [...distinct][0]!;
      if (!/^\d{1,15}$/.test(v))
        return { status: 'invalid', reason: `bad Content-Length ${JSON.stringify(v)}` };
      const n = Number(v);
      if (buf.length - headEnd < n)
        return incompleteOrTruncated(opts, `body (${buf.length - headEnd} of ${n} bytes)`);
      const b = buf.subarray(headEnd, headEnd + n);
      return done(headEnd + n, b, b, [], []);
    }
    case 'until-close': {
      if (opts.eof !== true)
        return { status: 'incomplete', reason: 'body delimited by close, peer still open' };
      const b = buf.subarray(headEnd);
      return done(buf.length, b, b, [], []);
    }
    case 'chunked': {
      const c = readChunked(buf, headEnd);
      if (c.status === 'invalid') return { status: 'invalid', reason: `chunked body: ${c.reason}` };
      if (c.status === 'incomplete') return incompleteOrTruncated(opts, 'chunked body');
      return done(c.end, buf.subarray(headEnd, c.end), c.body, c.trailerLines, c.chunkSizes);
    }
  }
}

function incompleteOrTruncated(opts: ParseOptions, what: string): ParseOutcome {
  return opts.eof === true
    ? { status: 'invalid', reason: `connection closed in the middle of the ${what}` }
    : { status: 'incomplete', reason: `waiting for the ${what}` };
}

/** Values of the header lines named `lowerName` (case-insensitive), trimmed. */
export function valuesOf(headerLines: readonly string[], lowerName: string): string[] {
  const out: string[] = [];
  for (const l of headerLines) {
    const i = l.indexOf(':');
    if (i > 0 && l.slice(0, i).toLowerCase() === lowerName) out.push(l.slice(i + 1).trim());
  }
  return out;
}

type LinesOutcome =
  | { status: 'ok'; lines: string[]; end: number }
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string };

/** Reads CRLF-terminated lines from `start` up to and including an empty line. */
function readLines(buf: Buffer, start: number, limit: number): LinesOutcome {
  const lines: string[] = [];
  let pos = start;
  for (;;) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) {
      return buf.length - start > limit
        ? { status: 'invalid', reason: `longer than ${limit} bytes` }
        : { status: 'incomplete' };
    }
    if (nl - start > limit) return { status: 'invalid', reason: `longer than ${limit} bytes` };
    if (nl === pos || buf[nl - 1] !== 0x0d) {
      return { status: 'invalid', reason: `bare LF at offset ${nl}` };
    }
    const line = buf.toString('latin1', pos, nl - 1);
    pos = nl + 1;
    if (line === '') return { status: 'ok', lines, end: pos };
    lines.push(line);
  }
}

type ChunkedOutcome =
  | { status: 'ok'; end: number; body: Buffer; trailerLines: string[]; chunkSizes: number[] }
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string };

function readChunked(buf: Buffer, start: number): ChunkedOutcome {
  const parts: Buffer[] = [];
  const chunkSizes: number[] = [];
  let pos = start;
  for (let n = 0; n < 1_000_000; n++) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) {
      return buf.length - pos > MaxChunkLineBytes
        ? { status: 'invalid', reason: 'chunk-size line too long' }
        : { status: 'incomplete' };
    }
    if (nl === pos || buf[nl - 1] !== 0x0d)
      return { status: 'invalid', reason: `bare LF in chunk-size line at offset ${nl}` };
    const line = buf.toString('latin1', pos, nl - 1);
    const sizeText = line.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText))
      return { status: 'invalid', reason: `bad chunk size ${JSON.stringify(line)}` };
    const size = Number.parseInt(sizeText, 16);
    pos = nl + 1;
    if (size === 0) {
      const t = readLines(buf, pos, MaxResponseHeadBytes);
      if (t.status === 'incomplete') return t;
      if (t.status === 'invalid') return { status: 'invalid', reason: `trailers: ${t.reason}` };
      return {
        status: 'ok',
        end: t.end,
        body: Buffer.concat(parts),
        trailerLines: t.lines,
        chunkSizes,
      };
    }
    if (buf.length < pos + size + 2) return { status: 'incomplete' };
    parts.push(buf.subarray(pos, pos + size));
    chunkSizes.push(size);
    pos += size;
    if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a)
      return { status: 'invalid', reason: `chunk data not followed by CRLF at offset ${pos}` };
    pos += 2;
  }
  return { status: 'invalid', reason: 'more than 1000000 chunks' };
}

// Library-level properties: the parsers of @ka/http run in-process on hostile bytes.
//
// For each parser (request head + body, chunked decoder, response head + body):
// - it returns a value or throws a Go-shaped error (a GoError: Go's error text and a code);
//   any other throw (TypeError, RangeError, …) is a crash-class defect;
// - it never hangs: every input ends, so every call settles (bounded by a timer here);
// - the outcome does not depend on how the bytes are split into reads (Go's parsers don't
//   care: one read, one byte per read and any mix give the same result);
// - declared sizes are honored: a Content-Length body that reads without error has exactly
//   that length, a well-formed chunked body decodes to the chunks' payload.
// And round trips: writeRequest → readRequest keeps method, URL, headers and body;
// ChunkedWriter → ChunkedReader gives back what was written, however it was split.

import {
  ChunkedReader,
  ChunkedWriter,
  Header,
  newRequest,
  type Request,
  readRequest,
  readResponse,
  writeRequest,
} from '@ka/http';
import { BufReader, BufWriter, BytesReader, BytesWriter, isGoError, type Reader } from '@ka/io';
import fc from 'fast-check';
import {
  chunkedBody,
  hostileRequest,
  hostileResponse,
  mutate,
  mutation,
  randomBytes,
} from './arbitraries.js';

/** Delivers `b` in reads of the given sizes (cycled), each at most `p.length`. */
export class SegmentedReader implements Reader {
  #off = 0;
  #i = 0;
  /** Bytes handed out so far. */
  pulled = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly sizes: readonly number[] = [],
  ) {}
  async read(p: Uint8Array): Promise<number | null> {
    if (this.#off >= this.b.length) return null;
    const want = this.sizes.length === 0 ? p.length : this.sizes[this.#i++ % this.sizes.length]!;
    const n = Math.min(Math.max(1, want), p.length, this.b.length - this.#off);
    p.set(this.b.subarray(this.#off, this.#off + n));
    this.#off += n;
    this.pulled += n;
    return n;
  }
}

/** A defect a property found: a non-Go error or a hang. */
export class CrashError extends Error {
  override readonly name = 'CrashError';
}

/** Settles `p` within `ms`, else throws a CrashError naming `what`. */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CrashError(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `error: <Go's text>` for a GoError; a CrashError for anything else. */
function goOutcome(err: unknown, what: string): string {
  if (err instanceof CrashError) throw err;
  if (!isGoError(err)) {
    const e = err as Error;
    throw new CrashError(`${what} threw a non-Go error: ${e?.name}: ${e?.message}\n${e?.stack}`);
  }
  if (err.message === '')
    throw new CrashError(`${what} threw a GoError without text (${err.code})`);
  return `error: ${err.message}`;
}

const HangMs = 2_000;

/** Reads a whole request (head and body) and describes it; errors as Go's text. */
export async function requestOutcome(input: Uint8Array, sizes: readonly number[]): Promise<string> {
  const br = new BufReader(new SegmentedReader(input, sizes), 4096);
  let req: Request;
  try {
    req = await within(readRequest(br), HangMs, 'readRequest');
  } catch (err) {
    return goOutcome(err, 'readRequest');
  }
  const head = JSON.stringify({
    method: req.method,
    uri: req.requestURI,
    url: req.url.toString(),
    proto: req.proto,
    host: req.host,
    header: [...req.header.entries()],
    contentLength: req.contentLength,
    te: req.transferEncoding,
    close: req.close,
  });
  let body: string;
  try {
    const b = await within(req.body.bytes(), HangMs, 'request body read');
    if (req.contentLength >= 0 && b.length !== req.contentLength) {
      throw new CrashError(
        `body of ${b.length} bytes read without error, Content-Length ${req.contentLength}`,
      );
    }
    body = Buffer.from(b).toString('hex');
  } catch (err) {
    body = goOutcome(err, 'request body read');
  }
  return `${head} body ${body}`;
}

/** Decodes a chunked body; errors as Go's text. */
export async function chunkedOutcome(
  input: Uint8Array,
  sizes: readonly number[],
): Promise<{ text: string; data?: Buffer }> {
  const cr = new ChunkedReader(new BufReader(new SegmentedReader(input, sizes), 4096));
  const out: Buffer[] = [];
  const p = new Uint8Array(512);
  try {
    for (let i = 0; i < 100_000; i++) {
      const n = await within(cr.read(p), HangMs, 'ChunkedReader.read');
      if (n === null) {
        const data = Buffer.concat(out);
        return { text: `data ${data.toString('hex')}`, data };
      }
      out.push(Buffer.from(p.subarray(0, n)));
    }
    throw new CrashError('ChunkedReader returned data 100000 times');
  } catch (err) {
    return { text: goOutcome(err, 'ChunkedReader.read') };
  }
}

/** Reads a whole response (head and body); errors as Go's text. */
export async function responseOutcome(
  input: Uint8Array,
  sizes: readonly number[],
): Promise<string> {
  const br = new BufReader(new SegmentedReader(input, sizes), 4096);
  let head: string;
  let resp: Awaited<ReturnType<typeof readResponse>>;
  try {
    resp = await within(readResponse(br), HangMs, 'readResponse');
    head = JSON.stringify({
      status: resp.status,
      code: resp.statusCode,
      proto: resp.proto,
      header: [...resp.header.entries()],
      contentLength: resp.contentLength,
      te: resp.transferEncoding,
      close: resp.close,
    });
  } catch (err) {
    return goOutcome(err, 'readResponse');
  }
  try {
    const b = await within(resp.body.bytes(), HangMs, 'response body read');
    if (resp.contentLength >= 0 && b.length !== resp.contentLength) {
      throw new CrashError(
        `body of ${b.length} bytes read without error, Content-Length ${resp.contentLength}`,
      );
    }
    return `${head} body ${Buffer.from(b).toString('hex')}`;
  } catch (err) {
    return `${head} body ${goOutcome(err, 'response body read')}`;
  }
}

/** Read sizes: whole buffers, one byte at a time, or a random pattern. */
const readSizes = fc.oneof(
  fc.constant<number[]>([1]),
  fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 6 }),
);

/** A library property, by name. */
export interface LibraryProperty {
  readonly name: string;
  readonly property: fc.IAsyncPropertyWithHooks<never> | fc.IAsyncProperty<never>;
}

function prop<T extends unknown[]>(
  name: string,
  arbs: { [K in keyof T]: fc.Arbitrary<T[K]> },
  check: (...args: T) => Promise<void>,
): LibraryProperty {
  // biome-ignore lint/suspicious/noExplicitAny: fast-check's tuple typing
  const property = (fc.asyncProperty as any)(...arbs, check) as fc.IAsyncProperty<never>;
  return { name, property };
}

const anyRequestBytes = fc.oneof(
  { weight: 4, arbitrary: hostileRequest },
  { weight: 1, arbitrary: randomBytes },
);

/** Every library property. */
export const libraryProperties: readonly LibraryProperty[] = [
  prop(
    'readRequest: a Request or a Go error, never a crash or hang, whatever the read sizes',
    [anyRequestBytes, readSizes],
    async (input: Uint8Array, sizes: number[]) => {
      const whole = await requestOutcome(input, []);
      const split = await requestOutcome(input, sizes);
      if (whole !== split) {
        throw new Error(
          `outcome depends on read sizes ${JSON.stringify(sizes)}:\n whole: ${whole}\n split: ${split}`,
        );
      }
    },
  ),
  prop(
    'ChunkedReader: a well-formed body decodes to its payload, whatever the read sizes',
    [chunkedBody, readSizes],
    async (body: { wire: Buffer; payload: Buffer }, sizes: number[]) => {
      const out = await chunkedOutcome(body.wire, sizes);
      if (out.data === undefined || !out.data.equals(body.payload)) {
        throw new Error(`decoded ${out.text}, want data ${body.payload.toString('hex')}`);
      }
    },
  ),
  prop(
    'ChunkedReader: mutated bodies give data or a Go error, never a crash or hang, whatever the read sizes',
    [
      fc.oneof(
        fc
          .tuple(chunkedBody, fc.array(mutation, { minLength: 1, maxLength: 3 }))
          .map(([b, ms]) => ms.reduce<Uint8Array>((x, m) => mutate(x, m), b.wire)),
        randomBytes,
      ),
      readSizes,
    ],
    async (input: Uint8Array, sizes: number[]) => {
      const whole = await chunkedOutcome(input, []);
      const split = await chunkedOutcome(input, sizes);
      if (whole.text !== split.text) {
        throw new Error(
          `outcome depends on read sizes ${JSON.stringify(sizes)}:\n whole: ${whole.text}\n split: ${split.text}`,
        );
      }
      // never more data than bytes given
      if (whole.data !== undefined && whole.data.length > input.length) {
        throw new Error(`decoded ${whole.data.length} bytes from ${input.length}`);
      }
    },
  ),
  prop(
    'readResponse: a Response or a Go error, never a crash or hang, whatever the read sizes',
    [
      fc.oneof({ weight: 4, arbitrary: hostileResponse }, { weight: 1, arbitrary: randomBytes }),
      readSizes,
    ],
    async (input: Uint8Array, sizes: number[]) => {
      const whole = await responseOutcome(input, []);
      const split = await responseOutcome(input, sizes);
      if (whole !== split) {
        throw new Error(
          `outcome depends on read sizes ${JSON.stringify(sizes)}:\n whole: ${whole}\n split: ${split}`,
        );
      }
    },
  ),
  prop(
    'writeRequest → readRequest keeps method, URL, headers and body',
    [
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'X-CUSTOM'),
      fc.array(
        fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~%20'.split('')), maxLength: 8 }),
        { maxLength: 4 },
      ),
      fc.option(fc.string({ unit: fc.constantFrom(...'abc=&19'.split('')), maxLength: 12 }), {
        nil: undefined,
      }),
      fc.uniqueArray(
        fc.tuple(
          fc.string({
            unit: fc.constantFrom(...'abcdefghxyzABC-0123'.split('')),
            minLength: 1,
            maxLength: 10,
          }),
          fc.array(
            fc
              .string({ unit: fc.constantFrom(...'abc xyz,;=/"\t019é'.split('')), maxLength: 16 })
              .map((s) => s.trim()),
            { minLength: 1, maxLength: 3 },
          ),
        ),
        { selector: ([k]) => k.toLowerCase(), maxLength: 5 },
      ),
      fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }),
      fc.boolean(),
    ],
    async (
      method: string,
      segments: string[],
      query: string | undefined,
      headers: [string, string[]][],
      body: Uint8Array | undefined,
      unknownLength: boolean,
    ) => {
      const path = `/${segments.map((s) => s.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')).join('/')}`;
      const url = `http://example.com${path}${query === undefined ? '' : `?${query}`}`;
      const req =
        body !== undefined && unknownLength && body.length > 0
          ? newRequest(method, url, new BytesReader(body))
          : newRequest(method, url, body);
      const reserved = new Set([
        'host',
        'user-agent',
        'content-length',
        'transfer-encoding',
        'trailer',
        'connection',
      ]);
      const sent = new Header();
      for (const [k, vv] of headers) {
        if (reserved.has(k.toLowerCase())) continue;
        for (const v of vv) sent.add(k, v);
      }
      req.header = sent.clone();
      const w = new BytesWriter();
      const bw = new BufWriter(w, 4096);
      await within(writeRequest(req, bw), HangMs, 'writeRequest');
      await bw.flush();
      const got = await readRequest(new BufReader(new BytesReader(w.bytes())));
      const gotBody = Buffer.from(await got.body.bytes());
      const problems: string[] = [];
      if (got.method !== method) problems.push(`method ${got.method}`);
      if (got.requestURI !== req.url.requestURI())
        problems.push(`uri ${got.requestURI} want ${req.url.requestURI()}`);
      if (got.host !== 'example.com') problems.push(`host ${got.host}`);
      for (const [k, vv] of sent.entries()) {
        const g = got.header.values(k);
        if (JSON.stringify(g) !== JSON.stringify(vv))
          problems.push(`header ${k}: ${JSON.stringify(g)} want ${JSON.stringify(vv)}`);
      }
      if (!gotBody.equals(Buffer.from(body ?? new Uint8Array(0))))
        problems.push(`body ${gotBody.toString('hex')}`);
      if (problems.length > 0) {
        throw new Error(
          `${problems.join('; ')}\nwire: ${JSON.stringify(Buffer.from(w.bytes()).toString('latin1'))}`,
        );
      }
    },
  ),
  prop(
    'ChunkedWriter → ChunkedReader gives back the data, however it was written and read',
    [
      fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 8 }),
      readSizes,
      fc.integer({ min: 16, max: 8192 }),
    ],
    async (writes: Uint8Array[], sizes: number[], bufSize: number) => {
      const w = new BytesWriter();
      const bw = new BufWriter(w, bufSize);
      const cw = new ChunkedWriter(bw);
      for (const d of writes) await cw.write(d);
      await cw.close();
      await bw.write(Buffer.from('\r\n'));
      await bw.flush();
      const out = await chunkedOutcome(w.bytes(), sizes);
      const want = Buffer.concat(writes);
      if (out.data === undefined || !out.data.equals(want)) {
        throw new Error(`decoded ${out.text.slice(0, 200)}, want ${want.length} bytes`);
      }
    },
  ),
];

// Go: httptest.ResponseRecorder (net/http/httptest/recorder.go) — a ResponseWriter that
// keeps what a handler did, for tests that call a handler directly.
import {
  canonicalHeaderKey,
  detectContentType,
  Header,
  NoBody,
  Response,
  statusText,
  TrailerPrefix,
  toBody,
} from '@ka/http';
import { bodyAllowedForStatus, trimString } from '@ka/http/internal';
import { BytesReader, BytesWriter } from '@ka/io';
import { ErrBodyNotAllowed } from '../errors.js';
import type { ResponseWriter } from '../handler.js';
import { validTrailerHeader } from '../internal/http-glue.js';

const encoder = new TextEncoder();
const noop = () => {};

/** Go's `httptest.DefaultRemoteAddr`: `1.2.3.4`. */
export const DefaultRemoteAddr = '1.2.3.4';

/** Go's `sniffLen`: how much of the first write Content-Type detection looks at. */
const sniffLen = 512;

/**
 * Go's `httptest.ResponseRecorder` (made ready as by `NewRecorder`): a {@link ResponseWriter}
 * that records the status, headers, body and flushes of a handler called directly, without a
 * server. Check the outcome through {@link ResponseRecorder.result}, which is what a client
 * would have seen.
 *
 * Writes never block: `write` records and resolves at once, or rejects with
 * `ErrBodyNotAllowed` (after recording) when the status does not allow a body. The first write
 * without a `Content-Type` (and without `Transfer-Encoding`) sniffs one from its first 512
 * bytes, as the server does.
 *
 * @example
 * ```ts
 * const rec = new ResponseRecorder();
 * await handler(rec, newRequest('GET', '/hello'));
 * const res = rec.result();
 * expect(res.statusCode).toBe(200);
 * expect(await res.body.text()).toBe('hello');
 * ```
 */
export class ResponseRecorder implements ResponseWriter {
  /**
   * The status set by `writeHeader` (or the implicit 200 of a first write or flush). Starts at
   * 200; Go's zero-value recorder starts at 0, which `result()` reports as 200.
   */
  code = 200;
  /**
   * The live header map the handler edits. Deprecated in Go: what the client would have seen
   * is `result().header`, the map as it was when the header was written.
   */
  headerMap: Header = new Header();
  /**
   * The bytes the handler wrote (Go's `Body`, a `bytes.Buffer`): `toString()`, `bytes()`,
   * `length`. Go lets it be nil to discard writes; a `null` forced in here does the same.
   */
  body: BytesWriter = new BytesWriter();
  /** Whether the handler flushed. */
  flushed = false;

  #result: Response | null = null;
  #snapHeader: Header | null = null;
  #wroteHeader = false;

  /** The header map to edit before the header is written (Go's `Header()`). */
  header(): Header {
    let m = this.headerMap as Header | null;
    if (m == null) {
      m = new Header();
      this.headerMap = m;
    }
    return m;
  }

  // Go: (*ResponseRecorder).writeHeader — the implicit header of a first write, with a
  // sniffed Content-Type unless one is set (even empty) or Transfer-Encoding is.
  #implicitHeader(first: Uint8Array): void {
    if (this.#wroteHeader) return;
    const m = this.header();
    const hasType = m.rawHas('Content-Type');
    const hasTE = m.get('Transfer-Encoding') !== '';
    if (!hasType && !hasTE) {
      m.set('Content-Type', detectContentType(first.subarray(0, sniffLen)));
    }
    this.writeHeader(200);
  }

  /**
   * Records body bytes (a string is UTF-8 encoded), first recording an implicit 200 header if
   * none was written (Go's `Write` / `WriteString`). Rejects with `ErrBodyNotAllowed` when the
   * status forbids a body — the bytes are recorded anyway, as in Go.
   */
  write(p: Uint8Array | string): Promise<number> {
    const b = typeof p === 'string' ? encoder.encode(p) : p;
    this.#implicitHeader(b);
    (this.body as BytesWriter | null)?.writeSync(b);
    if (!bodyAllowedForStatus(this.code)) {
      const pr = Promise.reject(ErrBodyNotAllowed);
      pr.catch(noop); // an unawaited failed write must not crash the process
      return pr;
    }
    return Promise.resolve(b.length);
  }

  /** Go's `WriteString`: {@link ResponseRecorder.write} for a string. */
  writeString(s: string): Promise<number> {
    return this.write(s);
  }

  /**
   * Records the status and snapshots the header map (Go's `WriteHeader`). Only the first call
   * counts, whatever its code — an informational 1xx included: the recorder keeps it as the
   * status, as Go 1.26's does. Throws a `RangeError` for a code outside 100..999 (Go panics).
   */
  writeHeader(code: number): void {
    if (this.#wroteHeader) return;
    // Go: checkWriteHeaderCode
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      throw new RangeError(`invalid WriteHeader code ${code}`);
    }
    this.code = code;
    this.#wroteHeader = true;
    this.#snapHeader = this.header().clone();
  }

  /** Notes the flush in {@link ResponseRecorder.flushed}, writing a 200 header if none was (Go's `Flush`). */
  flush(): void {
    if (!this.#wroteHeader) this.writeHeader(200);
    this.flushed = true;
  }

  /**
   * The response the handler produced, as a client would get it (Go's `Result`); call it
   * after the handler finished. Later calls return the same object.
   *
   * `header` is the header map as it was when the header was written (or now, if the handler
   * never wrote); `statusCode` is {@link ResponseRecorder.code} (0 becomes 200) and `status`
   * e.g. `200 OK`; `body` reads the bytes written so far; `contentLength` is the
   * `Content-Length` header's value, or -1 without a valid one. `trailer` holds the declared
   * trailers (the names in the `Trailer` header) with the values the handler left in the
   * header map, plus any `Trailer:`-prefixed keys; it is null when there are neither.
   */
  result(): Response {
    if (this.#result !== null) return this.#result;
    const snap = (this.#snapHeader ??= this.header().clone());
    const res = new Response({
      proto: 'HTTP/1.1',
      protoMajor: 1,
      protoMinor: 1,
      statusCode: this.code,
      header: snap,
    });
    this.#result = res;
    if (res.statusCode === 0) res.statusCode = 200;
    res.status = `${String(res.statusCode).padStart(3, '0')} ${statusText(res.statusCode)}`;
    const body = this.body as BytesWriter | null;
    res.body = body != null ? toBody(new BytesReader(body.bytes().slice())) : NoBody;
    res.contentLength = parseContentLength(res.header.get('Content-Length'));

    const live = this.header();
    const declared = snap.rawGet('Trailer');
    if (declared !== undefined) {
      const trailer = new Header();
      res.trailer = trailer;
      for (const v of declared) {
        for (const name of v.split(',')) {
          const k = canonicalHeaderKey(trimString(name));
          // RFC 7230 §4.1.2 forbids these as trailers.
          if (!validTrailerHeader(k)) continue;
          const vv = live.rawGet(k);
          if (vv === undefined) continue;
          trailer.rawSet(k, vv.slice());
        }
      }
    }
    for (const [k, vv] of live.entries()) {
      if (!k.startsWith(TrailerPrefix)) continue;
      res.trailer ??= new Header();
      for (const v of vv) res.trailer.add(k.slice(TrailerPrefix.length), v);
    }
    return res;
  }
}

// Go: httptest's parseContentLength — transfer.go's, except that a bad value counts as
// absent (-1) instead of an error: digits only, at most 2^63-1.
function parseContentLength(v: string): number {
  const cl = trimString(v);
  if (cl === '') return -1;
  for (let i = 0; i < cl.length; i++) {
    const c = cl.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  if (cl.length >= 19 && BigInt(cl) >= 1n << 63n) return -1;
  return Number(cl);
}

// Beyond Go: a `fetch(input, init)` facade over the Transport, so code written for the
// WHATWG fetch API gets Go's connection pool, reuse rules and safe retries. WHATWG Request /
// Response in and out; ka's Client (redirects, errors) underneath.
import { type Response as KaResponse, newRequest } from '@ka/http';
import { Client, DefaultTransport } from './client.js';
import { ErrUseLastResponse } from './errors.js';
import type { RoundTripper } from './transport.js';

/** Options for {@link createFetch}. */
export interface FetchOptions {
  /** The transport whose pool the requests use (default: `DefaultTransport`). */
  transport?: RoundTripper;
  /** Whole-exchange timeout in ms, as `Client.timeout` (default 0: none). */
  timeout?: number;
}

/** A `fetch` with the standard signature. */
export type FetchFunction = (
  input: string | URL | globalThis.Request,
  init?: RequestInit,
) => Promise<globalThis.Response>;

const nullBodyStatus = new Set([101, 103, 204, 205, 304]);

async function bodyBytes(body: RequestInit['body']): Promise<Uint8Array | string | null> {
  if (body == null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  // Blob, FormData, ReadableStream: let the platform serialise it (read in full).
  return new Uint8Array(
    await new globalThis.Response(body as NonNullable<RequestInit['body']>).arrayBuffer(),
  );
}

function toWhatwg(resp: KaResponse, url: string, redirected: boolean): globalThis.Response {
  const headers = new Headers();
  for (const [k, vv] of resp.header.entries()) for (const v of vv) headers.append(k, v);
  const statusText = resp.status.replace(/^\d{3} ?/, '');
  const body = nullBodyStatus.has(resp.statusCode)
    ? null
    : (resp.body as unknown as { stream(): ReadableStream<Uint8Array> }).stream();
  if (body === null) void resp.body.close();
  const out = new globalThis.Response(body, { status: resp.statusCode, statusText, headers });
  Object.defineProperty(out, 'url', { value: url });
  Object.defineProperty(out, 'redirected', { value: redirected });
  return out;
}

/**
 * Makes a `fetch` over a ka {@link Client}. Differences from Node's built-in fetch: requests
 * go through Go's pool (connections reused most-recent-first, `maxIdleConnsPerHost`, the idle
 * connection that notices a server close, Go's retry rule); `redirect: 'follow'` follows Go's
 * redirect rules (10 at most, header stripping across hosts); request bodies are read in full
 * before sending; `Accept-Encoding: gzip` is added and decoded as Go's transport does; only
 * `http:` and `https:` URLs.
 *
 * @example
 * ```ts
 * import { createFetch, Transport } from '@ka/client';
 * const fetch = createFetch({ transport: new Transport({ maxIdleConnsPerHost: 8 }) });
 * const res = await fetch('http://127.0.0.1:8080/hello');
 * console.log(res.status, await res.text());
 * ```
 */
export function createFetch(options: FetchOptions = {}): FetchFunction {
  const transport = options.transport ?? DefaultTransport;
  return async (input, init = {}) => {
    const wreq = input instanceof globalThis.Request ? input : undefined;
    const url = wreq !== undefined ? wreq.url : String(input);
    const method = (init.method ?? wreq?.method ?? 'GET').toUpperCase();
    const signal = init.signal ?? wreq?.signal ?? undefined;
    signal?.throwIfAborted();
    let body = await bodyBytes(init.body);
    if (body === null && wreq !== undefined && wreq.body !== null) {
      body = new Uint8Array(await wreq.arrayBuffer());
    }
    const req = newRequest(method, url, body ?? undefined, signal ? { signal } : undefined);
    const headers = new Headers(init.headers ?? wreq?.headers);
    for (const [k, v] of headers) req.header.add(k, v);
    const mode = init.redirect ?? wreq?.redirect ?? 'follow';
    let redirected = false;
    const client = new Client({
      transport,
      timeout: options.timeout ?? 0,
      checkRedirect: (_r, via) => {
        if (mode === 'manual') return ErrUseLastResponse;
        if (mode === 'error') return new TypeError('fetch failed: redirect mode is "error"');
        if (via.length >= 10) return new Error('stopped after 10 redirects');
        redirected = true;
        return undefined;
      },
    });
    let resp: KaResponse;
    try {
      resp = await client.do(req);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw new TypeError('fetch failed', { cause: err });
    }
    const finalURL = resp.request?.url.toString() ?? url;
    return toWhatwg(resp, finalURL, redirected);
  };
}

/** `fetch` over `DefaultTransport` (see {@link createFetch}). */
export const fetch: FetchFunction = createFetch();

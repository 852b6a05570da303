// Go: http.ResponseController (responsecontroller.go) — reach the optional methods of a
// ResponseWriter (flush, hijack, deadlines, full duplex) through any number of wrappers.
//
// Go finds a method with a type switch on the writer; a wrapper that lacks it is asked for the
// writer it wraps through `Unwrap() ResponseWriter`, until a writer has the method or has no
// Unwrap, which ends in an error that matches ErrNotSupported (but is a fresh value). Here the
// switch is a look at the object's own methods, in Go's order.
import type { Hijacked } from './conn.js';
import { ErrNotSupported } from './errors.js';
import type { ResponseWriter } from './handler.js';

/**
 * A writer that wraps another and hands it out (Go's `Unwrap() ResponseWriter`), so that
 * {@link ResponseController} can reach methods the wrapper does not offer itself.
 */
export interface ResponseWriterUnwrapper {
  /** The wrapped writer. */
  unwrap(): ResponseWriter;
}

type Method = 'flush' | 'hijack' | 'setReadDeadline' | 'setWriteDeadline' | 'enableFullDuplex';

// Go: errNotSupported — `fmt.Errorf("%w", ErrNotSupported)`: the same text, `errors.Is`
// true, but not the sentinel itself.
function errNotSupported(): Error {
  return new Error(ErrNotSupported.message, { cause: ErrNotSupported });
}

// Go: the loop of each ResponseController method — the first writer along the Unwrap chain
// that has `name`, or null when the chain ends without one.
function find(rw: ResponseWriter, name: Method): ResponseWriter | null {
  let w: unknown = rw;
  // A cycle of unwraps would loop forever in Go too; give up after a generous depth instead.
  for (let depth = 0; depth < 1000 && w != null; depth++) {
    const o = w as Record<string, unknown>;
    if (typeof o[name] === 'function') return w as ResponseWriter;
    if (typeof o.unwrap !== 'function') return null;
    w = (w as ResponseWriterUnwrapper).unwrap();
  }
  return null;
}

// Calls `name` on the writer that has it; a Go method's error result is accepted as a thrown
// error, a rejected Promise, or a returned Error (the shape of @ka/net's deadline setters).
async function call(rw: ResponseWriter, name: Method, args: unknown[]): Promise<unknown> {
  const w = find(rw, name);
  if (w === null) throw errNotSupported();
  const ret = await (w as unknown as Record<Method, (...a: unknown[]) => unknown>)[name](...args);
  if (ret instanceof Error) throw ret;
  return ret;
}

/**
 * Go's `http.ResponseController`: lets a handler flush, hijack, set deadlines or enable full
 * duplex on its response, even when the {@link ResponseWriter} it got is a wrapper.
 *
 * Each method looks for a method of the same name on the writer; a writer without it that has
 * `unwrap()` ({@link ResponseWriterUnwrapper}) passes the search on to the writer it wraps.
 * When no writer in the chain has the method, the call rejects with an error whose message is
 * `feature not supported` and that matches {@link ErrNotSupported} under `is()` (it is not the
 * sentinel itself, as in Go). Like Go's, a controller must not be used after the handler
 * returned.
 *
 * @example
 * ```ts
 * const handler = async (w: ResponseWriter, r: Request) => {
 *   const rc = new ResponseController(w);
 *   await rc.setWriteDeadline(Date.now() + 30_000);
 *   for (const part of parts) {
 *     await w.write(part);
 *     await rc.flush(); // each part reaches the client now
 *   }
 * };
 * ```
 */
export class ResponseController {
  readonly #rw: ResponseWriter;

  /**
   * Go's `NewResponseController`: `rw` should be the writer the handler was called with, or a
   * wrapper whose `unwrap()` leads to it.
   */
  constructor(rw: ResponseWriter) {
    this.#rw = rw;
  }

  /** Sends buffered response data to the client now (Go's `Flush`; the writer's `flush()`). */
  async flush(): Promise<void> {
    await call(this.#rw, 'flush', []);
  }

  /**
   * Takes over the connection (Go's `Hijack`; the writer's `hijack()`): the server no longer
   * manages it. The result is the server's `Response.hijack()` value: the socket plus
   * buffered reader (holding bytes read past the request) and writer.
   */
  async hijack(): Promise<Hijacked> {
    return (await call(this.#rw, 'hijack', [])) as Hijacked;
  }

  /**
   * Sets the deadline for reading the whole request, body included (Go's `SetReadDeadline`):
   * an absolute time in ms since the epoch or a `Date`, 0 for none. Body reads after it fail;
   * setting it again after it passed does not extend it (the connection's error sticks).
   */
  async setReadDeadline(deadline: number | Date): Promise<void> {
    await call(this.#rw, 'setReadDeadline', [deadline]);
  }

  /**
   * Sets the deadline for writing the response (Go's `SetWriteDeadline`): an absolute time in
   * ms since the epoch or a `Date`, 0 for none. Writes past it fail once they reach the
   * socket; setting it again after it passed does not extend it.
   */
  async setWriteDeadline(deadline: number | Date): Promise<void> {
    await call(this.#rw, 'setWriteDeadline', [deadline]);
  }

  /**
   * Lets the handler keep reading the request body while it writes the response (Go's
   * `EnableFullDuplex`). Without it an HTTP/1 server consumes the unread body before it sends
   * the response header (SRV-61, SRV-66).
   */
  async enableFullDuplex(): Promise<void> {
    await call(this.#rw, 'enableFullDuplex', []);
  }
}

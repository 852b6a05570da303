// Go: transport.go dialConn, the CONNECT branch — open a tunnel through an HTTP proxy for an
// https target.

import { Header, Request, readResponse, URL, writeRequest } from '@ka/http';
import { BufReader, BufWriter, LimitedReader } from '@ka/io';
import type { ConnectMethod } from './connect-method.js';
import { DeadlineExceeded } from './context.js';
import { type Conn, closeQuietly } from './dial.js';
import { newError } from './errors.js';
import type { TransportOptions } from './transport.js';

/** How long a proxy may take to answer CONNECT (Go: one minute). */
export const proxyConnectTimeout = 60_000;

type ProxySettings = Pick<
  TransportOptions,
  'proxyConnectHeader' | 'getProxyConnectHeader' | 'onProxyConnectResponse'
> & { maxResponseHeaderBytes: number };

/**
 * Sends `CONNECT target` on `conn` and checks for a 200 answer; on any failure the
 * connection is closed and the error thrown (a non-200 status throws its reason phrase, as
 * Go does).
 */
export async function connectViaProxy(
  conn: Conn,
  cm: ConnectMethod,
  t: ProxySettings,
  signal: AbortSignal,
): Promise<void> {
  const proxyURL = cm.proxyURL!;
  let hdr: Header | undefined;
  try {
    hdr =
      t.getProxyConnectHeader !== undefined
        ? await t.getProxyConnectHeader(proxyURL, cm.targetAddr)
        : t.proxyConnectHeader;
  } catch (e) {
    await closeQuietly(conn);
    throw e;
  }
  hdr ??= new Header();
  const pa = cm.proxyAuth();
  if (pa !== '') {
    hdr = hdr.clone();
    hdr.set('Proxy-Authorization', pa);
  }
  const connectReq = new Request({
    method: 'CONNECT',
    url: new URL({ opaque: cm.targetAddr }),
    host: cm.targetAddr,
    header: hdr,
  });

  // A long timeout, so a proxy that goes silent after the TCP connect cannot hang us.
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void closeQuietly(conn);
  }, proxyConnectTimeout);
  const onAbort = () => void closeQuietly(conn);
  signal.addEventListener('abort', onAbort, { once: true });
  let resp: Awaited<ReturnType<typeof readResponse>>;
  try {
    const bw = new BufWriter(conn);
    await writeRequest(connectReq, bw);
    await bw.flush();
    // Reading ahead is harmless: a TLS server does not speak first.
    const limit = t.maxResponseHeaderBytes > 0 ? t.maxResponseHeaderBytes : 10 << 20;
    const br = new BufReader(new LimitedReader(conn, limit));
    resp = await readResponse(br, connectReq);
  } catch (e) {
    await closeQuietly(conn);
    if (timedOut) throw DeadlineExceeded;
    throw e;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }

  if (t.onProxyConnectResponse !== undefined) {
    try {
      await t.onProxyConnectResponse(proxyURL, connectReq, resp);
    } catch (e) {
      await closeQuietly(conn);
      throw e;
    }
  }
  if (resp.statusCode !== 200) {
    await closeQuietly(conn);
    const sp = resp.status.indexOf(' ');
    if (sp < 0) throw newError('ERR_HTTP_PROXY_STATUS', 'unknown status code');
    throw newError('ERR_HTTP_PROXY_STATUS', resp.status.slice(sp + 1));
  }
}

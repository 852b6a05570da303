// Go: transport.go connectMethod / connectMethodKey / canonicalAddr — which pool a request's
// connection comes from.
//
// Connections are pooled per (proxy, target scheme, target host:port, HTTP/1-only). A plain
// HTTP proxy can carry requests for any target, so for http targets through an http(s) proxy
// the address is left out of the key.
import { domainToASCII } from 'node:url';
import type { Request, URL } from '@ka/http';
import { equalFold, hasToken } from '@ka/http/internal';

// Go: schemePort — default ports of the schemes the transport knows.
/** The default port for `scheme` (`http` 80, `https` 443, `socks5`/`socks5h` 1080) or `''`. */
export function schemePort(scheme: string): string {
  switch (scheme) {
    case 'http':
      return '80';
    case 'https':
      return '443';
    case 'socks5':
    case 'socks5h':
      return '1080';
    default:
      return '';
  }
}

function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

// Go: idnaASCII — punycode a non-ASCII host name; ASCII is returned as is.
/** The ASCII (IDNA) form of a host name; the name itself if it is ASCII or not convertible. */
export function idnaASCII(v: string): string {
  if (isASCII(v)) return v;
  const a = domainToASCII(v);
  return a === '' ? v : a;
}

// Go: idnaASCIIFromURL.
/** The URL's host name (no port, no brackets) in ASCII form. */
export function idnaASCIIFromURL(url: URL): string {
  return idnaASCII(url.hostname());
}

/** Go's `net.JoinHostPort`: brackets a host containing a colon (IPv6). */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Go: canonicalAddr — url.Host with the port always present.
/** `host:port` of `url`, with the scheme's default port when none is given. */
export function canonicalAddr(url: URL): string {
  let port = url.port();
  if (port === '') port = schemePort(url.scheme);
  return joinHostPort(idnaASCIIFromURL(url), port);
}

// Go: (*Request).requiresHTTP1 — a websocket upgrade must stay on HTTP/1.
/** Whether `req` asks for a websocket upgrade (pooled apart: HTTP/1 only). */
export function requiresHTTP1(req: Request): boolean {
  return (
    hasToken(req.header.get('Connection'), 'upgrade') &&
    equalFold(req.header.get('Upgrade'), 'websocket')
  );
}

/**
 * Go's `connectMethod`: how to reach a target — directly, through an HTTP proxy (absolute
 * request targets), or through a CONNECT tunnel (https targets behind a proxy).
 */
export class ConnectMethod {
  /** The proxy, or undefined for a direct connection. */
  readonly proxyURL: URL | undefined;
  /** `http` or `https`. */
  readonly targetScheme: string;
  /** `host:port` of the target. */
  readonly targetAddr: string;
  /** Whether only HTTP/1 may be spoken (websocket upgrades). */
  readonly onlyH1: boolean;

  constructor(init: {
    proxyURL?: URL | undefined;
    targetScheme: string;
    targetAddr: string;
    onlyH1?: boolean;
  }) {
    this.proxyURL = init.proxyURL;
    this.targetScheme = init.targetScheme;
    this.targetAddr = init.targetAddr;
    this.onlyH1 = init.onlyH1 ?? false;
  }

  // Go: (*connectMethod).key, rendered the way connectMethodKey.String prints it
  // (`proxy|scheme[,h1]|addr`), which makes it usable as a Map key.
  #key: string | undefined;

  /** The pool key: `proxy|scheme[,h1]|addr`. */
  key(): string {
    this.#key ??= this.#makeKey();
    return this.#key;
  }

  #makeKey(): string {
    let proxyStr = '';
    let targetAddr = this.targetAddr;
    if (this.proxyURL !== undefined) {
      proxyStr = this.proxyURL.toString();
      const ps = this.proxyURL.scheme;
      if ((ps === 'http' || ps === 'https') && this.targetScheme === 'http') targetAddr = '';
    }
    return `${proxyStr}|${this.targetScheme}${this.onlyH1 ? ',h1' : ''}|${targetAddr}`;
  }

  // Go: (*connectMethod).scheme.
  /** The scheme of the first hop: the proxy's, or the target's. */
  scheme(): string {
    return this.proxyURL !== undefined ? this.proxyURL.scheme : this.targetScheme;
  }

  // Go: (*connectMethod).addr.
  /** `host:port` of the first hop (what is dialed). */
  addr(): string {
    return this.proxyURL !== undefined ? canonicalAddr(this.proxyURL) : this.targetAddr;
  }

  // Go: (*connectMethod).tlsHost.
  /** The host name a target certificate must match. */
  tlsHost(): string {
    const h = this.targetAddr;
    const colon = h.lastIndexOf(':');
    return colon > h.lastIndexOf(']') ? h.slice(0, colon) : h;
  }

  // Go: (*connectMethod).proxyAuth.
  /** The `Proxy-Authorization` value for a proxy URL with user info, or `''`. */
  proxyAuth(): string {
    const u = this.proxyURL?.user;
    if (u === undefined) return '';
    return `Basic ${basicAuth(u.username, u.password)}`;
  }
}

// Go: basicAuth — base64 of "user:password" (not URL-encoded).
/** `base64(username:password)` as used by Basic authentication. */
export function basicAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

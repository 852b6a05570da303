// Go: net/http canonicalAddr, schemePort and idnaASCIIFromURL — the host:port a client dials
// for a URL. Lives here (not in the HTTP packages) because it is pure address handling.

import { domainToASCII } from 'node:url';
import { joinHostPort } from './addr.js';

// Go: schemePort.
const schemePorts: Record<string, string> = {
  http: '80',
  https: '443',
  socks5: '1080',
  socks5h: '1080',
};

/**
 * Go's `canonicalAddr` (NET-18): `host:port` to dial for `url`. A missing port becomes the
 * scheme's (http 80, https 443, socks5/socks5h 1080; other schemes get an empty port), IPv6
 * literals are bracketed, and internationalized names are converted to ASCII (punycode).
 *
 * @example
 * ```ts
 * canonicalAddr(new URL('http://[::1]/x'));      // "[::1]:80"
 * canonicalAddr(new URL('https://bücher.de/'));  // "xn--bcher-kva.de:443"
 * ```
 */
export function canonicalAddr(url: URL): string {
  const scheme = url.protocol.endsWith(':') ? url.protocol.slice(0, -1) : url.protocol;
  const port = url.port !== '' ? url.port : (schemePorts[scheme] ?? '');
  let host = url.hostname;
  // WHATWG keeps the brackets around IPv6 literals; Go's Hostname() drops them.
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else {
    // Special schemes are already ASCII; other schemes keep the raw (percent-encoded) name.
    let name = host;
    try {
      name = decodeURIComponent(host);
    } catch {
      // leave it
    }
    const ascii = domainToASCII(name);
    if (ascii !== '') host = ascii;
  }
  return joinHostPort(host, port);
}

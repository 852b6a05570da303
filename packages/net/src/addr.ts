// Go: net addresses — Addr, TCPAddr, UnixAddr and the host:port helpers.

import { isIP } from 'node:net';
import { AddrError } from './errors.js';

/** Go's `net.Addr`: a network end point. `toString()` is the form Go prints. */
export interface Addr {
  /** The network name: `tcp`, `unix`, `pipe`. */
  network(): string;
  /** The address, e.g. `127.0.0.1:80`, `[::1]:80`, `/tmp/s.sock`. */
  toString(): string;
}

/**
 * Go's `*net.TCPAddr`. `ip` is the textual IP (`127.0.0.1`, `::1`; empty for "any");
 * IPv4-mapped IPv6 addresses are kept in their IPv4 form, as Go prints them.
 */
export class TCPAddr implements Addr {
  /** The IP address as text; empty means unspecified. */
  readonly ip: string;
  /** The port number. */
  readonly port: number;
  /** The IPv6 scope (zone), e.g. `eth0`; empty when none. */
  readonly zone: string;

  /** An address from its parts; `ip` as text (`127.0.0.1`, `::1`, or empty for any). */
  constructor(ip: string, port: number, zone = '') {
    this.ip = ip;
    this.port = port;
    this.zone = zone;
  }

  /** Always `tcp`, as in Go. */
  network(): string {
    return 'tcp';
  }

  // Go: (*TCPAddr).String — host:port, IPv6 bracketed, zone after a %.
  /** `127.0.0.1:80`, `[::1]:80`, `[fe80::1%eth0]:80`, `:80`. */
  toString(): string {
    return joinHostPort(this.zone !== '' ? `${this.ip}%${this.zone}` : this.ip, String(this.port));
  }
}

/** Go's `*net.UnixAddr`: a Unix domain socket path. */
export class UnixAddr implements Addr {
  /** The socket path; `@` for an unnamed socket (as Go prints it on Linux). */
  readonly name: string;
  /** The network: `unix`. */
  readonly net: string;

  /** A Unix socket address: a path (or `@` for unnamed). */
  constructor(name: string, net = 'unix') {
    this.name = name;
    this.net = net;
  }

  /** The network name (`unix`). */
  network(): string {
    return this.net;
  }

  /** The path. */
  toString(): string {
    return this.name;
  }
}

/** Go's `net.pipeAddr`: both ends of a {@link pipe} have this address. */
export class PipeAddr implements Addr {
  /** Always `pipe`. */
  network(): string {
    return 'pipe';
  }
  /** Always `pipe`. */
  toString(): string {
    return 'pipe';
  }
}

// Go: net.SplitHostPort — the port is after the last colon; a host with colons must be
// bracketed; brackets anywhere else are errors.
/**
 * Go's `net.SplitHostPort`: splits `host:port`, `[host]:port` or `[host%zone]:port`. Throws an
 * {@link AddrError} with Go's text (`address 1.2.3.4: missing port in address`).
 */
export function splitHostPort(hostport: string): [host: string, port: string] {
  const missingPort = 'missing port in address';
  const tooManyColons = 'too many colons in address';
  const colon = hostport.lastIndexOf(':');
  if (colon < 0) throw new AddrError(missingPort, hostport);

  let host: string;
  let openFrom = 0; // where an unexpected '[' may start
  let closeFrom = 0; // where an unexpected ']' may start
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) throw new AddrError("missing ']' in address", hostport);
    if (end + 1 === hostport.length) throw new AddrError(missingPort, hostport);
    if (end + 1 !== colon) {
      throw new AddrError(hostport[end + 1] === ':' ? tooManyColons : missingPort, hostport);
    }
    host = hostport.slice(1, end);
    openFrom = 1;
    closeFrom = end + 1;
  } else {
    host = hostport.slice(0, colon);
    if (host.includes(':')) throw new AddrError(tooManyColons, hostport);
  }
  if (hostport.indexOf('[', openFrom) >= 0) {
    throw new AddrError("unexpected '[' in address", hostport);
  }
  if (hostport.indexOf(']', closeFrom) >= 0) {
    throw new AddrError("unexpected ']' in address", hostport);
  }
  return [host, hostport.slice(colon + 1)];
}

// Go: net.JoinHostPort — bracket the host when it holds a colon.
/** Go's `net.JoinHostPort`: `host:port`, or `[host]:port` when host contains a colon. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

// Go: net.services — the port names Go knows without /etc/services.
const tcpServices: Record<string, number> = {
  ftp: 21,
  ftps: 990,
  gopher: 70,
  http: 80,
  https: 443,
  imap2: 143,
  imap3: 220,
  imaps: 993,
  pop3: 110,
  pop3s: 995,
  smtp: 25,
  submissions: 465,
  ssh: 22,
  telnet: 23,
};

/**
 * @internal Go's LookupPort for TCP: empty means 0, decimal numbers (an optional sign) are
 * range-checked, names come from the small built-in table. Returns the port, or the error Go
 * would give (`invalid port` AddrError, or `undefined` + the service name for `unknown port`).
 */
export function parsePort(service: string): number | { unknownService: string } {
  if (service === '') return 0;
  if (/^[+-]?[0-9]+$/.test(service)) {
    const n = Number(service);
    if (n < 0 || n > 65535) throw new AddrError('invalid port', service);
    return n;
  }
  const named = tcpServices[service.toLowerCase()];
  if (named !== undefined) return named;
  return { unknownService: service };
}

/** @internal Strips the `::ffff:` prefix of an IPv4-mapped IPv6 address (Go prints those as IPv4). */
export function unmapIPv4(ip: string): string {
  if (ip.length > 7 && ip.charCodeAt(0) === 0x3a && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) {
    return ip.slice(7);
  }
  return ip;
}

/** @internal Splits a `%zone` suffix off an IPv6 literal. */
export function splitHostZone(host: string): [ip: string, zone: string] {
  const i = host.lastIndexOf('%');
  return i > 0 ? [host.slice(0, i), host.slice(i + 1)] : [host, ''];
}

/** @internal The IP version of a literal (4 or 6), 0 for a name. Zones are allowed on IPv6. */
export function ipVersion(host: string): 0 | 4 | 6 {
  const [ip] = splitHostZone(host);
  return isIP(ip) as 0 | 4 | 6;
}

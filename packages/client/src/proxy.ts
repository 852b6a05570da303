// Go: transport.go ProxyFromEnvironment / ProxyURL and golang.org/x/net/http/httpproxy —
// which proxy a request uses.
//
// HTTP_PROXY / HTTPS_PROXY (or lower case) name the proxy per target scheme; NO_PROXY lists
// exceptions: `*`, IP addresses and CIDR ranges, and domain names (`foo.com` also matches
// its subdomains, `.foo.com` only them), each optionally with a port. Loopback targets and
// `localhost` never use a proxy. Under CGI (REQUEST_METHOD set) HTTP_PROXY is ignored, as
// it could come from a request header.
import { BlockList, isIP } from 'node:net';
import { parseURL, type Request, type URL } from '@ka/http';
import { canonicalAddr, idnaASCII } from './connect-method.js';
import { newError } from './errors.js';

/** Go's `httpproxy.Config`: the proxy settings, usually from the environment. */
export interface ProxyConfig {
  /** Proxy for http targets (`HTTP_PROXY`). */
  httpProxy?: string;
  /** Proxy for https targets (`HTTPS_PROXY`). */
  httpsProxy?: string;
  /** Exceptions (`NO_PROXY`). */
  noProxy?: string;
  /** Running as CGI: ignore `httpProxy`. */
  cgi?: boolean;
}

interface Matcher {
  match(host: string, port: string, ip: string | undefined): boolean;
}

function getEnvAny(...names: string[]): string {
  for (const n of names) {
    const v = process.env[n];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

/** Go's `httpproxy.FromEnvironment`. */
export function proxyConfigFromEnvironment(): ProxyConfig {
  return {
    httpProxy: getEnvAny('HTTP_PROXY', 'http_proxy'),
    httpsProxy: getEnvAny('HTTPS_PROXY', 'https_proxy'),
    noProxy: getEnvAny('NO_PROXY', 'no_proxy'),
    cgi: (process.env.REQUEST_METHOD ?? '') !== '',
  };
}

function splitHostPort(hostport: string): [string, string] | undefined {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) return undefined;
    const rest = hostport.slice(end + 1);
    if (!rest.startsWith(':')) return undefined;
    return [hostport.slice(1, end), rest.slice(1)];
  }
  const i = hostport.lastIndexOf(':');
  if (i < 0) return undefined;
  const host = hostport.slice(0, i);
  if (host.includes(':')) return undefined;
  return [host, hostport.slice(i + 1)];
}

function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  const l = ip.toLowerCase();
  return l === '::1' || l === '0:0:0:0:0:0:0:1' || l.startsWith('::ffff:127.');
}

function sameIP(a: string, b: string): boolean {
  if (a === b) return true;
  const bl = new BlockList();
  const ta = isIP(a) === 6 ? 'ipv6' : 'ipv4';
  bl.addAddress(a, ta);
  return bl.check(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
}

// Go: httpproxy.config.init — parse NO_PROXY into matchers.
function parseNoProxy(noProxy: string): { all: boolean; ip: Matcher[]; domain: Matcher[] } {
  const ip: Matcher[] = [];
  const domain: Matcher[] = [];
  for (let p of noProxy.split(',')) {
    p = p.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return { all: true, ip: [], domain: [] };
    // IP/CIDR
    const slash = p.indexOf('/');
    if (slash > 0) {
      const net = p.slice(0, slash);
      const bits = Number(p.slice(slash + 1));
      const fam = isIP(net);
      if (fam !== 0 && Number.isInteger(bits)) {
        const bl = new BlockList();
        const type = fam === 6 ? 'ipv6' : 'ipv4';
        bl.addSubnet(net, bits, type);
        ip.push({
          match: (_h, _p, addr) =>
            addr !== undefined && bl.check(addr, isIP(addr) === 6 ? 'ipv6' : 'ipv4'),
        });
        continue;
      }
    }
    // host:port, [ipv6]:port, or a bare host
    let phost = p;
    let pport = '';
    const hp = splitHostPort(p);
    if (hp !== undefined) {
      [phost, pport] = hp;
      if (phost === '') continue;
    }
    if (isIP(phost) !== 0) {
      const want = phost;
      ip.push({
        match: (_h, port, addr) =>
          addr !== undefined && sameIP(want, addr) && (pport === '' || pport === port),
      });
      continue;
    }
    if (phost === '') continue;
    // *.foo.com and .foo.com match subdomains; foo.com matches itself too.
    if (phost.startsWith('*.')) phost = phost.slice(1);
    let matchHost = false;
    if (!phost.startsWith('.')) {
      matchHost = true;
      phost = `.${phost}`;
    }
    phost = idnaASCII(phost);
    const suffix = phost;
    domain.push({
      match: (host, port) =>
        (host.endsWith(suffix) || (matchHost && host === suffix.slice(1))) &&
        (pport === '' || pport === port),
    });
  }
  return { all: false, ip, domain };
}

// Go: httpproxy parseProxy — a bare host[:port] means an http proxy.
function parseProxy(proxy: string): URL {
  if (proxy === '') throw newError('ERR_HTTP_PROXY', 'empty proxy');
  try {
    const u = parseURL(proxy);
    if (
      u.scheme === 'http' ||
      u.scheme === 'https' ||
      u.scheme === 'socks5' ||
      u.scheme === 'socks5h'
    ) {
      return u;
    }
  } catch {
    // fall through
  }
  try {
    return parseURL(`http://${proxy}`);
  } catch (e) {
    throw newError(
      'ERR_HTTP_PROXY',
      `invalid proxy address ${JSON.stringify(proxy)}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

/**
 * Go's `httpproxy.Config.ProxyFunc`: a function that picks the proxy URL for a target URL
 * under `cfg` (undefined: connect directly).
 */
export function proxyFuncFromConfig(cfg: ProxyConfig): (target: URL) => URL | undefined {
  const np = parseNoProxy(cfg.noProxy ?? '');
  let httpProxy: URL | undefined;
  let httpsProxy: URL | undefined;
  let httpErr: unknown;
  let httpsErr: unknown;
  if (!cfg.cgi && (cfg.httpProxy ?? '') !== '') {
    try {
      httpProxy = parseProxy(cfg.httpProxy!);
    } catch (e) {
      httpErr = e;
    }
  }
  if ((cfg.httpsProxy ?? '') !== '') {
    try {
      httpsProxy = parseProxy(cfg.httpsProxy!);
    } catch (e) {
      httpsErr = e;
    }
  }
  // Go: (*config).useProxy.
  const useProxy = (addr: string): boolean => {
    if (addr === '') return true;
    const hp = splitHostPort(addr);
    if (hp === undefined) return false;
    const [host, port] = hp;
    if (host === 'localhost') return false;
    const ip = isIP(host) !== 0 ? host : undefined;
    if (ip !== undefined && isLoopback(ip)) return false;
    if (np.all) return false;
    const h = host.trim().toLowerCase();
    if (ip !== undefined) for (const m of np.ip) if (m.match(h, port, ip)) return false;
    for (const m of np.domain) if (m.match(h, port, ip)) return false;
    return true;
  };
  return (target) => {
    let proxy: URL | undefined;
    let err: unknown;
    if (target.scheme === 'https') {
      proxy = httpsProxy;
      err = httpsErr;
    } else if (target.scheme === 'http') {
      proxy = httpProxy;
      err = httpErr;
    }
    if (proxy === undefined && err === undefined) return undefined;
    if (!useProxy(canonicalAddr(target))) return undefined;
    if (err !== undefined) throw err;
    return proxy;
  };
}

let envProxyFunc: ((target: URL) => URL | undefined) | undefined;

/**
 * Go's `http.ProxyFromEnvironment`: the proxy for `req` from `HTTP_PROXY`, `HTTPS_PROXY` and
 * `NO_PROXY` (read once, on first use), or undefined for a direct connection.
 */
export function proxyFromEnvironment(req: Request): URL | undefined {
  envProxyFunc ??= proxyFuncFromConfig(proxyConfigFromEnvironment());
  return envProxyFunc(req.url);
}

/** Forgets the cached environment settings (Go's `resetProxyConfig`, for tests). */
export function resetProxyConfig(): void {
  envProxyFunc = undefined;
}

/** Go's `http.ProxyURL`: a proxy function that always returns `fixedURL`. */
export function proxyURL(fixedURL: URL | string): (req: Request) => URL {
  const u = typeof fixedURL === 'string' ? parseURL(fixedURL) : fixedURL;
  return () => u;
}

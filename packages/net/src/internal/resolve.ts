// Go: the address resolution shared by Listen and Dial (resolveAddrList, LookupPort) — split
// host:port, parse the port, and turn the host into IP literals of the wanted family.

import { lookup } from 'node:dns/promises';
import { ipVersion, parsePort, splitHostPort } from '../addr.js';
import { AddrError, DNSError, dnsErrorFromNode } from '../errors.js';

/** @internal Go: splits and resolves a TCP address for listen/dial; throws AddrError / DNSError. */
export async function resolveTCP(
  network: string,
  address: string,
  forListen: boolean,
): Promise<{ hosts: string[]; port: number; host: string }> {
  const [host, service] = splitHostPort(address);
  const port = parsePort(service);
  if (typeof port !== 'number') {
    throw new DNSError({
      err: 'unknown port',
      name: `tcp/${port.unknownService}`,
      isNotFound: true,
    });
  }
  const want = network === 'tcp4' ? 4 : network === 'tcp6' ? 6 : 0;
  if (host === '') return { hosts: [''], port, host };
  const v = ipVersion(host);
  if (v !== 0) {
    if (want !== 0 && v !== want) throw new AddrError('no suitable address found', host);
    return { hosts: [host], port, host };
  }
  let found: { address: string; family: number }[];
  try {
    found = await lookup(host, { all: true, family: want });
  } catch (err) {
    throw dnsErrorFromNode(err, host);
  }
  let ips = found.map((a) => a.address);
  // Go: a listener on a name takes the first IPv4 address (Go's favoriteAddrFamily), a dialer
  // tries them in resolver order.
  if (forListen && want === 0) {
    const v4 = found.find((a) => a.family === 4);
    ips = [v4 !== undefined ? v4.address : ips[0]!];
  }
  if (ips.length === 0) throw new AddrError('no suitable address found', host);
  return { hosts: ips, port, host };
}

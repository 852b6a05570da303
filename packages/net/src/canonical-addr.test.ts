import { expect, test } from 'vitest';
import { canonicalAddr } from './canonical-addr.js';

test.each([
  ['http://127.0.0.1:8080/x', '127.0.0.1:8080'],
  ['http://127.0.0.1/x', '127.0.0.1:80'],
  ['http://example.com:80/', 'example.com:80'],
  ['https://example.com/', 'example.com:443'],
  ['https://example.com:8443/', 'example.com:8443'],
  ['socks5://proxy', 'proxy:1080'],
  ['socks5h://proxy:9050', 'proxy:9050'],
  ['http://[::1]/', '[::1]:80'],
  ['http://[::1]:8080/', '[::1]:8080'],
  ['https://[2001:db8::1]/', '[2001:db8::1]:443'],
  ['http://bücher.de/', 'xn--bcher-kva.de:80'],
  ['http://BÜCHER.de:81/', 'xn--bcher-kva.de:81'],
  ['socks5://bücher.de', 'xn--bcher-kva.de:1080'],
  ['ftp://host/', 'host:'],
])('NET-18 %s dials %s', (url, want) => {
  expect(canonicalAddr(new URL(url))).toBe(want);
});

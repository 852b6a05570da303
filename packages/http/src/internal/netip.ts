// Go: net/netip ParseAddr — only what url.parseHost needs: validate an IP literal, tell IPv4
// from IPv6, and fail with Go's error text.
import { GoError } from '@ka/io';
import { quoteText } from './ascii.js';

/** The kind of a parsed address. */
export type AddrKind = 'ipv4' | 'ipv6';

function parseError(input: string, msg: string, at = ''): GoError {
  const tail = at !== '' ? ` (at ${quoteText(at)})` : '';
  return new GoError('ERR_PARSE_ADDR', `ParseAddr(${quoteText(input)}): ${msg}${tail}`);
}

/** Go's `netip.ParseAddr`, reduced to validation: resolves the kind or throws Go's error. */
export function parseAddr(s: string): AddrKind {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '.') {
      parseIPv4Fields(s, 0, s.length);
      return 'ipv4';
    }
    if (c === ':') {
      parseIPv6(s);
      return 'ipv6';
    }
    if (c === '%') throw parseError(s, 'missing IPv6 address');
  }
  throw parseError(s, 'unable to parse IP');
}

// Go: netip.parseIPv4Fields — four decimal octets, no leading zeros.
function parseIPv4Fields(input: string, off: number, end: number): void {
  const s = input.slice(off, end);
  let val = 0;
  let pos = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digLen === 1 && val === 0)
        throw parseError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c - 0x30);
      digLen++;
      if (val > 255) throw parseError(input, 'IPv4 field has value >255');
    } else if (c === 0x2e) {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw parseError(input, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (pos === 3) throw parseError(input, 'IPv4 address too long');
      pos++;
      val = 0;
      digLen = 0;
    } else {
      throw parseError(input, 'unexpected character', s.slice(i));
    }
  }
  if (pos < 3) throw parseError(input, 'IPv4 address too short');
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// Go: netip.parseIPv6 — groups of up to 4 hex digits, one optional "::", an optional
// embedded IPv4 tail and an optional non-empty %zone.
function parseIPv6(input: string): void {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') throw parseError(input, 'zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const v = hexVal(s.charCodeAt(off));
      if (v < 0) break;
      acc = acc * 16 + v;
      if (off > 3) throw parseError(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) throw parseError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) {
      throw parseError(input, 'each colon-separated field must have at least one digit', s);
    }
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) {
        throw parseError(
          input,
          'embedded IPv4 address must replace the final 2 fields of the address',
          s,
        );
      }
      if (i + 4 > 16) {
        throw parseError(
          input,
          'too many hex fields to fit an embedded IPv4 at the end of the address',
          s,
        );
      }
      let end = input.length;
      if (zone.length > 0) end -= zone.length + 1;
      parseIPv4Fields(input, end - s.length, end);
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':') throw parseError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw parseError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) throw parseError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) throw parseError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw parseError(input, 'address string too short');
  } else if (ellipsis >= 0) {
    throw parseError(input, 'the :: must expand to at least one field of zeros');
  }
}

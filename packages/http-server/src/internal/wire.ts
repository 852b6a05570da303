// The server's view of @ka/http pieces it drives directly: header serialisation and the
// controls of a body read off the wire.
import type { Header } from '@ka/http';
import { trimString } from './http-glue.js';

/**
 * Go: Header.WriteSubset — `Key: value\r\n` lines sorted by key, values cleaned of CR/LF
 * (replaced by spaces) and trimmed, keys in `exclude` left out.
 */
export function headerLines(h: Header, exclude: ReadonlySet<string> | null): string {
  const keys = [...h.keys()].sort();
  let out = '';
  for (const k of keys) {
    if (exclude?.has(k)) continue;
    for (let v of h.values(k)) {
      if (v.includes('\r') || v.includes('\n')) v = v.replace(/[\r\n]/g, ' ');
      out += `${k}: ${trimString(v)}\r\n`;
    }
  }
  return out;
}

// Go: net/http sniff.go — content type detection (the WHATWG MIME sniffing algorithm as Go
// implements it).

/** Go's `sniffLen`: how many leading bytes {@link detectContentType} considers. */
export const sniffLen = 512;

type Sig = (data: Uint8Array, firstNonWS: number) => string;

// What a signature needs of data[0] (data[0] & mask === pat); mask 0 for signatures that look
// past leading whitespace or anywhere. Lets detectContentType try only the signatures that can
// match the first byte, in Go's order.
const firstByte = new WeakMap<Sig, [mask: number, pat: number]>();

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

// Go: htmlSig — a case-insensitive tag name after leading whitespace, then space or '>'.
function htmlSig(tag: string): Sig {
  const h = bytes(tag);
  // Indexes from firstNonWS rather than taking a subarray: this runs for every signature of
  // every sniffed response.
  return (data, firstNonWS) => {
    if (data.length - firstNonWS < h.length + 1) return '';
    for (let i = 0; i < h.length; i++) {
      const b = h[i]!;
      let db = data[firstNonWS + i]!;
      if (b >= 0x41 && b <= 0x5a) db &= 0xdf;
      if (b !== db) return '';
    }
    const tt = data[firstNonWS + h.length];
    if (tt !== 0x20 && tt !== 0x3e) return '';
    return 'text/html; charset=utf-8';
  };
}

// Go: exactSig — a byte prefix.
function exactSig(sig: string, ct: string): Sig {
  const s = bytes(sig);
  const f: Sig = (data) => {
    if (data.length < s.length) return '';
    for (let i = 0; i < s.length; i++) if (data[i] !== s[i]) return '';
    return ct;
  };
  firstByte.set(f, [0xff, s[0]!]);
  return f;
}

// Go: maskedSig — data & mask must equal the pattern (optionally after leading whitespace).
function maskedSig(mask: string, pat: string, ct: string, skipWS = false): Sig {
  const m = bytes(mask);
  const p = bytes(pat);
  const f: Sig = (data, firstNonWS) => {
    const at = skipWS ? firstNonWS : 0;
    if (p.length !== m.length || data.length - at < p.length) return '';
    for (let i = 0; i < p.length; i++) if ((data[at + i]! & m[i]!) !== p[i]) return '';
    return ct;
  };
  if (!skipWS) firstByte.set(f, [m[0]!, p[0]!]);
  return f;
}

// Go: mp4Sig — an "ftyp" box whose brands include "mp4".
const mp4Sig: Sig = (data) => {
  if (data.length < 12) return '';
  const boxSize = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
  if (data.length < boxSize || boxSize % 4 !== 0) return '';
  if (data[4] !== 0x66 || data[5] !== 0x74 || data[6] !== 0x79 || data[7] !== 0x70) return '';
  for (let st = 8; st < boxSize; st += 4) {
    if (st === 12) continue; // the minor version, not a brand
    if (data[st] === 0x6d && data[st + 1] === 0x70 && data[st + 2] === 0x34) return 'video/mp4';
  }
  return '';
};

// Go: textSig — no binary control bytes after the leading whitespace.
const textSig: Sig = (data, firstNonWS) => {
  for (let i = firstNonWS; i < data.length; i++) {
    const b = data[i]!;
    if (b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f)) {
      return '';
    }
  }
  return 'text/plain; charset=utf-8';
};

const z = (n: number) => '\x00'.repeat(n);
const ff = (n: number) => '\xFF'.repeat(n);

// Go: sniffSignatures — order matters; the first match wins. The HTML signatures come first
// and all begin with '<', so they are kept apart and skipped when the data does not.
const htmlSignatures: Sig[] = [
  '<!DOCTYPE HTML',
  '<HTML',
  '<HEAD',
  '<SCRIPT',
  '<IFRAME',
  '<H1',
  '<DIV',
  '<FONT',
  '<TABLE',
  '<A',
  '<STYLE',
  '<TITLE',
  '<B',
  '<BODY',
  '<BR',
  '<P',
  '<!--',
].map(htmlSig);
const signatures: Sig[] = [
  maskedSig(ff(5), '<?xml', 'text/xml; charset=utf-8', true),
  exactSig('%PDF-', 'application/pdf'),
  exactSig('%!PS-Adobe-', 'application/postscript'),
  // UTF BOMs.
  maskedSig(`${ff(2)}${z(2)}`, `\xFE\xFF${z(2)}`, 'text/plain; charset=utf-16be'),
  maskedSig(`${ff(2)}${z(2)}`, `\xFF\xFE${z(2)}`, 'text/plain; charset=utf-16le'),
  maskedSig(`${ff(3)}${z(1)}`, `\xEF\xBB\xBF${z(1)}`, 'text/plain; charset=utf-8'),
  // Images.
  exactSig('\x00\x00\x01\x00', 'image/x-icon'),
  exactSig('\x00\x00\x02\x00', 'image/x-icon'),
  exactSig('BM', 'image/bmp'),
  exactSig('GIF87a', 'image/gif'),
  exactSig('GIF89a', 'image/gif'),
  maskedSig(`${ff(4)}${z(4)}${ff(6)}`, `RIFF${z(4)}WEBPVP`, 'image/webp'),
  exactSig('\x89PNG\x0D\x0A\x1A\x0A', 'image/png'),
  exactSig('\xFF\xD8\xFF', 'image/jpeg'),
  // Audio and video.
  maskedSig(`${ff(4)}${z(4)}${ff(4)}`, `FORM${z(4)}AIFF`, 'audio/aiff'),
  maskedSig(ff(3), 'ID3', 'audio/mpeg'),
  maskedSig(ff(5), 'OggS\x00', 'application/ogg'),
  maskedSig(ff(8), 'MThd\x00\x00\x00\x06', 'audio/midi'),
  maskedSig(`${ff(4)}${z(4)}${ff(4)}`, `RIFF${z(4)}AVI `, 'video/avi'),
  maskedSig(`${ff(4)}${z(4)}${ff(4)}`, `RIFF${z(4)}WAVE`, 'audio/wave'),
  mp4Sig,
  exactSig('\x1A\x45\xDF\xA3', 'video/webm'),
  // Fonts.
  maskedSig(`${z(34)}\xFF\xFF`, `${z(34)}LP`, 'application/vnd.ms-fontobject'),
  exactSig('\x00\x01\x00\x00', 'font/ttf'),
  exactSig('OTTO', 'font/otf'),
  exactSig('ttcf', 'font/collection'),
  exactSig('wOFF', 'font/woff'),
  exactSig('wOF2', 'font/woff2'),
  // Archives.
  exactSig('\x1F\x8B\x08', 'application/x-gzip'),
  exactSig('PK\x03\x04', 'application/zip'),
  exactSig('Rar!\x1A\x07\x00', 'application/x-rar-compressed'),
  exactSig('Rar!\x1A\x07\x01\x00', 'application/x-rar-compressed'),
  exactSig('\x00\x61\x73\x6D', 'application/wasm'),
  textSig,
];

// signatures, narrowed to those whose first-byte condition the byte allows (index: the byte).
const signaturesByFirst: Sig[][] = Array.from({ length: 256 }, (_, b) =>
  signatures.filter((sig) => {
    const fb = firstByte.get(sig);
    return fb === undefined || (b & fb[0]) === fb[1];
  }),
);

function isWS(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20;
}

/**
 * Go's `http.DetectContentType`: guesses the MIME type of `data` from its first
 * {@link sniffLen} bytes; `application/octet-stream` when nothing matches.
 *
 * @example
 * ```ts
 * detectContentType(new TextEncoder().encode('<html>')); // 'text/html; charset=utf-8'
 * ```
 */
export function detectContentType(data: Uint8Array): string {
  if (data.length > sniffLen) data = data.subarray(0, sniffLen);
  let firstNonWS = 0;
  while (firstNonWS < data.length && isWS(data[firstNonWS]!)) firstNonWS++;
  if (data[firstNonWS] === 0x3c) {
    for (const sig of htmlSignatures) {
      const ct = sig(data, firstNonWS);
      if (ct !== '') return ct;
    }
  }
  for (const sig of data.length > 0 ? signaturesByFirst[data[0]!]! : signatures) {
    const ct = sig(data, firstNonWS);
    if (ct !== '') return ct;
  }
  return 'application/octet-stream';
}

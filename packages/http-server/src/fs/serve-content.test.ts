// ServeContent tests: Go's TestServeContent table (every case with GET and HEAD),
// TestParseRange (range_test.go), TestScanETag, TestServeContentWithEmptyContentIgnoreRanges,
// TestServeContentHeadersWithError, TestServeFileWithContentEncoding, the multipart framing,
// and the three kinds of content (bytes, FileHandle, a ReadSeeker).
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import { formatHttpDate } from '@ka/http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ResponseRecorder } from '../httptest/recorder.js';
import { newRequest } from '../httptest/request.js';
import { typeByExtension } from './mime.js';
import { errNoOverlap, type HttpRange, parseRange, rangesMimeSize } from './range.js';
import { type Content, type ReadSeeker, scanETag, serveContent } from './serve-content.js';

const enc = new TextEncoder();

describe('parseRange (Go: TestParseRange)', () => {
  const table: [string, number, HttpRange[] | null][] = [
    ['', 0, []],
    ['', 1000, []],
    ['foo', 0, null],
    ['bytes=', 0, []],
    ['bytes=7', 10, null],
    ['bytes= 7 ', 10, null],
    ['bytes=1-', 0, null],
    ['bytes=5-4', 10, null],
    ['bytes=0-2,5-4', 10, null],
    ['bytes=2-5,4-3', 10, null],
    ['bytes=--5,4--3', 10, null],
    ['bytes=A-', 10, null],
    ['bytes=A- ', 10, null],
    ['bytes=A-Z', 10, null],
    ['bytes= -Z', 10, null],
    ['bytes=5-Z', 10, null],
    ['bytes=Ran-dom, garbage', 10, null],
    ['bytes=0x01-0x02', 10, null],
    ['bytes=         ', 10, []],
    ['bytes= , , ,   ', 10, []],
    ['bytes=0-9', 10, [{ start: 0, length: 10 }]],
    ['bytes=0-', 10, [{ start: 0, length: 10 }]],
    ['bytes=5-', 10, [{ start: 5, length: 5 }]],
    ['bytes=0-20', 10, [{ start: 0, length: 10 }]],
    ['bytes=15-,0-5', 10, [{ start: 0, length: 6 }]],
    [
      'bytes=1-2,5-',
      10,
      [
        { start: 1, length: 2 },
        { start: 5, length: 5 },
      ],
    ],
    [
      'bytes=-2 , 7-',
      11,
      [
        { start: 9, length: 2 },
        { start: 7, length: 4 },
      ],
    ],
    [
      'bytes=0-0 ,2-2, 7-',
      11,
      [
        { start: 0, length: 1 },
        { start: 2, length: 1 },
        { start: 7, length: 4 },
      ],
    ],
    ['bytes=-5', 10, [{ start: 5, length: 5 }]],
    ['bytes=-15', 10, [{ start: 0, length: 10 }]],
    ['bytes=0-499', 10000, [{ start: 0, length: 500 }]],
    ['bytes=500-999', 10000, [{ start: 500, length: 500 }]],
    ['bytes=-500', 10000, [{ start: 9500, length: 500 }]],
    ['bytes=9500-', 10000, [{ start: 9500, length: 500 }]],
    [
      'bytes=0-0,-1',
      10000,
      [
        { start: 0, length: 1 },
        { start: 9999, length: 1 },
      ],
    ],
    [
      'bytes=500-600,601-999',
      10000,
      [
        { start: 500, length: 101 },
        { start: 601, length: 399 },
      ],
    ],
    [
      'bytes=500-700,601-999',
      10000,
      [
        { start: 500, length: 201 },
        { start: 601, length: 399 },
      ],
    ],
    // Apache's laxity
    [
      'bytes=   1 -2   ,  4- 5, 7 - 8 , ,,',
      11,
      [
        { start: 1, length: 2 },
        { start: 4, length: 2 },
        { start: 7, length: 2 },
      ],
    ],
    // beyond Go's table: signs and huge numbers as strconv.ParseInt takes them
    ['bytes=+2-+3', 10, [{ start: 2, length: 2 }]],
    ['bytes=0-9223372036854775807', 10, [{ start: 0, length: 10 }]],
    ['bytes=0-9223372036854775808', 10, null],
    ['bytes=9223372036854775807-', 10, null],
  ];
  test.each(table)('%j of %d', (s, size, want) => {
    if (want === null) {
      expect(() => parseRange(s, size)).toThrow();
      return;
    }
    expect(parseRange(s, size)).toEqual(want);
  });

  test('no overlap is its own error', () => {
    expect(() => parseRange('bytes=10-', 10)).toThrow(errNoOverlap);
    expect(() => parseRange('bytes=x', 10)).toThrow('invalid range');
  });
});

describe('scanETag (Go: TestScanETag)', () => {
  const table: [string, string, string][] = [
    ['W/"etag-1"', 'W/"etag-1"', ''],
    ['"etag-2"', '"etag-2"', ''],
    ['"etag-1", "etag-2"', '"etag-1"', ', "etag-2"'],
    ['', '', ''],
    ['W/', '', ''],
    ['W/"truc', '', ''],
    ['w/"case-sensitive"', '', ''],
    ['"spaced etag"', '', ''],
  ];
  test.each(table)('%j', (input, etag, remain) => {
    expect(scanETag(input)).toEqual([etag, remain]);
  });
});

describe('typeByExtension', () => {
  test.each([
    ['.html', 'text/html; charset=utf-8'],
    ['.css', 'text/css; charset=utf-8'],
    ['.js', 'text/javascript; charset=utf-8'],
    ['.json', 'application/json'],
    ['.txt', 'text/plain; charset=utf-8'],
    ['.png', 'image/png'],
    ['.PNG', 'image/png'],
    ['.jpg', 'image/jpeg'],
    ['.gif', 'image/gif'],
    ['.svg', 'image/svg+xml'],
    ['.wasm', 'application/wasm'],
    ['.pdf', 'application/pdf'],
    ['.xml', 'text/xml; charset=utf-8'],
    ['.nope', ''],
    ['', ''],
  ])('%s', (ext, want) => expect(typeByExtension(ext)).toBe(want));
});

// A ReadSeeker whose seek always fails (Go: panicOnSeek, but reporting instead of panicking).
class NoSeek implements ReadSeeker {
  seeks = 0;
  read(): Promise<number | null> {
    return Promise.resolve(null);
  }
  seek(): Promise<number> {
    this.seeks++;
    return Promise.reject(new Error('seek called'));
  }
}

let dir = '';
let styleCss = '';
let indexHtml = '';
const htmlModTime = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 678));

beforeAll(async () => {
  dir = await fsp.mkdtemp(nodePath.join(os.tmpdir(), 'ka-serve-content-'));
  styleCss = nodePath.join(dir, 'style.css');
  indexHtml = nodePath.join(dir, 'index.html');
  await fsp.writeFile(styleCss, 'body {}\n');
  await fsp.writeFile(indexHtml, 'index.html says hello\n');
});

afterAll(async () => {
  if (dir !== '') await fsp.rm(dir, { recursive: true, force: true });
});

interface ServeContentCase {
  file?: 'style.css' | 'index.html';
  content?: () => Content;
  modtime?: Date;
  serveETag?: string;
  serveContentType?: string;
  reqHeader?: Record<string, string>;
  wantLastMod?: string;
  wantContentType?: string;
  wantContentRange?: string;
  wantStatus: number;
}

const lastMod = formatHttpDate(htmlModTime);
const jun25 = new Date(Date.UTC(2014, 5, 25, 17, 12, 18));

// Go: TestServeContent's table, by name.
const serveContentTests: Record<string, ServeContentCase> = {
  no_last_modified: {
    file: 'style.css',
    wantContentType: 'text/css; charset=utf-8',
    wantStatus: 200,
  },
  with_last_modified: {
    file: 'index.html',
    wantContentType: 'text/html; charset=utf-8',
    modtime: htmlModTime,
    wantLastMod: lastMod,
    wantStatus: 200,
  },
  not_modified_modtime: {
    file: 'style.css',
    serveETag: '"foo"', // Last-Modified is sent only without an ETag
    modtime: htmlModTime,
    reqHeader: { 'If-Modified-Since': lastMod },
    wantStatus: 304,
  },
  not_modified_modtime_with_contenttype: {
    file: 'style.css',
    serveContentType: 'text/css',
    serveETag: '"foo"',
    modtime: htmlModTime,
    reqHeader: { 'If-Modified-Since': lastMod },
    wantStatus: 304,
  },
  not_modified_etag: {
    file: 'style.css',
    serveETag: '"foo"',
    reqHeader: { 'If-None-Match': '"foo"' },
    wantStatus: 304,
  },
  not_modified_etag_no_seek: {
    content: () => new NoSeek(),
    serveETag: 'W/"foo"', // If-None-Match compares weakly
    reqHeader: { 'If-None-Match': '"baz", W/"foo"' },
    wantStatus: 304,
  },
  if_none_match_mismatch: {
    file: 'style.css',
    serveETag: '"foo"',
    reqHeader: { 'If-None-Match': '"Foo"' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
  },
  if_none_match_malformed: {
    file: 'style.css',
    serveETag: '"foo"',
    reqHeader: { 'If-None-Match': ',' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
  },
  range_good: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { Range: 'bytes=0-4' },
    wantStatus: 206,
    wantContentType: 'text/css; charset=utf-8',
    wantContentRange: 'bytes 0-4/8',
  },
  range_match: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { Range: 'bytes=0-4', 'If-Range': '"A"' },
    wantStatus: 206,
    wantContentType: 'text/css; charset=utf-8',
    wantContentRange: 'bytes 0-4/8',
  },
  range_match_weak_etag: {
    file: 'style.css',
    serveETag: 'W/"A"',
    reqHeader: { Range: 'bytes=0-4', 'If-Range': 'W/"A"' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
  },
  range_no_overlap: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { Range: 'bytes=10-20' },
    wantStatus: 416,
    wantContentType: 'text/plain; charset=utf-8',
    wantContentRange: 'bytes */8',
  },
  range_no_match: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { Range: 'bytes=0-4', 'If-Range': '"B"' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
  },
  range_with_modtime: {
    file: 'style.css',
    modtime: jun25,
    reqHeader: { Range: 'bytes=0-4', 'If-Range': 'Wed, 25 Jun 2014 17:12:18 GMT' },
    wantStatus: 206,
    wantContentType: 'text/css; charset=utf-8',
    wantContentRange: 'bytes 0-4/8',
    wantLastMod: 'Wed, 25 Jun 2014 17:12:18 GMT',
  },
  range_with_modtime_mismatch: {
    file: 'style.css',
    modtime: jun25,
    reqHeader: { Range: 'bytes=0-4', 'If-Range': 'Wed, 25 Jun 2014 17:12:19 GMT' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
    wantLastMod: 'Wed, 25 Jun 2014 17:12:18 GMT',
  },
  // Go's case has 123ns; a Date has milliseconds, which must not matter either
  range_with_modtime_nanos: {
    file: 'style.css',
    modtime: new Date(jun25.getTime() + 123),
    reqHeader: { Range: 'bytes=0-4', 'If-Range': 'Wed, 25 Jun 2014 17:12:18 GMT' },
    wantStatus: 206,
    wantContentType: 'text/css; charset=utf-8',
    wantContentRange: 'bytes 0-4/8',
    wantLastMod: 'Wed, 25 Jun 2014 17:12:18 GMT',
  },
  unix_zero_modtime: {
    content: () => enc.encode('<html>foo'),
    modtime: new Date(0),
    wantStatus: 200,
    wantContentType: 'text/html; charset=utf-8',
  },
  ifmatch_matches: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { 'If-Match': '"Z", "A"' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
  },
  ifmatch_star: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { 'If-Match': '*' },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
  },
  ifmatch_failed: {
    file: 'style.css',
    serveETag: '"A"',
    reqHeader: { 'If-Match': '"B"' },
    wantStatus: 412,
  },
  ifmatch_fails_on_weak_etag: {
    file: 'style.css',
    serveETag: 'W/"A"',
    reqHeader: { 'If-Match': 'W/"A"' },
    wantStatus: 412,
  },
  if_unmodified_since_true: {
    file: 'style.css',
    modtime: htmlModTime,
    reqHeader: { 'If-Unmodified-Since': lastMod },
    wantStatus: 200,
    wantContentType: 'text/css; charset=utf-8',
    wantLastMod: lastMod,
  },
  if_unmodified_since_false: {
    file: 'style.css',
    modtime: htmlModTime,
    reqHeader: { 'If-Unmodified-Since': formatHttpDate(htmlModTime.getTime() - 2000) },
    wantStatus: 412,
    wantLastMod: lastMod,
  },
};

describe('serveContent (Go: TestServeContent)', () => {
  const cases = Object.entries(serveContentTests).flatMap(([name, tt]) =>
    (['GET', 'HEAD'] as const).map((m) => [`${name} ${m}`, m, tt] as const),
  );
  test.each(cases)('%s', async (_n, method, tt) => {
    const fh = tt.file !== undefined ? await fsp.open(nodePath.join(dir, tt.file), 'r') : null;
    try {
      const rec = new ResponseRecorder();
      if (tt.serveETag) rec.header().set('ETag', tt.serveETag);
      if (tt.serveContentType) rec.header().set('Content-Type', tt.serveContentType);
      const r = newRequest(method, '/');
      for (const [k, v] of Object.entries(tt.reqHeader ?? {})) r.header.set(k, v);
      await serveContent(rec, r, tt.file ?? '', tt.modtime, fh ?? tt.content!());
      const res = rec.result();
      expect(res.statusCode, 'status').toBe(tt.wantStatus);
      expect(res.header.get('Content-Type'), 'content-type').toBe(tt.wantContentType ?? '');
      expect(res.header.get('Content-Range'), 'content-range').toBe(tt.wantContentRange ?? '');
      expect(res.header.get('Last-Modified'), 'last-modified').toBe(tt.wantLastMod ?? '');
      // HEAD sends no body; an error reply is written all the same (the server drops it)
      if (
        (method === 'HEAD' && tt.wantStatus < 300) ||
        tt.wantStatus === 304 ||
        tt.wantStatus === 412
      ) {
        expect(rec.body.length, 'body').toBe(0);
      }
    } finally {
      await fh?.close();
    }
  });
});

describe('serveContent details', () => {
  test('the no-seek case never seeks', async () => {
    const c = new NoSeek();
    const rec = new ResponseRecorder();
    rec.header().set('Etag', 'W/"foo"');
    const r = newRequest('GET', '/');
    r.header.set('If-None-Match', '"baz", W/"foo"');
    await serveContent(rec, r, '', undefined, c);
    expect(rec.code).toBe(304);
    expect(c.seeks).toBe(0);
  });

  test('a content that cannot seek is a 500 "seeker can\'t seek"', async () => {
    const rec = new ResponseRecorder();
    await serveContent(rec, newRequest('GET', '/'), 'x.txt', undefined, new NoSeek());
    expect(rec.code).toBe(500);
    expect(rec.body.toString()).toBe("seeker can't seek\n");
  });

  test('empty content ignores ranges (Go: TestServeContentWithEmptyContentIgnoreRanges)', async () => {
    for (const range of ['bytes=0-128', 'bytes=1-']) {
      const rec = new ResponseRecorder();
      const r = newRequest('GET', '/');
      r.header.set('Range', range);
      await serveContent(rec, r, 'nothing', new Date(), new Uint8Array(0));
      expect(rec.code).toBe(200);
      expect(rec.body.length).toBe(0);
    }
  });

  test('an error drops the content headers (Go: TestServeContentHeadersWithError, keepheaders=0)', async () => {
    const rec = new ResponseRecorder();
    const h = rec.header();
    h.set('Content-Type', 'application/octet-stream');
    h.set('Content-Length', '7');
    h.set('Content-Encoding', 'gzip');
    h.set('Etag', '"abcdefgh"');
    h.set('Last-Modified', 'Wed, 21 Oct 2015 07:28:00 GMT');
    h.set('Cache-Control', 'immutable');
    h.set('Other-Header', 'test');
    const r = newRequest('GET', '/');
    r.header.set('Range', 'bytes=100-10000');
    await serveContent(rec, r, '', undefined, enc.encode('content'));
    const res = rec.result();
    expect(res.statusCode).toBe(416);
    expect(rec.body.toString()).toBe('invalid range: failed to overlap\n');
    expect(res.header.sortedKeyValues()).toEqual([
      ['Content-Range', ['bytes */7']],
      ['Content-Type', ['text/plain; charset=utf-8']],
      ['Other-Header', ['test']],
      ['X-Content-Type-Options', ['nosniff']],
    ]);
  });

  test('with Content-Encoding set, no Content-Length (Go: TestServeFileWithContentEncoding)', async () => {
    const rec = new ResponseRecorder();
    rec.header().set('Content-Encoding', 'foo');
    await serveContent(rec, newRequest('GET', '/'), 'f', undefined, enc.encode('0123456789\n'));
    expect(rec.result().header.has('Content-Length')).toBe(false);
    // ... but a range response always has one
    const rec2 = new ResponseRecorder();
    rec2.header().set('Content-Encoding', 'foo');
    const r = newRequest('GET', '/');
    r.header.set('Range', 'bytes=0-1');
    await serveContent(rec2, r, 'f', undefined, enc.encode('0123456789\n'));
    expect(rec2.result().header.get('Content-Length')).toBe('2');
  });

  test('a Content-Type key with no values disables detection and sends none', async () => {
    const rec = new ResponseRecorder();
    rec.header().rawSet('Content-Type', []);
    await serveContent(rec, newRequest('GET', '/'), 'a.html', undefined, enc.encode('<p>'));
    expect(rec.result().header.get('Content-Type')).toBe('');
    expect(rec.body.toString()).toBe('<p>');
  });

  test('If-None-Match on POST fails with 412; If-Modified-Since is ignored for POST', async () => {
    const rec = new ResponseRecorder();
    rec.header().set('Etag', '"a"');
    const r = newRequest('POST', '/');
    r.header.set('If-None-Match', '"a"');
    await serveContent(rec, r, 'x.txt', undefined, enc.encode('x'));
    expect(rec.code).toBe(412);

    const rec2 = new ResponseRecorder();
    const r2 = newRequest('POST', '/');
    r2.header.set('If-Modified-Since', formatHttpDate(jun25));
    await serveContent(rec2, r2, 'x.txt', jun25, enc.encode('x'));
    expect(rec2.code).toBe(200);
  });

  test('304 strips entity headers and Last-Modified when there is an Etag', async () => {
    const rec = new ResponseRecorder();
    const h = rec.header();
    h.set('Etag', '"a"');
    h.set('Content-Type', 'text/x');
    h.set('Content-Encoding', 'gzip');
    h.set('Content-Length', '5');
    const r = newRequest('GET', '/');
    r.header.set('If-None-Match', '"a"');
    await serveContent(rec, r, 'x.txt', jun25, enc.encode('x'));
    expect(rec.code).toBe(304);
    expect(rec.result().header.sortedKeyValues()).toEqual([['Etag', ['"a"']]]);
  });

  test('multiple ranges: Go multipart framing, exact Content-Length, any kind of content', async () => {
    const text = '0123456789\n';
    const fh = await fsp.open(nodePath.join(dir, 'style.css'), 'r');
    await fsp.writeFile(nodePath.join(dir, 'digits.txt'), text);
    const fh2 = await fsp.open(nodePath.join(dir, 'digits.txt'), 'r');
    try {
      const bytes = enc.encode(text);
      let off = 0;
      const custom: ReadSeeker = {
        read: async (p) => {
          if (off >= bytes.length) return null;
          const n = Math.min(p.length, 3, bytes.length - off); // short reads on purpose
          p.set(bytes.subarray(off, off + n));
          off += n;
          return n;
        },
        seek: async (o, whence) => {
          off = whence === 0 ? o : whence === 1 ? off + o : bytes.length + o;
          return off;
        },
      };
      void fh;
      for (const content of [bytes, fh2, custom] as Content[]) {
        const rec = new ResponseRecorder();
        const r = newRequest('GET', '/');
        r.header.set('Range', 'bytes=0-1,5-8');
        await serveContent(rec, r, 'digits.txt', undefined, content);
        const res = rec.result();
        expect(res.statusCode).toBe(206);
        const ct = res.header.get('Content-Type');
        const m = /^multipart\/byteranges; boundary=([0-9a-f]{60})$/.exec(ct);
        expect(m, ct).not.toBeNull();
        const b = m![1]!;
        const want =
          `--${b}\r\nContent-Range: bytes 0-1/11\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n01` +
          `\r\n--${b}\r\nContent-Range: bytes 5-8/11\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n5678` +
          `\r\n--${b}--\r\n`;
        expect(rec.body.toString()).toBe(want);
        expect(res.header.get('Content-Length')).toBe(String(want.length));
        expect(
          rangesMimeSize(
            [
              { start: 0, length: 2 },
              { start: 5, length: 4 },
            ],
            'text/plain; charset=utf-8',
            11,
          ),
        ).toBe(want.length);
      }
    } finally {
      await fh.close();
      await fh2.close();
    }
  });

  test('sniffs past the extension table and rewinds (content over 512 bytes)', async () => {
    const big = new Uint8Array(70_000).fill(0x61);
    big.set(enc.encode('<!DOCTYPE HTML>'));
    const rec = new ResponseRecorder();
    await serveContent(rec, newRequest('GET', '/'), 'noext', undefined, big);
    expect(rec.result().header.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(rec.body.bytes()).toEqual(big);
  });
});

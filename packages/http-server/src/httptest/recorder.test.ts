// ResponseRecorder tests: Go's httptest/recorder_test.go tables, plus cases checked against
// go1.26 (1xx codes, result() caching, trailer edge cases).
import { canonicalHeaderKey, type Request } from '@ka/http';
import { BytesWriter, is } from '@ka/io';
import { describe, expect, test } from 'vitest';
import { ErrBodyNotAllowed } from '../errors.js';
import type { ResponseWriter } from '../handler.js';
import { ResponseController } from '../response-controller.js';
import { DefaultRemoteAddr, ResponseRecorder } from './recorder.js';
import { newRequest } from './request.js';

type Check = (rec: ResponseRecorder) => void | Promise<void>;

const hasStatus =
  (want: number): Check =>
  (rec) =>
    expect(rec.code, 'Status').toBe(want);
const hasResultStatus =
  (want: string): Check =>
  (rec) =>
    expect(rec.result().status, 'Result().Status').toBe(want);
const hasResultStatusCode =
  (want: number): Check =>
  (rec) =>
    expect(rec.result().statusCode, 'Result().StatusCode').toBe(want);
const hasResultContents =
  (want: string): Check =>
  async (rec) =>
    expect(await rec.result().body.text(), 'Result().Body').toBe(want);
const hasContents =
  (want: string): Check =>
  (rec) =>
    expect(rec.body.toString(), 'wrote').toBe(want);
const hasFlush =
  (want: boolean): Check =>
  (rec) =>
    expect(rec.flushed, 'Flushed').toBe(want);
const hasOldHeader =
  (key: string, want: string): Check =>
  (rec) =>
    expect(rec.headerMap.get(key), `HeaderMap header ${key}`).toBe(want);
const hasHeader =
  (key: string, want: string): Check =>
  (rec) =>
    expect(rec.result().header.get(key), `final header ${key}`).toBe(want);
const hasNotHeaders =
  (...keys: string[]): Check =>
  (rec) => {
    for (const k of keys) {
      expect(rec.result().header.rawHas(canonicalHeaderKey(k)), `unexpected header ${k}`).toBe(
        false,
      );
    }
  };
const hasTrailer =
  (key: string, want: string): Check =>
  (rec) =>
    expect(rec.result().trailer?.get(key) ?? '', `trailer ${key}`).toBe(want);
const hasNotTrailers =
  (...keys: string[]): Check =>
  (rec) => {
    for (const k of keys) {
      expect(rec.result().trailer?.rawHas(canonicalHeaderKey(k)) ?? false, `trailer ${k}`).toBe(
        false,
      );
    }
  };
const hasContentLength =
  (length: number): Check =>
  (rec) =>
    expect(rec.result().contentLength, 'ContentLength').toBe(length);

type H = (w: ResponseWriter, r: Request) => unknown;
const asRec = (w: ResponseWriter) => w as ResponseRecorder;

describe('ResponseRecorder (Go: TestRecorder)', () => {
  const table: [string, H, Check[]][] = [
    ['200 default', () => {}, [hasStatus(200), hasContents('')]],
    [
      'first code only',
      (w) => {
        w.writeHeader(201);
        w.writeHeader(202);
        return w.write('hi');
      },
      [hasStatus(201), hasContents('hi')],
    ],
    [
      'write sends 200',
      async (w) => {
        await w.write('hi first');
        w.writeHeader(201);
        w.writeHeader(202);
      },
      [hasStatus(200), hasContents('hi first'), hasFlush(false)],
    ],
    [
      'write string',
      (w) => asRec(w).writeString('hi first'),
      [
        hasStatus(200),
        hasContents('hi first'),
        hasFlush(false),
        hasHeader('Content-Type', 'text/plain; charset=utf-8'),
      ],
    ],
    [
      'flush',
      async (w) => {
        await new ResponseController(w).flush(); // also sends a 200
        w.writeHeader(201);
      },
      [hasStatus(200), hasFlush(true), hasContentLength(-1)],
    ],
    [
      'Content-Type detection',
      (w) => w.write('<html>'),
      [hasHeader('Content-Type', 'text/html; charset=utf-8')],
    ],
    [
      'no Content-Type detection with Transfer-Encoding',
      (w) => {
        w.header().set('Transfer-Encoding', 'some encoding');
        return w.write('<html>');
      },
      [hasHeader('Content-Type', '')], // no header
    ],
    [
      'no Content-Type detection if set explicitly',
      (w) => {
        w.header().set('Content-Type', 'some/type');
        return w.write('<html>');
      },
      [hasHeader('Content-Type', 'some/type')],
    ],
    [
      "Content-Type detection doesn't crash if HeaderMap is nil",
      (w) => {
        // as if the recorder were Go's zero value
        (asRec(w) as unknown as { headerMap: null }).headerMap = null;
        return w.write('<html>');
      },
      [hasHeader('Content-Type', 'text/html; charset=utf-8')],
    ],
    [
      'Header is not changed after write',
      (w) => {
        const hdr = w.header();
        hdr.set('Key', 'correct');
        w.writeHeader(200);
        hdr.set('Key', 'incorrect');
      },
      [hasHeader('Key', 'correct')],
    ],
    [
      'Trailer headers are correctly recorded',
      async (w) => {
        w.header().set('Non-Trailer', 'correct');
        w.header().set('Trailer', 'Trailer-A, Trailer-B');
        w.header().add('Trailer', 'Trailer-C');
        await w.write('<html>');
        w.header().set('Non-Trailer', 'incorrect');
        w.header().set('Trailer-A', 'valuea');
        w.header().set('Trailer-C', 'valuec');
        w.header().set('Trailer-NotDeclared', 'should be omitted');
        w.header().set('Trailer:Trailer-D', 'with prefix');
      },
      [
        hasStatus(200),
        hasHeader('Content-Type', 'text/html; charset=utf-8'),
        hasHeader('Non-Trailer', 'correct'),
        hasNotHeaders('Trailer-A', 'Trailer-B', 'Trailer-C', 'Trailer-NotDeclared'),
        hasTrailer('Trailer-A', 'valuea'),
        hasTrailer('Trailer-C', 'valuec'),
        hasNotTrailers('Non-Trailer', 'Trailer-B', 'Trailer-NotDeclared'),
        hasTrailer('Trailer-D', 'with prefix'),
      ],
    ],
    [
      'Header set without any write', // Go issue 15560
      (w) => {
        w.header().set('X-Foo', '1');
        // as if the recorder were Go's zero value, not NewRecorder's
        asRec(w).code = 0;
      },
      [
        hasOldHeader('X-Foo', '1'),
        hasStatus(0),
        hasHeader('X-Foo', '1'),
        hasResultStatus('200 OK'),
        hasResultStatusCode(200),
      ],
    ],
    [
      'HeaderMap vs FinalHeaders', // more for Go issue 15560
      async (w) => {
        const h = w.header();
        h.set('X-Foo', '1');
        await w.write('hi');
        h.set('X-Foo', '2');
        h.set('X-Bar', '2');
      },
      [
        hasOldHeader('X-Foo', '2'),
        hasOldHeader('X-Bar', '2'),
        hasHeader('X-Foo', '1'),
        hasNotHeaders('X-Bar'),
      ],
    ],
    [
      'setting Content-Length header',
      (w) => {
        const body = 'Some body';
        w.header().set('Content-Length', String(body.length));
        return w.write(body);
      },
      [hasStatus(200), hasContents('Some body'), hasContentLength(9)],
    ],
    [
      'nil ResponseRecorder.Body', // Go issue 26642
      (w) => {
        (asRec(w) as unknown as { body: null }).body = null;
        return w.write('hi');
      },
      [hasResultContents('')], // check we don't crash reading the body
    ],
  ];

  for (const [name, h, checks] of table) {
    test(name, async () => {
      const r = newRequest('GET', 'http://foo.com/');
      const rec = new ResponseRecorder();
      await h(rec, r);
      for (const check of checks) await check(rec);
    });
  }
});

describe('ResponseRecorder', () => {
  test('writes after a 204 are recorded but fail with ErrBodyNotAllowed (Go: TestBodyNotAllowed)', async () => {
    const rw = new ResponseRecorder();
    rw.body = new BytesWriter();
    rw.writeHeader(204);
    const err1 = await rw.write('hello ').catch((e: unknown) => e);
    expect(is(err1, ErrBodyNotAllowed)).toBe(true);
    const err2 = await rw.writeString('world').catch((e: unknown) => e);
    expect(is(err2, ErrBodyNotAllowed)).toBe(true);
    expect(rw.body.toString()).toBe('hello world');
  });

  test('an unawaited failed write does not reject unhandled', async () => {
    const rw = new ResponseRecorder();
    rw.writeHeader(304);
    void rw.write('x'); // would fail the run with an unhandled rejection otherwise
    await new Promise((r) => setImmediate(r));
    expect(rw.body.toString()).toBe('x');
  });

  test('Content-Length: only plain decimal up to 2^63-1 counts (Go: TestParseContentLength)', () => {
    const cases: [string, number][] = [
      ['3', 3],
      ['+3', -1],
      ['-3', -1],
      ['9223372036854775807', Number('9223372036854775807')], // max int64 (as a double)
      ['9223372036854775808', -1],
      [' 42 ', 42], // trimmed
      ['', -1],
    ];
    for (const [cl, want] of cases) {
      const rec = new ResponseRecorder();
      rec.header().set('Content-Length', cl);
      expect(rec.result().contentLength, JSON.stringify(cl)).toBe(want);
    }
  });

  test('writeHeader throws on codes that are not three digits (Go: TestRecorderPanicsOnNonXXXStatusCode)', () => {
    for (const badCode of [-100, 0, 99, 1000, 20000]) {
      const rw = new ResponseRecorder();
      expect(() => rw.writeHeader(badCode), `Code=${badCode}`).toThrow(
        `invalid WriteHeader code ${badCode}`,
      );
    }
  });

  test('a 1xx code is kept as the status and refuses the body, as in Go 1.26', async () => {
    const rec = new ResponseRecorder();
    rec.writeHeader(103);
    rec.writeHeader(200);
    const err = await rec.write('x').catch((e: unknown) => e);
    const res = rec.result();
    expect(rec.code).toBe(103);
    expect(is(err, ErrBodyNotAllowed)).toBe(true);
    expect(rec.body.toString()).toBe('x');
    expect(res.status).toBe('103 Early Hints');
    expect(res.header.get('Content-Type')).toBe('');
  });

  test('result(): status of an unknown code, no length, same object each time', async () => {
    const rec = new ResponseRecorder();
    rec.writeHeader(599);
    const res = rec.result();
    expect(res.status).toBe('599 ');
    expect(res.contentLength).toBe(-1);
    expect(res.proto).toBe('HTTP/1.1');
    expect([res.protoMajor, res.protoMinor]).toEqual([1, 1]);
    expect(rec.result()).toBe(res);
  });

  test('result(): the body is what was written when it was called', async () => {
    const rec = new ResponseRecorder();
    await rec.write('a');
    const r1 = rec.result();
    await rec.write('b');
    expect(await r1.body.text()).toBe('a');
    expect(rec.result()).toBe(r1);
    expect(rec.body.toString()).toBe('ab');
  });

  test('result(): trailer is null without trailers, empty for an empty Trailer header', () => {
    expect(new ResponseRecorder().result().trailer).toBeNull();
    const rec = new ResponseRecorder();
    rec.header().set('Trailer', '');
    expect(rec.result().trailer?.size).toBe(0);
  });

  test('result(): names forbidden as trailers are skipped', () => {
    const rec = new ResponseRecorder();
    rec.header().set('Trailer', 'Content-Length, X-A');
    rec.writeHeader(200);
    rec.header().set('Content-Length', '3');
    rec.header().set('X-A', 'a');
    expect(rec.result().trailer?.toJSON()).toEqual({ 'X-A': ['a'] });
  });

  test('sniffing looks at the first 512 bytes only', async () => {
    const rec = new ResponseRecorder();
    await rec.writeString(`${' '.repeat(600)}<html>`);
    expect(rec.result().header.get('Content-Type')).toBe('text/plain; charset=utf-8');
  });

  test('flush() records a 200 and the flush', () => {
    const rec = new ResponseRecorder();
    rec.flush();
    expect(rec.flushed).toBe(true);
    expect(rec.code).toBe(200);
  });

  test('DefaultRemoteAddr is 1.2.3.4', () => {
    expect(DefaultRemoteAddr).toBe('1.2.3.4');
  });
});

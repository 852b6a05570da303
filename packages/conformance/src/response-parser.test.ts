import { describe, expect, it } from 'vitest';
import { type ParseOutcome, parseResponse, valuesOf } from './response-parser.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function complete(o: ParseOutcome) {
  if (o.status !== 'complete') throw new Error(`expected complete, got ${o.status}: ${o.reason}`);
  return o;
}

describe('parseResponse', () => {
  it('Content-Length framing: head, body, consumed bytes, rest left over', () => {
    const raw =
      'HTTP/1.1 200 OK\r\nDate: x\r\nContent-Length: 6\r\nContent-Type: text/plain\r\n\r\nhello\nHTTP/1.1';
    const o = complete(parseResponse(b(raw)));
    expect(o.response.statusLine).toBe('HTTP/1.1 200 OK');
    expect(o.response.version).toBe('HTTP/1.1');
    expect(o.response.code).toBe(200);
    expect(o.response.reason).toBe('OK');
    expect(o.response.headerLines).toEqual([
      'Date: x',
      'Content-Length: 6',
      'Content-Type: text/plain',
    ]);
    expect(o.response.framing).toBe('content-length');
    expect(o.response.body.toString()).toBe('hello\n');
    expect(o.consumed).toBe(raw.length - 'HTTP/1.1'.length);
  });

  it('incomplete head and body wait for more bytes', () => {
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Le')).status).toBe('incomplete');
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhel')).status).toBe(
      'incomplete',
    );
  });

  it('EOF in the middle of a response is invalid', () => {
    const o = parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nhel'), { eof: true });
    expect(o.status).toBe('invalid');
  });

  it('chunked framing: payload, chunk sizes, trailers, raw body', () => {
    const body = '4\r\nbody\r\n1\r\nX\r\n0\r\nX-Checksum: abc\r\n\r\n';
    const o = complete(
      parseResponse(b(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`)),
    );
    expect(o.response.framing).toBe('chunked');
    expect(o.response.body.toString()).toBe('bodyX');
    expect(o.response.chunkSizes).toEqual([4, 1]);
    expect(o.response.trailerLines).toEqual(['X-Checksum: abc']);
    expect(o.response.rawBody.toString()).toBe(body);
  });

  it('chunk sizes in upper-case hex with extensions', () => {
    const o = complete(
      parseResponse(
        b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA;x=1\r\n0123456789\r\n0\r\n\r\n'),
      ),
    );
    expect(o.response.body.toString()).toBe('0123456789');
  });

  it('chunked: data not followed by CRLF is invalid', () => {
    const o = parseResponse(
      b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n'),
    );
    expect(o.status).toBe('invalid');
  });

  it('body delimited by close: incomplete until EOF, then everything', () => {
    const raw = b('HTTP/1.0 200 OK\r\nDate: x\r\n\r\naaa');
    expect(parseResponse(raw).status).toBe('incomplete');
    const o = complete(parseResponse(raw, { eof: true }));
    expect(o.response.framing).toBe('until-close');
    expect(o.response.body.toString()).toBe('aaa');
  });

  it('HEAD responses have no body whatever the headers say', () => {
    const o = complete(
      parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK'), {
        head: true,
      }),
    );
    expect(o.response.framing).toBe('none');
    expect(o.consumed).toBe('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'.length);
  });

  it('1xx, 204 and 304 have no body', () => {
    const raw = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nDate: x\r\n\r\n';
    const first = complete(parseResponse(b(raw)));
    expect(first.response.code).toBe(100);
    const second = complete(parseResponse(b(raw).subarray(first.consumed)));
    expect(second.response.code).toBe(204);
    expect(second.consumed).toBe(raw.length - first.consumed);
    expect(
      complete(parseResponse(b('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n'))).response
        .body.length,
    ).toBe(0);
  });

  it('the last Transfer-Encoding coding decides chunking', () => {
    const o = parseResponse(
      b(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      ),
    );
    expect(complete(o).response.framing).toBe('chunked');
  });

  it('reason phrases with detail and unknown codes', () => {
    const o = complete(
      parseResponse(
        b('HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Length: 0\r\n\r\n'),
      ),
    );
    expect(o.response.reason).toBe('Bad Request: missing required Host header');
  });

  it('rejects bare LF, bad status lines, header lines without a colon, conflicting lengths', () => {
    expect(parseResponse(b('HTTP/1.1 200 OK\nContent-Length: 0\n\n')).status).toBe('invalid');
    expect(parseResponse(b('HTTP/1.1 2000 OK\r\n\r\n')).status).toBe('invalid');
    expect(parseResponse(b('ICY 200 OK\r\n\r\n')).status).toBe('invalid');
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nNoColon\r\n\r\n')).status).toBe('invalid');
    expect(
      parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'))
        .status,
    ).toBe('invalid');
    expect(parseResponse(b('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n')).status).toBe(
      'invalid',
    );
  });

  it('valuesOf finds header values case-insensitively', () => {
    expect(
      valuesOf(['content-length: 3', 'X: y', 'Content-Length:  3 '], 'content-length'),
    ).toEqual(['3', '3']);
  });
});

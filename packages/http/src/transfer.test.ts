import { BufReader, BytesReader, LimitedReader } from '@ka/io';
import { describe, expect, it } from 'vitest';
import { bufOf, errorOf, oracle, readBody, readerKinds, str, wire } from '../test/helpers.js';
import { MaxBytesBody, MessageBody, maxPostHandlerReadBytes, NoBody, toBody } from './body.js';
import { ErrBodyReadAfterClose, MaxBytesError } from './errors.js';
import { Header } from './header.js';
import { maxBytesReader, readRequest } from './request.js';
import { readResponse } from './response.js';
import { fixTrailer, parseContentLength, readTransfer, shouldClose } from './transfer.js';

interface Misc {
  transferEncoding: {
    Hdr: Record<string, string[]>;
    Major: number;
    Minor: number;
    Err: string;
    Chunked: boolean;
  }[];
  contentLength: { In: string[]; N: number; Err: string }[];
}
const misc = oracle<Misc>('misc.json');
const whole = readerKinds[0]![1];

describe('parseContentLength matches Go (TestParseContentLength, SRV-53)', () => {
  for (const c of misc.contentLength) {
    it(JSON.stringify(c.In), () => {
      let n = 0;
      let err = '';
      try {
        n = parseContentLength(c.In);
      } catch (e) {
        err = (e as Error).message;
      }
      expect(err).toBe(c.Err);
      if (err === '') expect(n).toBe(c.N);
    });
  }
});

describe('Transfer-Encoding parsing matches Go (TestParseTransferEncoding, SRV-43/56)', () => {
  for (const c of misc.transferEncoding) {
    it(`${JSON.stringify(c.Hdr)} HTTP/${c.Major}.${c.Minor}`, () => {
      const msg = {
        header: Header.from(c.Hdr),
        protoMajor: c.Major,
        protoMinor: c.Minor,
        close: false,
        body: NoBody,
        contentLength: 0,
        transferEncoding: [] as string[],
        trailer: null,
      };
      let err = '';
      try {
        readTransfer(
          msg,
          { isResponse: false, statusCode: 200, requestMethod: 'POST' },
          bufOf('', whole),
        );
      } catch (e) {
        err = (e as Error).message;
      }
      expect(err).toBe(c.Err);
      if (err === '') expect(msg.transferEncoding.length > 0).toBe(c.Chunked);
      expect(msg.header.has('Transfer-Encoding')).toBe(false);
    });
  }
});

describe('shouldClose', () => {
  const cases: [number, number, string[] | undefined, boolean][] = [
    [0, 9, undefined, true],
    [1, 0, undefined, true],
    [1, 0, ['keep-alive'], false],
    [1, 0, ['Keep-Alive, close'], true],
    [1, 1, undefined, false],
    [1, 1, ['close'], true],
    [1, 1, ['foo', 'CLOSE'], true],
    [1, 1, ['closed'], false],
    [2, 0, undefined, false],
  ];
  for (const [maj, min, conn, want] of cases) {
    it(`HTTP/${maj}.${min} Connection=${JSON.stringify(conn)} → ${want}`, () => {
      const h = new Header();
      if (conn !== undefined) h.rawSet('Connection', conn);
      expect(shouldClose(maj, min, h, false)).toBe(want);
    });
  }
  it('removes Connection: close when asked (responses)', () => {
    const h = Header.from({ Connection: 'close' });
    expect(shouldClose(1, 1, h, true)).toBe(true);
    expect(h.has('Connection')).toBe(false);
  });
});

describe('fixTrailer', () => {
  it('SRV-60 declares canonical keys with empty values and removes the header', () => {
    const h = Header.from({ Trailer: ['x-a, X-B', ' x-c '] });
    const t = fixTrailer(h, true);
    expect(t?.toJSON()).toEqual({ 'X-A': [], 'X-B': [], 'X-C': [] });
    expect(h.has('Trailer')).toBe(false);
  });
  it('ignores Trailer without chunking and keeps the header', () => {
    const h = Header.from({ Trailer: 'X-A' });
    expect(fixTrailer(h, false)).toBeNull();
    expect(h.get('Trailer')).toBe('X-A');
  });
  it('SRV-60 rejects framing keys', () => {
    expect(() => fixTrailer(Header.from({ Trailer: 'content-length' }), true)).toThrow(
      'bad trailer key "Content-Length"',
    );
  });
});

function req(s: string) {
  return readRequest(bufOf(s, whole));
}

describe('request body byte accounting', () => {
  it('SRV-70 reports EOF together with the last Content-Length bytes', async () => {
    const r = await req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET');
    const b = r.body as MessageBody;
    let hits = 0;
    b.registerOnHitEOF(() => hits++);
    const buf = new Uint8Array(16);
    expect(await b.read(buf)).toBe(5);
    expect(b.sawEOF).toBe(true);
    expect(b.bodyRemains()).toBe(false);
    expect(hits).toBe(1);
    expect(await b.read(buf)).toBeNull();
    expect(hits).toBe(1);
  });
  it('reports EOF with the last chunked bytes and fills the trailer (TestFinalChunkedBodyReadEOF)', async () => {
    const r = await req(
      'POST / HTTP/1.1\r\nHost: x\r\nTrailer: X-T\r\nTransfer-Encoding: chunked\r\n\r\n0a\r\nBody here\n\r\n09\r\ncontinued\r\n0\r\nX-T: v\r\n\r\n',
    );
    const b = r.body as MessageBody;
    expect(r.trailer?.toJSON()).toEqual({ 'X-T': [] });
    let hit = false;
    b.registerOnHitEOF(() => {
      hit = true;
    });
    const want = 'Body here\ncontinued';
    const buf = new Uint8Array(want.length);
    expect(await b.read(buf)).toBe(want.length);
    expect(str(buf)).toBe(want);
    expect(b.sawEOF).toBe(true);
    expect(hit).toBe(true);
    expect(r.trailer?.toJSON()).toEqual({ 'X-T': ['v'] });
  });
  it('SRV-70 a short Content-Length body fails with unexpected EOF', async () => {
    const r = await req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc');
    const [got, err] = await readBody(r.body);
    expect([got, err]).toEqual(['abc', 'unexpected EOF']);
  });
  it('SRV-67 reads after close fail with ErrBodyReadAfterClose', async () => {
    const r = await req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc');
    await r.body.close();
    await expect(r.body.read(new Uint8Array(1))).rejects.toBe(ErrBodyReadAfterClose);
    expect(await errorOf(r.body.read(new Uint8Array(1)))).toBe('http: invalid Read on closed Body');
    await r.body.close(); // idempotent
  });
  it('a bad trailer after data: data first, then the error, then ErrBodyReadAfterClose (TestBodyReadBadTrailer)', async () => {
    const br = new BufReader(new BytesReader(wire('')));
    const holder = { trailer: null };
    const b = new MessageBody({
      src: new BytesReader(wire('foobar')),
      hdr: holder,
      r: br,
      closing: false,
    });
    const buf = new Uint8Array(7);
    expect(await b.read(buf.subarray(0, 3))).toBe(3);
    expect(await b.read(buf)).toBe(3);
    expect(str(buf.subarray(0, 3))).toBe('bar');
    expect(await errorOf(b.read(buf))).toBe('http: unexpected EOF reading trailer');
    expect(b.sawEOF).toBe(false);
  });
  it('chunked trailer error surfaces after the last data, then the body is closed', async () => {
    const r = await req(
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nBad Trailer\r\n\r\n',
    );
    const buf = new Uint8Array(10);
    expect(await r.body.read(buf)).toBe(3);
    expect(await errorOf(r.body.read(buf))).toBe(
      'malformed MIME header: missing colon: "Bad Trailer"',
    );
    await expect(r.body.read(buf)).rejects.toBe(ErrBodyReadAfterClose);
  });
});

describe('closing a request body early (doEarlyClose, SRV-61/62/68)', () => {
  it('SRV-68 drains a small unread body so the connection can be reused', async () => {
    const br = bufOf(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /n HTTP/1.1\r\nHost: x\r\n\r\n',
      whole,
    );
    const r = await readRequest(br);
    const b = r.body as MessageBody;
    b.doEarlyClose = true;
    await b.close();
    expect(b.didEarlyClose()).toBe(false);
    expect(b.sawEOF).toBe(true);
    expect((await readRequest(br)).url.path).toBe('/n');
  });
  it('SRV-62 gives up at once when more than 256 KiB are declared', async () => {
    const r = await req('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n');
    const b = r.body as MessageBody;
    b.doEarlyClose = true;
    expect(b.unreadDataSize()).toBe(300000);
    await b.close();
    expect(b.didEarlyClose()).toBe(true);
    expect(b.sawEOF).toBe(false);
  });
  it('SRV-62 exactly 256 KiB declared and sent is drained', async () => {
    const body = 'x'.repeat(maxPostHandlerReadBytes);
    const r = await req(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const b = r.body as MessageBody;
    b.doEarlyClose = true;
    await b.close();
    // Go: reading exactly maxPostHandlerReadBytes counts as "too big" too.
    expect(b.didEarlyClose()).toBe(true);
  });
  it('SRV-62 a chunked body over 256 KiB is drained to the limit, then marked early', async () => {
    const chunk = `8000\r\n${'y'.repeat(0x8000)}\r\n`;
    const r = await req(
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.repeat(9)}0\r\n\r\n`,
    );
    const b = r.body as MessageBody;
    b.doEarlyClose = true;
    await b.close();
    expect(b.didEarlyClose()).toBe(true);
  });
  it('without doEarlyClose, close drains everything', async () => {
    const br = bufOf(
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n${'z'.repeat(300000)}GET /n HTTP/1.1\r\nHost: x\r\n\r\n`,
      whole,
    );
    const r = await readRequest(br);
    await r.body.close();
    expect((await readRequest(br)).url.path).toBe('/n');
  });
  it('close waits for a read in progress (Go: body mutex)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const src = new LimitedReader(
      {
        async read(p: Uint8Array) {
          await gate;
          p.fill(0x61);
          return p.length;
        },
      },
      8,
    );
    const b = new MessageBody({ src, closing: false });
    const r = b.read(new Uint8Array(4));
    const c = b.close();
    release();
    expect(await r).toBe(4);
    await c;
    expect(b.sawEOF).toBe(true);
    expect(src.n).toBe(0);
    await expect(b.read(new Uint8Array(1))).rejects.toBe(ErrBodyReadAfterClose);
  });
  it('does not read when the connection closes anyway', async () => {
    const src = new LimitedReader(new BytesReader(wire('abc')), 3);
    const b = new MessageBody({ src, closing: true });
    await b.close();
    expect(src.n).toBe(3);
  });
});

describe('response body framing', () => {
  it('reads until close when there is no length', async () => {
    const resp = await readResponse(bufOf('HTTP/1.1 200 OK\r\n\r\nabc', whole));
    expect(resp.close).toBe(true);
    expect(resp.contentLength).toBe(-1);
    expect(await resp.body.text()).toBe('abc');
  });
});

describe('Body helpers', () => {
  it('bytes, text, json', async () => {
    expect(await toBody(new BytesReader(wire('{"a":1}'))).json()).toEqual({ a: 1 });
    expect(await toBody(new BytesReader(Buffer.from('hé', 'utf8'))).text()).toBe('hé');
    expect((await NoBody.bytes()).length).toBe(0);
  });
  it('async iteration yields chunks; breaking out closes the body', async () => {
    let closed = 0;
    const b = toBody(new BytesReader(new Uint8Array(40000)), () => {
      closed++;
    });
    let total = 0;
    for await (const c of b) total += c.length;
    expect(total).toBe(40000);
    expect(closed).toBe(0);
    const b2 = toBody(new BytesReader(new Uint8Array(40000)), () => {
      closed++;
    });
    for await (const _ of b2) break;
    expect(closed).toBe(1);
  });
  it('stream() adapts to a Web ReadableStream', async () => {
    const s = toBody(new BytesReader(wire('streamed'))).stream();
    expect(await new Response(s).text()).toBe('streamed');
  });
});

describe('maxBytesReader (SRV-69)', () => {
  it('returns up to the limit, then fails with MaxBytesError and tells the writer', async () => {
    let told = 0;
    const b = maxBytesReader(
      {
        requestTooLarge: () => {
          told++;
        },
      },
      toBody(new BytesReader(wire('abcdefghij'))),
      5,
    );
    const [got, err] = await readBody(b);
    expect(got).toBe('abcde');
    expect(err).toBe('http: request body too large');
    expect(told).toBe(1);
    await expect(b.read(new Uint8Array(4))).rejects.toBeInstanceOf(MaxBytesError);
    expect(b).toBeInstanceOf(MaxBytesBody);
  });
  it('passes EOF through when the body fits', async () => {
    const b = maxBytesReader(undefined, toBody(new BytesReader(wire('abc'))), 3);
    expect(await readBody(b)).toEqual(['abc', '']);
  });
});

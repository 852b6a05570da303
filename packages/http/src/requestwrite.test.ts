import { BufWriter, BytesReader, BytesWriter, type Reader } from '@ka/io';
import { ChunkReader, RecordingWriter } from '@ka/io/testing';
import { describe, expect, it } from 'vitest';
import { type JURL, oracle, str, wire } from '../test/helpers.js';
import { type Body, NoBody, toBody } from './body.js';
import { Header } from './header.js';
import {
  newRequest,
  Request,
  RequestBodyReadError,
  writeRequest,
  writeRequestEager,
} from './request.js';
import { URL, Userinfo } from './url.js';

interface WriteCase {
  Name: string;
  Req: {
    method: string;
    url: JURL | null;
    host: string;
    header: Record<string, string[]> | null;
    contentLength: number;
    transferEncoding: string[] | null;
    close: boolean;
    trailer: Record<string, string[]> | null;
    proto: string;
    body: { kind: 'none' | 'nil' | 'bytes' | 'reader'; data?: string; err?: string };
  };
  WantWrite: string;
  WantProxy: string;
  WantError: string;
}

const cases = oracle<WriteCase[]>('requestwrite.json');

function bodyOf(b: WriteCase['Req']['body']): Body {
  switch (b.kind) {
    case 'none':
    case 'nil':
      return NoBody;
    case 'bytes':
      return toBody(new BytesReader(wire(b.data!)));
    case 'reader': {
      const chunks = b.data === '' ? [] : [b.data!];
      return toBody(new ChunkReader(chunks, b.err === '' ? undefined : new Error(b.err)));
    }
  }
}

function rawHeader(o: Record<string, string[]> | null): Header {
  const h = new Header();
  for (const [k, v] of Object.entries(o ?? {})) h.rawSet(k, v.slice());
  return h;
}

function build(c: WriteCase): Request {
  const r = c.Req;
  const u = r.url;
  return new Request({
    method: r.method,
    url: new URL(
      u === null
        ? {}
        : {
            scheme: u.Scheme,
            opaque: u.Opaque,
            host: u.Host,
            path: u.Path,
            rawPath: u.RawPath,
            rawQuery: u.RawQuery,
            fragment: u.Fragment,
            forceQuery: u.ForceQuery,
            omitHost: u.OmitHost,
            user:
              u.User === undefined
                ? undefined
                : new Userinfo(u.User[0], u.User[2] ? u.User[1] : undefined),
          },
    ),
    host: r.host,
    header: rawHeader(r.header),
    contentLength: r.contentLength,
    transferEncoding: r.transferEncoding ?? [],
    close: r.close,
    trailer: r.trailer === null ? null : Header.from(r.trailer),
    body: bodyOf(r.body),
  });
}

async function written(req: Request, usingProxy = false): Promise<[string, string]> {
  const out = new BytesWriter();
  const bw = new BufWriter(out);
  try {
    await writeRequest(req, bw, { usingProxy });
    await bw.flush();
    return [str(out.bytes()), ''];
  } catch (e) {
    return [str(out.bytes()), (e as Error).message];
  }
}

describe('writeRequest matches Go (*Request).Write / WriteProxy (requestwrite_test.go)', () => {
  for (const c of cases) {
    it(c.Name, async () => {
      const [got, err] = await written(build(c));
      expect(err).toBe(c.WantError);
      if (err !== '') return;
      if (c.WantWrite !== '') expect(got).toBe(c.WantWrite);
      if (c.WantProxy !== '') {
        const [p, perr] = await written(build(c), true);
        expect(perr).toBe('');
        expect(p).toBe(c.WantProxy);
      }
    });
  }
});

describe('writeRequestEager writes what writeRequest writes, synchronously when it can', () => {
  async function eager(req: Request, usingProxy = false): Promise<[string, string, boolean]> {
    const out = new BytesWriter();
    const bw = new BufWriter(out);
    let sync = false;
    try {
      const w = writeRequestEager(req, bw, { usingProxy });
      sync = w === undefined;
      await w;
      await bw.flush();
      return [str(out.bytes()), '', sync];
    } catch (e) {
      return [str(out.bytes()), (e as Error).message, sync];
    }
  }
  for (const c of cases) {
    it(c.Name, async () => {
      for (const proxy of [false, true]) {
        const [want, wantErr] = await written(build(c), proxy);
        const [got, gotErr, sync] = await eager(build(c), proxy);
        expect([got, gotErr]).toEqual([want, wantErr]);
        // Only a request without a body can be written without waiting.
        if (sync) expect(build(c).body).toBe(NoBody);
      }
    });
  }
  it('a GET without a body is written synchronously, extra headers included', () => {
    const bw = new BufWriter(new BytesWriter());
    const extra = new Header();
    extra.set('Accept-Encoding', 'gzip');
    const r = newRequest('GET', 'http://example.com/a?b=c');
    expect(writeRequestEager(r, bw, { extraHeaders: extra })).toBeUndefined();
    expect(str(bw.take())).toBe(
      'GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\n\r\n',
    );
  });
  it('a head larger than the buffer still goes out, through the Promise', async () => {
    const out = new BytesWriter();
    const bw = new BufWriter(out, 64);
    const r = newRequest('GET', `http://example.com/${'x'.repeat(200)}`);
    const w = writeRequestEager(r, bw);
    expect(w).toBeInstanceOf(Promise);
    await w;
    await bw.flush();
    expect(str(out.bytes())).toContain(`GET /${'x'.repeat(200)} HTTP/1.1\r\n`);
  });
});

class ClosingBody {
  closes = 0;
  readonly inner: Body;
  constructor(inner: Body) {
    this.inner = inner;
  }
  body(): Body {
    const inner = this.inner;
    return toBody(inner, () => {
      this.closes++;
    });
  }
}

describe('writeRequest', () => {
  it('CLI-27 writes Host, default User-Agent, framing, sorted headers, extra headers', async () => {
    const r = newRequest('POST', 'http://127.0.0.1:8080/a?b=1', 'hi');
    r.header.set('X-B', '2');
    r.header.set('X-A', '1');
    const out = new BytesWriter();
    const bw = new BufWriter(out);
    await writeRequest(r, bw, { extraHeaders: Header.from({ 'Accept-Encoding': 'gzip' }) });
    await bw.flush();
    expect(str(out.bytes())).toBe(
      'POST /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: Go-http-client/1.1\r\n' +
        'Content-Length: 2\r\nX-A: 1\r\nX-B: 2\r\nAccept-Encoding: gzip\r\n\r\nhi',
    );
  });
  it('CLI-27 an empty User-Agent suppresses the header', async () => {
    const r = newRequest('GET', 'http://h/');
    r.header.set('User-Agent', '');
    expect((await written(r))[0]).toBe('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  });
  it('CLI-28 POST without a body sends Content-Length: 0; GET sends no framing', async () => {
    expect((await written(newRequest('POST', 'http://h/')))[0]).toBe(
      'POST / HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: 0\r\n\r\n',
    );
    expect((await written(newRequest('GET', 'http://h/')))[0]).toBe(
      'GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\n\r\n',
    );
  });
  it('CLI-28 an unknown-length PUT body is sent chunked, with trailers', async () => {
    const r = newRequest('PUT', 'http://h/', new ChunkReader(['ab', 'cd']));
    r.trailer = Header.from({ 'X-T': 'v' });
    expect((await written(r))[0]).toBe(
      'PUT / HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n' +
        '2\r\nab\r\n2\r\ncd\r\n0\r\nX-T: v\r\n\r\n',
    );
  });
  it('CLI-28 a GET body that turns out empty is dropped after probing', async () => {
    const r = newRequest('GET', 'http://h/', new BytesReader(new Uint8Array(0)) as Reader);
    expect((await written(r))[0]).toBe(
      'GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\n\r\n',
    );
  });
  it('CLI-28 a GET body with data is sent chunked after probing (the probed byte is its own chunk)', async () => {
    const r = newRequest('GET', 'http://h/', new ChunkReader(['xyz']));
    expect((await written(r))[0]).toBe(
      'GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n2\r\nyz\r\n0\r\n\r\n',
    );
  });
  it('CLI-28 a slow GET body is sent chunked after the 200 ms probe, head flushed first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let sent = false;
    const slow: Reader = {
      async read(p) {
        if (sent) return null;
        await gate;
        sent = true;
        p[0] = 0x41;
        return 1;
      },
    };
    const r = newRequest('DELETE', 'http://h/', slow);
    const rec = new RecordingWriter();
    const bw = new BufWriter(rec);
    const done = writeRequest(r, bw);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rec.text()).toBe(
      'DELETE / HTTP/1.1\r\nHost: h\r\nUser-Agent: Go-http-client/1.1\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    release();
    await done;
    await bw.flush();
    expect(rec.text().endsWith('1\r\nA\r\n0\r\n\r\n')).toBe(true);
  });
  it('CLI-30 closes the body exactly once, on success and on failure', async () => {
    const cb = new ClosingBody(toBody(new BytesReader(wire('abc'))));
    const r = newRequest('POST', 'http://h/');
    r.body = cb.body();
    r.contentLength = 3;
    await written(r);
    expect(cb.closes).toBe(1);
    const cb2 = new ClosingBody(toBody(new BytesReader(wire('abc'))));
    const r2 = newRequest('GET', 'http://h/');
    r2.url.rawQuery = 'a\x01';
    r2.body = cb2.body();
    r2.contentLength = 3;
    expect((await written(r2))[1]).toBe("net/http: can't write control character in Request.URL");
    expect(cb2.closes).toBe(1);
  });
  it('wraps body read failures in RequestBodyReadError', async () => {
    const r = newRequest('POST', 'http://h/', new ChunkReader(['x'], new Error('boom')));
    const out = new BytesWriter();
    const e = await writeRequest(r, new BufWriter(out)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RequestBodyReadError);
    expect((e as Error).message).toBe('boom');
  });
  it('waitForContinue false skips the body; true sends it', async () => {
    for (const go of [false, true]) {
      const r = newRequest('POST', 'http://h/', 'body');
      r.header.set('Expect', '100-continue');
      const rec = new RecordingWriter();
      const bw = new BufWriter(rec);
      await writeRequest(r, bw, { waitForContinue: async () => go });
      await bw.flush();
      expect(rec.text().endsWith('\r\n\r\nbody')).toBe(go);
    }
  });
  it('rejects framing keys declared as trailers', async () => {
    const r = newRequest('PUT', 'http://h/', new ChunkReader(['a']));
    r.trailer = Header.from({ 'Content-Length': '1' });
    expect((await written(r))[1]).toBe('invalid Trailer key "Content-Length"');
  });
  it('reports trace events', async () => {
    const fields: string[] = [];
    let wrote: unknown = 'unset';
    const r = newRequest('GET', 'http://h/');
    r.header.set('X-A', 'b');
    await writeRequest(r, new BufWriter(new BytesWriter()), {
      trace: {
        wroteHeaderField: (k, v) => fields.push(`${k}=${v.join(',')}`),
        wroteRequest: ({ err }) => {
          wrote = err;
        },
      },
    });
    expect(fields).toEqual(['Host=h', 'User-Agent=Go-http-client/1.1', 'X-A=b']);
    expect(wrote).toBeUndefined();
  });
  it('sends IDNA hosts as punycode', async () => {
    const r = newRequest('GET', 'http://bücher.example:8080/');
    expect((await written(r))[0]).toContain('Host: xn--bcher-kva.example:8080\r\n');
  });
});

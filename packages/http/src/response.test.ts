import { describe, expect, it } from 'vitest';
import { bufOf, oracle, readBody, readerKinds } from '../test/helpers.js';
import { NoBody } from './body.js';
import { BadStringError } from './errors.js';
import { Request } from './request.js';
import { Response, readResponse } from './response.js';
import { parseURL } from './url.js';

interface RespCase {
  Name: string;
  Raw: string;
  Method: string;
  Err?: string;
  Resp?: {
    status: string;
    statusCode: number;
    proto: string;
    protoMajor: number;
    protoMinor: number;
    header: Record<string, string[]>;
    contentLength: number;
    transferEncoding: string[];
    close: boolean;
    trailer: Record<string, string[]> | null;
    noBody: boolean;
  };
  Body: string;
  BodyErr?: string;
  Trailer: Record<string, string[]> | null;
}

const cases = oracle<RespCase[]>('responses.json');

function title(s: string): string {
  return s.length > 90 ? `${s.slice(0, 90)}…` : s;
}

describe('readResponse matches Go ReadResponse (response_test.go + CLI-33/34/36 cases)', () => {
  for (const [kind, mk] of readerKinds) {
    describe(kind, () => {
      for (const c of cases) {
        it(title(JSON.stringify(c.Name)), async () => {
          const req = c.Method === '' ? undefined : new Request({ method: c.Method });
          let resp: Response;
          try {
            resp = await readResponse(bufOf(c.Raw, mk), req);
          } catch (e) {
            expect((e as Error).message).toBe(c.Err ?? '<no error>');
            return;
          }
          expect(c.Err ?? '').toBe('');
          expect({
            status: resp.status,
            statusCode: resp.statusCode,
            proto: resp.proto,
            protoMajor: resp.protoMajor,
            protoMinor: resp.protoMinor,
            header: resp.header.toJSON(),
            contentLength: resp.contentLength,
            transferEncoding: resp.transferEncoding,
            close: resp.close,
            trailer: resp.trailer?.toJSON() ?? null,
            noBody: resp.body === NoBody,
          }).toEqual(c.Resp);
          const [body, err] = await readBody(resp.body);
          expect(body).toBe(c.Body);
          expect(err).toBe(c.BodyErr ?? '');
          expect(resp.trailer?.toJSON() ?? null).toEqual(c.Trailer);
        });
      }
    });
  }
});

describe('readResponse', () => {
  const whole = readerKinds[0]![1];
  it('CLI-34 a 304 with chunked framing has no body; the next response follows', async () => {
    const br = bufOf(
      'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      whole,
    );
    const r1 = await readResponse(br);
    expect(r1.body).toBe(NoBody);
    const r2 = await readResponse(br);
    expect(r2.statusCode).toBe(200);
    expect(await r2.body.text()).toBe('ok');
  });
  it('CLI-33 leaves 1xx handling to the caller', async () => {
    const br = bufOf('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n', whole);
    expect((await readResponse(br)).statusCode).toBe(100);
    expect((await readResponse(br)).statusCode).toBe(204);
  });
  it('malformed status lines are BadStringErrors', async () => {
    const e = await readResponse(bufOf('HTTP/1.1 2x0 OK\r\n\r\n', whole)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadStringError);
    expect((e as BadStringError).what).toBe('malformed HTTP status code');
  });
  it('location resolves against the request URL', () => {
    const r = new Response({
      request: new Request({ url: parseURL('http://h/a/b') }),
    });
    r.header.set('Location', '../c?x');
    expect(r.location().toString()).toBe('http://h/c?x');
    r.header.del('Location');
    expect(() => r.location()).toThrow('http: no Location header in response');
  });
  it('isProtocolSwitch needs 101, Upgrade and Connection: upgrade', async () => {
    const r = await readResponse(
      bufOf('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n', whole),
    );
    expect(r.isProtocolSwitch()).toBe(true);
    expect(r.protoAtLeast(1, 1)).toBe(true);
  });
});

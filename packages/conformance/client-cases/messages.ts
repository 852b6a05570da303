// CLI-27 … CLI-39: writing requests, reading responses, gzip, Expect: 100-continue.

import type { ClientScenario } from '../src/client-scenario.js';
import {
  area,
  chunked,
  get,
  gzipped,
  ok,
  okHead,
  post,
  resp,
  scripted,
  server,
  thenClose,
  wait,
} from './helpers.js';

const GZ = gzipped('decompressed!');
const gzipOk = (extra: readonly string[] = ['Content-Encoding: gzip']) =>
  resp('200 OK', [...extra, `Content-Length: ${GZ.length}`], GZ);
const gzipChunked = chunked([GZ.slice(0, 10), GZ.slice(10)], ['Content-Encoding: gzip']);

export const messageScenarios: ClientScenario[] = [
  ...area('Request writing', [
    {
      id: 'CLI-27',
      title: 'request line and header block: Host, User-Agent, sorted headers, Accept-Encoding',
      priority: 'core',
      peers: [server({ '*': ok() })],
      compare: { heads: true },
      plan: [
        get('plain', '/a'),
        get('headers', '/b?x=1&y=%20z', {
          headers: [
            ['X-Zeta', '1'],
            ['Accept', '*/*'],
            ['X-Alpha', 'a'],
            ['X-Alpha', 'b'],
            ['content-type', 'text/plain'],
          ],
        }),
        get('own-ua', '/c', { headers: [['User-Agent', 'my-agent/2']] }),
        get('no-ua', '/d', { headers: [['User-Agent', '']] }),
      ],
      expect: { connections: 1 },
    },
    {
      id: 'CLI-28',
      title: 'request body framing: Content-Length, Content-Length: 0, none, chunked',
      priority: 'core',
      peers: [server({ '*': ok() })],
      compare: { heads: true },
      plan: [
        post('known', '/known', 'BODY'),
        get('post-empty', '/post-empty', { method: 'POST' }),
        get('put-empty', '/put-empty', { method: 'PUT' }),
        get('get', '/get'),
        get('delete', '/delete', { method: 'DELETE' }),
        get('stream', '/stream', {
          method: 'POST',
          body: { kind: 'stream', chunks: ['ab', 'cd'], delay: 10 },
        }),
        get('reader', '/reader', { method: 'PUT', body: { kind: 'reader', data: 'xyz' } }),
      ],
      expect: {
        transcripts: {
          A: [
            'POST /known HTTP/1.1 [length 4] body 4 "BODY"',
            'POST /post-empty HTTP/1.1 [length 0]',
            'PUT /put-empty HTTP/1.1 [length 0]',
            'GET /get HTTP/1.1 [none]',
            'DELETE /delete HTTP/1.1 [none]',
            'POST /stream HTTP/1.1 [chunked] body 4 "abcd"',
            'PUT /reader HTTP/1.1 [chunked] body 3 "xyz"',
          ],
        },
        connections: 1,
      },
    },
    {
      id: 'CLI-28a',
      title:
        'GET with a body of unknown length: an empty one is probed away, a slow one is chunked',
      priority: 'core',
      note: 'Go probes such a body for up to 200 ms: EOF means no body; a byte, or nothing in time, means chunked.',
      peers: [server({ '*': ok() })],
      compare: { heads: true },
      plan: [
        get('empty', '/empty', { body: { kind: 'empty-stream' } }),
        get('quick', '/quick', { body: { kind: 'stream', chunks: ['q'] } }),
        get('slow', '/slow', { body: { kind: 'stream', chunks: ['s'], firstDelay: 300 } }),
      ],
      expect: {
        transcripts: {
          A: [
            'GET /empty HTTP/1.1 [none]',
            'GET /quick HTTP/1.1 [chunked] body 1 "q"',
            'GET /slow HTTP/1.1 [chunked] body 1 "s"',
          ],
        },
        connections: 1,
      },
    },
    {
      id: 'CLI-29',
      title: 'invalid requests fail before any dial',
      priority: 'important',
      note: 'The url.Error Op is the method with only its first letter upper case, unless the method has a byte outside printable ASCII: then Go keeps it as it is (`GET\\r\\nX "…"`).',
      peers: [server({ '*': ok() })],
      plan: [
        get('bad-name', '/a', { headers: [['Bad Name', 'v']] }),
        get('bad-value', '/a', {
          headers: [['X-Bad', 'a\nb']],
          body: { kind: 'reader', data: 'x' },
          method: 'POST',
        }),
        get('bad-method', '/a', { rawMethod: 'BAD METHOD' }),
        get('scheme', 'ftp://{{a:host}}/a'),
        get('no-host', 'http:///a'),
        get('request-uri', '/a', { requestURI: '/a' }),
        get('control', '/a\x7fb'),
        get('crlf-method', '/a', { rawMethod: 'GET\r\nX' }),
      ],
      expect: {
        connections: 0,
        requests: {
          'bad-name': { err: 'invalid-request' },
          'bad-method': { err: 'invalid-request' },
          scheme: { err: 'invalid-request' },
          'no-host': { err: 'invalid-request' },
          'request-uri': { err: 'invalid-request' },
        },
      },
    },
    {
      id: 'CLI-30',
      title: 'the request body is closed exactly once: success, peer failure, rejection',
      priority: 'important',
      peers: [
        scripted([[{ serve: true, max: 1 }], [{ read: 'head' }, { close: 'reset' }]], {
          '*': ok(),
        }),
      ],
      plan: [
        get('ok', '/a', { method: 'POST', body: { kind: 'stream', chunks: ['x'] }, close: true }),
        get('failed', '/b', {
          method: 'POST',
          body: { kind: 'stream', chunks: ['y'], firstDelay: 50 },
        }),
        get('rejected', '/c', {
          method: 'POST',
          headers: [['Bad Name', 'v']],
          body: { kind: 'stream', chunks: ['z'] },
        }),
      ],
      compare: { ignore: ['err'] },
      note: 'The failed request’s error (reset vs broken pipe) is covered by CLI-26a; here only the close counts matter.',
    },
    {
      id: 'CLI-31',
      title: 'the head is flushed before a slow body; chunks go out as produced',
      priority: 'important',
      peers: [
        scripted(
          [[{ read: 'head', within: 150 }, { quiet: 100 }, { read: 'body' }, { reply: ok() }]],
          {},
        ),
      ],
      plan: [
        get('slow-body', '/up', {
          method: 'POST',
          body: { kind: 'stream', chunks: ['late'], firstDelay: 300 },
        }),
      ],
      expect: {
        transcripts: { A: ['head POST /up HTTP/1.1 [chunked]', 'quiet', 'body 4 "late"'] },
        requests: { 'slow-body': { status: 200 } },
      },
    },
  ]),
  ...area('Response reading', [
    {
      id: 'CLI-32',
      title: 'a response head over MaxResponseHeaderBytes fails the request',
      priority: 'core',
      peers: [
        scripted([
          [
            { read: 'request' },
            { reply: ['HTTP/1.1 200 OK\r\nX-Long: ', { repeat: 'a', count: 8000 }] },
            { wait: 2000 },
          ],
        ]),
      ],
      transport: { maxResponseHeaderBytes: 1024 },
      plan: [get('r1', '/a')],
      expect: { requests: { r1: { err: 'server response headers exceeded 1024 bytes; aborted' } } },
    },
    {
      id: 'CLI-32a',
      title: 'the default response head limit is 10 MiB',
      priority: 'core',
      peers: [
        scripted([
          [
            { read: 'request' },
            { reply: ['HTTP/1.1 200 OK\r\nX-Long: ', { repeat: 'a', count: 11 << 20 }] },
            { wait: 3000 },
          ],
        ]),
      ],
      plan: [get('r1', '/a')],
      expect: {
        requests: { r1: { err: 'server response headers exceeded 10485760 bytes; aborted' } },
      },
    },
    {
      id: 'CLI-33',
      title: 'a 103 Early Hints before the final response is skipped',
      priority: 'important',
      peers: [
        server({ '*': [resp('103 Early Hints', ['Link: </s.css>; rel=preload']), ok('final')] }),
      ],
      plan: [get('plain', '/a'), get('traced', '/b', { trace1xx: true })],
      expect: { connections: 1, requests: { plain: { status: 200, body: 'final' } } },
    },
    {
      id: 'CLI-33a',
      title: 'many 1xx responses: Go 1.26 limits their header bytes, not their number',
      priority: 'important',
      note: 'The catalog (Go 1.23) says more than 5 1xx responses fail with `too many 1xx informational responses`; Go 1.26 counts 1xx header bytes against MaxResponseHeaderBytes instead (no limit on their number; the limit restarts per response when Got1xxResponse is set).',
      minGoMinor: 24,
      peers: [
        server({
          '/six': [...Array.from({ length: 6 }, () => resp('103 Early Hints')), ok('after six')],
          '*': [
            ...Array.from({ length: 8 }, () =>
              resp('103 Early Hints', [`X-Pad: ${'p'.repeat(100)}`]),
            ),
            ok('after eight'),
          ],
        }),
      ],
      transport: { maxResponseHeaderBytes: 600 },
      plan: [get('six', '/six'), get('limited', '/big'), get('traced', '/big', { trace1xx: true })],
      expect: {
        requests: { six: { status: 200 }, limited: { err: 'exceeded' }, traced: { status: 200 } },
      },
    },
    {
      id: 'CLI-33b',
      title:
        '101 Switching Protocols is final; its body is the raw connection, which leaves the pool',
      priority: 'important',
      peers: [
        scripted(
          [
            [
              { read: 'request' },
              {
                reply: [
                  resp('101 Switching Protocols', ['Connection: Upgrade', 'Upgrade: demo']),
                  'raw-data',
                ],
              },
              { close: 'fin' },
            ],
          ],
          { '*': ok('next') },
        ),
      ],
      plan: [
        get('upgrade', '/up', {
          headers: [
            ['Connection', 'Upgrade'],
            ['Upgrade', 'demo'],
          ],
        }),
        get('next', '/b'),
      ],
      compare: { heads: true },
      expect: {
        connections: 2,
        requests: { upgrade: { status: 101, body: 'raw-data' }, next: { conns: 'B:new' } },
      },
    },
    {
      id: 'CLI-33c',
      title: 'an unsolicited 100 Continue is skipped like any 1xx',
      priority: 'important',
      peers: [server({ '*': [resp('100 Continue'), ok('final')] })],
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: { connections: 1, requests: { r1: { status: 200, body: 'final' } } },
    },
    {
      id: 'CLI-34',
      title: 'a 304 advertising chunked has no body; the next response on the connection parses',
      priority: 'important',
      peers: [
        server({
          '/nm': resp('304 Not Modified', ['Transfer-Encoding: chunked']),
          '/204': resp('204 No Content', ['Transfer-Encoding: chunked']),
          '*': ok('next'),
        }),
      ],
      plan: [get('r304', '/nm'), get('after304', '/b'), get('r204', '/204'), get('after204', '/c')],
      expect: { connections: 1, requests: { after204: { body: 'next', conns: 'A:idle' } } },
    },
    {
      id: 'CLI-34a',
      title:
        'HEAD: Content-Length kept, chunked advertised, no body read; the connection stays usable',
      priority: 'important',
      peers: [
        server({
          'HEAD /cl': resp('200 OK', ['Content-Length: 1234']),
          'HEAD /te': resp('200 OK', ['Transfer-Encoding: chunked']),
          '*': ok('next'),
        }),
      ],
      plan: [
        get('cl', '/cl', { method: 'HEAD' }),
        get('te', '/te', { method: 'HEAD' }),
        get('next', '/b'),
      ],
      expect: { connections: 1, requests: { next: { conns: 'A:idle', body: 'next' } } },
    },
    {
      id: 'CLI-34b',
      title: 'chunked with a Content-Length: the length is dropped',
      priority: 'important',
      peers: [server({ '/both': chunked(['hel', 'lo'], ['Content-Length: 99']), '*': ok('next') })],
      plan: [get('both', '/both'), get('next', '/b')],
      expect: { requests: { both: { body: 'hello' } } },
    },
    {
      id: 'CLI-34c',
      title: 'conflicting Content-Length headers fail the request',
      priority: 'important',
      peers: [
        server({ '*': resp('200 OK', ['Content-Length: 5', 'Content-Length: 6'], 'hello!') }),
      ],
      plan: [get('r1', '/a')],
      expect: { requests: { r1: { err: 'multiple Content-Length' } } },
    },
    {
      id: 'CLI-34d',
      title: 'duplicate identical Content-Length headers are accepted',
      priority: 'important',
      peers: [server({ '*': resp('200 OK', ['Content-Length: 5', 'Content-Length: 5'], 'hello') })],
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: { connections: 1, requests: { r1: { body: 'hello' } } },
    },
    {
      id: 'CLI-34e',
      title: 'malformed status lines: bad code, bad version, garbage, missing code',
      priority: 'important',
      peers: [
        server({
          '/code': 'HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n',
          '/version': 'HTTP/x.y 200 OK\r\nContent-Length: 0\r\n\r\n',
          '/garbage': 'garbage\r\n\r\n',
          '/short': 'HTTP/1.1\r\nContent-Length: 0\r\n\r\n',
          '/two-digit': 'HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n',
          '/no-reason': 'HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok',
          '/lower': 'http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
        }),
      ],
      plan: [
        get('code', '/code'),
        get('version', '/version'),
        get('garbage', '/garbage'),
        get('short', '/short'),
        get('two-digit', '/two-digit'),
        get('no-reason', '/no-reason'),
        get('lower', '/lower'),
      ],
      expect: {
        requests: {
          code: { err: 'malformed HTTP status code' },
          version: { err: 'malformed HTTP version' },
          garbage: { err: 'malformed HTTP response' },
          'no-reason': { status: 200 },
        },
      },
    },
    {
      id: 'CLI-34f',
      title: 'a Content-Length longer than the body: unexpected EOF while reading it',
      priority: 'important',
      peers: [
        server({ '/short': thenClose(resp('200 OK', ['Content-Length: 10'], 'hello')), '*': ok() }),
      ],
      plan: [get('r1', '/short'), get('r2', '/b')],
      expect: { connections: 2, requests: { r1: { bodyErr: 'unexpected-eof' } } },
    },
    {
      id: 'CLI-34g',
      title: 'a head that arrives in pieces, with pauses, is read whole',
      priority: 'important',
      peers: [
        scripted(
          [
            [
              { read: 'request' },
              { reply: 'HTTP/1.1 200 OK\r\n' },
              { wait: 100 },
              { reply: 'Content-Type: text/plain\r\nContent-Len' },
              { wait: 100 },
              { reply: 'gth: 5\r\n\r\nhel' },
              { wait: 50 },
              { reply: 'lo' },
              { serve: true },
            ],
          ],
          { '*': ok('next') },
        ),
      ],
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: { connections: 1, requests: { r1: { body: 'hello' }, r2: { conns: 'A:idle' } } },
    },
    {
      id: 'CLI-34h',
      title: 'an invalid chunked body fails the read',
      priority: 'important',
      peers: [
        server({
          '/bad-size': thenClose(
            resp('200 OK', ['Transfer-Encoding: chunked'], 'zz\r\nhello\r\n0\r\n\r\n'),
          ),
          '*': ok(),
        }),
      ],
      plan: [get('r1', '/bad-size')],
      expect: { requests: { r1: { status: 200 } } },
    },
    {
      id: 'CLI-34i',
      title: 'a body sent after a HEAD response is unsolicited: logged, the connection dropped',
      priority: 'important',
      peers: [server({ 'HEAD /h': ok('oops!'), '*': ok('next') })],
      plan: [get('head', '/h', { method: 'HEAD' }), wait(50), get('next', '/c')],
      expect: {
        connections: 2,
        requests: { head: { status: 200 }, next: { conns: 'B:new' } },
        logs: ['Unsolicited response received on idle HTTP channel starting with "oops!"'],
      },
    },
    {
      id: 'CLI-35',
      title: 'reading a closed response body fails with "http: read on closed response body"',
      priority: 'important',
      peers: [server({ '*': ok('0123456789') })],
      plan: [get('r1', '/a', { read: 'close-then-read' })],
      expect: { requests: { r1: { status: 200 } } },
    },
    {
      id: 'CLI-36',
      title: 'response trailers: declared names first, values after EOF',
      priority: 'important',
      peers: [server({ '*': chunked(['body'], ['Trailer: X-T, X-U'], ['X-T: v', 'X-U: w']) })],
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: { connections: 1, requests: { r1: { body: 'body' } } },
    },
  ]),
  ...area('Compression', [
    {
      id: 'CLI-37',
      title: 'Accept-Encoding: gzip is added and a gzip body transparently decompressed',
      priority: 'core',
      peers: [server({ '*': gzipOk() })],
      compare: { heads: true },
      plan: [get('r1', '/gz')],
      expect: { requests: { r1: { body: 'decompressed!' } } },
    },
    {
      id: 'CLI-37a',
      title: 'no automatic gzip for Range and HEAD requests',
      priority: 'core',
      peers: [server({ 'HEAD /h': okHead(5), '*': ok('plain') })],
      compare: { heads: true },
      plan: [
        get('range', '/r', { headers: [['Range', 'bytes=0-3']] }),
        get('head', '/h', { method: 'HEAD' }),
      ],
      expect: { connections: 1 },
    },
    {
      id: 'CLI-37b',
      title: 'DisableCompression: no Accept-Encoding, the gzip body is returned as is',
      priority: 'core',
      peers: [server({ '*': gzipOk() })],
      transport: { disableCompression: true },
      compare: { heads: true },
      plan: [get('r1', '/gz')],
    },
    {
      id: 'CLI-37c',
      title: 'a caller-set Accept-Encoding: gzip gets the compressed body',
      priority: 'core',
      peers: [server({ '*': gzipOk() })],
      compare: { heads: true },
      plan: [get('r1', '/gz', { headers: [['Accept-Encoding', 'gzip']] })],
    },
    {
      id: 'CLI-37d',
      title: 'Content-Encoding is matched case-insensitively',
      priority: 'core',
      peers: [server({ '*': gzipOk(['Content-Encoding: GZIP']) })],
      plan: [get('r1', '/gz')],
      expect: { requests: { r1: { body: 'decompressed!' } } },
    },
    {
      id: 'CLI-37e',
      title: 'a gzip body cut short fails the read with unexpected EOF',
      priority: 'core',
      peers: [
        server({
          '/short': resp('200 OK', ['Content-Encoding: gzip', 'Content-Length: 9'], 'not gzip!'),
          '/truncated': resp(
            '200 OK',
            ['Content-Encoding: gzip', `Content-Length: ${GZ.length - 6}`],
            GZ.slice(0, -6),
          ),
        }),
      ],
      plan: [get('short', '/short'), get('truncated', '/truncated')],
      expect: {
        connections: 1,
        requests: {
          short: { bodyErr: 'unexpected-eof' },
          truncated: { bodyErr: 'unexpected-eof' },
        },
      },
    },
    {
      id: 'CLI-37g',
      title:
        'a body that is not gzip fails with "gzip: invalid header"; a small one still returns its connection',
      priority: 'core',
      note: 'Go’s gzip.NewReader reads through a bufio.Reader (4096 bytes at a time), so a small body is consumed to its end while the header is checked, and the connection goes back to the pool.',
      peers: [
        server({
          '/header': resp(
            '200 OK',
            ['Content-Encoding: gzip', 'Content-Length: 24'],
            'this is not a gzip body!',
          ),
          '*': ok('next'),
        }),
      ],
      plan: [get('header', '/header'), get('next', '/b')],
      expect: {
        requests: { header: { bodyErr: 'gzip: invalid header' }, next: { conns: 'A:idle' } },
      },
    },
    {
      id: 'CLI-37f',
      title: 'an empty gzip-encoded body (Content-Length: 0) reads as empty',
      priority: 'core',
      peers: [server({ '*': resp('200 OK', ['Content-Encoding: gzip', 'Content-Length: 0']) })],
      plan: [get('r1', '/gz'), get('r2', '/gz')],
    },
    {
      id: 'CLI-38',
      title: 'decompressed bodies still return the connection (Content-Length and chunked)',
      priority: 'important',
      peers: [server({ '/cl': gzipOk(), '/chunked': gzipChunked })],
      plan: [get('cl', '/cl'), get('chunked', '/chunked'), get('cl2', '/cl')],
      expect: {
        connections: 1,
        requests: { chunked: { body: 'decompressed!', conns: 'A:idle' }, cl2: { conns: 'A:idle' } },
      },
    },
  ]),
  ...area('Expect: 100-continue (client)', [
    {
      id: 'CLI-39',
      title: 'no 100 Continue: the body follows after ExpectContinueTimeout',
      priority: 'important',
      peers: [scripted([[{ read: 'head' }, { quiet: 120 }, { read: 'body' }, { reply: ok() }]])],
      transport: { expectContinueTimeout: 250 },
      compare: { heads: true },
      plan: [post('r1', '/up', 'BODY', { headers: [['Expect', '100-continue']] })],
      expect: {
        transcripts: { A: ['head POST /up HTTP/1.1 [length 4]', 'quiet', 'body 4 "BODY"'] },
        requests: { r1: { status: 200 } },
      },
    },
    {
      id: 'CLI-39a',
      title: '100 Continue releases the body at once',
      priority: 'important',
      peers: [
        scripted([
          [
            { read: 'head' },
            { reply: resp('100 Continue') },
            { read: 'body', within: 150 },
            { reply: ok() },
          ],
        ]),
      ],
      transport: { expectContinueTimeout: 1000 },
      plan: [post('r1', '/up', 'BODY', { headers: [['Expect', '100-continue']] })],
      expect: { requests: { r1: { status: 200 } } },
    },
    {
      id: 'CLI-39b',
      title:
        'a final response without close: the body is still sent to keep the connection in sync',
      priority: 'important',
      peers: [
        scripted(
          [
            [
              { read: 'head' },
              { reply: resp('417 Expectation Failed', ['Content-Length: 0']) },
              { read: 'body', within: 300 },
              { serve: true },
            ],
          ],
          { '*': ok('next') },
        ),
      ],
      transport: { expectContinueTimeout: 1000 },
      plan: [post('r1', '/up', 'BODY', { headers: [['Expect', '100-continue']] }), get('r2', '/b')],
      expect: { connections: 1, requests: { r1: { status: 417 }, r2: { conns: 'A:idle' } } },
    },
    {
      id: 'CLI-39c',
      title: 'a final response with Connection: close: the body is not sent',
      priority: 'important',
      peers: [
        scripted(
          [
            [
              { read: 'head' },
              { reply: resp('403 Forbidden', ['Connection: close', 'Content-Length: 0']) },
              { quiet: 500 },
            ],
          ],
          { '*': ok('next') },
        ),
      ],
      transport: { expectContinueTimeout: 1000 },
      plan: [
        post('r1', '/up', 'BODY', { headers: [['Expect', '100-continue']] }),
        wait(50),
        get('r2', '/b'),
      ],
      expect: {
        transcripts: {
          A: ['head POST /up HTTP/1.1 [length 4]', 'eof'],
          B: ['GET /b HTTP/1.1 [none]'],
        },
        connections: 2,
        requests: { r1: { status: 403 }, r2: { conns: 'B:new' } },
      },
    },
    {
      id: 'CLI-39d',
      title: 'ExpectContinueTimeout 0: the body is sent at once',
      priority: 'important',
      peers: [scripted([[{ read: 'head' }, { read: 'body', within: 500 }, { reply: ok() }]])],
      compare: { heads: true },
      plan: [post('r1', '/up', 'BODY', { headers: [['Expect', '100-continue']] })],
      expect: { requests: { r1: { status: 200 } } },
    },
  ]),
];

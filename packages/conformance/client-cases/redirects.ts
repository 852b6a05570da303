// CLI-46 … CLI-56: the Client — redirects, errors, basic auth, odd RoundTrippers, https
// against plain HTTP, legacy cancellation.

import type { ClientScenario } from '../src/client-scenario.js';
import {
  area,
  delayed,
  get,
  ok,
  okHead,
  post,
  redirect,
  resp,
  scripted,
  server,
} from './helpers.js';

const routes = {
  '/r301': redirect('301 Moved Permanently', '/dest'),
  '/r302': redirect('302 Found', '/dest'),
  '/r303': redirect('303 See Other', '/dest'),
  '/r307': redirect('307 Temporary Redirect', '/dest'),
  '/r308': redirect('308 Permanent Redirect', '/dest'),
  '/noloc': resp('302 Found', ['Content-Length: 0']),
  '/loop': redirect('302 Found', '/loop'),
  'HEAD /dest': okHead(4),
  '/dest': ok('dest'),
  '*': ok('other'),
};

const streamBody = { kind: 'stream', chunks: ['BODY'] } as const;

export const clientScenarios: ClientScenario[] = [
  ...area('Client: redirects', [
    {
      id: 'CLI-46',
      title: '301/302/303 after POST/PUT/DELETE follow with GET and no body',
      priority: 'core',
      peers: [server(routes)],
      compare: { heads: true },
      plan: [
        post('post302', '/r302', 'BODY'),
        get('put303', '/r303', { method: 'PUT', body: { kind: 'bytes', data: 'BODY' } }),
        get('delete301', '/r301', { method: 'DELETE' }),
        post('post301', '/r301', 'BODY'),
      ],
      expect: {
        transcripts: {
          A: [
            'POST /r302 HTTP/1.1 [length 4] body 4 "BODY"',
            'GET /dest HTTP/1.1 [none]',
            'PUT /r303 HTTP/1.1 [length 4] body 4 "BODY"',
            'GET /dest HTTP/1.1 [none]',
            'DELETE /r301 HTTP/1.1 [none]',
            'GET /dest HTTP/1.1 [none]',
            'POST /r301 HTTP/1.1 [length 4] body 4 "BODY"',
            'GET /dest HTTP/1.1 [none]',
          ],
        },
        connections: 1,
        requests: { post302: { status: 200, body: 'dest' } },
      },
    },
    {
      id: 'CLI-46a',
      title: '307/308 keep method and body (replayed through GetBody)',
      priority: 'core',
      peers: [server(routes)],
      compare: { heads: true },
      plan: [
        post('post307', '/r307', 'BODY'),
        get('put308', '/r308', { method: 'PUT', body: { kind: 'bytes', data: 'BODY' } }),
        get('get307', '/r307'),
      ],
      expect: {
        transcripts: {
          A: [
            'POST /r307 HTTP/1.1 [length 4] body 4 "BODY"',
            'POST /dest HTTP/1.1 [length 4] body 4 "BODY"',
            'PUT /r308 HTTP/1.1 [length 4] body 4 "BODY"',
            'PUT /dest HTTP/1.1 [length 4] body 4 "BODY"',
            'GET /r307 HTTP/1.1 [none]',
            'GET /dest HTTP/1.1 [none]',
          ],
        },
        connections: 1,
      },
    },
    {
      id: 'CLI-46b',
      title: 'GET and HEAD keep their method on 301/302/303',
      priority: 'core',
      peers: [server(routes)],
      plan: [
        get('get301', '/r301'),
        get('head303', '/r303', { method: 'HEAD' }),
        get('head302', '/r302', { method: 'HEAD' }),
      ],
      expect: {
        transcripts: {
          A: [
            'GET /r301 HTTP/1.1 [none]',
            'GET /dest HTTP/1.1 [none]',
            'HEAD /r303 HTTP/1.1 [none]',
            'HEAD /dest HTTP/1.1 [none]',
            'HEAD /r302 HTTP/1.1 [none]',
            'HEAD /dest HTTP/1.1 [none]',
          ],
        },
        connections: 1,
      },
    },
    {
      id: 'CLI-46c',
      title: 'a redirect without Location is returned as is',
      priority: 'core',
      peers: [server(routes)],
      plan: [get('noloc', '/noloc')],
      expect: { requests: { noloc: { status: 302 } } },
    },
    {
      id: 'CLI-46d',
      title: 'a 307 with a body that cannot be replayed is returned to the caller',
      priority: 'core',
      peers: [server(routes)],
      plan: [
        get('stream307', '/r307', { method: 'POST', body: streamBody }),
        get('nogetbody308', '/r308', {
          method: 'POST',
          body: { kind: 'bytes-no-getbody', data: 'x' },
        }),
      ],
      expect: { requests: { stream307: { status: 307 }, nogetbody308: { status: 308 } } },
    },
    {
      id: 'CLI-46e',
      title: 'redirects across ports and to another host name',
      priority: 'core',
      peers: [
        server(
          {
            '/to-b': redirect('302 Found', '{{b}}/on-b'),
            '/to-name': redirect('302 Found', '{{a:localhost}}/dest'),
            '/dest': ok('dest on a'),
          },
          'a',
        ),
        server({ '/on-b': redirect('307 Temporary Redirect', '{{a}}/dest') }, 'b'),
      ],
      compare: { heads: true },
      plan: [get('across', '/to-b'), get('name', '/to-name')],
      expect: {
        connections: 3,
        requests: { across: { body: 'dest on a', conns: 'A:new B:new A:idle' } },
      },
    },
    {
      id: 'CLI-47',
      title: 'the default policy stops after 10 redirects with the last response and an error',
      priority: 'core',
      note: 'The catalog (Go 1.23) says 11 requests reach the server; with Go 1.26 the 10th redirect response is the last one: 10 requests, error `Get "/loop": stopped after 10 redirects` (URL = the raw Location).',
      peers: [server(routes)],
      plan: [get('loop', '/loop')],
      expect: {
        connections: 1,
        requests: { loop: { err: 'Get "/loop": stopped after 10 redirects', status: 302 } },
      },
    },
    {
      id: 'CLI-48',
      title: 'CheckRedirect returning ErrUseLastResponse: the redirect response, body readable',
      priority: 'important',
      peers: [
        server({
          '/r': redirect('302 Found', '/dest', []),
          '/rb': resp('302 Found', ['Location: /dest', 'Content-Length: 5'], 'moved'),
          '*': ok('dest'),
        }),
      ],
      client: { redirects: 'use-last' },
      plan: [get('r1', '/rb'), get('r2', '/r')],
      expect: { connections: 1, requests: { r1: { status: 302, body: 'moved' } } },
    },
    {
      id: 'CLI-48a',
      title: 'CheckRedirect returning another error: that error with the URL of the Location',
      priority: 'important',
      peers: [server(routes)],
      client: { redirects: 'error' },
      plan: [get('r1', '/r302'), get('r2', '/dest')],
      expect: { requests: { r1: { err: 'redirects refused by policy', status: 302 } } },
    },
    {
      id: 'CLI-49',
      title: 'redirect to another host: custom headers kept, credentials dropped, Referer added',
      priority: 'core',
      peers: [
        server({
          '/otherhost': redirect('302 Found', '{{a:localhost}}/dest'),
          '/samehost': redirect('302 Found', '/dest'),
          '/chain': redirect('302 Found', '{{a:localhost}}/back'),
          '/back': redirect('302 Found', '{{a}}/dest'),
          '*': ok('dest'),
        }),
      ],
      compare: { heads: true },
      plan: [
        get('otherhost', '/otherhost', {
          headers: [
            ['X-Custom', 'kept'],
            ['Authorization', 'Bearer secret'],
            ['Cookie', 'k=v'],
          ],
        }),
        get('samehost', '/samehost', {
          headers: [
            ['X-Custom', 'kept'],
            ['Authorization', 'Bearer secret'],
          ],
        }),
        get('chain', '/chain', { headers: [['Authorization', 'Bearer secret']] }),
        get('explicit-referer', '/samehost', { headers: [['Referer', 'http://mine/']] }),
      ],
    },
    {
      id: 'CLI-49a',
      title: 'redirect to another port of the same host keeps credentials',
      priority: 'core',
      peers: [
        server({ '/to-b': redirect('302 Found', '{{b}}/dest') }, 'a'),
        server({ '*': ok('dest on b') }, 'b'),
      ],
      compare: { heads: true },
      plan: [get('r1', '/to-b', { headers: [['Authorization', 'Bearer secret']] })],
      expect: { connections: 2 },
    },
    {
      id: 'CLI-50',
      title: 'small redirect bodies are drained so every hop runs on one connection',
      priority: 'important',
      peers: [
        server({
          '/small': resp(
            '302 Found',
            ['Location: /small2', `Content-Length: 100`],
            'm'.repeat(100),
          ),
          '/small2': chunked302('/dest'),
          '/large': resp(
            '302 Found',
            ['Location: /dest', 'Content-Length: 5000'],
            'L'.repeat(5000),
          ),
          '*': ok('dest'),
        }),
      ],
      plan: [get('small', '/small'), get('large', '/large')],
      expect: {
        connections: 2,
        requests: { small: { conns: 'A:new A:idle A:idle' }, large: { conns: 'A:idle B:new' } },
      },
    },
    {
      id: 'CLI-51',
      title: 'a Host override survives relative redirects only',
      priority: 'extended',
      peers: [
        server({
          '/rel': redirect('302 Found', '/dest'),
          '/abs': redirect('302 Found', '{{a}}/dest'),
          '*': ok('dest'),
        }),
      ],
      compare: { heads: true },
      plan: [get('rel', '/rel', { host: 'virtual' }), get('abs', '/abs', { host: 'virtual' })],
    },
  ]),
  ...area('Client: errors and misc', [
    {
      id: 'CLI-52',
      title: 'errors read `<Op> "<URL>": <err>`, Op capitalized, passwords hidden',
      priority: 'core',
      peers: [{ name: 'a', closed: true }],
      plan: [
        get('get', '/x'),
        get('delete', '/x', { method: 'DELETE' }),
        get('patch', '/x', { method: 'PATCH' }),
        get('password', 'http://user:secret@{{a:host}}/x'),
      ],
      expect: { requests: { password: { err: 'user:***@' } } },
    },
    {
      id: 'CLI-53',
      title: 'user info in the URL becomes Basic authorization unless one is set',
      priority: 'important',
      peers: [server({ '*': ok() })],
      compare: { heads: true },
      plan: [
        get('userinfo', 'http://u:p@{{a:host}}/auth'),
        get('explicit', 'http://u:p@{{a:host}}/auth', { headers: [['Authorization', 'Bearer t']] }),
        get('no-password', 'http://u@{{a:host}}/auth'),
      ],
    },
    {
      id: 'CLI-54',
      title: 'a RoundTripper returning no body gets an empty one; no response at all is an error',
      priority: 'important',
      peers: [server({ '*': ok() })],
      client: { roundTripper: 'nil-body' },
      plan: [get('nil-body', '/a')],
      expect: { connections: 0, requests: { 'nil-body': { status: 200, body: '' } } },
    },
    {
      id: 'CLI-54a',
      title: 'a RoundTripper returning neither response nor error fails the request',
      priority: 'important',
      peers: [server({ '*': ok() })],
      client: { roundTripper: 'nil-response' },
      plan: [get('nil-response', '/a')],
      expect: {
        connections: 0,
        requests: { 'nil-response': { err: 'returned a nil *Response with a nil error' } },
      },
    },
    {
      id: 'CLI-55',
      title: 'https to a plain HTTP server: "server gave HTTP response to HTTPS client"',
      priority: 'extended',
      peers: [
        scripted([
          [{ read: 'any' }, { reply: 'HTTP/1.1 400 Bad Request\r\n\r\n' }, { close: 'fin' }],
        ]),
      ],
      plan: [get('r1', 'https://{{a:host}}/')],
      expect: { requests: { r1: { err: 'http: server gave HTTP response to HTTPS client' } } },
    },
    {
      id: 'CLI-56',
      title: 'Transport.CancelRequest (legacy) fails the request with "net/http: request canceled"',
      priority: 'extended',
      peers: [server({ '/slow': delayed(ok('late'), 400), '*': ok('next') })],
      plan: [get('r1', '/slow', { cancelAfter: 50, cancelHow: 'transport' }), get('r2', '/b')],
      expect: { connections: 2, requests: { r1: { err: 'net/http: request canceled' } } },
    },
  ]),
];

function chunked302(location: string): string {
  return resp(
    '302 Found',
    [`Location: ${location}`, 'Transfer-Encoding: chunked'],
    '4\r\nmove\r\n0\r\n\r\n',
  );
}

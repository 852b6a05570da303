// The README's routing example, run through httptest: keeps the README honest.
import { describe, expect, it } from 'vitest';
import { newRequest, ResponseRecorder } from './httptest/index.js';
import { error, redirect } from './mux/helpers.js';
import { ServeMux } from './mux/serve-mux.js';

function readmeMux(): ServeMux {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello', (w) => w.write('hello\n'));
  mux.handleFunc('GET /users/{id}', (w, r) => w.write(`user ${r.pathValue('id')}\n`));
  mux.handleFunc('GET /files/{path...}', (w, r) => w.write(`file ${r.pathValue('path')}\n`));
  mux.handleFunc('POST /users', async (w, r) => {
    const body = await r.body.text();
    if (body === '') return error(w, 'empty body', 400);
    w.writeHeader(201);
    await w.write('created\n');
  });
  mux.handleFunc('GET /{$}', (w, r) => redirect(w, r, '/hello', 302));
  return mux;
}

async function hit(mux: ServeMux, method: string, target: string, body?: string) {
  const rec = new ResponseRecorder();
  await mux.serveHttp(rec, newRequest(method, target, body));
  return { code: rec.code, body: rec.body.toString(), header: rec.header() };
}

describe('README routing example', () => {
  const mux = readmeMux();
  const table: [string, string, string | undefined, number, string][] = [
    ['GET', '/hello', undefined, 200, 'hello\n'],
    ['HEAD', '/hello', undefined, 200, 'hello\n'],
    ['GET', '/users/42', undefined, 200, 'user 42\n'],
    ['GET', '/files/a/b.txt', undefined, 200, 'file a/b.txt\n'],
    ['POST', '/users', '', 400, 'empty body\n'],
    ['POST', '/users', 'x', 201, 'created\n'],
    ['DELETE', '/users/42', undefined, 405, 'Method Not Allowed\n'],
    ['GET', '/nope', undefined, 404, '404 page not found\n'],
  ];
  for (const [method, target, body, code, text] of table) {
    it(`SRV-100 ${method} ${target} → ${code}`, async () => {
      const res = await hit(mux, method, target, body);
      expect(res.code).toBe(code);
      expect(res.body).toBe(text);
    });
  }

  it('SRV-102 the 405 lists the allowed methods', async () => {
    const res = await hit(mux, 'DELETE', '/users/42');
    expect(res.header.get('Allow')).toBe('GET, HEAD');
  });

  it('GET / redirects to /hello', async () => {
    const res = await hit(mux, 'GET', '/');
    expect(res.code).toBe(302);
    expect(res.header.get('Location')).toBe('/hello');
  });
});

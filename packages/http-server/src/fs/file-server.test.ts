// FileServer / ServeFile tests: every case in testdata/go1.26-file-server.json was recorded
// from go1.26 (testdata/oracle.go.txt, run with `go run`) against the same tree this file
// builds: Go's ServeFileRangeTests and TestServeFileRejectsInvalidSuffixLengths ranges,
// redirects (TestFSRedirect, TestServeIndexHtml, TestServeDirWithoutTrailingSlash),
// listings with escaped and sorted names (TestFileServerEscapesNames,
// TestFileServerSortsNames), TestDirectoryIfNotModified, TestServeFile_DotDot and more.
// Plus what the recording cannot show: the path-confinement rules of Dir, error mapping of
// a custom FileSystem, and a wire test through a real server.
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import type { Request } from '@ka/http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResponseWriter } from '../handler.js';
import { ResponseRecorder } from '../httptest/recorder.js';
import { newRequest } from '../httptest/request.js';
import { RawClient, startServer } from '../internal/test-support.js';
import {
  Dir,
  dir,
  ErrNotExist,
  ErrPermission,
  type File,
  type FileSystem,
  fileServer,
  serveFile,
} from './file-server.js';

interface OracleCase {
  name: string;
  mode?: 'file';
  target?: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  code: number;
  resp: [string, string][];
  body: string;
}

const oracle: OracleCase[] = JSON.parse(
  readFileSync(new globalThis.URL('./testdata/go1.26-file-server.json', import.meta.url), 'utf8'),
);

// The tree oracle.go.txt builds, every entry dated 2014-06-25 17:12:18 UTC.
const files: Record<string, string | Uint8Array> = {
  file: '0123456789\n',
  'style.css': 'body {}\n',
  'sub/index.html': 'index.html says hello\n',
  'sub/other.txt': 'other\n',
  'a b.txt': 'ab\n',
  'x:y': 'colon\n',
  '<i>&\'".txt': 'esc\n',
  'é.txt': 'accent\n',
  noext: '<html>hi',
  Zed: 'z\n',
  'q?x#y%z': 'q\n',
  empty: '',
  'img.PNG': Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x78, 0x78),
};
const mtime = new Date(Date.UTC(2014, 5, 25, 17, 12, 18));

let root = '';

beforeAll(async () => {
  root = await fsp.mkdtemp(nodePath.join(os.tmpdir(), 'ka-fs-'));
  for (const [name, content] of Object.entries(files)) {
    const p = nodePath.join(root, name);
    await fsp.mkdir(nodePath.dirname(p), { recursive: true });
    await fsp.writeFile(p, content);
    await fsp.utimes(p, mtime, mtime);
  }
  await fsp.mkdir(nodePath.join(root, 'dir2'));
  for (const d of ['sub', 'dir2', '.']) await fsp.utimes(nodePath.join(root, d), mtime, mtime);
});

afterAll(async () => {
  if (root !== '') await fsp.rm(root, { recursive: true, force: true });
});

// Like oracle.go.txt: the path (and query) are set on the URL directly, so targets a
// request line would refuse (backslashes) can be tried too.
function request(method: string, path: string, headers: Record<string, string> = {}): Request {
  const r = newRequest(method, '/');
  const q = path.indexOf('?');
  r.url.path = q >= 0 ? path.slice(0, q) : path;
  r.url.rawQuery = q >= 0 ? path.slice(q + 1) : '';
  for (const [k, v] of Object.entries(headers)) r.header.set(k, v);
  return r;
}

function headerPairs(rec: ResponseRecorder): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, vs] of rec.result().header.sortedKeyValues()) {
    for (const v of vs) out.push([k, v.replace(/[0-9a-f]{60}/g, 'BOUNDARY')]);
  }
  return out;
}

describe('FileServer and ServeFile match go1.26 (recorded oracle)', () => {
  test.each(oracle.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const rec = new ResponseRecorder();
    // the oracle sets this one's decoded path, as a %20 in the request line would give
    const path = c.name === 'escaped name' ? '/a b.txt' : c.path;
    const r = request(c.method ?? 'GET', path, c.headers);
    if (c.mode === 'file') await serveFile(rec, r, nodePath.join(root, c.target!));
    else await fileServer(dir(root)).serveHttp(rec, r);
    expect(rec.code, 'status').toBe(c.code);
    expect(headerPairs(rec), 'header').toEqual(c.resp);
    expect(rec.body.toString().replace(/[0-9a-f]{60}/g, 'BOUNDARY'), 'body').toBe(c.body);
  });
});

describe('Dir confinement (Go: TestDirJoin, TestFileServerNullByte, TestFileServerCleanPath)', () => {
  test('names are cleaned as rooted: ".." never leaves the root', async () => {
    const d = new Dir(nodePath.join(root, 'sub'));
    for (const name of [
      '/index.html',
      'index.html',
      '/../index.html',
      '../../../index.html',
      '/./../index.html',
    ]) {
      const f = await d.open(name);
      try {
        expect((await f.stat()).name, name).toBe('index.html');
        expect((await f.stat()).size, name).toBe(22);
      } finally {
        await f.close();
      }
    }
    // the root's own "file" is out of reach from sub/
    await expect(d.open('/../file')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('an empty root is the current directory (Go: TestEmptyDirOpenCWD)', async () => {
    const f = await new Dir('').open('package.json');
    await f.close();
  });

  test('a NUL byte in the path is 404 (Go: TestFileServerNullByte)', async () => {
    for (const p of ['/file\x00', '/file\x00/', '/\x00']) {
      const rec = new ResponseRecorder();
      await fileServer(dir(root)).serveHttp(rec, request('GET', p));
      expect(rec.code, JSON.stringify(p)).toBe(404);
      expect(rec.body.toString()).toBe('404 page not found\n');
    }
  });

  test('a symlink inside the root is followed even when it points outside, as in Go', async () => {
    const outside = await fsp.mkdtemp(nodePath.join(os.tmpdir(), 'ka-fs-out-'));
    const link = nodePath.join(root, 'sub', 'escape');
    try {
      await fsp.writeFile(nodePath.join(outside, 'secret.txt'), 'outside\n');
      await fsp.symlink(outside, link);
      const rec = new ResponseRecorder();
      await fileServer(dir(root)).serveHttp(rec, request('GET', '/sub/escape/secret.txt'));
      expect(rec.code).toBe(200);
      expect(rec.body.toString()).toBe('outside\n');
      // listed as a plain entry: a symlink is not a directory to ReadDir
      const list = new ResponseRecorder();
      await fileServer(dir(root)).serveHttp(list, request('GET', '/sub/'));
      expect(list.code).toBe(200);
    } finally {
      await fsp.rm(link, { force: true });
      await fsp.rm(outside, { recursive: true, force: true });
    }
  });

  test('the request path is rooted in place when it lacks a slash (Go: TestFileServerImplicitLeadingSlash)', async () => {
    const r = request('GET', 'sub/');
    const rec = new ResponseRecorder();
    await fileServer(dir(root)).serveHttp(rec, r);
    expect(r.url.path).toBe('/sub/');
    expect(rec.body.toString()).toBe('index.html says hello\n');
  });
});

describe('FileServer corner cases', () => {
  test('a path through a regular file is ErrNotExist (Go: TestFileServerNotDirError)', async () => {
    for (const d of [new Dir(root), new Dir(nodePath.relative(process.cwd(), root))]) {
      await expect(d.open('/file/not-a-file')).rejects.toBe(ErrNotExist);
      await expect(d.open('/file/not-a-dir/not-a-file')).rejects.toBe(ErrNotExist);
    }
  });

  test('opens only the cleaned names it needs (Go: TestFileServerCleanPath)', async () => {
    const table: [string, number, string[]][] = [
      ['/', 200, ['/', '/index.html']],
      ['/dir', 301, ['/dir']],
      ['/dir/', 200, ['/dir', '/dir/index.html']],
    ];
    for (const [path, code, opens] of table) {
      const log: string[] = [];
      const fs: FileSystem = {
        open(name) {
          log.push(name);
          if (name === '/' || name === '/dir' || name === '/dir/')
            return new Dir(root).open('dir2');
          return Promise.reject(ErrNotExist);
        },
      };
      const rec = new ResponseRecorder();
      await fileServer(fs).serveHttp(rec, request('GET', path));
      expect(log, path).toEqual(opens);
      expect(rec.code, path).toBe(code);
    }
  });

  // root bypasses permission bits, so this only runs as an ordinary user
  test.skipIf(process.getuid?.() === 0)('an unreadable file is 403 "403 Forbidden"', async () => {
    const p = nodePath.join(root, 'locked');
    await fsp.writeFile(p, 'x');
    await fsp.chmod(p, 0);
    try {
      const rec = new ResponseRecorder();
      await fileServer(dir(root)).serveHttp(rec, request('GET', '/locked'));
      expect(rec.code).toBe(403);
      expect(rec.body.toString()).toBe('403 Forbidden\n');
    } finally {
      await fsp.rm(p, { force: true });
    }
  });

  test('a root that is a file is a 500 (Go: TestFileServerDirWithRootFile)', async () => {
    const rec = new ResponseRecorder();
    await fileServer(dir(nodePath.join(root, 'file'))).serveHttp(rec, request('GET', '/'));
    expect(rec.code).toBe(500);
    expect(rec.body.toString()).toBe('http: attempting to traverse a non-directory\n');
  });

  test('a 304 from ServeFile drops the type and encoding the handler set (Go: TestServeFileNotModified)', async () => {
    const rec = new ResponseRecorder();
    rec.header().set('Content-Type', 'application/json');
    rec.header().set('Content-Encoding', 'foo');
    rec.header().set('Etag', '"123"');
    await serveFile(
      rec,
      request('GET', '/', { 'If-None-Match': '"123"' }),
      nodePath.join(root, 'file'),
    );
    expect(rec.code).toBe(304);
    expect(headerPairs(rec)).toEqual([['Etag', '"123"']]);
    expect(rec.body.length).toBe(0);
  });
});

// A FileSystem whose open fails with the given error, to see toHTTPError's mapping.
function failingFs(err: unknown): FileSystem {
  return {
    open(): Promise<File> {
      return Promise.reject(err);
    },
  };
}

describe('FileSystem errors become fixed messages (Go: TestFileServerErrorMessages)', () => {
  const table: [string, unknown, number, string][] = [
    ['ErrPermission', ErrPermission, 403, '403 Forbidden\n'],
    [
      'EACCES',
      Object.assign(new Error('open x: permission denied'), { code: 'EACCES' }),
      403,
      '403 Forbidden\n',
    ],
    ['EPERM', Object.assign(new Error('x'), { code: 'EPERM' }), 403, '403 Forbidden\n'],
    ['ENOENT', Object.assign(new Error('x'), { code: 'ENOENT' }), 404, '404 page not found\n'],
    ['wrapped', new Error('outer', { cause: ErrPermission }), 403, '403 Forbidden\n'],
    ['other', new Error('secret detail'), 500, '500 Internal Server Error\n'],
  ];
  test.each(table)('%s', async (_n, err, code, body) => {
    const rec = new ResponseRecorder();
    const w: ResponseWriter = rec;
    // headers describing content must not survive on an error (Go: serveError)
    w.header().set('Etag', '"x"');
    w.header().set('Last-Modified', 'then');
    w.header().set('Cache-Control', 'max-age=1');
    w.header().set('Content-Encoding', 'gzip');
    await fileServer(failingFs(err)).serveHttp(rec, request('GET', '/x'));
    expect(rec.code).toBe(code);
    expect(rec.body.toString()).toBe(body);
    expect(headerPairs(rec)).toEqual([
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['X-Content-Type-Options', 'nosniff'],
    ]);
  });

  test('a stat error is mapped the same way and the file is closed (Go: TestServerFileStatError)', async () => {
    let closed = 0;
    const fs: FileSystem = {
      open: async () => ({
        read: async () => null,
        seek: async () => 0,
        readDir: async () => [],
        stat: () => Promise.reject(Object.assign(new Error('x'), { code: 'EACCES' })),
        close: async () => {
          closed++;
        },
      }),
    };
    const rec = new ResponseRecorder();
    await fileServer(fs).serveHttp(rec, request('GET', '/x'));
    expect(rec.code).toBe(403);
    expect(closed).toBe(1);
  });

  test('a directory that cannot be read gives 500 "Error reading directory"', async () => {
    let closed = 0;
    const fs: FileSystem = {
      open: async (name) => {
        if (name.endsWith('index.html')) throw Object.assign(new Error('x'), { code: 'ENOENT' });
        return {
          read: async () => null,
          seek: async () => 0,
          readDir: () => Promise.reject(new Error('boom')),
          stat: async () => ({ name: 'd', size: 0, modTime: mtime, isDir: true }),
          close: async () => {
            closed++;
          },
        };
      },
    };
    const rec = new ResponseRecorder();
    await fileServer(fs).serveHttp(rec, request('GET', '/'));
    expect(rec.code).toBe(500);
    expect(rec.body.toString()).toBe('Error reading directory\n');
    expect(closed).toBe(1);
  });
});

describe('FileServer over the wire', () => {
  test("multiple ranges and ServeFile's 400 through a real server", async () => {
    const ts = await startServer({
      handler: (w: ResponseWriter, r: Request) =>
        r.url.path.startsWith('/sf/')
          ? serveFile(w, r, nodePath.join(root, 'file'))
          : fileServer(dir(root)).serveHttp(w, r),
    });
    const c = await RawClient.connect(ts.port);
    try {
      c.send('GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=0-0,-2\r\n\r\n');
      const t = await c.waitFor((s) => /--[0-9a-f]{60}--\r\n$/.test(s));
      const b = /boundary=([0-9a-f]{60})/.exec(t)![1]!;
      const body =
        `--${b}\r\nContent-Range: bytes 0-0/11\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n0` +
        `\r\n--${b}\r\nContent-Range: bytes 9-10/11\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n9\n` +
        `\r\n--${b}--\r\n`;
      expect(t).toBe(
        'HTTP/1.1 206 Partial Content\r\nAccept-Ranges: bytes\r\n' +
          `Content-Length: ${body.length}\r\nContent-Type: multipart/byteranges; boundary=${b}\r\n` +
          `Last-Modified: Wed, 25 Jun 2014 17:12:18 GMT\r\nDate: <date>\r\n\r\n${body}`,
      );
      c.clear();

      c.send('GET /sf/../x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(await c.waitEnd()).toBe(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n' +
          'X-Content-Type-Options: nosniff\r\nDate: <date>\r\nContent-Length: 17\r\n' +
          'Connection: close\r\n\r\ninvalid URL path\n',
      );
    } finally {
      c.close();
      await ts.close();
    }
  });

  test('GET, a range, a conditional 304 and a listing through a real server', async () => {
    const ts = await startServer({ handler: fileServer(dir(root)) });
    const c = await RawClient.connect(ts.port);
    try {
      c.send('GET /file HTTP/1.1\r\nHost: x\r\n\r\n');
      const full =
        'HTTP/1.1 200 OK\r\nAccept-Ranges: bytes\r\nContent-Length: 11\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\nLast-Modified: Wed, 25 Jun 2014 17:12:18 GMT\r\n' +
        'Date: <date>\r\n\r\n0123456789\n';
      expect(await c.waitFor((t) => t.length >= full.length)).toBe(full);
      c.clear();

      c.send('GET /file HTTP/1.1\r\nHost: x\r\nRange: bytes=3-5\r\n\r\n');
      const part =
        'HTTP/1.1 206 Partial Content\r\nAccept-Ranges: bytes\r\nContent-Length: 3\r\n' +
        'Content-Range: bytes 3-5/11\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        'Last-Modified: Wed, 25 Jun 2014 17:12:18 GMT\r\nDate: <date>\r\n\r\n345';
      expect(await c.waitFor((t) => t.length >= part.length)).toBe(part);
      c.clear();

      c.send(
        'GET /file HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Wed, 25 Jun 2014 17:12:18 GMT\r\n\r\n',
      );
      const nm =
        'HTTP/1.1 304 Not Modified\r\nAccept-Ranges: bytes\r\n' +
        'Last-Modified: Wed, 25 Jun 2014 17:12:18 GMT\r\nDate: <date>\r\n\r\n';
      expect(await c.waitFor((t) => t.endsWith('\r\n\r\n'))).toBe(
        nm.replace('Accept-Ranges: bytes\r\n', ''),
      );
      c.clear();

      c.send('HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n');
      const head = full.slice(0, -'0123456789\n'.length);
      expect(await c.waitFor((t) => t.endsWith('\r\n\r\n'))).toBe(head);
      c.clear();

      c.send('GET /dir2/ HTTP/1.1\r\nHost: x\r\n\r\n');
      const body =
        '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n</pre>\n';
      const t = await c.waitFor((s) => s.endsWith('</pre>\n'));
      expect(t).toBe(
        'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n' +
          'Last-Modified: Wed, 25 Jun 2014 17:12:18 GMT\r\nDate: <date>\r\n' +
          `Content-Length: ${body.length}\r\n\r\n${body}`,
      );
      c.clear();

      c.send('GET /sub HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const redir = await c.waitEnd();
      expect(redir).toBe(
        'HTTP/1.1 301 Moved Permanently\r\nLocation: sub/\r\nDate: <date>\r\n' +
          'Content-Length: 0\r\nConnection: close\r\n\r\n',
      );
    } finally {
      c.close();
      await ts.close();
    }
  });
});

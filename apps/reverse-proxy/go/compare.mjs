// Compares apps/reverse-proxy with Go's httputil.ReverseProxy (go/main.go) byte for byte:
// one ka upstream, both proxies in front of it, the same raw requests to each; prints each
// exchange and whether the bytes match (Date values aside). Run from apps/reverse-proxy,
// after building the app and the Go program:
//
//   (cd go && go build -o /tmp/goproxy .) && pnpm exec node go/compare.mjs /tmp/goproxy
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ResponseController, Server } from '@ka/http-server';
import { listen } from '@ka/net';

const goproxy = process.argv[2] ?? '/tmp/goproxy';
const kaMain = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function upstreamHandler(w, r) {
  const h = w.header();
  switch (r.url.path) {
    case '/hop': {
      const seen = r.header
        .sortedKeyValues()
        .map(([k, v]) => `${k}: ${v.join(' | ')}`)
        .join('\n');
      h.add('Connection', 'Upgrade, X-Fake-Conn');
      h.set('X-Fake-Conn', 'dropped');
      h.set('Keep-Alive', 'timeout=5');
      h.set('Proxy-Authenticate', 'Basic');
      h.set('Upgrade', 'foo');
      h.set('X-Kept', 'yes');
      await w.write(`host=${r.host}\n${seen}\n`);
      return;
    }
    case '/early':
      h.set('Link', '</a.css>; rel=preload');
      w.writeHeader(103);
      h.del('Link');
      await w.write('final\n');
      return;
    case '/trailer':
      h.set('Trailer', 'X-Trailer');
      await w.write('body\n');
      h.set('X-Trailer', 'announced');
      h.set('Trailer:X-Late', 'unannounced');
      return;
    case '/stream': {
      const rc = new ResponseController(w);
      await w.write('one\n');
      await rc.flush();
      await sleep(50);
      await w.write('two\n');
      return;
    }
    case '/echo':
      await w.write(`${r.contentLength} ${r.transferEncoding.join(',')} ${await r.body.text()}`);
      return;
    case '/upgrade': {
      const hj = await new ResponseController(w).hijack();
      await hj.conn.write(
        Buffer.from(
          'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
        ),
      );
      const buf = new Uint8Array(1024);
      for (;;) {
        const n = await hj.reader.read(buf);
        if (n === null) break;
        await hj.conn.write(buf.slice(0, n));
      }
      await hj.conn.close();
      return;
    }
    case '/nocontent':
      h.set('X-Empty', 'yes');
      w.writeHeader(204);
      return;
    case '/hangup': {
      const hj = await new ResponseController(w).hijack();
      await hj.conn.close();
      return;
    }
    default:
      w.writeHeader(404);
  }
}

const cases = [
  [
    'hop-by-hop both ways, X-Forwarded-For, Te: trailers',
    'GET /hop?q=1 HTTP/1.1\r\nHost: some-name\r\nConnection: close, X-Named\r\nX-Named: x\r\n' +
      'Te: foo, trailers\r\nKeep-Alive: 5\r\nProxy-Connection: x\r\nProxy-Authorization: x\r\n' +
      'Upgrade: foo\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Host: evil\r\nUser-Agent: raw\r\n\r\n',
  ],
  ['1xx relayed', 'GET /early HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['trailers', 'GET /trailer HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTe: trailers\r\n\r\n'],
  ['streamed response', 'GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  [
    'chunked request body',
    'POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  ],
  [
    'request body with Content-Length',
    'POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc',
  ],
  [
    'Expect: 100-continue, body sent after the 100',
    'POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n',
    'abc',
  ],
  ['HEAD', 'HEAD /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['204 No Content', 'GET /nocontent HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  ['upstream hangs up: 502', 'GET /hangup HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
  [
    'upgrade (101), then "ping" echoed',
    'GET /upgrade HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n',
    'ping',
  ],
];

function exchange(addr, request, after) {
  const [host, port] = addr.split(':');
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect({ host, port: Number(port) }, () => s.write(request, 'latin1'));
    s.setEncoding('latin1');
    s.on('data', (d) => {
      got += d;
      if (after !== undefined && got.includes('\r\n\r\n') && !got.endsWith(after)) {
        if (!s.sentAfter) {
          s.sentAfter = true;
          s.write(after);
        }
      }
      if (after !== undefined && got.endsWith(after)) s.end();
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got));
    setTimeout(() => s.destroy(), 5000);
  });
}

function startProc(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const addr = new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`${cmd} exited: ${err}`)));
  });
  return { child, addr, stderr: () => err };
}

const norm = (s) => s.replace(/^Date: .*$/gm, 'Date: <date>');

const upstream = new Server({ handler: upstreamHandler });
const ln = await listen('tcp', '127.0.0.1:0');
upstream.serve(ln).catch(() => {});
const url = `http://${ln.addr()}`;
const go = startProc(goproxy, ['--upstream', url]);
const ka = startProc(process.execPath, [kaMain, '--upstream', url]);
const [goAddr, kaAddr] = await Promise.all([go.addr, ka.addr]);

let same = 0;
for (const [name, req, after] of cases) {
  const g = norm(await exchange(goAddr, req, after));
  const k = norm(await exchange(kaAddr, req, after)).replaceAll(kaAddr, goAddr);
  const ok = g === k;
  if (ok) same++;
  console.log(`${ok ? 'SAME' : 'DIFF'}  ${name}`);
  if (!ok || process.env.VERBOSE) {
    console.log(`--- go\n${JSON.stringify(g)}\n--- ka\n${JSON.stringify(k)}\n`);
  }
}
console.log(`\n${same}/${cases.length} exchanges byte-identical (Date aside)`);
console.log(`go log:\n${go.stderr()}ka log:\n${ka.stderr()}`);
go.child.kill();
ka.child.kill('SIGTERM');
await sleep(200);
await upstream.close();

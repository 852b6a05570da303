// The node:http side of the server benchmark: GET /hello → "hello\n", like the reference app.
import http from 'node:http';

const server = http.createServer((req, res) => {
  if (req.url === '/hello' && req.method === 'GET') {
    res.end('hello\n');
    return;
  }
  res.statusCode = 404;
  res.end('404 page not found\n');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address();
  if (a !== null && typeof a === 'object')
    process.stdout.write(`listening on 127.0.0.1:${a.port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

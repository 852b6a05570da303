import { describe, expect, it } from 'vitest';
import { benchServerPipeline } from './server-pipeline.js';

describe('server pipeline diagnostic', () => {
  it('answers every request in full over in-memory conns and reports its cost', async () => {
    const r = await benchServerPipeline({ requests: 400, conns: 4, rounds: 2 });
    // "HTTP/1.1 200 OK", Date, Content-Length: 6, Content-Type: text/plain, "hello\n"
    const head =
      'HTTP/1.1 200 OK\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\nContent-Length: 6\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
    expect(r.bytesPerRequest).toBe(head.length + 'hello\n'.length);
    expect(r.cpuNsPerRequest).toBeGreaterThan(0);
    // The handler's own two Promises and the driver's two at least; the general path made ~60.
    expect(r.promisesPerRequest).toBeGreaterThanOrEqual(4);
    expect(r.promisesPerRequest).toBeLessThan(20);
  });
});

import { expect, test } from 'vitest';
import { benchBufio } from './bufio-read.js';
import { benchNetRead } from './net-read.js';

// Smoke tests with tiny sizes: the benchmarks must keep running, not be fast here.
test('net-read runs and every variant receives all bytes', async () => {
  const total = 2 * 1024 * 1024 + 123;
  const res = await benchNetRead({ total, rounds: 1 });
  expect(res.map((r) => r.name)).toEqual([
    "net.Socket 'data'",
    'Conn.read 32 KiB',
    'Conn.readChunk',
  ]);
  for (const r of res) {
    expect(r.bytes).toBe(total);
    expect(r.mibPerSec).toBeGreaterThan(0);
  }
  expect(res[0]!.ratio).toBe(1);
});

test('bufio-read runs', async () => {
  const res = await benchBufio(1024 * 1024, 1);
  expect(res.length).toBeGreaterThan(0);
  for (const r of res) expect(r.bytes).toBeGreaterThan(0);
});

import { ErrClosedPipe, is } from '@ka/io';
import { describe, expect, test } from 'vitest';
import { ErrDeadlineExceeded, OpError } from './errors.js';
import { rejection, settled, sleep } from './internal/test-support.js';
import { pipe } from './pipe.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

describe('pipe', () => {
  test('a write resolves only when the other end has read all of it', async () => {
    const [a, b] = pipe();
    const w = a.write(enc.encode('0123456789'));
    const p = new Uint8Array(4);
    expect(await b.read(p)).toBe(4);
    expect(dec.decode(p)).toBe('0123');
    expect(await settled(w)).toBe(false);
    const q = new Uint8Array(16);
    expect(await b.read(q)).toBe(6);
    expect(dec.decode(q.subarray(0, 6))).toBe('456789');
    expect(await w).toBe(10);
    await a.close();
    await b.close();
  });

  test('writes are handed over whole and in order; reads never merge two writes', async () => {
    const [a, b] = pipe();
    const w1 = a.write(enc.encode('abc'));
    const w2 = a.write(enc.encode('def'));
    const p = new Uint8Array(16);
    expect(await b.read(p)).toBe(3);
    expect(dec.decode(p.subarray(0, 3))).toBe('abc');
    expect(await b.read(p)).toBe(3);
    expect(dec.decode(p.subarray(0, 3))).toBe('def');
    expect([await w1, await w2]).toEqual([3, 3]);
    await a.close();
    await b.close();
  });

  test('a zero-length write waits for a read, which returns 0', async () => {
    const [a, b] = pipe();
    const w = a.write(new Uint8Array(0));
    expect(await settled(w)).toBe(false);
    expect(await b.read(new Uint8Array(4))).toBe(0);
    expect(await w).toBe(0);
    await a.close();
    await b.close();
  });

  test('full duplex', async () => {
    const [a, b] = pipe();
    const wa = a.write(enc.encode('ping'));
    const wb = b.write(enc.encode('pong'));
    const pa = new Uint8Array(4);
    const pb = new Uint8Array(4);
    const [na, nb] = await Promise.all([a.read(pa), b.read(pb)]);
    expect([na, nb, dec.decode(pa), dec.decode(pb)]).toEqual([4, 4, 'pong', 'ping']);
    await Promise.all([wa, wb]);
    await a.close();
    await b.close();
  });

  test('NET-04 read deadline on a pipe: read pipe: i/o timeout, then usable again', async () => {
    const [a, b] = pipe();
    a.setReadDeadline(Date.now() + 20);
    const e = await rejection(a.read(new Uint8Array(1)));
    expect(e).toBeInstanceOf(OpError);
    expect(e.message).toBe('read pipe: i/o timeout');
    expect((e as OpError).timeout()).toBe(true);
    expect(is(e, ErrDeadlineExceeded)).toBe(true);
    a.setReadDeadline(0);
    const w = b.write(enc.encode('x'));
    expect(await a.read(new Uint8Array(1))).toBe(1);
    await w;
    await a.close();
    await b.close();
  });

  test('NET-05 write deadline on a pipe interrupts a write nobody reads', async () => {
    const [a, b] = pipe();
    a.setWriteDeadline(Date.now() + 20);
    const e = await rejection(a.write(enc.encode('x')));
    expect(e.message).toBe('write pipe: i/o timeout');
    expect(is(e, ErrDeadlineExceeded)).toBe(true);
    // Past deadline: later writes fail at once.
    expect((await rejection(a.write(enc.encode('y')))).message).toBe('write pipe: i/o timeout');
    a.setDeadline(0);
    const w = a.write(enc.encode('z'));
    expect(await b.read(new Uint8Array(1))).toBe(1);
    expect(await w).toBe(1);
    await a.close();
    await b.close();
  });

  test('NET-06 a past deadline set while a pipe read waits fails it at once', async () => {
    const [a, b] = pipe();
    const r = a.read(new Uint8Array(1));
    await sleep(5);
    a.setReadDeadline(1000);
    expect(is(await rejection(r), ErrDeadlineExceeded)).toBe(true);
    await a.close();
    await b.close();
  });

  test('close: local end gets ErrClosedPipe, remote reads EOF and writes ErrClosedPipe', async () => {
    const [a, b] = pipe();
    const pendingRead = b.read(new Uint8Array(1));
    const pendingWrite = b.write(enc.encode('x'));
    const localRead = a.read(new Uint8Array(1));
    await sleep(1);
    // The pending write was consumed by a's pending read; start a fresh one.
    expect(await localRead).toBe(1);
    await pendingWrite;
    const pendingWrite2 = b.write(enc.encode('y'));
    await a.close();
    expect(await pendingRead).toBeNull();
    expect(await rejection(pendingWrite2)).toBe(ErrClosedPipe);
    expect(await b.read(new Uint8Array(1))).toBeNull();
    expect(await rejection(b.write(enc.encode('x')))).toBe(ErrClosedPipe);
    expect(await rejection(a.read(new Uint8Array(1)))).toBe(ErrClosedPipe);
    expect(await rejection(a.write(enc.encode('x')))).toBe(ErrClosedPipe);
    expect(a.setDeadline(0)).toBe(ErrClosedPipe);
    expect(b.setReadDeadline(0)).toBe(ErrClosedPipe);
    expect(b.setWriteDeadline(0)).toBe(ErrClosedPipe);
    expect((ErrClosedPipe as Error).message).toBe('io: read/write on closed pipe');
    // Go: closing a pipe twice is fine.
    await a.close();
    await b.close();
  });

  test('both addresses are "pipe"', async () => {
    const [a, b] = pipe();
    expect(a.localAddr().network()).toBe('pipe');
    expect(a.localAddr().toString()).toBe('pipe');
    expect(b.remoteAddr().toString()).toBe('pipe');
    await a.close();
    await b.close();
  });
});

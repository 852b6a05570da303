import { LimitedReader } from '@ka/io';
import { describe, expect, it } from 'vitest';
import { BytesBody, MessageBody, NoBody, toBody } from './body.js';

// A reader handing out `data` at most `step` bytes per read.
function trickle(data: Uint8Array, step: number) {
  let off = 0;
  return {
    async read(p: Uint8Array): Promise<number | null> {
      if (off === data.length) return null;
      const n = Math.min(step, p.length, data.length - off);
      p.set(data.subarray(off, off + n));
      off += n;
      return n;
    },
  };
}

function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

describe('Body.bytes', () => {
  it('reads a body of every size up to and across buffer boundaries, in order', async () => {
    for (const size of [0, 1, 12, 4095, 4096, 4097, 12_288, 12_289, 100_000]) {
      for (const step of [1_000, 4096, 70_000]) {
        const data = pattern(size);
        const got = await toBody(trickle(data, step)).bytes();
        expect(got.length, `size ${size} step ${step}`).toBe(size);
        expect(Buffer.from(got).equals(Buffer.from(data)), `size ${size} step ${step}`).toBe(true);
      }
    }
  });

  it('returns an exact-size array that does not share the read buffer', async () => {
    const got = await toBody(trickle(pattern(12), 5)).bytes();
    expect(got.byteLength).toBe(12);
    expect(got.buffer.byteLength).toBe(12);
  });

  it('reads in-memory and empty bodies', async () => {
    expect(await new BytesBody(new TextEncoder().encode('hello')).text()).toBe('hello');
    expect((await NoBody.bytes()).length).toBe(0);
  });

  it('sizes its buffer from a Content-Length body and still reads it all', async () => {
    for (const size of [0, 1, 12, 4096, 70_000]) {
      const data = pattern(size);
      const body = new MessageBody({
        src: new LimitedReader(trickle(data, 3000), size),
        closing: false,
      });
      expect(body.bodySizeHint()).toBe(size);
      const got = await body.bytes();
      expect(Buffer.from(got).equals(Buffer.from(data)), `size ${size}`).toBe(true);
      expect(body.bodySizeHint()).toBe(0);
    }
  });

  it('a Content-Length body cut short still fails with unexpected EOF', async () => {
    const body = new MessageBody({
      src: new LimitedReader(trickle(pattern(10), 4), 20),
      closing: false,
    });
    await expect(body.bytes()).rejects.toThrow('unexpected EOF');
  });
});

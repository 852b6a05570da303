import { describe, expect, it } from 'vitest';
import { BufReader, BufWriter } from './bufio.js';
import {
  ErrBufferFull,
  ErrInvalidUnreadByte,
  ErrNegativeCount,
  ErrShortWrite,
  is,
  sentinel,
} from './errors.js';
import { BytesReader, type EagerWriter, type Reader, readAll, type SyncReader } from './io.js';
import { ChunkReader, HalfReader, OneByteReader, RecordingWriter } from './testing.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString('latin1'));

// Go's bufio_test.go reads the same text through readers that return one byte, half the
// request, or everything, and through buffers of many sizes; the result must not change.
const readMakers: Record<string, (s: string) => Reader> = {
  full: (s) => new BytesReader(enc(s)),
  byte: (s) => new OneByteReader(new BytesReader(enc(s))),
  half: (s) => new HalfReader(new BytesReader(enc(s))),
};
const bufSizes = [16, 17, 23, 32, 46, 64, 93, 128, 1024, 4096];
const texts = ['', 'a', 'hello world\n', 'x'.repeat(600), 'line1\nline2\r\nline3'];

describe('BufReader', () => {
  for (const [name, make] of Object.entries(readMakers)) {
    for (const size of bufSizes) {
      it(`read: reader=${name} size=${size} returns the text unchanged`, async () => {
        for (const t of texts) {
          const br = new BufReader(make(t), size);
          expect(dec(await readAll(br))).toBe(t);
        }
      });
      it(`readByte: reader=${name} size=${size}`, async () => {
        for (const t of texts) {
          const br = new BufReader(make(t), size);
          let out = '';
          for (let c = await br.readByte(); c !== null; c = await br.readByte()) {
            out += String.fromCharCode(c);
          }
          expect(out).toBe(t);
        }
      });
      it(`readLine: reader=${name} size=${size} strips \\n and \\r\\n`, async () => {
        const br = new BufReader(make('line1\nline2\r\nline3'), size);
        const lines: string[] = [];
        for (let l = await br.readLine(); l !== null; l = await br.readLine()) {
          expect(l.isPrefix).toBe(false);
          lines.push(dec(l.line)!);
        }
        expect(lines).toEqual(['line1', 'line2', 'line3']);
      });
    }
  }

  it('peek returns views that do not consume; short only at EOF', async () => {
    const br = new BufReader(
      new OneByteReader(new BytesReader(enc('abcdefghijklmnopqrstuvwxyz'))),
      16,
    );
    expect(dec(await br.peek(1))).toBe('a');
    expect(dec(await br.peek(4))).toBe('abcd');
    expect(dec(await br.peek(16))).toBe('abcdefghijklmnop');
    await expect(br.peek(17)).rejects.toBe(ErrBufferFull);
    await expect(br.peek(-1)).rejects.toBe(ErrNegativeCount);
    expect(await br.discard(20)).toBe(20);
    expect(dec(await br.peek(10))).toBe('uvwxyz');
    expect(await br.discard(10)).toBe(6);
    expect((await br.peek(1)).length).toBe(0);
  });

  it('peek(0) at EOF resolves empty', async () => {
    const br = new BufReader(new BytesReader(new Uint8Array(0)));
    expect((await br.peek(0)).length).toBe(0);
    expect((await br.peek(4)).length).toBe(0);
  });

  it('readSlice returns the line with its delimiter, the rest at EOF, then null', async () => {
    const br = new BufReader(new HalfReader(new BytesReader(enc('ab,cd,ef'))), 16);
    expect(dec(await br.readSlice(0x2c))).toBe('ab,');
    expect(dec(await br.readSlice(0x2c))).toBe('cd,');
    expect(dec(await br.readSlice(0x2c))).toBe('ef');
    expect(await br.readSlice(0x2c)).toBeNull();
  });

  it('readSlice never matches stale bytes left in the buffer past the data', async () => {
    const br = new BufReader(new ChunkReader(['abc\ndefghijkl\n', 'xy']), 16);
    expect(dec(await br.readSlice(0x0a))).toBe('abc\n');
    expect(dec(await br.readSlice(0x0a))).toBe('defghijkl\n');
    // the refill slides to the front; old newlines remain beyond the 2 new bytes
    expect(dec(await br.readSlice(0x0a))).toBe('xy');
    expect(await br.readSlice(0x0a)).toBeNull();
  });

  it('readSlice rejects with ErrBufferFull and keeps the bytes', async () => {
    const br = new BufReader(new BytesReader(enc(`${'x'.repeat(20)}\n`)), 16);
    await expect(br.readSlice(0x0a)).rejects.toBe(ErrBufferFull);
    expect(br.buffered()).toBe(16);
    expect(dec(await br.peek(16))).toBe('x'.repeat(16));
  });

  it('readLine splits a line longer than the buffer into prefixes (Go TestReadLineNewlines)', async () => {
    const br = new BufReader(new BytesReader(enc(`${'y'.repeat(40)}\r\nz\n`)), 16);
    const got: [string, boolean][] = [];
    for (let l = await br.readLine(); l !== null; l = await br.readLine()) {
      got.push([dec(l.line)!, l.isPrefix]);
    }
    expect(got).toEqual([
      ['y'.repeat(16), true],
      ['y'.repeat(16), true],
      ['y'.repeat(8), false],
      ['z', false],
    ]);
  });

  it('readLine keeps a \\r at the buffer end for the next call (Go TestLineTooLong / issue 3)', async () => {
    // 15 x's then "\r\n": the buffer of 16 fills with the \r as its last byte.
    const br = new BufReader(new BytesReader(enc(`${'x'.repeat(15)}\r\nnext\n`)), 16);
    const a = await br.readLine();
    expect([dec(a!.line), a!.isPrefix]).toEqual(['x'.repeat(15), true]);
    const b = await br.readLine();
    expect([dec(b!.line), b!.isPrefix]).toEqual(['', false]);
    const c = await br.readLine();
    expect(dec(c!.line)).toBe('next');
  });

  it('unreadByte steps back once; twice is ErrInvalidUnreadByte', async () => {
    const br = new BufReader(new BytesReader(enc('ab')));
    expect(await br.readByte()).toBe(0x61);
    br.unreadByte();
    expect(() => br.unreadByte()).toThrow(ErrInvalidUnreadByte);
    expect(await br.readByte()).toBe(0x61);
    expect(await br.readByte()).toBe(0x62);
    expect(await br.readByte()).toBeNull();
  });

  it('unreadByte before any read fails', () => {
    const br = new BufReader(new BytesReader(enc('ab')));
    expect(() => br.unreadByte()).toThrow(ErrInvalidUnreadByte);
  });

  it('data first, error next: a reader error surfaces after the buffered bytes', async () => {
    const boom = sentinel('ERR_TEST_BOOM', 'boom');
    const br = new BufReader(new ChunkReader(['abc'], boom));
    expect(dec(await br.readSlice(0x0a))).toBe('abc');
    await expect(br.readSlice(0x0a)).rejects.toBe(boom);
    // The error was handed out once; the reader keeps failing on its own.
    await expect(br.readByte()).rejects.toBe(boom);
  });

  it('large reads into an empty buffer bypass it', async () => {
    const src = new ChunkReader([new Uint8Array(100).fill(7)]);
    const br = new BufReader(src, 16);
    const p = new Uint8Array(64);
    expect(await br.read(p)).toBe(64);
    expect(br.buffered()).toBe(0);
  });

  it('readBytes and readString collect across buffer refills', async () => {
    const br = new BufReader(new OneByteReader(new BytesReader(enc(`${'q'.repeat(50)};tail`))), 16);
    expect(await br.readString(0x3b)).toBe(`${'q'.repeat(50)};`);
    expect(await br.readString(0x3b)).toBe('tail');
    expect(await br.readString(0x3b)).toBeNull();
  });

  it('bufferedBytes/skip/fill let a parser work on the held buffer', async () => {
    const br = new BufReader(new ChunkReader(['GET / HTTP/1.1\r\n', 'Host: x\r\n\r\n']));
    expect(await br.fill()).toBe(true);
    expect(dec(br.bufferedBytes())).toBe('GET / HTTP/1.1\r\n');
    br.skip(4);
    expect(await br.fill()).toBe(true);
    expect(dec(br.bufferedBytes())).toBe('/ HTTP/1.1\r\nHost: x\r\n\r\n');
    br.skip(br.buffered());
    expect(await br.fill()).toBe(false);
  });

  it('reset forgets buffered data and pending errors', async () => {
    const br = new BufReader(new BytesReader(enc('abc')));
    await br.peek(2);
    br.reset(new BytesReader(enc('xyz')));
    expect(dec(await readAll(br))).toBe('xyz');
  });
});

describe('BufWriter', () => {
  // Go's TestWriter: every combination of buffer size and write size yields the same bytes.
  for (const size of [1, 2, 3, 4, 5, 7, 8, 9, 10, 16, 32, 64, 100, 4096]) {
    for (const n of [0, 1, 2, 3, 5, 10, 100, 1000]) {
      it(`write ${n} bytes through a buffer of ${size}`, async () => {
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
        const w = new RecordingWriter();
        const bw = new BufWriter(w, size);
        // write in two pieces to exercise the partial-fill path
        const half = n >> 1;
        expect(await bw.write(data.subarray(0, half))).toBe(half);
        expect(await bw.write(data.subarray(half))).toBe(n - half);
        await bw.flush();
        expect(Buffer.concat(w.writes)).toEqual(Buffer.from(data));
        expect(bw.buffered()).toBe(0);
      });
    }
  }

  it('a small response head and body go out in one write', async () => {
    const w = new RecordingWriter();
    const bw = new BufWriter(w);
    await bw.writeString('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n');
    await bw.write(enc('hello'));
    expect(w.writes.length).toBe(0);
    await bw.flush();
    expect(w.writes.length).toBe(1);
    expect(w.text()).toBe('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
  });

  it('the first write error sticks (Go TestWriteErrors)', async () => {
    const boom = new Error('disk full');
    const bw = new BufWriter(new RecordingWriter(0, boom), 4);
    await bw.write(enc('ab'));
    await expect(bw.flush()).rejects.toBe(boom);
    await expect(bw.write(enc('c'))).rejects.toBe(boom);
    await expect(bw.writeString('d')).rejects.toBe(boom);
    await expect(bw.flush()).rejects.toBe(boom);
    expect(bw.error()).toBe(boom);
    bw.reset(new RecordingWriter());
    await bw.write(enc('ok'));
    await bw.flush();
  });

  it('a short write from the underlying writer is ErrShortWrite', async () => {
    const bw = new BufWriter({ write: async (p: Uint8Array) => p.length - 1 }, 8);
    await bw.write(enc('abc'));
    const err = await bw.flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect(is(err, ErrShortWrite)).toBe(true);
  });

  it('writeString encodes UTF-8, also past the buffer size', async () => {
    const w = new RecordingWriter();
    const bw = new BufWriter(w, 16);
    await bw.writeString('héllo, wörld — ');
    await bw.writeString('€'.repeat(20));
    await bw.flush();
    expect(Buffer.concat(w.writes).toString('utf8')).toBe(`héllo, wörld — ${'€'.repeat(20)}`);
  });

  it('tryWriteString buffers synchronously only when it surely fits', async () => {
    const w = new RecordingWriter();
    const bw = new BufWriter(w, 16);
    expect(bw.tryWriteString('héllo')).toBe(true); // 5 units × 3 ≤ 16
    expect(bw.buffered()).toBe(6);
    expect(bw.tryWriteString('abcd')).toBe(false); // 12 > 10 available
    await bw.flush();
    expect(Buffer.concat(w.writes).toString('utf8')).toBe('héllo');
  });

  it('tryWrite buffers synchronously only when it fits', async () => {
    const w = new RecordingWriter();
    const bw = new BufWriter(w, 8);
    expect(bw.tryWrite(enc('12345'))).toBe(true);
    expect(bw.tryWrite(enc('6789'))).toBe(false);
    expect(bw.available()).toBe(3);
    await bw.writeByte(0x21);
    await bw.flush();
    expect(w.text()).toBe('12345!');
  });
});

describe('buffer release while idle (not in Go)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('a BufReader gives up its buffer only when nothing is buffered, and reads on after', async () => {
    const br = new BufReader(
      new ChunkReader(['GET / HT', 'TP/1.1\r\nHost', ': a\r\n\r\nNEXT']),
      32,
    );
    expect(br.releaseBuffer()).not.toBeNull();
    expect(br.releaseBuffer()).toBeNull(); // already released
    expect(br.size()).toBe(32);
    const line = await br.readSlice(0x0a); // allocates a buffer again
    expect(new TextDecoder().decode(line!)).toBe('GET / HTTP/1.1\r\n');
    expect(br.buffered()).toBeGreaterThan(0);
    expect(br.releaseBuffer()).toBeNull(); // bytes still buffered
    const rest = await readAll(br);
    expect(new TextDecoder().decode(rest)).toBe('Host: a\r\n\r\nNEXT');
  });

  it('a released BufReader reads into the buffer it is given, and peek keeps its limits', async () => {
    const br = new BufReader(new BytesReader(enc('abcdefghijklmnopqrstuvwxyz')), 16);
    const first = br.releaseBuffer()!;
    const pooled = new Uint8Array(16);
    br.attachBuffer(pooled);
    br.attachBuffer(first); // no-op: it holds a buffer again
    expect(new TextDecoder().decode(await br.peek(4))).toBe('abcd');
    expect(pooled.subarray(0, 4)).toEqual(enc('abcd'));
    await expect(br.peek(17)).rejects.toBe(ErrBufferFull);
    br.releaseBuffer(); // refused: bytes are buffered
    expect(await br.readByte()).toBe(0x61);
  });

  it('unreadByte after a release fails instead of writing into a lent buffer', async () => {
    const br = new BufReader(new BytesReader(enc('ab')), 16);
    expect(await br.readByte()).toBe(0x61);
    expect(await br.readByte()).toBe(0x62);
    expect(br.releaseBuffer()).not.toBeNull();
    expect(() => br.unreadByte()).toThrow(ErrInvalidUnreadByte);
    expect(await br.readByte()).toBeNull();
  });

  it('a BufWriter gives up its buffer only when empty, and writes on after', async () => {
    const w = new RecordingWriter();
    const bw = new BufWriter(w, 8);
    expect(bw.releaseBuffer()).not.toBeNull();
    expect(bw.available()).toBe(8);
    expect(bw.tryWriteString('ab')).toBe(true);
    expect(bw.releaseBuffer()).toBeNull(); // bytes buffered
    await bw.flush();
    expect(bw.releaseBuffer()).not.toBeNull();
    await bw.write(enc('cd'));
    expect(bw.releaseBuffer()).toBeNull();
    await bw.flush();
    bw.releaseBuffer();
    await bw.writeString('ef');
    await bw.writeByte(0x67);
    await bw.flush();
    bw.releaseBuffer();
    const pooled = new Uint8Array(8);
    bw.attachBuffer(pooled);
    expect(bw.tryWrite(enc('hi'))).toBe(true);
    expect(pooled.subarray(0, 2)).toEqual(enc('hi'));
    await bw.flush();
    expect(w.text()).toBe('abcdefghi');
  });
});

describe('synchronous fast paths (tryFill, flushEager, tryWriteLatin1)', () => {
  // A SyncReader over queued chunks: tryRead hands out what is queued, read waits for more.
  class Queue implements SyncReader {
    chunks: Uint8Array[] = [];
    tryRead(p: Uint8Array): number | undefined {
      const c = this.chunks.shift();
      if (c === undefined) return undefined;
      const n = Math.min(p.length, c.length);
      p.set(c.subarray(0, n));
      if (n < c.length) this.chunks.unshift(c.subarray(n));
      return n;
    }
    async read(p: Uint8Array): Promise<number | null> {
      return this.tryRead(p) ?? null;
    }
  }

  it('tryFill takes what a SyncReader has at hand, and nothing when it has none', () => {
    const q = new Queue();
    const br = new BufReader(q, 16);
    expect(br.tryFill()).toBe(false);
    q.chunks.push(enc('GET / HTTP/1.1\r\n'), enc('rest'));
    expect(br.tryFill()).toBe(true);
    expect(new TextDecoder().decode(br.bufferedBytes())).toBe('GET / HTTP/1.1\r\n');
    expect(br.tryFill()).toBe(false); // full: 16 bytes buffered
    br.skip(4);
    expect(br.tryFill()).toBe(true); // slides the unread bytes down first
    expect(new TextDecoder().decode(br.bufferedBytes())).toBe('/ HTTP/1.1\r\nrest');
  });

  it('tryFill never reads from a reader that is not a SyncReader', () => {
    const br = new BufReader(new BytesReader(enc('data')));
    expect(br.tryFill()).toBe(false);
    expect(br.buffered()).toBe(0);
  });

  it('tryFill leaves a pending error for the next read', async () => {
    const boom = new Error('reset');
    const q = new Queue();
    let first = true;
    const r: SyncReader = {
      tryRead: (p) => q.tryRead(p),
      read: async (p) => {
        if (first) {
          first = false;
          p[0] = 0x61;
          return 1;
        }
        throw boom;
      },
    };
    const br = new BufReader(r, 16);
    expect(await br.peek(1)).toEqual(enc('a'));
    await expect(br.peek(2)).rejects.toBe(boom);
    q.chunks.push(enc('b'));
    expect(br.tryFill()).toBe(true); // the error was handed out already; new bytes are fine
  });

  // An EagerWriter that completes synchronously, or through a Promise, or fails.
  function eager(mode: 'sync' | 'async' | 'fail' | 'short') {
    const out: number[] = [];
    const boom = new Error('broken pipe');
    const w: EagerWriter = {
      writeEager(p) {
        out.push(...p);
        if (mode === 'sync') return p.length;
        if (mode === 'short') return p.length - 1;
        if (mode === 'fail') return Promise.reject(boom);
        return Promise.resolve(p.length);
      },
      write: async (p) => p.length,
    };
    return { w, out, boom };
  }

  it('flushEager completes synchronously through a synchronous EagerWriter', () => {
    const { w, out } = eager('sync');
    const bw = new BufWriter(w, 64);
    expect(bw.tryWriteLatin1('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(bw.flushEager()).toBeUndefined();
    expect(bw.buffered()).toBe(0);
    expect(Buffer.from(out).toString('latin1')).toBe('HTTP/1.1 200 OK\r\n');
    expect(bw.flushEager()).toBeUndefined(); // nothing buffered: nothing to do
  });

  it('flushEager hands back the Promise of a write still under way', async () => {
    const { w } = eager('async');
    const bw = new BufWriter(w, 64);
    bw.tryWriteString('abc');
    const p = bw.flushEager();
    expect(p).toBeInstanceOf(Promise);
    expect(bw.buffered()).toBe(3); // not flushed until the write completes, as flush
    await p;
    expect(bw.buffered()).toBe(0);
  });

  it('flushEager failures stick like flush failures; a short write is ErrShortWrite', async () => {
    const failing = eager('fail');
    const bw = new BufWriter(failing.w, 64);
    bw.tryWriteString('abc');
    await expect(bw.flushEager()).rejects.toBe(failing.boom);
    expect(bw.error()).toBe(failing.boom);
    await expect(bw.flushEager()).rejects.toBe(failing.boom);

    const short = new BufWriter(eager('short').w, 64);
    short.tryWriteString('abc');
    const err = await short.flushEager()?.catch((e: unknown) => e);
    expect(is(err, ErrShortWrite)).toBe(true);
  });

  it('flushEager over a plain Writer is flush', async () => {
    const w = new RecordingWriter();
    const bw = new BufWriter(w, 64);
    bw.tryWriteString('abc');
    await bw.flushEager();
    expect(w.text()).toBe('abc');
  });

  it('tryWriteLatin1 writes one byte per character and refuses what does not fit', () => {
    const { w, out } = eager('sync');
    const bw = new BufWriter(w, 8);
    expect(bw.tryWriteLatin1('a\xe9\xff')).toBe(true);
    expect(bw.tryWriteLatin1('123456')).toBe(false); // 3 + 6 > 8: nothing written
    expect(bw.buffered()).toBe(3);
    bw.flushEager();
    expect(out).toEqual([0x61, 0xe9, 0xff]);
  });

  it('tryWriteString and writeString encode exactly as TextEncoder does', async () => {
    for (const s of ['plain ascii', 'caf\u00e9', '\u{1f600} smile', 'lone \ud800 surrogate', '']) {
      const { w, out } = eager('sync');
      const bw = new BufWriter(w, 256);
      expect(bw.tryWriteString(s)).toBe(true);
      await bw.writeString(s);
      bw.flushEager();
      const one = new TextEncoder().encode(s);
      expect(Uint8Array.from(out)).toEqual(Uint8Array.from([...one, ...one]));
    }
  });
});

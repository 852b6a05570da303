import { BufReader, BufWriter, BytesReader, BytesWriter, type Reader } from '@ka/io';
import { ChunkReader } from '@ka/io/testing';
import { describe, expect, it } from 'vitest';
import { bufOf, oracle, readBody, readerKinds, rest, str, wire } from '../test/helpers.js';
import { ChunkedReader, ChunkedWriter, parseHexUint } from './chunked.js';

interface Data {
  read: { In: string; Data: string; Err: string; Rest: string }[];
  hex: { In: string; N: number; Err: string }[];
  write: { Writes: string[] | null; Out: string }[];
}
const data = oracle<Data>('chunked.json');

function title(s: string): string {
  return JSON.stringify(s.length > 50 ? `${s.slice(0, 50)}…(${s.length})` : s);
}

describe('ChunkedReader matches Go chunkedReader (chunked_test.go + SRV-58/59 cases)', () => {
  for (const [kind, mk] of readerKinds) {
    describe(kind, () => {
      for (const c of data.read) {
        it(title(c.In), async () => {
          const br = bufOf(c.In, mk);
          const [got, err] = await readBody(new ChunkedReader(br));
          expect(err).toBe(c.Err);
          expect(got).toBe(c.Data);
          if (c.Err === '') expect(await rest(br)).toBe(c.Rest);
        });
      }
    });
  }
});

describe('parseHexUint matches Go (TestParseHexUint)', () => {
  for (const c of data.hex) {
    it(JSON.stringify(c.In), () => {
      let n = 0;
      let err = '';
      try {
        n = parseHexUint(wire(c.In));
      } catch (e) {
        err = (e as Error).message;
      }
      expect(err).toBe(c.Err);
      // Go's uint64 does not fit a double; compare what a double can hold.
      if (err === '') expect(n).toBe(Number(BigInt(`0x${c.In}`)));
    });
  }
  it('parses every value up to 1234 (TestParseHexUint)', () => {
    for (let i = 0; i <= 1234; i++) expect(parseHexUint(wire(i.toString(16)))).toBe(i);
  });
});

describe('ChunkedWriter matches Go chunkedWriter (TestChunk)', () => {
  data.write.forEach((c, i) => {
    it(`#${i}`, async () => {
      const out = new BytesWriter();
      const w = new ChunkedWriter(out);
      for (const s of c.Writes ?? []) await w.write(wire(s));
      await w.close();
      expect(str(out.bytes())).toBe(c.Out);
    });
  });
  it('writes through a BufWriter and flushes per chunk when asked', async () => {
    const out = new BytesWriter();
    const bw = new BufWriter(out);
    const w = new ChunkedWriter(bw, { flushAfterChunk: true });
    await w.write(wire('abc'));
    expect(str(out.bytes())).toBe('3\r\nabc\r\n');
    await w.close();
    await bw.flush();
    expect(str(out.bytes())).toBe('3\r\nabc\r\n0\r\n');
  });
});

describe('ChunkedReader read boundaries (TestChunkReadMultiple, TestChunkReadPartial)', () => {
  it('returns buffered small chunks in one read and reports the end', async () => {
    const cr = new ChunkedReader(
      new BufReader(new BytesReader(wire('3\r\nfoo\r\n3\r\nbar\r\n0\r\n'))),
    );
    const buf = new Uint8Array(10);
    const n = await cr.read(buf);
    expect(str(buf.subarray(0, n!))).toBe('foobar');
    expect(cr.sawFinalChunk).toBe(true);
    expect(await cr.read(buf)).toBeNull();
  });
  it('stops at a chunk boundary when the next header is not buffered', async () => {
    const src = new ChunkReader(['3\r\nfoo\r\n', '3\r\nbar\r\n0\r\n']);
    const cr = new ChunkedReader(new BufReader(src));
    const buf = new Uint8Array(10);
    expect(await cr.read(buf)).toBe(3);
    expect(src.reads).toBe(1);
    expect(await cr.read(buf)).toBe(3);
    expect(str(buf.subarray(0, 3))).toBe('bar');
  });
  it('reads a full chunk, then reports malformed chunked encoding', async () => {
    const cr = new ChunkedReader(new BufReader(new ChunkReader(['7\r\n1234567', 'xx'])));
    const buf = new Uint8Array(7);
    expect(await cr.read(buf)).toBe(7);
    await expect(cr.read(buf)).rejects.toThrow('malformed chunked encoding');
    await expect(cr.read(buf)).rejects.toThrow('malformed chunked encoding');
  });
  it('passes a read error at the chunk end through (TestChunkEndReadError)', async () => {
    const err = new Error('chunk end read error');
    const cr = new ChunkedReader(new BufReader(new ChunkReader(['4\r\nabcd'], err)));
    const [got, e] = await readBody(cr);
    expect(got).toBe('abcd');
    expect(e).toBe('chunk end read error');
  });
});

// Go: funcReader — an endless source built from a function of the call number.
class FuncReader implements Reader {
  #i = 0;
  #pending: Uint8Array = new Uint8Array(0);
  constructor(private readonly f: (i: number) => Uint8Array) {}
  async read(p: Uint8Array): Promise<number | null> {
    if (this.#pending.length === 0) this.#pending = this.f(this.#i++);
    const n = Math.min(p.length, this.#pending.length);
    p.set(this.#pending.subarray(0, n));
    this.#pending = this.#pending.subarray(n);
    return n;
  }
}

describe('ChunkedReader overhead limits', () => {
  it('SRV-59 rejects 100-byte extensions per 1-byte chunk (TestChunkReaderTooMuchOverhead)', async () => {
    const chunk = wire(`1;${'a'.repeat(100)}\r\nX\r\n`);
    const last = wire('0\r\n');
    const cr = new ChunkedReader(new FuncReader((i) => (i < 1 << 20 ? chunk : last)));
    const [, err] = await readBody(cr);
    expect(err).toBe('chunked encoding contains too much non-data');
  });
  it('accepts a byte per chunk (TestChunkReaderByteAtATime)', async () => {
    const chunk = wire('1\r\nX\r\n');
    const last = wire('0\r\n');
    const n = 1 << 16;
    const cr = new ChunkedReader(new BufReader(new FuncReader((i) => (i < n ? chunk : last))));
    const buf = new Uint8Array(65536);
    let total = 0;
    for (;;) {
      const k = await cr.read(buf);
      if (k === null) break;
      total += k;
    }
    expect(total).toBe(n);
  });
  it('reads a Go-written chunked stream back (TestChunk)', async () => {
    const out = new BytesWriter();
    const w = new ChunkedWriter(out);
    await w.write(wire('hello, '));
    await w.write(wire('world! 0123456789abcdef'));
    await w.close();
    const [got, err] = await readBody(new ChunkedReader(new BytesReader(out.bytes().slice())));
    expect([got, err]).toEqual(['hello, world! 0123456789abcdef', '']);
  });
});

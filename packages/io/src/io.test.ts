import { describe, expect, it } from 'vitest';
import { ErrShortBuffer, ErrShortWrite, ErrUnexpectedEOF } from './errors.js';
import {
  BytesReader,
  BytesWriter,
  copy,
  copyN,
  Discard,
  LimitedReader,
  limitReader,
  multiReader,
  nopCloser,
  readAll,
  readAtLeast,
  readFull,
} from './io.js';
import { ChunkReader, OneByteReader } from './testing.js';

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('io helpers', () => {
  it('LimitedReader stops at n and keeps n up to date', async () => {
    const lr = new LimitedReader(new BytesReader(enc('hello world')), 5);
    expect(text(await readAll(lr))).toBe('hello');
    expect(lr.n).toBe(0);
    expect(await lr.read(new Uint8Array(4))).toBeNull();
  });

  it('multiReader concatenates and skips empty readers', async () => {
    const r = multiReader(
      new BytesReader(enc('ab')),
      new BytesReader(enc('')),
      new BytesReader(enc('cd')),
    );
    expect(text(await readAll(r))).toBe('abcd');
  });

  it('copy moves everything and counts it', async () => {
    const w = new BytesWriter();
    const n = await copy(
      w,
      new OneByteReader(new BytesReader(enc('0123456789'))),
      new Uint8Array(3),
    );
    expect(n).toBe(10);
    expect(w.toString()).toBe('0123456789');
  });

  it('copy fails with ErrShortWrite when the writer takes less', async () => {
    const short = { write: async (p: Uint8Array) => p.length - 1 };
    await expect(copy(short, new BytesReader(enc('abc')))).rejects.toBe(ErrShortWrite);
  });

  it('copyN copies at most n bytes, fewer when the source ends', async () => {
    const w = new BytesWriter();
    expect(await copyN(w, new BytesReader(enc('abcdef')), 4)).toBe(4);
    expect(w.toString()).toBe('abcd');
    expect(await copyN(Discard, new BytesReader(enc('ab')), 4)).toBe(2);
  });

  it('readFull: full, EOF before any byte, and unexpected EOF (Go TestReadFull)', async () => {
    const buf = new Uint8Array(4);
    expect(await readFull(new OneByteReader(new BytesReader(enc('abcdef'))), buf)).toBe(4);
    expect(text(buf)).toBe('abcd');
    expect(await readFull(new BytesReader(enc('')), buf)).toBeNull();
    await expect(readFull(new BytesReader(enc('ab')), buf)).rejects.toBe(ErrUnexpectedEOF);
  });

  it('readAtLeast rejects a buffer smaller than min with ErrShortBuffer', async () => {
    await expect(readAtLeast(new BytesReader(enc('abc')), new Uint8Array(2), 3)).rejects.toBe(
      ErrShortBuffer,
    );
    expect(await readAtLeast(new ChunkReader(['a', 'b', 'c']), new Uint8Array(3), 2)).toBe(2);
  });

  it('readAll propagates reader errors', async () => {
    const boom = new Error('boom');
    await expect(readAll(new ChunkReader(['x'], boom))).rejects.toBe(boom);
  });

  it('limitReader and nopCloser keep the Reader shape', async () => {
    const rc = nopCloser(limitReader(new BytesReader(enc('abc')), 2));
    expect(text(await readAll(rc))).toBe('ab');
    expect(rc.close()).toBeUndefined();
  });

  it('Discard accepts everything', async () => {
    expect(await Discard.write(new Uint8Array(10))).toBe(10);
  });
});

// bufio.Reader.readSlice('\n') over an in-memory source: 100-byte lines, goal ≥ 1 GB/s.
// Also readLine, and Go-style parsing from the held buffer (bufferedBytes/skip/fill) for
// comparison. Bounded: a fixed number of bytes per round, best of `rounds`.
import { BufReader, type Reader } from '@ka/io';

/** One measured variant. */
export interface BufioResult {
  name: string;
  bytes: number;
  bestMs: number;
  gbPerSec: number;
}

// A reader that hands out the same 64 KiB block of 100-byte lines again and again, without
// allocating, until `total` bytes were read.
class RepeatReader implements Reader {
  readonly #block: Uint8Array;
  #off = 0;
  #left: number;
  constructor(block: Uint8Array, total: number) {
    this.#block = block;
    this.#left = total;
  }
  async read(p: Uint8Array): Promise<number | null> {
    if (this.#left <= 0) return null;
    const n = Math.min(p.length, this.#block.length - this.#off, this.#left);
    p.set(this.#block.subarray(this.#off, this.#off + n));
    this.#off = (this.#off + n) % this.#block.length;
    this.#left -= n;
    return n;
  }
}

function makeBlock(): Uint8Array {
  const line = new Uint8Array(100).fill(0x78);
  line[99] = 0x0a;
  const block = new Uint8Array(100 * 655);
  for (let i = 0; i < 655; i++) block.set(line, i * 100);
  return block;
}

async function timeIt(fn: () => Promise<number>, rounds: number): Promise<[number, number]> {
  let best = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    bytes = await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return [best, bytes];
}

/** Runs the bufio benchmarks over `total` bytes per round. */
export async function benchBufio(total = 256 * 1024 * 1024, rounds = 3): Promise<BufioResult[]> {
  const block = makeBlock();
  const out: BufioResult[] = [];
  const record = (name: string, [ms, bytes]: [number, number]) =>
    out.push({ name, bytes, bestMs: ms, gbPerSec: bytes / (ms / 1000) / 1e9 });

  record(
    'readSlice(\\n)',
    await timeIt(async () => {
      const br = new BufReader(new RepeatReader(block, total));
      let n = 0;
      for (let l = await br.readSlice(0x0a); l !== null; l = await br.readSlice(0x0a))
        n += l.length;
      return n;
    }, rounds),
  );
  record(
    'readLine()',
    await timeIt(async () => {
      const br = new BufReader(new RepeatReader(block, total));
      let n = 0;
      for (let l = await br.readLine(); l !== null; l = await br.readLine()) n += l.line.length + 1;
      return n;
    }, rounds),
  );
  record(
    'bufferedBytes+skip',
    await timeIt(async () => {
      const br = new BufReader(new RepeatReader(block, total));
      let n = 0;
      while (await br.fill()) {
        const b = br.bufferedBytes();
        let start = 0;
        for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, start)) {
          n += i + 1 - start;
          start = i + 1;
        }
        br.skip(start);
      }
      return n;
    }, rounds),
  );
  return out;
}

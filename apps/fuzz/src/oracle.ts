// Go's parsers as the oracle at the library level: go-oracle/main.go runs http.ReadRequest,
// http.ReadResponse and httputil.NewChunkedReader on the same bytes @ka/http parses here, and
// both sides describe the outcome in one shape (fields, body, trailer, or the error's text).
// Finer than the wire: error texts and parsed fields are compared, not only status codes.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildGoProgram, defaultGoCacheDir } from '@ka/conformance';
import { ChunkedReader, type Header, readRequest, readResponse } from '@ka/http';
import { BufReader, BytesReader, isGoError, type Reader } from '@ka/io';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** What the oracle parses. */
export type OracleKind = 'request' | 'response' | 'chunked';

/** The running Go oracle (one process, inputs answered in order). */
export class GoOracle {
  readonly #waiting: ((line: string) => void)[] = [];
  readonly #exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    const out = createInterface({ input: child.stdout! });
    out.on('line', (line) => this.#waiting.shift()?.(line));
    this.#exited = new Promise((r) => child.once('close', () => r()));
    child.once('close', () => {
      for (const w of this.#waiting.splice(0)) w('{"err":"oracle exited"}');
    });
  }

  /** Builds (cached) and starts the oracle. */
  static async start(): Promise<GoOracle> {
    const prog = await buildGoProgram({
      name: 'fuzz-oracle',
      srcDir: join(appRoot, 'go-oracle'),
      cacheDir: join(appRoot, '.cache', 'fuzz-oracle'),
      goCache: join(defaultGoCacheDir(), 'gocache'), // the std lib compiled once, shared
      what: 'the fuzz oracle',
    });
    return new GoOracle(spawn(prog.binary, [], { stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  /** Go's outcome for `input` read through a bufio.Reader of `bufSize` bytes, canonical JSON. */
  run(kind: OracleKind, input: Uint8Array, bufSize = 4096): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting.push((line) => resolve(canonical(JSON.parse(line))));
      this.child.stdin!.write(`${kind} ${bufSize} ${Buffer.from(input).toString('hex')}\n`);
    });
  }

  /** Ends the process (closing its stdin) and waits for it. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    await this.#exited;
  }
}

/** JSON with object keys sorted. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

const latin1Hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
const utf8Hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

function hexHeader(h: Header | null): [string, string[]][] {
  if (h === null) return [];
  return [...h.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, vv]) => [latin1Hex(k), vv.map(latin1Hex)]);
}

function errText(err: unknown): string {
  if (!isGoError(err)) throw err; // a crash: the library properties report these
  return err.message;
}

// Reads everything, keeping what came before an error (Go's io.ReadAll).
async function readAll(r: Reader): Promise<{ data: string; err: string }> {
  const out: Buffer[] = [];
  const p = new Uint8Array(4096);
  let err = '';
  try {
    for (;;) {
      const n = await r.read(p);
      if (n === null) break;
      out.push(Buffer.from(p.subarray(0, n)));
    }
  } catch (e) {
    err = errText(e);
  }
  return { data: Buffer.concat(out).toString('hex'), err };
}

/** ka's outcome for `input` (BufReader of `bufSize` bytes), in the oracle's shape, canonical JSON. */
export async function kaOutcome(
  kind: OracleKind,
  input: Uint8Array,
  bufSize = 4096,
): Promise<string> {
  const br = new BufReader(new BytesReader(input), bufSize);
  if (kind === 'chunked') return canonical(await readAll(new ChunkedReader(br)));
  if (kind === 'request') {
    let req: Awaited<ReturnType<typeof readRequest>>;
    try {
      req = await readRequest(br);
    } catch (err) {
      return canonical({ err: errText(err) });
    }
    const body = await readAll(req.body);
    return canonical({
      method: latin1Hex(req.method),
      uri: utf8Hex(req.requestURI),
      url: utf8Hex(req.url.toString()),
      proto: latin1Hex(req.proto),
      host: req.url.host !== '' ? utf8Hex(req.host) : latin1Hex(req.host),
      header: hexHeader(req.header),
      contentLength: req.contentLength,
      te: req.transferEncoding.map(latin1Hex),
      close: req.close,
      body: { ...body, trailer: hexHeader(req.trailer) },
    });
  }
  let resp: Awaited<ReturnType<typeof readResponse>>;
  try {
    resp = await readResponse(br);
  } catch (err) {
    return canonical({ err: errText(err) });
  }
  const body = await readAll(resp.body);
  return canonical({
    status: latin1Hex(resp.status),
    code: resp.statusCode,
    proto: latin1Hex(resp.proto),
    header: hexHeader(resp.header),
    contentLength: resp.contentLength,
    te: resp.transferEncoding.map(latin1Hex),
    close: resp.close,
    body: { ...body, trailer: hexHeader(resp.trailer) },
  });
}

/** One input on which ka and Go disagree. */
export interface OracleMismatch {
  readonly kind: OracleKind;
  readonly index: number;
  /** The bufio.Reader size used. */
  readonly bufSize: number;
  readonly input: Uint8Array;
  readonly ka: string;
  readonly go: string;
}

/**
 * Buffer size for the i-th input: mostly bufio's default, some the minimum (16) and odd
 * sizes, where lines outgrow the buffer (Go's chunked reader then fails with "header line
 * too long"; textproto reassembles the pieces).
 */
export function bufSizeFor(i: number): number {
  const sizes = [4096, 4096, 16, 4096, 17, 4096, 64, 4096, 100];
  return sizes[i % sizes.length]!;
}

/** Compares ka with Go on every input; differences explained by `known` are returned apart. */
export async function compareWithOracle(
  oracle: GoOracle,
  kind: OracleKind,
  inputs: readonly Uint8Array[],
  known: (input: Uint8Array) => string | null,
): Promise<{ mismatches: OracleMismatch[]; known: OracleMismatch[] }> {
  // all inputs go to Go at once (answers come back in order) while ka works through them
  const goOut = Promise.all(inputs.map((b, i) => oracle.run(kind, b, bufSizeFor(i))));
  const kaOut: string[] = [];
  for (const [i, b] of inputs.entries()) kaOut.push(await kaOutcome(kind, b, bufSizeFor(i)));
  const gos = await goOut;
  const mismatches: OracleMismatch[] = [];
  const knownOnes: OracleMismatch[] = [];
  inputs.forEach((input, index) => {
    if (kaOut[index] === gos[index]) return;
    const m = {
      kind,
      index,
      bufSize: bufSizeFor(index),
      input,
      ka: kaOut[index]!,
      go: gos[index]!,
    };
    const reason = known(input) ?? unicodeVersionDifference(m.ka, m.go);
    (reason === null ? mismatches : knownOnes).push(m);
  });
  return { mismatches, known: knownOnes };
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * Whether two outcomes differ only in how a quoted error text shows code points that Go's
 * Unicode tables (15.0 in Go 1.26) do not have but Node's do (17.0 in Node 24): Go's `%q`
 * escapes them (`\ufbc4`), ka's port of it keeps them (its printability test is a Unicode
 * property regex, so it follows the running Node's Unicode version).
 */
export function unicodeVersionDifference(ka: string, go: string): string | null {
  const unescaped = go.replace(/\\\\(u[0-9a-f]{4}|U[0-9a-f]{8})/g, (all, hex: string) => {
    const ch = String.fromCodePoint(Number.parseInt(hex.slice(1), 16));
    return printable.test(ch) ? ch : all;
  });
  return unescaped !== go && unescaped === ka
    ? "code point printable in Node's Unicode, not in Go's (strconv.IsPrint)"
    : null;
}

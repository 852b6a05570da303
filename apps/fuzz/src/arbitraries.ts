// fast-check generators of hostile HTTP/1.x input: requests built from a model (mostly valid,
// aimed at the reference app's routes), then mutated at the byte level with the tricks that
// break parsers (control bytes, bare CR/LF, obs-fold, duplicated lines, truncation); chunked
// bodies; responses. Everything is bytes (Uint8Array), so counterexamples print exactly.
import fc from 'fast-check';

const enc = (s: string) => Buffer.from(s, 'latin1');

/** Routes of REFERENCE_APP.md that answer at once and do not depend on the peer address. */
export const Targets = [
  '/hello',
  '/echo',
  '/headers',
  '/method',
  '/method?a=1&b=%20',
  '/expect',
  '/status/204',
  '/status/304',
  '/status/101',
  '/ignore-body',
  '/close',
  '/sized/10',
  '/bytes/3000',
  '/stream/3',
  '/trailers',
  '/gzip',
  '/redirect/1',
  '/flush-empty',
  '/nope',
  '/x/form?a=1;b=2&c=3',
  '/x/read-one',
  '/x/close-body',
  '/x/max-bytes/5',
  '/x/short-cl',
  '/x/te/chunked',
  '*',
  'http://other/hello',
  '/a/../hello',
  '//hello',
  '/%zz',
];

const methods = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') },
  { weight: 1, arbitrary: fc.constantFrom('HEAD', 'get', 'CONNECT', 'PRI', 'G@T', '', 'GET GET') },
);

const versions = fc.oneof(
  { weight: 12, arbitrary: fc.constant('HTTP/1.1') },
  { weight: 3, arbitrary: fc.constant('HTTP/1.0') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'HTTP/1.2',
      'HTTP/2.0',
      'HTTP/0.9',
      'http/1.1',
      'HTTP/1',
      'HTTP/1.1 ',
      '',
    ),
  },
);

const token = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_!#$%&'*+.^`|~"),
  minLength: 1,
  maxLength: 12,
});
const fieldValue = fc.string({
  unit: fc.constantFrom(...'abcxyz0123 ,;=/"()\t'.split(''), 'é'),
  maxLength: 20,
});

/** Values that framing headers take in the wild and in attacks. */
const clValues = fc.oneof(
  fc.nat({ max: 64 }).map(String),
  fc.constantFrom(
    '',
    '+5',
    '-1',
    '0x5',
    ' 5',
    '5 ',
    '5,5',
    '5, 5',
    '05',
    '1e1',
    '99999999999999999999',
    '\x005',
  ),
);
const teValues = fc.constantFrom(
  'chunked',
  'chunked',
  'chunked',
  'Chunked',
  'identity',
  'gzip',
  'gzip, chunked',
  'chunked, identity',
  'xchunked',
  ' chunked',
  'chunked ',
  '\tchunked',
  '"chunked"',
  '',
);

type HeaderLine = readonly [string, string];

const extraHeader: fc.Arbitrary<HeaderLine> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(
      token.map((t) => `X-${t}`),
      fieldValue,
    ),
  },
  { weight: 2, arbitrary: clValues.map((v): HeaderLine => ['Content-Length', v]) },
  { weight: 2, arbitrary: teValues.map((v): HeaderLine => ['Transfer-Encoding', v]) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<HeaderLine>(
      ['Connection', 'close'],
      ['Connection', 'keep-alive'],
      ['Connection', 'Upgrade'],
      ['Upgrade', 'h2c'],
      ['Expect', '100-continue'],
      ['Expect', 'nothing'],
      ['Host', 'y'],
      ['Host', ''],
      ['Host', 'a b'],
      ['Trailer', 'X-T'],
      ['Accept-Encoding', 'gzip'],
      ['transfer-encoding', 'chunked'],
      ['content-length', '3'],
    ),
  },
);

/** A chunked body: chunks of payload with optional extensions, a last chunk, optional trailers. */
export const chunkedBody = fc
  .record({
    chunks: fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 4 }),
    ext: fc.option(fc.constantFrom(';a=b', ';q="x;y"', ';e', `;${'z'.repeat(30)}`), { nil: '' }),
    trailer: fc.option(fc.constantFrom('X-T: 1\r\n', 'Content-Length: 9\r\n', 'X-T: a\r\n b\r\n'), {
      nil: '',
    }),
    sizeCase: fc.constantFrom('lower', 'upper', 'zeros'),
  })
  .map(({ chunks, ext, trailer, sizeCase }) => {
    const parts: Uint8Array[] = [];
    for (const c of chunks) {
      let size = c.length.toString(16);
      if (sizeCase === 'upper') size = size.toUpperCase();
      if (sizeCase === 'zeros') size = `000${size}`;
      parts.push(enc(`${size}${ext}\r\n`), c, enc('\r\n'));
    }
    parts.push(enc(`0${ext}\r\n${trailer}\r\n`));
    return { wire: Buffer.concat(parts), payload: Buffer.concat(chunks) };
  });

/** The model of a request before byte-level mutation. */
export interface RequestModel {
  readonly method: string;
  readonly target: string;
  readonly version: string;
  readonly headers: readonly HeaderLine[];
  readonly body: Uint8Array;
  readonly eol: string;
}

/** A request: mostly well-formed, with hostile framing headers and bodies mixed in. */
export const requestModel: fc.Arbitrary<RequestModel> = fc
  .record({
    method: methods,
    target: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...Targets) },
      { weight: 1, arbitrary: token.map((t) => `/${t}`) },
    ),
    version: versions,
    host: fc.constantFrom(1, 1, 1, 1, 0, 2),
    extra: fc.array(extraHeader, { maxLength: 4 }),
    framing: fc.constantFrom('none', 'none', 'cl', 'cl', 'chunked', 'chunked', 'cl-wrong', 'raw'),
    payload: fc.uint8Array({ maxLength: 48 }),
    chunked: chunkedBody,
    eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\n'),
  })
  .map((m) => {
    const headers: HeaderLine[] = [];
    for (let i = 0; i < m.host; i++) headers.push(['Host', i === 0 ? 'x' : 'x2']);
    let body: Uint8Array = new Uint8Array(0);
    switch (m.framing) {
      case 'cl':
        headers.push(['Content-Length', String(m.payload.length)]);
        body = m.payload;
        break;
      case 'cl-wrong':
        headers.push(['Content-Length', String(m.payload.length + 7)]);
        body = m.payload;
        break;
      case 'chunked':
        headers.push(['Transfer-Encoding', 'chunked']);
        body = m.chunked.wire;
        break;
      case 'raw':
        body = m.payload;
        break;
    }
    headers.push(...m.extra);
    return {
      method: m.method,
      target: m.target,
      version: m.version,
      headers,
      body,
      eol: m.eol,
    };
  });

/** The bytes of a request model. */
export function renderRequest(m: RequestModel): Buffer {
  const line =
    m.version === '' ? `${m.method} ${m.target}` : `${m.method} ${m.target} ${m.version}`;
  let head = `${line}${m.eol}`;
  for (const [k, v] of m.headers) head += `${k}: ${v}${m.eol}`;
  head += m.eol;
  return Buffer.concat([enc(head), m.body]);
}

/** Bytes that break parsers when dropped anywhere. */
const hostileBytes = [
  0x00, 0x0d, 0x0a, 0x09, 0x20, 0x0b, 0x0c, 0x7f, 0x80, 0xff, 0x3a, 0x3b, 0x2c, 0x22,
];

/** One byte-level mutation; positions are taken modulo the input length. */
export type Mutation =
  | { readonly kind: 'insert'; readonly pos: number; readonly bytes: Uint8Array }
  | { readonly kind: 'replace'; readonly pos: number; readonly byte: number }
  | { readonly kind: 'delete'; readonly pos: number; readonly len: number }
  | { readonly kind: 'dup-line'; readonly pos: number }
  | { readonly kind: 'crlf-to-lf'; readonly pos: number }
  | { readonly kind: 'crlf-to-cr'; readonly pos: number }
  | { readonly kind: 'fold'; readonly pos: number }
  | { readonly kind: 'truncate'; readonly pos: number }
  | { readonly kind: 'append'; readonly bytes: Uint8Array };

const pos = fc.nat({ max: 1 << 16 });
const pipelined = fc.constantFrom(
  'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /headers HTTP/1.1\r\nHost: x\r\n\r\n',
  'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc',
  'POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
  '0\r\n\r\n',
  '\r\n',
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    pos,
    bytes: fc.oneof(
      fc.constantFrom(...hostileBytes).map((b) => Uint8Array.of(b)),
      fc
        .constantFrom(
          '\r\n',
          '\r\n ',
          '\r\nTransfer-Encoding: chunked',
          '\r\nContent-Length: 1',
          ' ',
          '\r\n\r\n',
        )
        .map(enc),
      fc.uint8Array({ minLength: 1, maxLength: 4 }),
    ),
  }),
  fc.record({
    kind: fc.constant('replace' as const),
    pos,
    byte: fc.oneof(fc.constantFrom(...hostileBytes), fc.nat({ max: 255 })),
  }),
  fc.record({ kind: fc.constant('delete' as const), pos, len: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('dup-line' as const), pos }),
  fc.record({ kind: fc.constant('crlf-to-lf' as const), pos }),
  fc.record({ kind: fc.constant('crlf-to-cr' as const), pos }),
  fc.record({ kind: fc.constant('fold' as const), pos }),
  fc.record({ kind: fc.constant('truncate' as const), pos }),
  fc.record({ kind: fc.constant('append' as const), bytes: pipelined.map(enc) }),
);

// The index of the n-th (mod count) CRLF in b, or -1.
function nthCrlf(b: Uint8Array, n: number): number {
  const at: number[] = [];
  for (let i = 0; i + 1 < b.length && at.length < 4096; i++) {
    if (b[i] === 0x0d && b[i + 1] === 0x0a) at.push(i);
  }
  return at.length === 0 ? -1 : at[n % at.length]!;
}

/** Applies one mutation. */
export function mutate(input: Uint8Array, m: Mutation): Buffer {
  const b = Buffer.from(input);
  if (m.kind === 'append') return Buffer.concat([b, m.bytes]);
  if (b.length === 0) return m.kind === 'insert' ? Buffer.from(m.bytes) : b;
  const p = m.pos % b.length;
  switch (m.kind) {
    case 'insert':
      return Buffer.concat([b.subarray(0, p), m.bytes, b.subarray(p)]);
    case 'replace': {
      const c = Buffer.from(b);
      c[p] = m.byte;
      return c;
    }
    case 'delete':
      return Buffer.concat([b.subarray(0, p), b.subarray(p + m.len)]);
    case 'truncate':
      return b.subarray(0, p);
    case 'dup-line': {
      const i = nthCrlf(b, m.pos);
      if (i < 0) return b;
      const start = b.lastIndexOf('\n', i - 1) + 1;
      return Buffer.concat([b.subarray(0, i + 2), b.subarray(start, i + 2), b.subarray(i + 2)]);
    }
    case 'crlf-to-lf':
    case 'crlf-to-cr': {
      const i = nthCrlf(b, m.pos);
      if (i < 0) return b;
      return m.kind === 'crlf-to-lf'
        ? Buffer.concat([b.subarray(0, i), b.subarray(i + 1)])
        : Buffer.concat([b.subarray(0, i + 1), b.subarray(i + 2)]);
    }
    case 'fold': {
      // turn the line break before a header into obs-fold (CRLF + space)
      const i = nthCrlf(b, m.pos);
      if (i < 0) return b;
      return Buffer.concat([b.subarray(0, i + 2), enc(' '), b.subarray(i + 2)]);
    }
  }
}

/** No mutation (two times in five), else one to three. */
const mutations = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Mutation[]>([]) },
  { weight: 3, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
);

/** A request, mutated 0–3 times. */
export const hostileRequest: fc.Arbitrary<Uint8Array> = fc
  .tuple(requestModel, mutations)
  .map(([model, muts]) => muts.reduce<Uint8Array>((b, m) => mutate(b, m), renderRequest(model)));

/** Fully random bytes, biased to HTTP-looking ones. */
export const randomBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'GET ',
          'POST ',
          '/',
          ' HTTP/1.1',
          '\r\n',
          '\n',
          '\r',
          ': ',
          'Host',
          'Content-Length',
          'Transfer-Encoding',
          'chunked',
          '0',
          '5',
          ';',
          ' ',
          '\t',
          '\x00',
        ),
        fc.string({ maxLength: 5 }),
      ),
      { maxLength: 40 },
    )
    .map((parts) => enc(parts.join(''))),
);

/** What the wire fuzzer sends: mostly hostile requests, some random bytes. */
export const wireInput: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 9, arbitrary: hostileRequest },
  { weight: 1, arbitrary: randomBytes },
);

/** A response: status line variants, framing headers, body, mutated 0–3 times. */
export const hostileResponse: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.record({
      version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', ''),
      code: fc.constantFrom(
        '200',
        '204',
        '304',
        '101',
        '100',
        '404',
        '999',
        '20',
        '2000',
        'abc',
        '-10',
      ),
      reason: fc.constantFrom(' OK', '', ' ', ' Weird\tReason'),
      headers: fc.array(extraHeader, { maxLength: 4 }),
      framing: fc.constantFrom('cl', 'chunked', 'close', 'none'),
      payload: fc.uint8Array({ maxLength: 48 }),
      chunked: chunkedBody,
    }),
    mutations,
  )
  .map(([r, muts]) => {
    let head = `${r.version} ${r.code}${r.reason}\r\n`;
    for (const [k, v] of r.headers) head += `${k}: ${v}\r\n`;
    let body: Uint8Array = r.payload;
    if (r.framing === 'cl') head += `Content-Length: ${r.payload.length}\r\n`;
    if (r.framing === 'chunked') {
      head += 'Transfer-Encoding: chunked\r\n';
      body = r.chunked.wire;
    }
    if (r.framing === 'none') body = new Uint8Array(0);
    const bytes = Buffer.concat([enc(`${head}\r\n`), body]);
    return muts.reduce<Uint8Array>((b, m) => mutate(b, m), bytes);
  });

/** Mutated chunked bodies and random bytes, for the chunked decoder. */
export const hostileChunked: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 1, arbitrary: chunkedBody.map((b) => b.wire as Uint8Array) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(chunkedBody, fc.array(mutation, { minLength: 1, maxLength: 3 }))
      .map(([b, ms]) => ms.reduce<Uint8Array>((x, m) => mutate(x, m), b.wire)),
  },
  { weight: 1, arbitrary: randomBytes },
);

/** Inputs for each parser. */
export const parserInputs = {
  request: fc.oneof(
    { weight: 4, arbitrary: hostileRequest },
    { weight: 1, arbitrary: randomBytes },
  ),
  response: fc.oneof(
    { weight: 4, arbitrary: hostileResponse },
    { weight: 1, arbitrary: randomBytes },
  ),
  chunked: hostileChunked,
} as const;

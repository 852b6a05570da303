// The request-smuggling regression corpus: hostile byte sequences, each sent on its own
// connection to a server running FuzzServerFlags. Go's verdict for each (status codes, the
// connection's fate, the response bytes) is recorded in smuggling.expected.json by
// src/record.ts; smuggling.test.ts requires ka's verdict to be the same.
//
// Bytes are latin1 strings (one char per byte). `H` is the usual `Host: x` line.

/** One corpus entry. */
export interface CorpusEntry {
  /** Stable ID, `<category>-<name>`. */
  readonly id: string;
  /** The family of trick. */
  readonly category: Category;
  /** What the bytes try. */
  readonly description: string;
  /** The bytes sent (latin1: one char per byte). */
  readonly input: string;
  /**
   * A known difference between ka and Go on this entry, with the reason: the test then
   * requires ka's verdict to differ from Go's, so the entry flags itself once it is fixed.
   */
  readonly knownDifference?: string;
}

export type Category =
  | 'CL.TE'
  | 'TE.CL'
  | 'TE.TE'
  | 'CL'
  | 'line-endings'
  | 'control-bytes'
  | 'obs-fold'
  | 'chunk-size'
  | 'chunk-ext'
  | 'trailer'
  | 'request-line'
  | 'host'
  | 'pipeline'
  | 'limits';

const H = 'Host: x\r\n';
const HELLO = `GET /hello HTTP/1.1\r\n${H}\r\n`;
const HEADERS = `GET /headers HTTP/1.1\r\n${H}\r\n`;

function post(headers: string, body: string, target = '/echo', proto = 'HTTP/1.1'): string {
  return `POST ${target} ${proto}\r\n${H}${headers}\r\n${body}`;
}

function get(headers: string, target = '/hello', proto = 'HTTP/1.1'): string {
  return `GET ${target} ${proto}\r\n${headers}\r\n`;
}

/** A chunked body carrying `s` in one chunk. */
function chunk(s: string): string {
  return `${s.length.toString(16)}\r\n${s}\r\n`;
}

function e(
  id: string,
  category: Category,
  description: string,
  input: string,
  knownDifference?: string,
): CorpusEntry {
  return knownDifference === undefined
    ? { id, category, description, input }
    : { id, category, description, input, knownDifference };
}

/** Reason of the entries whose request target is not UTF-8. */
const TargetNotUtf8 =
  "@ka/http decodes the request target as UTF-8 (packages/http/README.md, known differences): the cleaned-path redirect's Location carries %EF%BF%BD where Go escapes the raw byte";

const cl = (n: number | string) => `Content-Length: ${n}\r\n`;
const te = (v: string) => `Transfer-Encoding: ${v}\r\n`;

export const corpus: readonly CorpusEntry[] = [
  // ---- CL.TE: the front end trusts Content-Length, the back end Transfer-Encoding ----
  e(
    'CL.TE-basic',
    'CL.TE',
    'CL covers a smuggled prefix after the last chunk',
    post(cl(13) + te('chunked'), '0\r\n\r\nSMUGGLED'),
  ),
  e('CL.TE-te-first', 'CL.TE', 'TE before CL', post(te('chunked') + cl(13), '0\r\n\r\nSMUGGLED')),
  e(
    'CL.TE-smuggled-get',
    'CL.TE',
    'CL covers a whole smuggled GET after the last chunk',
    post(cl(5 + HEADERS.length) + te('chunked'), `0\r\n\r\n${HEADERS}`),
  ),
  e(
    'CL.TE-smuggled-partial',
    'CL.TE',
    'a smuggled partial request that swallows the next one',
    post(cl(40) + te('chunked'), '0\r\n\r\nGET /headers HTTP/1.1\r\nX-Ignore: x'),
  ),
  e(
    'CL.TE-cl-zero',
    'CL.TE',
    'CL: 0 with a chunked body',
    post(cl(0) + te('chunked'), `${chunk('hello')}0\r\n\r\n`),
  ),
  e(
    'CL.TE-http10',
    'CL.TE',
    'HTTP/1.0: Transfer-Encoding ignored? CL used?',
    post(cl(5) + te('chunked'), '0\r\n\r\nGET /hello HTTP/1.0\r\n\r\n', '/echo', 'HTTP/1.0'),
  ),
  e(
    'CL.TE-http10-te-only',
    'CL.TE',
    'HTTP/1.0 with only Transfer-Encoding: chunked',
    post(te('chunked'), `${chunk('hello')}0\r\n\r\n`, '/echo', 'HTTP/1.0'),
  ),
  e(
    'CL.TE-get',
    'CL.TE',
    'GET with both CL and TE',
    `GET /hello HTTP/1.1\r\n${H}${cl(5)}${te('chunked')}\r\n0\r\n\r\n`,
  ),

  // ---- TE.CL: the front end trusts Transfer-Encoding, the back end Content-Length ----
  e(
    'TE.CL-basic',
    'TE.CL',
    'chunk carries a smuggled request; CL covers only its size line',
    post(cl(4) + te('chunked'), `${(HEADERS.length).toString(16)}\r\n${HEADERS}\r\n0\r\n\r\n`),
  ),
  e(
    'TE.CL-short-cl',
    'TE.CL',
    'CL: 3, chunk of 8',
    post(cl(3) + te('chunked'), '8\r\nSMUGGLED\r\n0\r\n\r\n'),
  ),
  e(
    'TE.CL-smuggled-post',
    'TE.CL',
    'a smuggled POST inside a chunk',
    post(
      cl(4) + te('chunked'),
      `5c\r\nPOST /echo HTTP/1.1\r\n${H}Content-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n`,
    ),
  ),

  // ---- TE.TE: obfuscated Transfer-Encoding ----
  e(
    'TE.TE-xchunked',
    'TE.TE',
    'Transfer-Encoding: xchunked',
    post(te('xchunked') + cl(4), '0\r\n\r\n'),
  ),
  e(
    'TE.TE-chunked-identity',
    'TE.TE',
    'Transfer-Encoding: chunked, identity',
    post(te('chunked, identity'), '0\r\n\r\n'),
  ),
  e(
    'TE.TE-identity-chunked',
    'TE.TE',
    'Transfer-Encoding: identity, chunked',
    post(te('identity, chunked'), '0\r\n\r\n'),
  ),
  e(
    'TE.TE-gzip-chunked',
    'TE.TE',
    'Transfer-Encoding: gzip, chunked',
    post(te('gzip, chunked'), '0\r\n\r\n'),
  ),
  e(
    'TE.TE-leading-space',
    'TE.TE',
    'Transfer-Encoding:  chunked (two spaces)',
    post('Transfer-Encoding:  chunked\r\n', '0\r\n\r\n'),
  ),
  e(
    'TE.TE-tab',
    'TE.TE',
    'Transfer-Encoding:\\tchunked',
    post('Transfer-Encoding:\tchunked\r\n', '0\r\n\r\n'),
  ),
  e(
    'TE.TE-trailing-tab',
    'TE.TE',
    'Transfer-Encoding: chunked\\t',
    post('Transfer-Encoding: chunked\t\r\n', '0\r\n\r\n'),
  ),
  e(
    'TE.TE-no-space',
    'TE.TE',
    'Transfer-Encoding:chunked',
    post('Transfer-Encoding:chunked\r\n', '0\r\n\r\n'),
  ),
  e(
    'TE.TE-space-before-colon',
    'TE.TE',
    'Transfer-Encoding : chunked',
    post(`Transfer-Encoding : chunked\r\n${cl(5)}`, '0\r\n\r\n'),
  ),
  e('TE.TE-uppercase', 'TE.TE', 'Transfer-Encoding: CHUNKED', post(te('CHUNKED'), '0\r\n\r\n')),
  e(
    'TE.TE-name-case',
    'TE.TE',
    'transfer-encoding: Chunked',
    post('transfer-encoding: Chunked\r\n', '0\r\n\r\n'),
  ),
  e(
    'TE.TE-two-headers',
    'TE.TE',
    'two Transfer-Encoding: chunked headers',
    post(te('chunked') + te('chunked'), '0\r\n\r\n'),
  ),
  e(
    'TE.TE-two-headers-identity',
    'TE.TE',
    'Transfer-Encoding: chunked then Transfer-Encoding: identity',
    post(te('chunked') + te('identity') + cl(5), '0\r\n\r\n'),
  ),
  e('TE.TE-quoted', 'TE.TE', 'Transfer-Encoding: "chunked"', post(te('"chunked"'), '0\r\n\r\n')),
  e(
    'TE.TE-underscore',
    'TE.TE',
    'Transfer_Encoding: chunked (not the header) with CL',
    post(`Transfer_Encoding: chunked\r\n${cl(5)}`, '0\r\n\r\n'),
  ),
  e('TE.TE-chunk', 'TE.TE', 'Transfer-Encoding: chunk', post(te('chunk'), '0\r\n\r\n')),
  e('TE.TE-empty', 'TE.TE', 'empty Transfer-Encoding with CL', post(te('') + cl(5), 'hello')),
  e('TE.TE-vtab', 'TE.TE', 'Transfer-Encoding: \\x0bchunked', post(te('\x0bchunked'), '0\r\n\r\n')),
  e('TE.TE-nul', 'TE.TE', 'Transfer-Encoding: chunked\\x00', post(te('chunked\x00'), '0\r\n\r\n')),
  e(
    'TE.TE-comma-empty',
    'TE.TE',
    'Transfer-Encoding: chunked, (empty element)',
    post(te('chunked,'), '0\r\n\r\n'),
  ),
  e(
    'TE.TE-obs-fold',
    'TE.TE',
    'Transfer-Encoding folded onto a second line',
    post(`Transfer-Encoding:\r\n chunked\r\n${cl(5)}`, '0\r\n\r\n'),
  ),
  e(
    'TE.TE-http10-cl',
    'TE.TE',
    'HTTP/1.0 with TE chunked and CL: 4',
    post(te('chunked') + cl(4), 'abcd', '/echo', 'HTTP/1.0'),
  ),
  e(
    'TE.TE-identity',
    'TE.TE',
    'Transfer-Encoding: identity with CL',
    post(te('identity') + cl(5), 'hello'),
  ),

  // ---- Content-Length variants ----
  e('CL-dup-equal', 'CL', 'two equal Content-Length headers', post(cl(5) + cl(5), 'hello')),
  e('CL-dup-different', 'CL', 'Content-Length: 5 and 6', post(cl(5) + cl(6), 'hello!')),
  e('CL-list-equal', 'CL', 'Content-Length: 5, 5', post(cl('5, 5'), 'hello')),
  e('CL-list-nospace', 'CL', 'Content-Length: 5,5', post(cl('5,5'), 'hello')),
  e('CL-list-space-comma', 'CL', 'Content-Length: 5 ,5', post(cl('5 ,5'), 'hello')),
  e('CL-plus', 'CL', 'Content-Length: +5', post(cl('+5'), 'hello')),
  e('CL-minus', 'CL', 'Content-Length: -1', post(cl('-1'), 'hello')),
  e('CL-hex', 'CL', 'Content-Length: 0x5', post(cl('0x5'), 'hello')),
  e(
    'CL-leading-space',
    'CL',
    'Content-Length:  5 (extra space)',
    post('Content-Length:  5\r\n', 'hello'),
  ),
  e(
    'CL-trailing-space',
    'CL',
    'Content-Length: 5 (trailing space)',
    post('Content-Length: 5 \r\n', 'hello'),
  ),
  e('CL-leading-zeros', 'CL', 'Content-Length: 0005', post(cl('0005'), 'hello')),
  e('CL-float', 'CL', 'Content-Length: 5.0', post(cl('5.0'), 'hello')),
  e('CL-exp', 'CL', 'Content-Length: 5e0', post(cl('5e0'), 'hello')),
  e('CL-empty', 'CL', 'Content-Length: (empty)', post(cl(''), 'hello')),
  e(
    'CL-huge',
    'CL',
    'Content-Length: 99999999999999999999 (overflows int64)',
    post(cl('99999999999999999999'), 'hello'),
  ),
  e(
    'CL-int64-max',
    'CL',
    'Content-Length: 9223372036854775807',
    post(cl('9223372036854775807'), 'hello'),
  ),
  e(
    'CL-int64-max-plus-1',
    'CL',
    'Content-Length: 9223372036854775808',
    post(cl('9223372036854775808'), 'hello'),
  ),
  e(
    'CL-2^53-plus-1',
    'CL',
    'Content-Length: 9007199254740993 (beyond JS integers)',
    post(cl('9007199254740993'), 'hello'),
  ),
  e('CL-nul', 'CL', 'Content-Length: 5\\x00', post(cl('5\x00'), 'hello')),
  e('CL-tab', 'CL', 'Content-Length:\\t5', post('Content-Length:\t5\r\n', 'hello')),
  e(
    'CL-unicode-digit',
    'CL',
    'Content-Length with an Arabic-Indic digit',
    post(cl('\xd9\xa5'), 'hello'),
  ),
  e('CL-short-body', 'CL', 'Content-Length: 10, 5 bytes sent', post(cl(10), 'hello')),
  e(
    'CL-get-body-pipelined',
    'CL',
    'GET with a body, then a pipelined GET',
    `GET /hello HTTP/1.1\r\n${H}${cl(5)}\r\nhello${HELLO}`,
  ),
  e(
    'CL-obs-fold',
    'CL',
    'Content-Length folded onto a second line',
    post('Content-Length:\r\n 5\r\n', 'hello'),
  ),

  // ---- bare CR / bare LF ----
  e(
    'eol-bare-lf',
    'line-endings',
    'request with LF-only line endings',
    'GET /hello HTTP/1.1\nHost: x\n\n',
  ),
  e(
    'eol-mixed',
    'line-endings',
    'CRLF request line, LF headers',
    'GET /hello HTTP/1.1\r\nHost: x\nX-A: b\r\n\n',
  ),
  e('eol-bare-cr-value', 'line-endings', 'bare CR inside a header value', get(`${H}X-A: a\rb\r\n`)),
  e(
    'eol-bare-cr-line',
    'line-endings',
    'header lines separated by a bare CR',
    get(`Host: x\rX-A: b\r\n`),
  ),
  e(
    'eol-bare-cr-request-line',
    'line-endings',
    'bare CR inside the request line',
    `GET /hello\r HTTP/1.1\r\n${H}\r\n`,
  ),
  e('eol-cr-before-colon', 'line-endings', 'CR before the colon', get(`${H}X-A\r: b\r\n`)),
  e('eol-crcrlf', 'line-endings', 'a header line ending in CRCRLF', get(`${H}X-A: b\r\r\n`)),
  e('eol-bare-cr-end', 'line-endings', 'head ending in CR CR', `GET /hello HTTP/1.1\r\n${H}\r\r`),
  e('eol-leading-crlf', 'line-endings', 'empty lines before the request line', `\r\n\r\n${HELLO}`),
  e(
    'eol-lf-smuggle-te',
    'line-endings',
    'TE header after a bare-LF line',
    post(`X-A: b\nTransfer-Encoding: chunked\r\n${cl(5)}`, '0\r\n\r\n'),
  ),

  // ---- NUL and other control bytes ----
  e('ctl-nul-name', 'control-bytes', 'NUL in a header name', get(`${H}X-\x00A: b\r\n`)),
  e('ctl-nul-value', 'control-bytes', 'NUL in a header value', get(`${H}X-A: a\x00b\r\n`)),
  e(
    'ctl-nul-target',
    'control-bytes',
    'NUL in the request target',
    `GET /hel\x00lo HTTP/1.1\r\n${H}\r\n`,
  ),
  e('ctl-nul-method', 'control-bytes', 'NUL in the method', `G\x00ET /hello HTTP/1.1\r\n${H}\r\n`),
  e('ctl-nul-host', 'control-bytes', 'NUL in Host', get('Host: x\x00y\r\n')),
  e('ctl-soh-value', 'control-bytes', '\\x01 in a header value', get(`${H}X-A: a\x01b\r\n`)),
  e('ctl-del-value', 'control-bytes', 'DEL in a header value', get(`${H}X-A: a\x7fb\r\n`)),
  e('ctl-esc-value', 'control-bytes', 'ESC in a header value', get(`${H}X-A: \x1b[31m\r\n`)),
  e('ctl-vt-value', 'control-bytes', 'vertical tab in a header value', get(`${H}X-A: a\x0bb\r\n`)),
  e('ctl-ff-value', 'control-bytes', 'form feed in a header value', get(`${H}X-A: a\x0cb\r\n`)),
  e(
    'ctl-tab-value',
    'control-bytes',
    'tab inside a header value (allowed)',
    get(`${H}X-A: a\tb\r\n`),
  ),
  e(
    'ctl-obs-text-value',
    'control-bytes',
    'bytes 0x80-0xff in a header value',
    get(`${H}X-A: caf\xe9\xff\r\n`),
  ),
  e(
    'ctl-obs-text-name',
    'control-bytes',
    'a byte 0xe9 in a header name',
    get(`${H}X-Caf\xe9: b\r\n`),
  ),
  e('ctl-space-in-name', 'control-bytes', 'a space inside a header name', get(`${H}X A: b\r\n`)),
  e('ctl-empty-name', 'control-bytes', 'a header line starting with a colon', get(`${H}: b\r\n`)),
  e('ctl-no-colon', 'control-bytes', 'a header line without a colon', get(`${H}X-A b\r\n`)),
  e(
    'ctl-lowercase-key-bad-value',
    'control-bytes',
    'a lowercase key with a form feed in its value (the error quotes the key canonical)',
    get(`${H}x-uk: \f2\r\n`),
  ),
  e(
    'ctl-obs-text-headers-route',
    'control-bytes',
    'a byte 0xe9 in a header value, echoed by /headers',
    get(`${H}X-A: caf\xe9\r\n`, '/headers'),
  ),
  e(
    'rl-raw-non-utf8-redirect',
    'request-line',
    'a raw byte 0xda in an unclean path (redirected)',
    `GET //\xdahello HTTP/1.1\r\n${H}\r\n`,
    TargetNotUtf8,
  ),
  e(
    'rl-escaped-non-utf8-redirect',
    'request-line',
    'an escape of a non-UTF-8 byte next to a byte that needs escaping, in an unclean path',
    `GET //%d2^v HTTP/1.1\r\n${H}\r\n`,
    TargetNotUtf8,
  ),
  e(
    'ctl-del-target',
    'control-bytes',
    'DEL in the request target',
    `GET /hel\x7flo HTTP/1.1\r\n${H}\r\n`,
  ),
  e(
    'ctl-high-target',
    'control-bytes',
    'raw 0xff in the request target',
    `GET /hel\xfflo HTTP/1.1\r\n${H}\r\n`,
  ),

  // ---- obs-fold ----
  e(
    'fold-space',
    'obs-fold',
    'a header value continued on a line starting with a space',
    get(`${H}X-A: a\r\n b\r\n`),
  ),
  e(
    'fold-tab',
    'obs-fold',
    'a header value continued on a line starting with a tab',
    get(`${H}X-A: a\r\n\tb\r\n`),
  ),
  e(
    'fold-first-header',
    'obs-fold',
    'the first header line starts with a space',
    get(` X-A: b\r\n${H}`),
  ),
  e('fold-host', 'obs-fold', 'Host folded', get('Host:\r\n x\r\n')),
  e(
    'fold-empty-continuation',
    'obs-fold',
    'a continuation line holding only spaces',
    get(`${H}X-A: a\r\n   \r\n`),
  ),
  e(
    'fold-headers-route',
    'obs-fold',
    'obs-fold seen by /headers',
    get(`${H}X-A: a\r\n  b\r\n`, '/headers'),
  ),

  // ---- chunk sizes ----
  e(
    'chunk-17-digits',
    'chunk-size',
    '17 hex digits with leading zeros',
    post(te('chunked'), '00000000000000005\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-16-digits-zeros',
    'chunk-size',
    '16 hex digits with leading zeros',
    post(te('chunked'), '0000000000000005\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-overflow',
    'chunk-size',
    'a chunk size of 2^64',
    post(te('chunked'), '10000000000000000\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-max-u64',
    'chunk-size',
    'a chunk size of 2^64-1',
    post(te('chunked'), 'ffffffffffffffff\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-2^53',
    'chunk-size',
    'a chunk size beyond JS integers',
    post(te('chunked'), '20000000000001\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-negative',
    'chunk-size',
    'chunk size -5',
    post(te('chunked'), '-5\r\nhello\r\n0\r\n\r\n'),
  ),
  e('chunk-0x', 'chunk-size', 'chunk size 0x5', post(te('chunked'), '0x5\r\nhello\r\n0\r\n\r\n')),
  e('chunk-plus', 'chunk-size', 'chunk size +5', post(te('chunked'), '+5\r\nhello\r\n0\r\n\r\n')),
  e(
    'chunk-leading-space',
    'chunk-size',
    'chunk size with a leading space',
    post(te('chunked'), ' 5\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-trailing-space',
    'chunk-size',
    'chunk size with trailing spaces and a tab',
    post(te('chunked'), '5 \t \r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-empty-size',
    'chunk-size',
    'an empty chunk-size line',
    post(te('chunked'), '\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-uppercase',
    'chunk-size',
    'uppercase hex A',
    post(te('chunked'), `A\r\n0123456789\r\n0\r\n\r\n`),
  ),
  e(
    'chunk-short-data',
    'chunk-size',
    'size 10, 5 bytes, then the last chunk',
    post(te('chunked'), 'a\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-long-data',
    'chunk-size',
    'size 3, 5 bytes of data',
    post(te('chunked'), '3\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-bare-lf-size',
    'chunk-size',
    'chunk-size line ending in bare LF',
    post(te('chunked'), '5\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-bare-lf-data',
    'chunk-size',
    'chunk data followed by bare LF',
    post(te('chunked'), '5\r\nhello\n0\r\n\r\n'),
  ),
  e(
    'chunk-bare-cr-size',
    'chunk-size',
    'bare CR inside the chunk-size line',
    post(te('chunked'), '5\r\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-nul-size',
    'chunk-size',
    'NUL after the chunk size',
    post(te('chunked'), '5\x00\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'chunk-no-last',
    'chunk-size',
    'no last chunk (EOF after data)',
    post(te('chunked'), '5\r\nhello\r\n'),
  ),
  e(
    'chunk-last-no-crlf',
    'chunk-size',
    'last chunk without the final CRLF, then a pipelined GET',
    post(te('chunked'), `0\r\n${HELLO}`),
  ),
  e(
    'chunk-ignore-body-huge',
    'chunk-size',
    'a huge chunk to a handler that does not read',
    post(te('chunked'), 'fffffffff\r\nhello', '/ignore-body'),
  ),

  // ---- chunk extensions ----
  e(
    'ext-simple',
    'chunk-ext',
    'a chunk extension',
    post(te('chunked'), '5;name=value\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'ext-quoted',
    'chunk-ext',
    'a quoted extension holding ; and CRLF-like text',
    post(te('chunked'), '5;a="b;c\\r\\n"\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'ext-space-before-semicolon',
    'chunk-ext',
    'chunk size, space, then the extension',
    post(te('chunked'), '5 ;a=b\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'ext-bare-lf',
    'chunk-ext',
    'a bare LF inside an extension',
    post(te('chunked'), '5;a\nb\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'ext-bare-cr',
    'chunk-ext',
    'a bare CR inside an extension',
    post(te('chunked'), '5;a\rb\r\nhello\r\n0\r\n\r\n'),
  ),
  e(
    'ext-long',
    'chunk-ext',
    'an extension of 5000 bytes (over the line limit)',
    post(te('chunked'), `5;${'a'.repeat(5000)}\r\nhello\r\n0\r\n\r\n`),
  ),
  e(
    'ext-just-under-limit',
    'chunk-ext',
    'a chunk line of 4095 bytes',
    post(te('chunked'), `5;${'a'.repeat(4093)}\r\nhello\r\n0\r\n\r\n`),
  ),
  e(
    'ext-many',
    'chunk-ext',
    '3000 one-byte chunks with 20-byte extensions (non-data allowance)',
    post(te('chunked'), `${'1;aaaaaaaaaaaaaaaaaaa\r\nx\r\n'.repeat(3000)}0\r\n\r\n`),
  ),
  e(
    'ext-on-last',
    'chunk-ext',
    'an extension on the last chunk',
    post(te('chunked'), `${chunk('hello')}0;a=b\r\n\r\n`),
  ),
  e(
    'ext-nul',
    'chunk-ext',
    'NUL inside an extension',
    post(te('chunked'), '5;a\x00b\r\nhello\r\n0\r\n\r\n'),
  ),

  // ---- trailers ----
  e(
    'trailer-simple',
    'trailer',
    'a trailer field',
    post(te('chunked'), `${chunk('hello')}0\r\nX-T: a\r\n\r\n`),
  ),
  e(
    'trailer-content-length',
    'trailer',
    'Content-Length in the trailer',
    post(te('chunked'), `${chunk('hello')}0\r\nContent-Length: 50\r\n\r\n`),
  ),
  e(
    'trailer-te',
    'trailer',
    'Transfer-Encoding in the trailer',
    post(te('chunked'), `${chunk('hello')}0\r\nTransfer-Encoding: chunked\r\n\r\n`),
  ),
  e(
    'trailer-host',
    'trailer',
    'Host in the trailer',
    post(te('chunked'), `${chunk('hello')}0\r\nHost: evil\r\n\r\n`),
  ),
  e(
    'trailer-request-line',
    'trailer',
    'a request line where the trailer is',
    post(te('chunked'), `${chunk('hello')}0\r\n${HELLO}`),
  ),
  e(
    'trailer-no-colon',
    'trailer',
    'a trailer line without a colon',
    post(te('chunked'), `${chunk('hello')}0\r\nX-T\r\n\r\n`),
  ),
  e(
    'trailer-nul',
    'trailer',
    'NUL in a trailer value',
    post(te('chunked'), `${chunk('hello')}0\r\nX-T: a\x00b\r\n\r\n`),
  ),
  e(
    'trailer-obs-fold',
    'trailer',
    'obs-fold in the trailer',
    post(te('chunked'), `${chunk('hello')}0\r\nX-T: a\r\n b\r\n\r\n`),
  ),
  e(
    'trailer-declared',
    'trailer',
    'declared Trailer header and the trailer',
    post(`${te('chunked')}Trailer: X-T\r\n`, `${chunk('hello')}0\r\nX-T: a\r\n\r\n`),
  ),
  e(
    'trailer-bare-lf-end',
    'trailer',
    'trailer section ending in bare LF',
    post(te('chunked'), `${chunk('hello')}0\r\nX-T: a\n\n`),
  ),
  e(
    'trailer-huge',
    'trailer',
    'a 70 KB trailer section',
    post(te('chunked'), `${chunk('hello')}0\r\n${`X-T: ${'a'.repeat(1000)}\r\n`.repeat(70)}\r\n`),
  ),

  // ---- request-line tricks ----
  e(
    'rl-absolute-form',
    'request-line',
    'absolute-form target with another host',
    `GET http://other/hello HTTP/1.1\r\n${H}\r\n`,
  ),
  e(
    'rl-absolute-form-headers',
    'request-line',
    'absolute-form target seen by /headers',
    `GET http://other/headers HTTP/1.1\r\n${H}\r\n`,
  ),
  e('rl-two-spaces-before-proto', 'request-line', 'GET /  HTTP/1.1', `GET /  HTTP/1.1\r\n${H}\r\n`),
  e(
    'rl-two-spaces-after-method',
    'request-line',
    'GET  /hello HTTP/1.1',
    `GET  /hello HTTP/1.1\r\n${H}\r\n`,
  ),
  e(
    'rl-trailing-space',
    'request-line',
    'a space after the protocol',
    `GET /hello HTTP/1.1 \r\n${H}\r\n`,
  ),
  e('rl-tabs', 'request-line', 'tabs instead of spaces', `GET\t/hello\tHTTP/1.1\r\n${H}\r\n`),
  e('rl-lowercase-method', 'request-line', 'lowercase method', `get /hello HTTP/1.1\r\n${H}\r\n`),
  e('rl-lowercase-proto', 'request-line', 'http/1.1', `GET /hello http/1.1\r\n${H}\r\n`),
  e('rl-http12', 'request-line', 'HTTP/1.2', `GET /hello HTTP/1.2\r\n${H}\r\n`),
  e('rl-http20', 'request-line', 'HTTP/2.0', `GET /hello HTTP/2.0\r\n${H}\r\n`),
  e('rl-http09', 'request-line', 'no protocol (HTTP/0.9 style)', `GET /hello\r\n${H}\r\n`),
  e('rl-http110', 'request-line', 'HTTP/1.10', `GET /hello HTTP/1.10\r\n${H}\r\n`),
  e('rl-http-leading-zero', 'request-line', 'HTTP/01.1', `GET /hello HTTP/01.1\r\n${H}\r\n`),
  e('rl-star', 'request-line', 'GET *', `GET * HTTP/1.1\r\n${H}\r\n`),
  e('rl-options-star', 'request-line', 'OPTIONS *', `OPTIONS * HTTP/1.1\r\n${H}\r\n`),
  e('rl-connect', 'request-line', 'CONNECT authority', `CONNECT x:443 HTTP/1.1\r\n${H}\r\n`),
  e(
    'rl-fragment',
    'request-line',
    'a fragment in the target',
    `GET /method#frag HTTP/1.1\r\n${H}\r\n`,
  ),
  e(
    'rl-no-slash',
    'request-line',
    'a target without a leading slash',
    `GET hello HTTP/1.1\r\n${H}\r\n`,
  ),
  e('rl-empty-target', 'request-line', 'an empty target', `GET  HTTP/1.1\r\n${H}\r\n`),
  e('rl-dotdot', 'request-line', 'a target with ../', `GET /x/../hello HTTP/1.1\r\n${H}\r\n`),
  e(
    'rl-encoded-slash',
    'request-line',
    'a target with %2F and %00',
    `GET /method%2F..%00 HTTP/1.1\r\n${H}\r\n`,
  ),
  e('rl-bad-escape', 'request-line', 'a bad percent escape', `GET /method%zz HTTP/1.1\r\n${H}\r\n`),
  e(
    'rl-long-target',
    'request-line',
    'a 20 000-byte target',
    `GET /method?${'a'.repeat(20_000)} HTTP/1.1\r\n${H}\r\n`,
  ),
  e(
    'rl-method-token',
    'request-line',
    'a method with a non-token byte',
    `GE(T /hello HTTP/1.1\r\n${H}\r\n`,
  ),
  e('rl-only-crlf', 'request-line', 'only CRLF then EOF', '\r\n'),

  // ---- Host ----
  e('host-missing-11', 'host', 'HTTP/1.1 without Host', 'GET /hello HTTP/1.1\r\n\r\n'),
  e('host-missing-10', 'host', 'HTTP/1.0 without Host', 'GET /hello HTTP/1.0\r\n\r\n'),
  e('host-dup-equal', 'host', 'two equal Host headers', get('Host: x\r\nHost: x\r\n')),
  e('host-dup-different', 'host', 'two different Host headers', get('Host: x\r\nHost: y\r\n')),
  e('host-empty', 'host', 'an empty Host', get('Host:\r\n')),
  e('host-space', 'host', 'a Host with a space', get('Host: x y\r\n')),
  e('host-at', 'host', 'a Host with userinfo', get('Host: user@x\r\n')),
  e('host-slash', 'host', 'a Host with a slash', get('Host: x/y\r\n')),
  e('host-bad-port', 'host', 'a Host with a bad port', get('Host: x:99999999\r\n')),
  e('host-ipv6', 'host', 'an IPv6 literal Host', get('Host: [::1]:80\r\n')),
  e(
    'host-absolute-mismatch',
    'host',
    'absolute-form target and a different Host',
    `GET http://a/method HTTP/1.1\r\nHost: b\r\n\r\n`,
  ),

  // ---- pipelined and smuggled second requests ----
  e('pipe-two-gets', 'pipeline', 'two pipelined GETs', HELLO + HEADERS),
  e(
    'pipe-bad-second',
    'pipeline',
    'a good GET, then a malformed one',
    `${HELLO}GET /hello HTTP/1.1\r\nX-A: a\x00b\r\n\r\n`,
  ),
  e(
    'pipe-ignore-body-small',
    'pipeline',
    'a body the handler ignores, then a GET',
    `${post(cl(5), 'hello', '/ignore-body')}${HEADERS}`,
  ),
  e(
    'pipe-ignore-body-smuggle',
    'pipeline',
    'a body the handler ignores that looks like a request',
    `${post(cl(HEADERS.length), HEADERS, '/ignore-body')}${HELLO}`,
  ),
  e(
    'pipe-close-then-more',
    'pipeline',
    'Connection: close, then a second request',
    `GET /hello HTTP/1.1\r\n${H}Connection: close\r\n\r\n${HEADERS}`,
  ),
  e(
    'pipe-http10-then-more',
    'pipeline',
    'HTTP/1.0 request (closes), then a second request',
    `GET /hello HTTP/1.0\r\n\r\n${HEADERS}`,
  ),
  e(
    'pipe-expect-continue',
    'pipeline',
    'Expect: 100-continue with the body already sent',
    post(`${cl(5)}Expect: 100-continue\r\n`, `hello${HELLO}`),
  ),
  e(
    'pipe-expect-unknown',
    'pipeline',
    'Expect: something-else',
    post(`${cl(5)}Expect: something-else\r\n`, `hello${HELLO}`),
  ),
  e(
    'pipe-upgrade-h2c',
    'pipeline',
    'an h2c upgrade request',
    `GET /hello HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n${HELLO}`,
  ),
  e(
    'pipe-h2-preface',
    'pipeline',
    'the HTTP/2 connection preface',
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  ),

  // ---- limits ----
  e(
    'limit-head-1mib',
    'limits',
    'a 1.1 MiB header value (over the default MaxHeaderBytes)',
    get(`${H}X-A: ${'a'.repeat(1_150_000)}\r\n`),
  ),
  e('limit-many-headers', 'limits', '5000 header lines', get(`${H}${'X-A: b\r\n'.repeat(5000)}`)),
  e(
    'limit-request-line-no-end',
    'limits',
    '200 KB of request line without a line end',
    `GET /${'a'.repeat(200_000)}`,
  ),
];

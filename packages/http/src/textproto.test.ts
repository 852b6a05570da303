import { BufReader, BytesReader } from '@ka/io';
import { describe, expect, it } from 'vitest';
import { bufOf, oracle, readerKinds, rest, str, wire } from '../test/helpers.js';
import { TextprotoProtocolError } from './errors.js';
import { canonicalHeaderKey } from './header.js';
import { readLine, readLineBytes, readMIMEHeader } from './textproto.js';

interface Data {
  mime: { In: string; Header: Record<string, string[]> | null; Err: string; Rest: string }[];
  limits: {
    In: string;
    MaxMemory: number;
    MaxHeaders: number;
    Header: Record<string, string[]> | null;
    Err: string;
  }[];
  canonical: { In: string; Out: string }[];
  lines: { In: string; Lines: string[] | null; Err: string }[];
}

const data = oracle<Data>('textproto.json');

function title(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s);
}

describe('readMIMEHeader matches Go ReadMIMEHeader (reader_test.go + SRV-39/47 cases)', () => {
  for (const [kind, mk] of readerKinds) {
    describe(kind, () => {
      // The byte-by-byte key/value tables are long: keep them, but under one test each.
      const plain = data.mime.filter(
        (c) => !/^Foo.Bar: foo\r\n\r\n$|^Foo: foo.bar\r\n\r\n$/s.test(c.In),
      );
      const bytes = data.mime.filter((c) => !plain.includes(c));
      for (const c of plain) {
        it(title(c.In), async () => {
          const br = bufOf(c.In, mk);
          let got: Record<string, string[]> | null = null;
          let err = '';
          try {
            got = (await readMIMEHeader(br)).toJSON();
          } catch (e) {
            err = (e as Error).message;
          }
          expect(err).toBe(c.Err);
          expect(got).toEqual(c.Header);
          if (c.Err === '') expect(await rest(br)).toBe(c.Rest);
        });
      }
      it('every byte in a key and in a value (TestReadMIMEHeaderBytes)', async () => {
        for (const c of bytes) {
          const br = bufOf(c.In, mk);
          let got: Record<string, string[]> | null = null;
          let err = '';
          try {
            got = (await readMIMEHeader(br)).toJSON();
          } catch (e) {
            err = (e as Error).message;
          }
          expect([c.In, err, got]).toEqual([c.In, c.Err, c.Header]);
        }
      });
    });
  }

  it('rejects a long value that does not fit a 16-byte buffer the same way', async () => {
    const br = new BufReader(new BytesReader(wire(`A: ${'v'.repeat(100)}\r\n b\r\n\r\n`)), 16);
    const h = await readMIMEHeader(br);
    expect(h.get('A')).toBe(`${'v'.repeat(100)} b`);
  });

  it('malformed headers are TextprotoProtocolErrors', async () => {
    const br = bufOf('Foo\r\n\r\n', readerKinds[0]![1]);
    await expect(readMIMEHeader(br)).rejects.toBeInstanceOf(TextprotoProtocolError);
  });

  // Found by apps/fuzz (Go 1.26.8): Go canonicalizes the key in place before checking the
  // value, so the quoted line shows the canonical key; a key with a space stays as sent.
  it('a bad value byte is reported with the key canonical, as Go does', async () => {
    for (const [input, want] of [
      ['x-uk: \f2\r\n\r\n', 'malformed MIME header line: "X-Uk: \\f2"'],
      ['content-LENGTH: 5\x00\r\n\r\n', 'malformed MIME header line: "Content-Length: 5\\x00"'],
      ['x a: \x01\r\n\r\n', 'malformed MIME header line: "x a: \\x01"'],
    ] as const) {
      const br = new BufReader(new BytesReader(wire(input)));
      await expect(readMIMEHeader(br)).rejects.toThrow(want);
    }
  });
});

describe('readMIMEHeader limits match Go readMIMEHeader(maxMemory, maxHeaders)', () => {
  for (const c of data.limits) {
    it(`${title(c.In)} memory=${c.MaxMemory} headers=${c.MaxHeaders}`, async () => {
      const br = bufOf(c.In, readerKinds[0]![1]);
      let got: Record<string, string[]> | null = null;
      let err = '';
      try {
        got = (
          await readMIMEHeader(br, { maxMemory: c.MaxMemory, maxHeaders: c.MaxHeaders })
        ).toJSON();
      } catch (e) {
        err = (e as Error).message;
      }
      expect(err).toBe(c.Err);
      expect(got).toEqual(c.Header);
    });
  }
});

describe('readLine matches Go ReadLine (TestReadLine, TestReadLineLongLine)', () => {
  for (const c of data.lines) {
    it(title(c.In), async () => {
      for (const [, mk] of readerKinds) {
        const br = bufOf(c.In, mk);
        const lines: string[] = [];
        for (;;) {
          const l = await readLine(br);
          if (l === null) break;
          lines.push(l);
        }
        expect(lines).toEqual(c.Lines ?? []);
        expect(c.Err).toBe('EOF');
      }
    });
  }
  it('enforces a line limit with "message too large"', async () => {
    const br = bufOf('abcdef\r\n', readerKinds[0]![1]);
    await expect(readLineBytes(br, 5)).rejects.toThrow('message too large');
    const ok = await readLineBytes(bufOf('abcde\r\n', readerKinds[0]![1]), 5);
    expect(str(ok!)).toBe('abcde');
  });
});

describe('canonicalHeaderKey matches Go CanonicalMIMEHeaderKey (header_test.go)', () => {
  for (const c of data.canonical) {
    it(title(c.In), () => {
      expect(canonicalHeaderKey(c.In)).toBe(c.Out);
    });
  }
});

// Go: bufio.(*Reader).ReadLine hands out a partial line and drops the read error, which the
// next read meets again. Found by apps/stress: a slowloris cut off by ReadHeaderTimeout in its
// request line is then parsed (and answered 400) instead of closed silently.
describe('a read error after part of a line (Go ReadLine)', () => {
  function cutAfter(text: string, err: Error) {
    let sent = false;
    return {
      async read(p: Uint8Array): Promise<number | null> {
        if (sent) throw err;
        sent = true;
        p.set(wire(text));
        return text.length;
      },
    };
  }

  it('returns the partial line, then the error', async () => {
    const timeout = new Error('i/o timeout');
    const br = new BufReader(cutAfter('GET / HT', timeout));
    expect(str((await readLineBytes(br))!)).toBe('GET / HT');
    await expect(readLineBytes(br)).rejects.toBe(timeout);
  });

  it('a header name cut short comes back as a malformed header line', async () => {
    const br = new BufReader(cutAfter('Host: a\r\nX-Fo', new Error('i/o timeout')));
    await expect(readMIMEHeader(br)).rejects.toThrow(
      'malformed MIME header: missing colon: "X-Fo"',
    );
  });
});

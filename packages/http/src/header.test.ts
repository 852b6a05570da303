import { BufWriter, BytesWriter } from '@ka/io';
import { describe, expect, it } from 'vitest';
import { oracle } from '../test/helpers.js';
import { canonicalHeaderKey, Header } from './header.js';
import {
  hasToken,
  headerValuesContainsToken,
  validHeaderFieldName,
  validHeaderFieldValue,
  validHostHeader,
} from './internal/ascii.js';

interface Misc {
  headerWrite: { H: Record<string, string[]>; Exclude: string[] | null; Want: string }[];
  hasToken: { Header: string; Token: string; Want: boolean }[];
  canonicalKey: { In: string; Out: string }[];
  valid: { In: string; Name: boolean; Value: boolean; Host: boolean }[];
}
const misc = oracle<Misc>('misc.json');

function headerOf(o: Record<string, string[]>): Header {
  const h = new Header();
  for (const [k, v] of Object.entries(o)) h.rawSet(k, v.slice());
  return h;
}

describe('Header.writeSubset with a callback', () => {
  it('writes from a snapshot: a callback that deletes a later key still gets its line', () => {
    const h = new Header();
    h.add('A', '1');
    h.add('B', '2');
    const lines: string[] = [];
    h.writeSubset((line) => {
      lines.push(line);
      h.del('B');
    });
    expect(lines).toEqual(['A: 1\r\n', 'B: 2\r\n']);
    expect(h.subsetLines()).toBe('A: 1\r\n');
  });
});

describe('Header.writeSubset matches Go WriteSubset (header_test.go headerWriteTests)', () => {
  misc.headerWrite.forEach((t, i) => {
    it(`#${i}`, async () => {
      const h = headerOf(t.H);
      const exclude = t.Exclude === null ? undefined : new Set(t.Exclude);
      let s = '';
      h.writeSubset((line) => {
        s += line;
      }, exclude);
      expect(s).toBe(t.Want);
      expect(h.subsetLines(exclude)).toBe(t.Want);
      const out = new BytesWriter();
      const bw = new BufWriter(out);
      await h.writeSubset(bw, exclude);
      await bw.flush();
      expect(Buffer.from(out.bytes()).toString('latin1')).toBe(t.Want);
    });
  });
  it('turns CR/LF in values into spaces, trims them, drops invalid names', () => {
    const h = new Header();
    h.add('X-A', ' a\r\nb ');
    h.rawSet('Bad Name', ['x']);
    h.add('A', 'first');
    h.add('A', 'second');
    let s = '';
    h.write((line) => {
      s += line;
    });
    expect(s).toBe('A: first\r\nA: second\r\nX-A: a  b\r\n');
  });
});

describe('hasToken matches Go (header_test.go hasTokenTests)', () => {
  for (const t of misc.hasToken) {
    it(`${JSON.stringify(t.Header)} ${t.Token}`, () => {
      expect(hasToken(t.Header, t.Token)).toBe(t.Want);
    });
  }
});

describe('canonicalHeaderKey matches Go CanonicalHeaderKey', () => {
  for (const t of misc.canonicalKey) {
    it(JSON.stringify(t.In), () => {
      expect(canonicalHeaderKey(t.In)).toBe(t.Out);
    });
  }
});

describe('httpguts validity checks match Go', () => {
  for (const t of misc.valid) {
    it(JSON.stringify(t.In), () => {
      expect([
        validHeaderFieldName(t.In),
        validHeaderFieldValue(t.In),
        validHostHeader(t.In),
      ]).toEqual([t.Name, t.Value, t.Host]);
    });
  }
});

describe('Header map', () => {
  it('canonicalizes keys on get/set/add/del/has/values', () => {
    const h = new Header();
    h.set('content-type', 'a');
    h.add('CONTENT-TYPE', 'b');
    expect(h.get('Content-Type')).toBe('a');
    expect(h.values('content-type')).toEqual(['a', 'b']);
    expect(h.has('Content-type')).toBe(true);
    expect([...h.keys()]).toEqual(['Content-Type']);
    h.del('CONTENT-type');
    expect(h.size).toBe(0);
    expect(h.get('missing')).toBe('');
    expect(h.values('missing')).toEqual([]);
  });
  it('raw access keeps keys verbatim, like Go map indexing', () => {
    const h = new Header();
    h.rawSet('foo', ['x']);
    expect(h.get('foo')).toBe('');
    expect(h.rawGet('foo')).toEqual(['x']);
    expect(h.rawHas('Foo')).toBe(false);
    h.rawDel('foo');
    expect(h.size).toBe(0);
  });
  it('clone is deep; from accepts records, entries and headers', () => {
    const h = Header.from({ 'x-a': ['1', '2'], b: '3' });
    expect(h.toJSON()).toEqual({ 'X-A': ['1', '2'], B: ['3'] });
    const c = h.clone();
    c.add('X-A', '4');
    expect(h.values('X-A')).toEqual(['1', '2']);
    expect(Header.from([['a', 'b']]).get('A')).toBe('b');
    expect(Header.from(h).toJSON()).toEqual(h.toJSON());
  });
  it("prints like Go's fmt of a map", () => {
    const h = new Header();
    expect(h.toString()).toBe('map[]');
    h.add('X-T', 'tv');
    h.add('A', '1');
    h.add('A', '2');
    expect(h.toString()).toBe('map[A:[1 2] X-T:[tv]]');
  });
  it('sortedKeyValues sorts by key and honours exclude', () => {
    const h = Header.from({ b: '2', a: '1', c: '3' });
    expect(h.sortedKeyValues(new Set(['B'])).map(([k]) => k)).toEqual(['A', 'C']);
  });
  it('headerValuesContainsToken matches httpguts', () => {
    expect(headerValuesContainsToken(['foo, Close'], 'close')).toBe(true);
    expect(headerValuesContainsToken(['closed'], 'close')).toBe(false);
    expect(headerValuesContainsToken(['a', ' close '], 'close')).toBe(true);
    expect(headerValuesContainsToken(undefined, 'close')).toBe(false);
  });
});

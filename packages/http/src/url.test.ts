import { describe, expect, it } from 'vitest';
import { type JURL as J, jurl, oracle } from '../test/helpers.js';
import { URLError } from './errors.js';
import {
  parseQuery,
  parseQueryLax,
  parseRequestURI,
  parseURL,
  pathEscape,
  pathUnescape,
  queryEscape,
  queryUnescape,
  URL,
  Userinfo,
  Values,
} from './url.js';

interface Data {
  parse: {
    In: string;
    URL?: J;
    Err: string;
    String: string;
    RequestURI: string;
    EscapedPath: string;
    Hostname: string;
    Port: string;
    ReqURL?: J;
    ReqErr: string;
  }[];
  string: { URL: J; String: string; RequestURI: string; EscapedPath: string }[];
  escape: {
    In: string;
    QueryEscape: string;
    PathEscape: string;
    QueryUnescape: string;
    QueryUnescapeErr: string;
    PathUnescape: string;
    PathUnescapeErr: string;
  }[];
  query: { Query: string; Values: Record<string, string[]> | null; Err: string; Encode: string }[];
  encode: { Values: Record<string, string[]> | null; Out: string }[];
  resolve: { Base: string; Ref: string; Out: string }[];
}
const data = oracle<Data>('url.json');

function fromJ(j: J): URL {
  return new URL({
    scheme: j.Scheme,
    opaque: j.Opaque,
    host: j.Host,
    path: j.Path,
    rawPath: j.RawPath,
    rawQuery: j.RawQuery,
    fragment: j.Fragment,
    rawFragment: j.RawFragment,
    forceQuery: j.ForceQuery,
    omitHost: j.OmitHost,
    user:
      j.User === undefined ? undefined : new Userinfo(j.User[0], j.User[2] ? j.User[1] : undefined),
  });
}

function title(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s);
}

// Known, deliberate divergence: Go keeps undecodable bytes in `Path`; ka decodes paths as
// UTF-8 (U+FFFD for invalid bytes) and keeps the original in `rawPath` instead, so
// `escapedPath()` and `toString()` still give Go's wire form.
const invalidUTF8 = new Set(['/%FF']);

describe('parseURL and parseRequestURI match Go url.Parse / ParseRequestURI (url_test.go)', () => {
  it('keeps undecodable path bytes in rawPath (deliberate divergence)', () => {
    const u = parseURL('/%FF');
    expect(u.path).toBe('/\uFFFD');
    expect(u.rawPath).toBe('/%FF');
    expect(u.escapedPath()).toBe('/%FF');
    expect(u.toString()).toBe('/%FF');
  });
  for (const c of data.parse.filter((x) => !invalidUTF8.has(x.In))) {
    it(title(c.In), () => {
      let u: URL | undefined;
      let err = '';
      try {
        u = parseURL(c.In);
      } catch (e) {
        err = (e as Error).message;
        expect(e).toBeInstanceOf(URLError);
      }
      expect(err).toBe(c.Err);
      if (u !== undefined) {
        expect(jurl(u)).toEqual(c.URL);
        expect([u.toString(), u.requestURI(), u.escapedPath(), u.hostname(), u.port()]).toEqual([
          c.String,
          c.RequestURI,
          c.EscapedPath,
          c.Hostname,
          c.Port,
        ]);
      }
      let ru: URL | undefined;
      let rerr = '';
      try {
        ru = parseRequestURI(c.In);
      } catch (e) {
        rerr = (e as Error).message;
      }
      expect(rerr).toBe(c.ReqErr);
      if (ru !== undefined) expect(jurl(ru)).toEqual(c.ReqURL);
    });
  }
});

describe('URL.toString / requestURI / escapedPath match Go (stringURLTests, requritests)', () => {
  data.string.forEach((c, i) => {
    it(`#${i} ${c.String}`, () => {
      const u = fromJ(c.URL);
      expect([u.toString(), u.requestURI(), u.escapedPath()]).toEqual([
        c.String,
        c.RequestURI,
        c.EscapedPath,
      ]);
    });
  });
});

describe('escaping matches Go (unescapeTests, queryEscapeTests, pathEscapeTests)', () => {
  for (const c of data.escape) {
    it(title(c.In), () => {
      expect(queryEscape(c.In)).toBe(c.QueryEscape);
      expect(pathEscape(c.In)).toBe(c.PathEscape);
      const run = (f: (s: string) => string): [string, string] => {
        try {
          return [f(c.In), ''];
        } catch (e) {
          return ['', (e as Error).message];
        }
      };
      expect(run(queryUnescape)).toEqual([c.QueryUnescape, c.QueryUnescapeErr]);
      expect(run(pathUnescape)).toEqual([c.PathUnescape, c.PathUnescapeErr]);
    });
  }
});

describe('parseQuery matches Go ParseQuery (parseTests)', () => {
  for (const c of data.query) {
    it(title(c.Query), () => {
      const { values, error } = parseQueryLax(c.Query);
      expect(error?.message ?? '').toBe(c.Err);
      if (c.Values !== null) {
        expect(values.toJSON()).toEqual(c.Values);
        expect(values.encode()).toBe(c.Encode);
      }
      if (c.Err !== '') expect(() => parseQuery(c.Query)).toThrow(c.Err);
    });
  }
  it('URL.query drops malformed pairs silently', () => {
    const u = parseURL('http://h/?a=1;b&c=%zz&d=4');
    expect(u.query().toJSON()).toEqual({ d: ['4'] });
  });
});

describe('Values.encode matches Go (encodeQueryTests)', () => {
  data.encode.forEach((c, i) => {
    it(`#${i}`, () => {
      expect(new Values(c.Values ?? {}).encode()).toBe(c.Out);
    });
  });
});

describe('resolveReference matches Go (resolveReferenceTests, resolvePathTests)', () => {
  for (const c of data.resolve) {
    it(`${c.Base} + ${c.Ref}`, () => {
      if (c.Base.startsWith('path:')) {
        // resolvePath is internal; exercise it through a path-only reference.
        const base = new URL({ scheme: 'http', host: 'h', path: `/${c.Base.slice(5)}` });
        const got = base.resolveReference(new URL({ path: c.Ref })).path;
        expect(got).toBe(c.Out.startsWith('/') ? c.Out : `/${c.Out}`);
        return;
      }
      expect(parseURL(c.Base).parse(c.Ref).toString()).toBe(c.Out);
    });
  }
});

describe('URL misc', () => {
  it('redacted hides the password', () => {
    expect(parseURL('http://u:p@h/').redacted()).toBe('http://u:xxxxx@h/');
    expect(parseURL('http://u@h/').redacted()).toBe('http://u@h/');
  });
  it('clone is independent', () => {
    const u = parseURL('http://h/a');
    const c = u.clone();
    c.path = '/b';
    expect(u.path).toBe('/a');
    expect(u.isAbs()).toBe(true);
  });
});

describe('parseRequestURI: the simple-target fast path agrees with the general parser', () => {
  // For targets that start with one "/" and carry no "#", parseURL (url.Parse) and
  // parseRequestURI (url.ParseRequestURI) agree in Go; parseURL never takes the fast path.
  const alphabet = 'aZ09-._~/%?=&+: é#\x01';
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const targets = ['/', '/?', '/a?', '/a??', '/a?b?', '/hello', '/a/b/../c', '/x?y=1&z=%41'];
  for (let i = 0; i < 2000; i++) {
    let t = '/';
    const len = rand(12);
    for (let k = 0; k < len; k++) t += alphabet[rand(alphabet.length)];
    targets.push(t);
  }
  it('on hand-picked and 2,000 generated targets', () => {
    for (const t of targets) {
      if (t.startsWith('//') || t.includes('#')) continue;
      const want = (() => {
        try {
          return jurl(parseURL(t));
        } catch (e) {
          return (e as Error).message.replace('parse', '');
        }
      })();
      const got = (() => {
        try {
          return jurl(parseRequestURI(t));
        } catch (e) {
          return (e as Error).message.replace('parse', '');
        }
      })();
      expect(got, t).toEqual(want);
    }
  });
});

// Tables from Go's pattern_test.go, as data.
import { describe, expect, test } from 'vitest';
import {
  commonPath,
  describeConflict,
  differencePath,
  inverseRelationship,
  parsePattern,
  type Relationship,
  type Segment,
} from './pattern.js';

const lit = (s: string): Segment => ({ s, wild: false, multi: false });
const wild = (s: string): Segment => ({ s, wild: true, multi: false });
const multi = (s: string): Segment => ({ s, wild: true, multi: true });

interface Parsed {
  method?: string;
  host?: string;
  segments: Segment[];
}

describe('SRV-100 parsePattern', () => {
  const cases: [string, Parsed][] = [
    ['/', { segments: [multi('')] }],
    ['/a', { segments: [lit('a')] }],
    ['/a/', { segments: [lit('a'), multi('')] }],
    ['/path/to/something', { segments: [lit('path'), lit('to'), lit('something')] }],
    ['/{w1}/lit/{w2}', { segments: [wild('w1'), lit('lit'), wild('w2')] }],
    ['/{w1}/lit/{w2}/', { segments: [wild('w1'), lit('lit'), wild('w2'), multi('')] }],
    ['example.com/', { host: 'example.com', segments: [multi('')] }],
    ['GET /', { method: 'GET', segments: [multi('')] }],
    [
      'POST example.com/foo/{w}',
      { method: 'POST', host: 'example.com', segments: [lit('foo'), wild('w')] },
    ],
    ['/{$}', { segments: [lit('/')] }],
    [
      'DELETE example.com/a/{foo12}/{$}',
      { method: 'DELETE', host: 'example.com', segments: [lit('a'), wild('foo12'), lit('/')] },
    ],
    ['/foo/{$}', { segments: [lit('foo'), lit('/')] }],
    ['/{a}/foo/{rest...}', { segments: [wild('a'), lit('foo'), multi('rest')] }],
    ['//', { segments: [lit(''), multi('')] }],
    [
      '/foo///./../bar',
      { segments: [lit('foo'), lit(''), lit(''), lit('.'), lit('..'), lit('bar')] },
    ],
    ['a.com/foo//', { host: 'a.com', segments: [lit('foo'), lit(''), multi('')] }],
    ['/%61%62/%7b/%', { segments: [lit('ab'), lit('{'), lit('%')] }],
    // blanks between method and path: any run of spaces and tabs
    ['GET\t  /', { method: 'GET', segments: [multi('')] }],
    [
      'POST \t  example.com/foo/{w}',
      { method: 'POST', host: 'example.com', segments: [lit('foo'), wild('w')] },
    ],
    [
      'DELETE    \texample.com/a/{foo12}/{$}',
      { method: 'DELETE', host: 'example.com', segments: [lit('a'), wild('foo12'), lit('/')] },
    ],
    // not in Go's table: literals are compared as unescaped UTF-8 bytes
    ['/é/%C3%A9', { segments: [lit('\xc3\xa9'), lit('\xc3\xa9')] }],
    ['/{ñame}', { segments: [wild('\xc3\xb1ame')] }],
  ];
  test.each(cases)('%j', (input, want) => {
    const p = parsePattern(input);
    expect({ method: p.method, host: p.host, segments: p.segments }).toEqual({
      method: want.method ?? '',
      host: want.host ?? '',
      segments: want.segments,
    });
    expect(p.toString()).toBe(input);
  });

  test('wildcardNames lists the capturing wildcards in order', () => {
    expect(parsePattern('/{a}/x/{b}/{c...}').wildcardNames).toEqual(['a', 'b', 'c']);
    expect(parsePattern('/{a}/x/').wildcardNames).toEqual(['a']);
    expect(parsePattern('/{ñame}/{$}').wildcardNames).toEqual(['ñame']);
  });
});

describe('SRV-100 parsePattern errors', () => {
  // Go's table checks "contains"; the full texts (after the ':') were taken from go1.26.
  const cases: [string, string][] = [
    ['', 'empty pattern'],
    ['A=B /', 'at offset 0: invalid method "A=B"'],
    [' ', 'at offset 1: host/path missing /'],
    ['/{w}x', "at offset 1: bad wildcard segment (must end with '}')"],
    ['/x{w}', "at offset 1: bad wildcard segment (must start with '{')"],
    ['/{wx', "at offset 1: bad wildcard segment (must end with '}')"],
    ['/a/{/}/c', "at offset 3: bad wildcard segment (must end with '}')"],
    ['/a/{%61}/c', 'at offset 3: bad wildcard name "%61"'], // names aren't unescaped
    ['/{a$}', 'at offset 1: bad wildcard name "a$"'],
    ['/{}', 'at offset 1: empty wildcard'],
    ['POST a.com/x/{}/y', 'at offset 13: empty wildcard'],
    ['/{...}', 'at offset 1: empty wildcard'],
    ['/{$...}', 'at offset 1: bad wildcard name "$"'],
    ['/{$}/', 'at offset 1: {$} not at end'],
    ['/{$}/x', 'at offset 1: {$} not at end'],
    ['/abc/{$}/x', 'at offset 5: {$} not at end'],
    ['/{a...}/', 'at offset 1: {...} wildcard not at end'],
    ['/{a...}/x', 'at offset 1: {...} wildcard not at end'],
    ['{a}/b', "at offset 0: host contains '{' (missing initial '/'?)"],
    ['/a/{x}/b/{x...}', 'at offset 9: duplicate wildcard name "x"'],
    ['GET //', 'at offset 4: non-CONNECT pattern with unclean path can never match'],
    // not in Go's table
    ['/a b/', 'at offset 0: invalid method "/a"'],
    ['GET /a/../b', 'at offset 4: non-CONNECT pattern with unclean path can never match'],
    ['/{1a}', 'at offset 1: bad wildcard name "1a"'],
    ['/é/{x"\n}', 'at offset 4: bad wildcard name "x\\"\\n"'],
    ['GET  {x}/', "at offset 4: host contains '{' (missing initial '/'?)"], // Go's offset quirk
  ];
  test.each(cases)('%j', (input, want) => {
    expect(() => parsePattern(input)).toThrow(new Error(want));
  });

  test('CONNECT patterns may have unclean paths', () => {
    expect(parsePattern('CONNECT //a/../b').segments).toHaveLength(4);
  });
});

describe('SRV-101 compareMethods', () => {
  const cases: [string, string, Relationship][] = [
    ['/', '/', 'equivalent'],
    ['GET /', 'GET /', 'equivalent'],
    ['HEAD /', 'HEAD /', 'equivalent'],
    ['POST /', 'POST /', 'equivalent'],
    ['GET /', 'POST /', 'disjoint'],
    ['GET /', '/', 'moreSpecific'],
    ['HEAD /', '/', 'moreSpecific'],
    ['GET /', 'HEAD /', 'moreGeneral'],
  ];
  test.each(cases)('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(p1.compareMethods(p2)).toBe(want);
    expect(p2.compareMethods(p1)).toBe(inverseRelationship(want));
  });
});

describe('SRV-101 comparePaths', () => {
  const cases: [string, string, Relationship][] = [
    // a literal is more specific than anything it overlaps, except itself
    ['/a', '/a', 'equivalent'],
    ['/a', '/b', 'disjoint'],
    ['/a', '/', 'moreSpecific'],
    ['/a', '/{$}', 'disjoint'],
    ['/a', '/{x}', 'moreSpecific'],
    ['/a', '/{x...}', 'moreSpecific'],
    // adding a segment doesn't change that
    ['/b/a', '/b/a', 'equivalent'],
    ['/b/a', '/b/b', 'disjoint'],
    ['/b/a', '/b/', 'moreSpecific'],
    ['/b/a', '/b/{$}', 'disjoint'],
    ['/b/a', '/b/{x}', 'moreSpecific'],
    ['/b/a', '/b/{x...}', 'moreSpecific'],
    ['/{z}/a', '/{z}/a', 'equivalent'],
    ['/{z}/a', '/{z}/b', 'disjoint'],
    ['/{z}/a', '/{z}/', 'moreSpecific'],
    ['/{z}/a', '/{z}/{$}', 'disjoint'],
    ['/{z}/a', '/{z}/{x}', 'moreSpecific'],
    ['/{z}/a', '/{z}/{x...}', 'moreSpecific'],
    // single wildcard on the left
    ['/{z}', '/a', 'moreGeneral'],
    ['/{z}', '/a/b', 'disjoint'],
    ['/{z}', '/{$}', 'disjoint'],
    ['/{z}', '/{x}', 'equivalent'],
    ['/{z}', '/', 'moreSpecific'],
    ['/{z}', '/{x...}', 'moreSpecific'],
    ['/b/{z}', '/b/a', 'moreGeneral'],
    ['/b/{z}', '/b/a/b', 'disjoint'],
    ['/b/{z}', '/b/{$}', 'disjoint'],
    ['/b/{z}', '/b/{x}', 'equivalent'],
    ['/b/{z}', '/b/', 'moreSpecific'],
    ['/b/{z}', '/b/{x...}', 'moreSpecific'],
    // trailing slash on the left
    ['/', '/a', 'moreGeneral'],
    ['/', '/a/b', 'moreGeneral'],
    ['/', '/{$}', 'moreGeneral'],
    ['/', '/{x}', 'moreGeneral'],
    ['/', '/', 'equivalent'],
    ['/', '/{x...}', 'equivalent'],
    ['/b/', '/b/a', 'moreGeneral'],
    ['/b/', '/b/a/b', 'moreGeneral'],
    ['/b/', '/b/{$}', 'moreGeneral'],
    ['/b/', '/b/{x}', 'moreGeneral'],
    ['/b/', '/b/', 'equivalent'],
    ['/b/', '/b/{x...}', 'equivalent'],
    ['/{z}/', '/{z}/a', 'moreGeneral'],
    ['/{z}/', '/{z}/a/b', 'moreGeneral'],
    ['/{z}/', '/{z}/{$}', 'moreGeneral'],
    ['/{z}/', '/{z}/{x}', 'moreGeneral'],
    ['/{z}/', '/{z}/', 'equivalent'],
    ['/{z}/', '/a/', 'moreGeneral'],
    ['/{z}/', '/{z}/{x...}', 'equivalent'],
    ['/{z}/', '/a/{x...}', 'moreGeneral'],
    ['/a/{z}/', '/{z}/a/', 'overlaps'],
    ['/a/{z}/b/', '/{x}/c/{y...}', 'overlaps'],
    // multi wildcard on the left
    ['/{m...}', '/a', 'moreGeneral'],
    ['/{m...}', '/a/b', 'moreGeneral'],
    ['/{m...}', '/{$}', 'moreGeneral'],
    ['/{m...}', '/{x}', 'moreGeneral'],
    ['/{m...}', '/', 'equivalent'],
    ['/{m...}', '/{x...}', 'equivalent'],
    ['/b/{m...}', '/b/a', 'moreGeneral'],
    ['/b/{m...}', '/b/a/b', 'moreGeneral'],
    ['/b/{m...}', '/b/{$}', 'moreGeneral'],
    ['/b/{m...}', '/b/{x}', 'moreGeneral'],
    ['/b/{m...}', '/b/', 'equivalent'],
    ['/b/{m...}', '/b/{x...}', 'equivalent'],
    ['/b/{m...}', '/a/{x...}', 'disjoint'],
    ['/{z}/{m...}', '/{z}/a', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/a/b', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/{$}', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/{x}', 'moreGeneral'],
    ['/{z}/{m...}', '/{w}/', 'equivalent'],
    ['/{z}/{m...}', '/a/', 'moreGeneral'],
    ['/{z}/{m...}', '/{z}/{x...}', 'equivalent'],
    ['/{z}/{m...}', '/a/{x...}', 'moreGeneral'],
    ['/a/{m...}', '/a/b/{y...}', 'moreGeneral'],
    ['/a/{m...}', '/a/{x}/{y...}', 'moreGeneral'],
    ['/a/{z}/{m...}', '/a/b/{y...}', 'moreGeneral'],
    ['/a/{z}/{m...}', '/{z}/a/', 'overlaps'],
    ['/a/{z}/{m...}', '/{z}/b/{y...}', 'overlaps'],
    ['/a/{z}/b/{m...}', '/{x}/c/{y...}', 'overlaps'],
    ['/a/{z}/a/{m...}', '/{x}/b', 'disjoint'],
    // dollar on the left
    ['/{$}', '/a', 'disjoint'],
    ['/{$}', '/a/b', 'disjoint'],
    ['/{$}', '/{$}', 'equivalent'],
    ['/{$}', '/{x}', 'disjoint'],
    ['/{$}', '/', 'moreSpecific'],
    ['/{$}', '/{x...}', 'moreSpecific'],
    ['/b/{$}', '/b', 'disjoint'],
    ['/b/{$}', '/b/a', 'disjoint'],
    ['/b/{$}', '/b/a/b', 'disjoint'],
    ['/b/{$}', '/b/{$}', 'equivalent'],
    ['/b/{$}', '/b/{x}', 'disjoint'],
    ['/b/{$}', '/b/', 'moreSpecific'],
    ['/b/{$}', '/b/{x...}', 'moreSpecific'],
    ['/b/{$}', '/b/c/{x...}', 'disjoint'],
    ['/b/{x}/a/{$}', '/{x}/c/{y...}', 'overlaps'],
    ['/{x}/b/{$}', '/a/{x}/{y}', 'disjoint'],
    ['/{x}/b/{$}', '/a/{x}/c', 'disjoint'],
    ['/{z}/{$}', '/{z}/a', 'disjoint'],
    ['/{z}/{$}', '/{z}/a/b', 'disjoint'],
    ['/{z}/{$}', '/{z}/{$}', 'equivalent'],
    ['/{z}/{$}', '/{z}/{x}', 'disjoint'],
    ['/{z}/{$}', '/{z}/', 'moreSpecific'],
    ['/{z}/{$}', '/a/', 'overlaps'],
    ['/{z}/{$}', '/a/{x...}', 'overlaps'],
    ['/{z}/{$}', '/{z}/{x...}', 'moreSpecific'],
    ['/a/{z}/{$}', '/{z}/a/', 'overlaps'],
  ];
  test.each(cases)('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(p1.comparePaths(p1)).toBe('equivalent');
    expect(p2.comparePaths(p2)).toBe('equivalent');
    expect(p1.comparePaths(p2)).toBe(want);
    expect(p2.comparePaths(p1)).toBe(inverseRelationship(want));
  });
});

describe('SRV-101 conflictsWith', () => {
  const cases: [string, string, boolean][] = [
    ['/a', '/a', true],
    ['/a', '/ab', false],
    ['/a/b/cd', '/a/b/cd', true],
    ['/a/b/cd', '/a/b/c', false],
    ['/a/b/c', '/a/c/c', false],
    ['/{x}', '/{y}', true],
    ['/{x}', '/a', false], // more specific
    ['/{x}/{y}', '/{x}/a', false],
    ['/{x}/{y}', '/{x}/a/b', false],
    ['/{x}', '/a/{y}', false],
    ['/{x}/{y}', '/{x}/a/', false],
    ['/{x}', '/a/{y...}', false], // more specific
    ['/{x}/a/{y}', '/{x}/a/{y...}', false], // more specific
    ['/{x}/{y}', '/{x}/a/{$}', false], // more specific
    ['/{x}/{y}/{$}', '/{x}/a/{$}', false],
    ['/a/{x}', '/{x}/b', true],
    ['/', 'GET /', false],
    ['/', 'GET /foo', false],
    ['GET /', 'GET /foo', false],
    ['GET /', '/foo', true],
    ['GET /foo', 'HEAD /', true],
    // not in Go's table: the host rule
    ['example.com/a', '/a', false],
    ['a.com/{x}', 'b.com/{y}', false],
    ['a.com/{x}', 'a.com/{y}', true],
  ];
  test.each(cases)('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(p1.conflictsWith(p2)).toBe(want);
    expect(p2.conflictsWith(p1)).toBe(want); // commutative
  });
});

describe('SRV-101 describeConflict', () => {
  const cases: [string, string, string][] = [
    ['/a/{x}', '/a/{y}', 'the same requests'],
    ['/', '/{m...}', 'the same requests'],
    ['/a/{x}', '/{y}/b', 'both match some paths'],
    ['/a', 'GET /{x}', 'matches more methods than GET /{x}, but has a more specific path pattern'],
    ['GET /a', 'HEAD /', 'matches more methods than HEAD /, but has a more specific path pattern'],
    ['POST /', '/a', 'matches fewer methods than /a, but has a more general path pattern'],
  ];
  test.each(cases)('%s vs %s', (a, b, want) => {
    expect(describeConflict(parsePattern(a), parsePattern(b))).toContain(want);
  });

  test('full texts as go1.26 prints them', () => {
    expect(describeConflict(parsePattern('/a/{x}'), parsePattern('/{y}/b'))).toBe(
      '/a/{x} and /{y}/b both match some paths, like "/a/b".\n' +
        'But neither is more specific than the other.\n' +
        '/a/{x} matches "/a/x", but /{y}/b doesn\'t.\n' +
        '/{y}/b matches "/y/b", but /a/{x} doesn\'t.',
    );
    expect(describeConflict(parsePattern('/é/{x}'), parsePattern('/{y}/b'))).toBe(
      '/é/{x} and /{y}/b both match some paths, like "/é/b".\n' +
        'But neither is more specific than the other.\n' +
        '/é/{x} matches "/é/x", but /{y}/b doesn\'t.\n' +
        '/{y}/b matches "/y/b", but /é/{x} doesn\'t.',
    );
    expect(describeConflict(parsePattern('/%00/{a}'), parsePattern('/{b}/c'))).toBe(
      '/%00/{a} and /{b}/c both match some paths, like "/\\x00/c".\n' +
        'But neither is more specific than the other.\n' +
        '/%00/{a} matches "/\\x00/a", but /{b}/c doesn\'t.\n' +
        '/{b}/c matches "/b/c", but /%00/{a} doesn\'t.',
    );
    expect(describeConflict(parsePattern('/a'), parsePattern('/a'))).toBe(
      '/a matches the same requests as /a',
    );
  });
});

describe('commonPath', () => {
  const cases: [string, string, string][] = [
    ['/a/{x}', '/{x}/a', '/a/a'],
    ['/a/{z}/', '/{z}/a/', '/a/a/'],
    ['/a/{z}/{m...}', '/{z}/a/', '/a/a/'],
    ['/{z}/{$}', '/a/', '/a/'],
    ['/{z}/{$}', '/a/{x...}', '/a/'],
    ['/a/{z}/{$}', '/{z}/a/', '/a/a/'],
    ['/a/{x}/b/{y...}', '/{x}/c/{y...}', '/a/c/b/'],
    ['/a/{x}/b/', '/{x}/c/{y...}', '/a/c/b/'],
    ['/a/{x}/b/{$}', '/{x}/c/{y...}', '/a/c/b/'],
    ['/a/{z}/{x...}', '/{z}/b/{y...}', '/a/b/'],
  ];
  test.each(cases)('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(p1.comparePaths(p2)).toBe('overlaps');
    expect(commonPath(p1, p2)).toBe(want);
  });
});

describe('differencePath', () => {
  const cases: [string, string, string][] = [
    ['/a/{x}', '/{x}/a', '/a/x'],
    ['/{x}/a', '/a/{x}', '/x/a'],
    ['/a/{z}/', '/{z}/a/', '/a/z/'],
    ['/{z}/a/', '/a/{z}/', '/z/a/'],
    ['/{a}/a/', '/a/{z}/', '/ax/a/'],
    ['/a/{z}/{x...}', '/{z}/b/{y...}', '/a/z/'],
    ['/{z}/b/{y...}', '/a/{z}/{x...}', '/z/b/'],
    ['/a/b/', '/a/b/c', '/a/b/'],
    ['/a/b/{x...}', '/a/b/c', '/a/b/'],
    ['/a/b/{x...}', '/a/b/c/d', '/a/b/'],
    ['/a/b/{x...}', '/a/b/c/d/', '/a/b/'],
    ['/a/{z}/{m...}', '/{z}/a/', '/a/z/'],
    ['/{z}/a/', '/a/{z}/{m...}', '/z/a/'],
    ['/{z}/{$}', '/a/', '/z/'],
    ['/a/', '/{z}/{$}', '/a/x'],
    ['/{z}/{$}', '/a/{x...}', '/z/'],
    ['/a/{foo...}', '/{z}/{$}', '/a/foo'],
    ['/a/{z}/{$}', '/{z}/a/', '/a/z/'],
    ['/{z}/a/', '/a/{z}/{$}', '/z/a/x'],
    ['/a/{x}/b/{y...}', '/{x}/c/{y...}', '/a/x/b/'],
    ['/{x}/c/{y...}', '/a/{x}/b/{y...}', '/x/c/'],
    ['/a/{c}/b/', '/{x}/c/{y...}', '/a/cx/b/'],
    ['/{x}/c/{y...}', '/a/{c}/b/', '/x/c/'],
    ['/a/{x}/b/{$}', '/{x}/c/{y...}', '/a/x/b/'],
    ['/{x}/c/{y...}', '/a/{x}/b/{$}', '/x/c/'],
  ];
  test.each(cases)('%s vs %s: %s', (a, b, want) => {
    const p1 = parsePattern(a);
    const p2 = parsePattern(b);
    expect(['overlaps', 'moreGeneral']).toContain(p1.comparePaths(p2));
    expect(differencePath(p1, p2)).toBe(want);
  });
});

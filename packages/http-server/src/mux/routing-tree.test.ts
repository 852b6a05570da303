// Tables from Go's routing_tree_test.go and routing_index_test.go, as data.
import { describe, expect, test } from 'vitest';
import type { Handler } from '../handler.js';
import { fromByteString, quoteBytes } from './internal.js';
import { type Pattern, parsePattern } from './pattern.js';
import { RoutingIndex } from './routing-index.js';
import { firstSegment, RoutingNode } from './routing-tree.js';

const nop: Handler = { serveHttp() {} };

function buildTree(...pats: string[]): RoutingNode {
  const root = new RoutingNode();
  for (const p of pats) root.addPattern(parsePattern(p), nop);
  return root;
}

// Go's (*routingNode).print in the test file: the tree as indented quoted keys.
function printTree(n: RoutingNode, level: number, out: string[]): void {
  const indent = '    '.repeat(level);
  if (n.pattern !== null) out.push(`${indent}${quoteBytes(n.pattern.str)}`);
  if (n.emptyChild !== null) {
    out.push(`${indent}"":`);
    printTree(n.emptyChild, level + 1, out);
  }
  const keys = [...(n.children?.keys() ?? [])].sort();
  for (const k of keys) {
    out.push(`${indent}${quoteBytes(k)}:`);
    printTree(n.children!.get(k)!, level + 1, out);
  }
  if (n.multiChild !== null) {
    out.push(`${indent}MULTI:`);
    printTree(n.multiChild, level + 1, out);
  }
}

describe('firstSegment', () => {
  const cases: [string, string[]][] = [
    ['/a/b/c', ['a', 'b', 'c']],
    ['/a/b/', ['a', 'b', '/']],
    ['/', ['/']],
    ['/a/%62/c', ['a', 'b', 'c']],
    ['/a%2Fb%2fc', ['a/b/c']],
  ];
  test.each(cases)('%s', (input, want) => {
    const got: string[] = [];
    let rest = input;
    while (rest.length > 0) {
      const [seg, r] = firstSegment(rest);
      got.push(seg);
      rest = r;
    }
    expect(got).toEqual(want);
  });
});

const testTree = buildTree(
  '/a',
  '/a/b',
  '/a/{x}',
  '/g/h/i',
  '/g/{x}/j',
  '/a/b/{x...}',
  '/a/b/{y}',
  '/a/b/{$}',
);

test('addPattern builds the host / method / segments tree', () => {
  const out: string[] = [];
  printTree(testTree, 0, out);
  expect(out.join('\n')).toBe(
    [
      '"":',
      '    "":',
      '        "a":',
      '            "/a"',
      '            "":',
      '                "/a/{x}"',
      '            "b":',
      '                "/a/b"',
      '                "":',
      '                    "/a/b/{y}"',
      '                "/":',
      '                    "/a/b/{$}"',
      '                MULTI:',
      '                    "/a/b/{x...}"',
      '        "g":',
      '            "":',
      '                "j":',
      '                    "/g/{x}/j"',
      '            "h":',
      '                "i":',
      '                    "/g/h/i"',
    ].join('\n'),
  );
});

// [method, host, path, wanted pattern ("" for no match), wanted wildcard values]
type MatchCase = [string, string, string, string, string[]];

function checkMatches(tree: RoutingNode, cases: MatchCase[]): void {
  for (const [method, host, path, wantPat, wantMatches] of cases) {
    const matches: string[] = [];
    const n = tree.match(host, method, path, matches);
    expect({ method, host, path, pat: n?.pattern?.str ?? '' }).toEqual({
      method,
      host,
      path,
      pat: wantPat,
    });
    expect(n === null ? [] : matches.map(fromByteString)).toEqual(wantMatches);
  }
}

describe('SRV-100 SRV-101 routing tree match', () => {
  test('literal, wildcard, {$} and multi at each level', () => {
    checkMatches(testTree, [
      ['GET', '', '/a', '/a', []],
      ['Get', '', '/b', '', []],
      ['Get', '', '/a/b', '/a/b', []],
      ['Get', '', '/a/c', '/a/{x}', ['c']],
      ['Get', '', '/a/b/', '/a/b/{$}', []],
      ['Get', '', '/a/b/c', '/a/b/{y}', ['c']],
      ['Get', '', '/a/b/c/d', '/a/b/{x...}', ['c/d']],
      ['Get', '', '/g/h/i', '/g/h/i', []],
      ['Get', '', '/g/h/j', '/g/{x}/j', ['h']],
    ]);
  });

  test('methods, hosts, HEAD via GET, most specific first', () => {
    const tree = buildTree(
      '/item/',
      'POST /item/{user}',
      'GET /item/{user}',
      '/item/{user}',
      '/item/{user}/{id}',
      '/item/{user}/new',
      '/item/{$}',
      'POST alt.com/item/{user}',
      'GET /headwins',
      'HEAD /headwins',
      '/path/{p...}',
    );
    checkMatches(tree, [
      ['GET', '', '/item/jba', 'GET /item/{user}', ['jba']],
      ['POST', '', '/item/jba', 'POST /item/{user}', ['jba']],
      ['HEAD', '', '/item/jba', 'GET /item/{user}', ['jba']],
      ['get', '', '/item/jba', '/item/{user}', ['jba']], // methods are case-sensitive
      ['POST', '', '/item/jba/17', '/item/{user}/{id}', ['jba', '17']],
      ['GET', '', '/item/jba/new', '/item/{user}/new', ['jba']],
      ['GET', '', '/item/', '/item/{$}', []],
      ['GET', '', '/item/jba/17/line2', '/item/', []],
      ['POST', 'alt.com', '/item/jba', 'POST alt.com/item/{user}', ['jba']],
      ['GET', 'alt.com', '/item/jba', 'GET /item/{user}', ['jba']],
      ['GET', '', '/item', '', []], // no match
      ['GET', '', '/headwins', 'GET /headwins', []],
      ['HEAD', '', '/headwins', 'HEAD /headwins', []], // HEAD is more specific than GET
      ['GET', '', '/path/to/file', '/path/{p...}', ['to/file']],
      ['GET', '', '/path/*', '/path/{p...}', ['*']],
    ]);
  });

  const pat1 = '/a/b/{$}';
  const pat2 = '/a/b/{w}';
  const pat3 = '/a/b/{w...}';

  test('{$} matches only the trailing slash', () => {
    checkMatches(buildTree(pat1), [
      ['GET', '', '/a/b', '', []],
      ['GET', '', '/a/b/', pat1, []],
      ['GET', '', '/a/b/c', '', []],
      ['GET', '', '/a/b/c/d', '', []],
    ]);
  });

  test('a single wildcard does not match a trailing slash', () => {
    checkMatches(buildTree(pat2), [
      ['GET', '', '/a/b', '', []],
      ['GET', '', '/a/b/', '', []],
      ['GET', '', '/a/b/c', pat2, ['c']],
      ['GET', '', '/a/b/c/d', '', []],
    ]);
  });

  test('a multi wildcard matches the empty rest and longer ones', () => {
    checkMatches(buildTree(pat3), [
      ['GET', '', '/a/b', '', []],
      ['GET', '', '/a/b/', pat3, ['']],
      ['GET', '', '/a/b/c', pat3, ['c']],
      ['GET', '', '/a/b/c/d', pat3, ['c/d']],
    ]);
  });

  test('all three together', () => {
    checkMatches(buildTree(pat1, pat2, pat3), [
      ['GET', '', '/a/b', '', []],
      ['GET', '', '/a/b/', pat1, []],
      ['GET', '', '/a/b/c', pat2, ['c']],
      ['GET', '', '/a/b/c/d', pat3, ['c/d']],
    ]);
  });

  test('backtracking out of a literal branch drops its partial wildcard values', () => {
    checkMatches(buildTree('/a/{x}/z', '/{y}/b/c'), [
      ['GET', '', '/a/b/c', '/{y}/b/c', ['a']],
      ['GET', '', '/a/q/z', '/a/{x}/z', ['q']],
    ]);
  });

  test('escaped segments are compared unescaped, %2F does not split', () => {
    checkMatches(buildTree('/é/{x}', '/a%2Fb/{y...}'), [
      ['GET', '', '/%C3%A9/v%20w', '/é/{x}', ['v w']],
      ['GET', '', '/a%2fb/c%2Fd/e', '/a%2Fb/{y...}', ['c/d/e']],
      ['GET', '', '/a/b/c', '', []],
    ]);
  });
});

describe('SRV-102 matchingMethods', () => {
  const hostTree = buildTree('GET a.com/', 'PUT b.com/', 'POST /foo/{x}');
  const cases: [string, RoutingNode, string, string, string][] = [
    ['post', buildTree('POST /'), '', '/foo', 'POST'],
    ['get', buildTree('GET /'), '', '/foo', 'GET,HEAD'],
    ['host', hostTree, '', '/foo', ''],
    ['host', hostTree, '', '/foo/bar', 'POST'],
    ['host2', hostTree, 'a.com', '/foo/bar', 'GET,HEAD,POST'],
    ['host3', hostTree, 'b.com', '/bar', 'PUT'],
    // only called after a failed match, but complete anyway
    ['empty', buildTree('/'), '', '/', ''],
  ];
  test.each(cases)('%s %s %s', (_name, tree, host, path, want) => {
    const ms = new Set<string>();
    tree.matchingMethods(host, path, ms);
    expect([...ms].sort().join(',')).toBe(want);
  });
});

// Go: TestIndex — every pattern built from a representative set of parts, added in order;
// the conflicts the index finds must equal those found by comparing against all.
function generatePatterns(): Pattern[] {
  const methods = ['', 'GET ', 'HEAD ', 'POST '];
  const hosts = ['', 'h1', 'h2'];
  const segs = ['/a', '/b', '/{x}'];
  const finalSegs = ['/a', '/b', '/{f}', '/{m...}', '/{$}'];
  const stars: string[] = [];
  const repeat = (n: number, prefix: string): void => {
    if (n === 0) {
      stars.push(prefix);
      return;
    }
    for (const s of segs) repeat(n - 1, prefix + s);
  };
  for (let i = 0; i <= 3; i++) repeat(i, '');
  const pats: Pattern[] = [];
  for (const m of methods) {
    for (const h of hosts) {
      for (const st of stars) {
        for (const f of finalSegs) {
          let wc = 0;
          const s = (m + h + st + f).replaceAll('{x}', () => `{x${wc++}}`);
          pats.push(parsePattern(s));
        }
      }
    }
  }
  return pats;
}

test('SRV-101 routing index finds exactly the conflicts an exhaustive check finds', () => {
  const patterns = generatePatterns();
  expect(patterns).toHaveLength(4 * 3 * 40 * 5);
  const idx = new RoutingIndex();
  for (let i = 0; i < patterns.length; i++) {
    const pat = patterns[i]!;
    const got = new Set<string>();
    idx.possiblyConflictingPatterns(pat, (p) => {
      if (pat.conflictsWith(p)) got.add(p.str);
      return undefined;
    });
    const want: string[] = [];
    for (let j = 0; j < i; j++) {
      if (pat.conflictsWith(patterns[j]!)) want.push(patterns[j]!.str);
    }
    const g = [...got].sort();
    want.sort();
    if (g.join('\n') !== want.join('\n'))
      expect({ pat: pat.str, got: g }).toEqual({ pat: pat.str, got: want });
    idx.addPattern(pat);
  }
});

test('routing index stops at the first error', () => {
  const idx = new RoutingIndex();
  idx.addPattern(parsePattern('/a/'));
  idx.addPattern(parsePattern('/b/'));
  const seen: string[] = [];
  const err = idx.possiblyConflictingPatterns(parsePattern('/c'), (p) => {
    seen.push(p.str);
    return new Error(p.str);
  });
  expect(err?.message).toBe('/a/');
  expect(seen).toEqual(['/a/']);
});

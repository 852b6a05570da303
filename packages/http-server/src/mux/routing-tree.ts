// Go: routing_tree.go — the decision tree the ServeMux matches requests with. Level one
// branches on the host, level two on the method, the rest on successive path segments.
// Trying literal children before the single-wildcard child before the multi child gives
// "most specific wins" (registration already rejected the ambiguous cases); a failed
// literal branch backtracks, e.g. "/a/b/c" tries "/a/b/z" before "/a/{x}/c".
//
// Segment keys are byte strings (see internal.ts); request paths arrive escaped and are
// unescaped one segment at a time, so "%2F" never splits a segment.
import type { Handler } from '../handler.js';
import { pathUnescape } from './internal.js';
import type { Pattern, Segment } from './pattern.js';

/**
 * A node of the routing tree (Go's `routingNode`). Leaves carry a pattern and its handler;
 * interior nodes map a host, method or path segment to children. The key `""` (single
 * wildcard, and also the "any host"/"any method" level) lives in `emptyChild`; the key `"/"`
 * is the trailing slash of `{$}`.
 */
export class RoutingNode {
  /** The pattern of a leaf, else null. */
  pattern: Pattern | null = null;
  /** The handler registered with {@link pattern}. */
  handler: Handler | null = null;
  /** Children by literal key (never `""`). */
  children: Map<string, RoutingNode> | null = null;
  /** The child for a multi wildcard at this position. */
  multiChild: RoutingNode | null = null;
  /** The child for key `""`. */
  emptyChild: RoutingNode | null = null;

  // Go: (*routingNode).addPattern — host, then method, then the path segments.
  /** Adds a pattern and its handler under this root. */
  addPattern(p: Pattern, h: Handler): void {
    this.addChild(p.host).addChild(p.method).addSegments(p.segments, 0, p, h);
  }

  private addSegments(segs: readonly Segment[], i: number, p: Pattern, h: Handler): void {
    if (i === segs.length) {
      this.set(p, h);
      return;
    }
    const seg = segs[i]!;
    if (seg.multi) {
      if (i !== segs.length - 1) throw new Error('multi wildcard not last');
      const c = new RoutingNode();
      this.multiChild = c;
      c.set(p, h);
    } else if (seg.wild) {
      this.addChild('').addSegments(segs, i + 1, p, h);
    } else {
      this.addChild(seg.s).addSegments(segs, i + 1, p, h);
    }
  }

  private set(p: Pattern, h: Handler): void {
    if (this.pattern !== null || this.handler !== null) throw new Error('non-nil leaf fields');
    this.pattern = p;
    this.handler = h;
  }

  /** Returns the child for `key`, creating it if needed. */
  addChild(key: string): RoutingNode {
    if (key === '') return (this.emptyChild ??= new RoutingNode());
    let c = this.children?.get(key);
    if (c === undefined) {
      c = new RoutingNode();
      (this.children ??= new Map()).set(key, c);
    }
    return c;
  }

  /** The child for `key`, or null. */
  findChild(key: string): RoutingNode | null {
    if (key === '') return this.emptyChild;
    return this.children?.get(key) ?? null;
  }

  // Go: (*routingNode).match — a pattern for the request's own host wins; if none matches,
  // fall back to the host-less patterns.
  /**
   * Finds the leaf matching host, method and (escaped, byte-string) path, appending the
   * wildcard values (unescaped byte strings, in pattern order) to `matches`. Returns null
   * (and leaves `matches` as it was) when nothing matches.
   */
  match(host: string, method: string, path: string, matches: string[]): RoutingNode | null {
    if (host !== '') {
      const l = matchMethodAndPath(this.findChild(host), method, path, matches);
      if (l !== null) return l;
    }
    return matchMethodAndPath(this.emptyChild, method, path, matches);
  }

  // Go: (*routingNode).matchingMethods — every method that would have matched host and
  // path; GET brings HEAD along.
  /** Adds to `methods` each method for which {@link match} would succeed. */
  matchingMethods(host: string, path: string, methods: Set<string>): void {
    if (host !== '') matchingMethodsPath(this.findChild(host), path, methods);
    matchingMethodsPath(this.emptyChild, path, methods);
    if (methods.has('GET')) methods.add('HEAD');
  }
}

// Go: (*routingNode).matchMethodAndPath — the exact method, then GET for a HEAD request,
// then the method-less patterns.
function matchMethodAndPath(
  n: RoutingNode | null,
  method: string,
  path: string,
  matches: string[],
): RoutingNode | null {
  if (n === null) return null;
  let l = matchPath(n.findChild(method), path, matches);
  if (l !== null) return l;
  if (method === 'HEAD') {
    l = matchPath(n.findChild('GET'), path, matches);
    if (l !== null) return l;
  }
  return matchPath(n.emptyChild, path, matches);
}

// Go: (*routingNode).matchPath — consume one segment: literal child first, then the
// single-wildcard child (never for the trailing slash), then the multi child, which takes
// the whole rest (its value recorded unless the wildcard is anonymous).
function matchPath(n: RoutingNode | null, path: string, matches: string[]): RoutingNode | null {
  if (n === null) return null;
  if (path === '') return n.pattern !== null ? n : null;
  let seg: string;
  let rest: string;
  if (path === '/') {
    seg = '/';
    rest = '';
  } else {
    let i = path.indexOf('/', 1);
    if (i < 0) i = path.length;
    seg = pathUnescape(path.slice(1, i));
    rest = path.slice(i);
  }
  const lit = matchPath(n.findChild(seg), rest, matches);
  if (lit !== null) return lit;
  if (seg !== '/' && n.emptyChild !== null) {
    const len = matches.length;
    matches.push(seg);
    const w = matchPath(n.emptyChild, rest, matches);
    if (w !== null) return w;
    matches.length = len;
  }
  const c = n.multiChild;
  if (c !== null) {
    if (c.pattern!.lastSegment().s !== '') matches.push(pathUnescape(path.slice(1)));
    return c;
  }
  return null;
}

// Go: (*routingNode).matchingMethodsPath — try every method child except the method-less
// one (we only get here because the request's method found nothing).
function matchingMethodsPath(n: RoutingNode | null, path: string, methods: Set<string>): void {
  if (n === null || n.children === null) return;
  const scratch: string[] = [];
  for (const [method, c] of n.children) {
    if (matchPath(c, path, scratch) !== null) methods.add(method);
    scratch.length = 0;
  }
}

/**
 * Splits an escaped path into its first segment (unescaped) and the rest (Go's
 * `firstSegment`); `"/"` alone is the segment `"/"`.
 */
export function firstSegment(path: string): [seg: string, rest: string] {
  if (path === '/') return ['/', ''];
  let i = path.indexOf('/', 1);
  if (i < 0) i = path.length;
  return [pathUnescape(path.slice(1, i)), path.slice(i)];
}

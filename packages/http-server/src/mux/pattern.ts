// Go: pattern.go — parsing of ServeMux patterns and the relations between two patterns that
// decide precedence ("more specific wins") and registration conflicts.
//
// Literal segments are kept as byte strings (see internal.ts): Go unescapes each pattern
// segment and compares bytes, and so do we. Wildcard names are byte strings in `segments`
// too, so the example paths built by describeConflict are uniformly bytes; the names as
// ordinary strings, in order, are in `wildcardNames`.
import {
  cleanPath,
  fromByteString,
  isToken,
  pathUnescape,
  quoteBytes,
  toByteString,
} from './internal.js';

/**
 * One piece of a pattern's path (Go's `segment`).
 *
 * - literal (`wild` false): matches a path segment equal to `s` after unescaping, or, when
 *   `s` is `"/"`, the trailing slash of a pattern ending in `{$}`;
 * - single wildcard (`wild`, not `multi`): matches one path segment; `s` is its name;
 * - multi wildcard (`wild` and `multi`): matches the rest of the path; `s` is its name, or
 *   `""` for the anonymous one a trailing slash stands for.
 */
export interface Segment {
  /** Literal bytes, wildcard name (as a byte string), or `"/"` for `{$}`. */
  readonly s: string;
  /** A wildcard rather than a literal. */
  readonly wild: boolean;
  /** A `{name...}` wildcard or a trailing slash. */
  readonly multi: boolean;
}

/**
 * How two patterns relate, seen from the first (Go's `relationship`):
 * `equivalent` (same requests), `moreGeneral` (matches all the second does and more),
 * `moreSpecific` (the reverse), `disjoint` (no request matches both), `overlaps` (some
 * request matches both, but neither is more specific).
 */
export type Relationship = 'equivalent' | 'moreGeneral' | 'moreSpecific' | 'disjoint' | 'overlaps';

/**
 * A parsed ServeMux pattern, `[METHOD ][HOST]/[PATH]` (Go's `pattern`).
 *
 * A path ending in `/` is stored with a final anonymous multi wildcard; a path ending in
 * `{$}` with a final literal `"/"`.
 */
export class Pattern {
  /** The source text, as registered. */
  readonly str: string;
  /** The method, or `""` for any method. */
  readonly method: string;
  /** The host, or `""` for any host. */
  readonly host: string;
  /** The path segments (never empty: every path has at least `/`). */
  readonly segments: readonly Segment[];
  /** Names of the wildcards that capture a value, in path order (Go's match order). */
  readonly wildcardNames: readonly string[];
  /** Where the pattern was registered, for conflict messages. */
  loc = '';

  /** Builds a pattern from parsed parts; use {@link parsePattern} to parse text. */
  constructor(str: string, method: string, host: string, segments: Segment[]) {
    this.str = str;
    this.method = method;
    this.host = host;
    this.segments = segments;
    const names: string[] = [];
    for (const seg of segments) {
      if (seg.wild && seg.s !== '') names.push(fromByteString(seg.s));
    }
    this.wildcardNames = names;
  }

  /** The source text (Go's `String`). */
  toString(): string {
    return this.str;
  }

  /** The final segment. */
  lastSegment(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  // Go: (*pattern).conflictsWith — patterns with different hosts never conflict (one host
  // is empty and wins by the host rule, or both are set and differ); otherwise they conflict
  // when they match the same requests or overlap without either being more specific.
  /** Reports whether registering both patterns is a conflict. */
  conflictsWith(p2: Pattern): boolean {
    if (this.host !== p2.host) return false;
    const rel = this.comparePathsAndMethods(p2);
    return rel === 'equivalent' || rel === 'overlaps';
  }

  /** The combined method and path relationship of this pattern to `p2`. */
  comparePathsAndMethods(p2: Pattern): Relationship {
    const mrel = this.compareMethods(p2);
    if (mrel === 'disjoint') return 'disjoint';
    return combineRelationships(mrel, this.comparePaths(p2));
  }

  // Go: (*pattern).compareMethods — "" matches every method, GET also matches HEAD, any
  // other method only itself.
  /** The relationship of this pattern's method to `p2`'s. */
  compareMethods(p2: Pattern): Relationship {
    const m1 = this.method;
    const m2 = p2.method;
    if (m1 === m2) return 'equivalent';
    if (m1 === '') return 'moreGeneral';
    if (m2 === '') return 'moreSpecific';
    if (m1 === 'GET' && m2 === 'HEAD') return 'moreGeneral';
    if (m2 === 'GET' && m1 === 'HEAD') return 'moreSpecific';
    return 'disjoint';
  }

  // Go: (*pattern).comparePaths — walk corresponding segments combining their relations;
  // when one pattern runs out first, only a final multi wildcard on it keeps the two from
  // being disjoint, and that multi is more general than the rest of the longer one.
  /** The relationship of this pattern's path to `p2`'s. */
  comparePaths(p2: Pattern): Relationship {
    const s1 = this.segments;
    const s2 = p2.segments;
    const multi1 = this.lastSegment().multi;
    const multi2 = p2.lastSegment().multi;
    // Without a final multi, only paths with the same number of segments can match.
    if (s1.length !== s2.length && !multi1 && !multi2) return 'disjoint';
    let rel: Relationship = 'equivalent';
    const n = Math.min(s1.length, s2.length);
    for (let i = 0; i < n; i++) {
      rel = combineRelationships(rel, compareSegments(s1[i]!, s2[i]!));
      if (rel === 'disjoint') return rel;
    }
    if (s1.length === s2.length) return rel;
    if (s1.length < s2.length && multi1) return combineRelationships(rel, 'moreGeneral');
    if (s2.length < s1.length && multi2) return combineRelationships(rel, 'moreSpecific');
    return 'disjoint';
  }
}

// Go: compareSegments — multi beats everything, a single wildcard beats a literal but never
// matches the trailing slash of {$}, two literals are equal or disjoint.
/** The relationship between two corresponding segments. */
export function compareSegments(x: Segment, y: Segment): Relationship {
  if (x.multi && y.multi) return 'equivalent';
  if (x.multi) return 'moreGeneral';
  if (y.multi) return 'moreSpecific';
  if (x.wild && y.wild) return 'equivalent';
  if (x.wild) return y.s === '/' ? 'disjoint' : 'moreGeneral';
  if (y.wild) return x.s === '/' ? 'disjoint' : 'moreSpecific';
  return x.s === y.s ? 'equivalent' : 'disjoint';
}

// Go: combineRelationships — the relation of two patterns given the relations of two parts
// of them: equivalence is neutral, disjointness absorbs, and "more general here, more
// specific there" is an overlap.
/** Combines the relationships of two parts of a pair of patterns into the whole's. */
export function combineRelationships(r1: Relationship, r2: Relationship): Relationship {
  switch (r1) {
    case 'equivalent':
      return r2;
    case 'disjoint':
      return 'disjoint';
    case 'overlaps':
      return r2 === 'disjoint' ? 'disjoint' : 'overlaps';
    case 'moreGeneral':
    case 'moreSpecific':
      if (r2 === 'equivalent') return r1;
      if (r2 === inverseRelationship(r1)) return 'overlaps';
      return r2;
  }
}

/** If p1 has relationship `r` to p2, the relationship p2 has to p1. */
export function inverseRelationship(r: Relationship): Relationship {
  if (r === 'moreSpecific') return 'moreGeneral';
  if (r === 'moreGeneral') return 'moreSpecific';
  return r;
}

// Go: isValidWildcardName — a Go identifier: a letter or '_' first, then letters, digits
// or '_'.
const identifier = /^[\p{L}_][\p{L}\p{Nd}_]*$/u;

function parseError(off: number, msg: string): Error {
  return new Error(`at offset ${off}: ${msg}`);
}

// Go: parsePattern — `[METHOD<space or tab>...][HOST]/PATH`; the method must be a token;
// '{' in the host is an error; a method other than CONNECT requires a clean path; each path
// segment is a literal (unescaped), `{name}`, `{name...}` (last only) or `{$}` (last only);
// names are identifiers and distinct. Errors read "at offset N: ..." with N a byte offset,
// computed as Go does (including its quirk of not counting extra blanks after the method).
/**
 * Parses a ServeMux pattern. Throws an `Error` with Go's message (`empty pattern`,
 * `at offset N: invalid method "A=B"`, `at offset 1: bad wildcard segment (must start with
 * '{')`, ...).
 */
export function parsePattern(str: string): Pattern {
  if (str === '') throw new Error('empty pattern');
  // Work on the UTF-8 bytes so offsets and unescaped literals are Go's.
  const s = toByteString(str);
  let off = 0;

  let method = s;
  let rest = '';
  let found = false;
  let sp = -1;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x20 || c === 0x09) {
      sp = k;
      break;
    }
  }
  if (sp >= 0) {
    method = s.slice(0, sp);
    rest = s.slice(sp + 1).replace(/^[ \t]+/, '');
    found = true;
  }
  if (!found) {
    rest = method;
    method = '';
  }
  if (method !== '' && !isToken(method)) {
    throw parseError(off, `invalid method ${quoteBytes(method)}`);
  }
  if (found) off = method.length + 1;

  const slash = rest.indexOf('/');
  if (slash < 0) throw parseError(off, 'host/path missing /');
  const host = rest.slice(0, slash);
  rest = rest.slice(slash);
  const brace = host.indexOf('{');
  if (brace >= 0) {
    off += brace;
    throw parseError(off, "host contains '{' (missing initial '/'?)");
  }
  off += slash;

  // Paths are cleaned before matching (except for CONNECT), so an unclean path could never
  // match a request with a method.
  if (method !== '' && method !== 'CONNECT' && rest !== cleanPath(rest)) {
    throw parseError(off, 'non-CONNECT pattern with unclean path can never match');
  }

  const segments: Segment[] = [];
  const seen = new Set<string>();
  while (rest.length > 0) {
    rest = rest.slice(1); // drop the '/'
    off = s.length - rest.length;
    if (rest.length === 0) {
      segments.push({ s: '', wild: true, multi: true }); // trailing slash
      break;
    }
    let i = rest.indexOf('/');
    if (i < 0) i = rest.length;
    const seg = rest.slice(0, i);
    rest = rest.slice(i);
    const open = seg.indexOf('{');
    if (open < 0) {
      segments.push({ s: pathUnescape(seg), wild: false, multi: false });
      continue;
    }
    if (open !== 0) throw parseError(off, "bad wildcard segment (must start with '{')");
    if (seg.charCodeAt(seg.length - 1) !== 0x7d) {
      throw parseError(off, "bad wildcard segment (must end with '}')");
    }
    let name = seg.slice(1, -1);
    if (name === '$') {
      if (rest.length !== 0) throw parseError(off, '{$} not at end');
      segments.push({ s: '/', wild: false, multi: false });
      break;
    }
    const multi = name.endsWith('...');
    if (multi) name = name.slice(0, -3);
    if (multi && rest.length !== 0) throw parseError(off, '{...} wildcard not at end');
    if (name === '') throw parseError(off, 'empty wildcard');
    // (invalid UTF-8 decodes to U+FFFD, which is not a letter, as in Go)
    if (!identifier.test(fromByteString(name))) {
      throw parseError(off, `bad wildcard name ${quoteBytes(name)}`);
    }
    if (seen.has(name)) throw parseError(off, `duplicate wildcard name ${quoteBytes(name)}`);
    seen.add(name);
    segments.push({ s: name, wild: true, multi });
  }
  return new Pattern(str, fromByteString(method), fromByteString(host), segments);
}

// Go: describeConflict — explain, for the registration panic, why two conflicting patterns
// cannot both be registered.
/** Explains why two conflicting patterns conflict (Go's `describeConflict`). */
export function describeConflict(p1: Pattern, p2: Pattern): string {
  const mrel = p1.compareMethods(p2);
  const prel = p1.comparePaths(p2);
  const rel = combineRelationships(mrel, prel);
  if (rel === 'equivalent') return `${p1} matches the same requests as ${p2}`;
  if (rel !== 'overlaps') throw new Error('describeConflict called with non-conflicting patterns');
  if (prel === 'overlaps') {
    return (
      `${p1} and ${p2} both match some paths, like ${quoteBytes(commonPath(p1, p2))}.\n` +
      'But neither is more specific than the other.\n' +
      `${p1} matches ${quoteBytes(differencePath(p1, p2))}, but ${p2} doesn't.\n` +
      `${p2} matches ${quoteBytes(differencePath(p2, p1))}, but ${p1} doesn't.`
    );
  }
  if (mrel === 'moreGeneral' && prel === 'moreSpecific') {
    return `${p1} matches more methods than ${p2}, but has a more specific path pattern`;
  }
  if (mrel === 'moreSpecific' && prel === 'moreGeneral') {
    return `${p1} matches fewer methods than ${p2}, but has a more general path pattern`;
  }
  return `bug: unexpected way for two patterns ${p1} and ${p2} to conflict: methods ${mrel}, paths ${prel}`;
}

// A path piece that the segment matches: "/" plus the literal, or just "/" for a multi
// wildcard or {$}.
function segmentText(seg: Segment): string {
  return !seg.multi && seg.s !== '/' ? `/${seg.s}` : '/';
}

function matchingPath(segs: readonly Segment[], from: number): string {
  let b = '';
  for (let i = from; i < segs.length; i++) b += segmentText(segs[i]!);
  return b;
}

// Go: commonPath — a path (byte string) that two overlapping patterns both match: take the
// literal where one side has one, then finish with the longer pattern's tail.
/** A path both patterns match; they must overlap. */
export function commonPath(p1: Pattern, p2: Pattern): string {
  const s1 = p1.segments;
  const s2 = p2.segments;
  const n = Math.min(s1.length, s2.length);
  let b = '';
  for (let i = 0; i < n; i++) b += segmentText(s1[i]!.wild ? s2[i]! : s1[i]!);
  if (s1.length > n) b += matchingPath(s1, n);
  else if (s2.length > n) b += matchingPath(s2, n);
  return b;
}

// Go: differencePath — a path (byte string) that p1 matches and p2 does not, built segment
// by segment: where p1 is a wildcard facing p2's literal, use the wildcard name (or the
// literal plus "x" if they are spelled alike); where p1's multi faces something narrower, a
// trailing slash (or a named segment against {$}) tells them apart.
/** A path that `p1` matches but `p2` doesn't; one must exist. */
export function differencePath(p1: Pattern, p2: Pattern): string {
  const s1 = p1.segments;
  const s2 = p2.segments;
  const n = Math.min(s1.length, s2.length);
  let b = '';
  for (let i = 0; i < n; i++) {
    const x = s1[i]!;
    const y = s2[i]!;
    if (x.multi && y.multi) {
      // identical from here on; the difference was earlier
      return `${b}/`;
    }
    if (x.multi && !y.multi) {
      b += '/';
      if (y.s === '/') b += x.s !== '' ? x.s : 'x';
      return b;
    }
    if (!x.multi && y.multi) {
      b += segmentText(x);
    } else if (x.wild && y.wild) {
      b += segmentText(x);
    } else if (x.wild && !y.wild) {
      b += x.s !== y.s ? segmentText(x) : `/${y.s}x`;
    } else if (!x.wild && y.wild) {
      b += segmentText(x);
    } else {
      if (x.s !== y.s) {
        throw new Error(`literals differ: ${quoteBytes(x.s)} and ${quoteBytes(y.s)}`);
      }
      b += segmentText(x);
    }
  }
  if (s1.length > n) b += matchingPath(s1, n);
  else if (s2.length > n) b += matchingPath(s2, n);
  return b;
}

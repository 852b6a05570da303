// Go: routing_index.go — narrows the set of registered patterns a new one must be checked
// against for conflicts. Two patterns with different literals at the same position cannot
// conflict, so patterns are indexed by (position, literal) with "" for a wildcard; patterns
// ending in a multi wildcard are kept in a plain list and always checked.
import type { Pattern } from './pattern.js';

/** Conflict-check index over registered patterns (Go's `routingIndex`). */
export class RoutingIndex {
  // position → literal (or "" for a wildcard; a literal "" shares that key, which only adds
  // candidates) → patterns with it there
  private readonly segments = new Map<number, Map<string, Pattern[]>>();
  // every pattern whose last segment is a multi wildcard or trailing slash
  private readonly multis: Pattern[] = [];

  /** Records a registered pattern. */
  addPattern(pat: Pattern): void {
    if (pat.lastSegment().multi) {
      this.multis.push(pat);
      return;
    }
    pat.segments.forEach((seg, pos) => {
      const key = seg.wild ? '' : seg.s;
      let byKey = this.segments.get(pos);
      if (byKey === undefined) this.segments.set(pos, (byKey = new Map()));
      const list = byKey.get(key);
      if (list === undefined) byKey.set(key, [pat]);
      else list.push(pat);
    });
  }

  private lookup(pos: number, key: string): readonly Pattern[] {
    return this.segments.get(pos)?.get(key) ?? [];
  }

  // Go: (*routingIndex).possiblyConflictingPatterns — calls f on a superset of the
  // registered patterns that could conflict with pat, stopping at the first error f
  // returns: all multis; for a {$} pattern, the patterns with "/" at the same position;
  // otherwise the literal-or-wildcard list of the most selective literal position; for an
  // all-wildcard pattern, everything.
  /** Calls `f` on each registered pattern that might conflict with `pat`; stops at the first error. */
  possiblyConflictingPatterns(
    pat: Pattern,
    f: (p: Pattern) => Error | undefined,
  ): Error | undefined {
    let err: Error | undefined;
    const apply = (pats: readonly Pattern[]): void => {
      if (err !== undefined) return;
      for (const p of pats) {
        err = f(p);
        if (err !== undefined) return;
      }
    };

    apply(this.multis);
    if (err !== undefined) return err;

    if (pat.lastSegment().s === '/') {
      // Only dollar patterns with {$} at the same position (and multis) can conflict.
      apply(this.lookup(pat.segments.length - 1, '/'));
      return err;
    }

    let lmin: readonly Pattern[] = [];
    let wmin: readonly Pattern[] = [];
    let min = Number.POSITIVE_INFINITY;
    let hasLit = false;
    for (let i = 0; i < pat.segments.length; i++) {
      const seg = pat.segments[i]!;
      if (seg.multi) break;
      if (!seg.wild) {
        hasLit = true;
        const lpats = this.lookup(i, seg.s);
        const wpats = this.lookup(i, '');
        const sum = lpats.length + wpats.length;
        if (sum < min) {
          lmin = lpats;
          wmin = wpats;
          min = sum;
        }
      }
    }
    if (hasLit) {
      apply(lmin);
      apply(wmin);
      return err;
    }

    // All wildcards: check against everything indexed.
    for (const byKey of this.segments.values()) {
      for (const pats of byKey.values()) apply(pats);
    }
    return err;
  }
}

// The response head as text, through @ka/http's Header.subsetLines (Go's WriteSubset: sorted
// keys, invalid names skipped, CR/LF in values turned into spaces, values trimmed).
import type { Header } from '@ka/http';

/** `Key: value\r\n` lines of `h` without the keys in `exclude`; `''` for an empty header. */
export function headerLines(h: Header, exclude: ReadonlySet<string> | null): string {
  if (h.size === 0) return '';
  return h.subsetLines(exclude ?? undefined);
}

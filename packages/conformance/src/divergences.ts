// Accepted divergences: cases where a server other than the Go reference is allowed to
// differ, each with the reason. A failing case listed here is reported DIVERGENT, not FAIL.

import { readFile } from 'node:fs/promises';
import type { KnownDivergences } from './runner.js';

/**
 * Divergences accepted for ka's TypeScript reference server (apps/reference-server).
 * Key: case ID, or a base ID (`SRV-13`) that covers its variants (`SRV-13a`). Value: why the
 * difference is accepted. Keep this list short and every reason specific.
 */
export const knownDivergences: KnownDivergences = {};

/**
 * Reads a divergence list from a JSON file: either `{ "SRV-13": "reason", ... }` or
 * `[{ "id": "SRV-13", "reason": "..." }, ...]`.
 *
 * @throws Error when the file is not one of those shapes.
 */
export async function loadDivergences(path: string): Promise<KnownDivergences> {
  const data: unknown = JSON.parse(await readFile(path, 'utf8'));
  const out: Record<string, string> = {};
  if (Array.isArray(data)) {
    for (const e of data) {
      if (typeof e?.id !== 'string' || typeof e?.reason !== 'string') {
        throw new Error(`${path}: each entry needs string "id" and "reason"`);
      }
      out[e.id] = e.reason;
    }
  } else if (typeof data === 'object' && data !== null) {
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string') throw new Error(`${path}: reason of ${k} must be a string`);
      out[k] = v;
    }
  } else {
    throw new Error(`${path}: expected an object or an array`);
  }
  return out;
}

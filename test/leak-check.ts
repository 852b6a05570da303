// Global leak check, loaded by every vitest project as a setup file.
//
// Go's net/http tests end with a check that no connection outlived the test; this is ours.
// Before a test file runs we count Node's active handles by kind; after the file's own
// afterAll hooks ran (setup-file hooks run last), the counts of sockets, servers and timers
// must be back to that baseline. A short grace period lets closing sockets finish.
import { afterAll, beforeAll } from 'vitest';

const WATCHED = new Set([
  'TCPSocketWrap',
  'TCPServerWrap',
  'PipeWrap',
  'PipeServerWrap',
  'Timeout',
]);

function census(): Map<string, number> {
  const m = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.has(kind)) m.set(kind, (m.get(kind) ?? 0) + 1);
  }
  return m;
}

function excess(base: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [kind, n] of census()) {
    const b = base.get(kind) ?? 0;
    if (n > b) out.push(`${n - b} × ${kind}`);
  }
  return out;
}

let baseline = new Map<string, number>();

beforeAll(() => {
  baseline = census();
});

afterAll(async () => {
  // Let pending close callbacks and just-cleared timers leave the active list.
  const deadline = Date.now() + 1000;
  let leaked = excess(baseline);
  while (leaked.length > 0 && Date.now() < deadline) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 10);
      t.unref();
    });
    leaked = excess(baseline);
  }
  if (leaked.length > 0) {
    throw new Error(`leak check: handles still open after the test file: ${leaked.join(', ')}`);
  }
});

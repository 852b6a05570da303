// Test hooks, in the spirit of Go's testHookDialTCP: tests swap in fakes for what cannot be
// produced on loopback (a connect that never completes). Never set outside tests.

import type { Socket } from 'node:net';

/** @internal Replaceable internals; every field undefined in production. */
export const testHooks: {
  /** Replaces `net.connect` in the dialer. */
  connect?: ((opts: object) => Socket) | undefined;
} = {};

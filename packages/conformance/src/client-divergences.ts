// Accepted differences of @ka/client from Go's client. A failing scenario listed here is
// reported DIVERGENT, not FAIL. A difference nobody decided to accept is a FAIL: add an entry
// only with the reason, after the decision.

import type { KnownDivergences } from './runner.js';

/** Scenario ID (or base ID covering its variants) → why ka may differ from Go there. */
export const clientDivergences: KnownDivergences = {};

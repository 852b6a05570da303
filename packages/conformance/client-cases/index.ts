// Every client scenario, in catalog order.

import type { ClientScenario } from '../src/client-scenario.js';
import { limitScenarios } from './limits.js';
import { messageScenarios } from './messages.js';
import { clientScenarios } from './redirects.js';
import { reuseScenarios } from './reuse.js';
import { serverCloseScenarios } from './server-close.js';
import { timeoutScenarios } from './timeouts.js';

/** All client scenarios, grouped by catalog area in catalog order. */
export const allClientScenarios: readonly ClientScenario[] = [
  ...reuseScenarios,
  ...limitScenarios,
  ...serverCloseScenarios,
  ...messageScenarios,
  ...timeoutScenarios,
  ...clientScenarios,
];

export {
  clientScenarios,
  limitScenarios,
  messageScenarios,
  reuseScenarios,
  serverCloseScenarios,
  timeoutScenarios,
};

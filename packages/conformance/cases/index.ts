// Every conformance case, in catalog order.

import type { Case } from '../src/case.js';
import { bodyCases } from './body.js';
import { connectionCases } from './connection.js';
import { connStateCases } from './connstate.js';
import { expectContinueCases } from './expect-continue.js';
import { framingCases } from './framing.js';
import { hijackPanicCases } from './hijack-panic.js';
import { hostCases } from './host.js';
import { malformedCases } from './malformed.js';
import { muxCases } from './mux.js';
import { pipeliningCases } from './pipelining.js';
import { responseCases } from './response.js';
import { shutdownCases } from './shutdown.js';
import { timeoutCases } from './timeouts.js';
import { versionCases } from './version.js';

/** All cases, grouped by catalog area in catalog order. */
export const allCases: readonly Case[] = [
  ...connectionCases,
  ...versionCases,
  ...shutdownCases,
  ...connStateCases,
  ...timeoutCases,
  ...malformedCases,
  ...hostCases,
  ...framingCases,
  ...bodyCases,
  ...expectContinueCases,
  ...responseCases,
  ...hijackPanicCases,
  ...pipeliningCases,
  ...muxCases,
];

export {
  bodyCases,
  connectionCases,
  connStateCases,
  expectContinueCases,
  framingCases,
  hijackPanicCases,
  hostCases,
  malformedCases,
  muxCases,
  pipeliningCases,
  responseCases,
  shutdownCases,
  timeoutCases,
  versionCases,
};

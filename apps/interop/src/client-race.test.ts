// The keep-alive race on the client side: each client pauses between GETs for about the
// server's idle timeout (300 ms, Go's std-lib server), each lane on its own connection, so
// some requests go out on a connection the server is closing. ka's Transport retries such a
// GET on a new connection (Go's rule: a reused connection that failed before any response
// byte, an idempotent request): zero failures, a hard assertion. Node's http.Agent and undici
// report the error to the caller; their counts are printed (not asserted: they depend on
// timing), as is Go's own client, run in the same window.
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClientRaceRow, clientRace, clientRaceLine, table } from './race.js';
import { goMissing } from './testutil/env.js';

describe.skipIf(goMissing !== null)(
  `client race against Go's server (idle timeout 300 ms)${goMissing ? ` — skipped: ${goMissing}` : ''}`,
  () => {
    let rows: ClientRaceRow[];

    beforeAll(async () => {
      rows = await clientRace({ serverIdle: 300, duration: 8_000, lanes: 8, offset: 0, jitter: 3 });
      console.log(table(rows.map(clientRaceLine)));
    }, 60_000);

    it("ka's Transport: zero failed GETs", () => {
      const ka = rows.find((r) => r.client === 'ka Transport')!;
      expect(ka.requests).toBeGreaterThan(50);
      expect(ka.firstError).toBeUndefined();
      expect(ka.failures).toBe(0);
    });

    it("ka's Transport kept reusing connections (the race was there to lose)", () => {
      const ka = rows.find((r) => r.client === 'ka Transport')!;
      expect(ka.reused).toBeGreaterThan(0);
      // every retry is a second connection hand-out for the same request
      expect(ka.attempts!).toBeGreaterThanOrEqual(ka.requests);
    });

    it("Go's client, the oracle, also lost no GET", () => {
      const go = rows.find((r) => r.client === 'go net/http')!;
      expect(go.failures).toBe(0);
    });
  },
);

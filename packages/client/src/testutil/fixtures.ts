// Per-test scripted servers and transports, cleaned up after each test (vitest `afterEach`):
// the fixture the wire-level client tests share.
import { afterEach } from 'vitest';
import { Transport } from '../transport.js';
import { ScriptedServer } from './scripted-server.js';

/** Registers the cleanup and returns factories whose servers and transports it tracks. */
export function scriptedFixture(): {
  serve: (...args: Parameters<typeof ScriptedServer.serve>) => Promise<ScriptedServer>;
  start: (handler: Parameters<typeof ScriptedServer.start>[0]) => Promise<ScriptedServer>;
  transport: (t?: Transport) => Transport;
} {
  const servers: ScriptedServer[] = [];
  const transports: Transport[] = [];
  afterEach(async () => {
    for (const t of transports.splice(0)) t.closeIdleConnections();
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    async serve(...args) {
      const s = await ScriptedServer.serve(...args);
      servers.push(s);
      return s;
    },
    async start(handler) {
      const s = await ScriptedServer.start(handler);
      servers.push(s);
      return s;
    },
    transport(t = new Transport()) {
      transports.push(t);
      return t;
    },
  };
}

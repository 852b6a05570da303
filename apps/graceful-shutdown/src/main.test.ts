// End-to-end: the built app (dist/main.js, dist/server.js) spawned as child processes and
// checked by what it prints. Every run starts and SIGTERMs its own server, on 127.0.0.1.
import { Transport } from '@ka/client';
import { newRequest } from '@ka/http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from './report.js';
import { type Exit, MAIN, requireBuilt, run, SERVER, start } from './testutil/run.js';

beforeAll(() => requireBuilt());

function report(exit: Exit): Report {
  try {
    return JSON.parse(exit.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${exit.code} ${exit.signal}):\n${exit.stdout}\n${exit.stderr}`);
  }
}

describe('graceful-shutdown --json: a server under load gets SIGTERM', () => {
  let exit: Exit;
  let r: Report;

  beforeAll(async () => {
    exit = await run(MAIN, ['--clients', '6', '--idle', '3', '--duration', '1500', '--json']);
    r = report(exit);
  }, 60_000);

  it('nothing is lost, the server exits 0, and the demo exits 0', () => {
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(exit.code, exit.stderr).toBe(0);
    expect(r.server.exitCode).toBe(0);
    expect(r.server.outcome).toBe('complete');
    expect(r.requests.lost).toBe(0);
    expect(r.requests.failedBeforeSignal).toBe(0);
    expect(r.timedOut).toBe(false);
  });

  it('every request in flight at the SIGTERM is answered, with Connection: close', () => {
    const inf = r.requests.inFlightAtSignal;
    // The demo waits for a slow request to be mid-flight before it signals.
    expect(inf.count).toBeGreaterThan(0);
    expect(inf.answered).toBe(inf.count);
    expect(inf.withConnectionClose).toBe(inf.count);
    expect(r.server.connsAtSignal!.active).toBeGreaterThan(0);
    expect(r.server.connsClosed!.active).toBe(r.server.connsAtSignal!.active);
  });

  it('idle connections are closed at once, and the idle clients notice', () => {
    expect(r.server.connsAtSignal!.idle).toBeGreaterThanOrEqual(1);
    expect(r.server.connsClosed!.idle).toBe(r.server.connsAtSignal!.idle);
    expect(r.server.idleClosedWithinMs).toBeLessThan(1_000);
    expect(r.idleClients).toEqual({ count: 3, poolsEmptyAfterShutdown: 3 });
  });

  it('requests after the listener closed are refused, never sent, and every request is accounted for', () => {
    const q = r.requests;
    // Each idle client sends one more request after the server has gone: refused.
    expect(q.refusedAfterShutdown).toBeGreaterThanOrEqual(3);
    expect(q.answeredNot200).toBe(0);
    expect(q.answered + q.refusedAfterShutdown + q.unreadClosed + q.lost).toBe(q.sent);
    // Every answered request was handled; a retry may have run one twice.
    expect(r.server.handled).toBeGreaterThanOrEqual(q.answered);
    expect(q.answeredWithClose).toBeGreaterThanOrEqual(q.inFlightAtSignal.count);
  });
});

describe('graceful-shutdown --method POST', () => {
  it('POSTs are not retried, yet none the server handled goes unanswered', async () => {
    const exit = await run(MAIN, [
      '--clients',
      '16',
      '--idle',
      '1',
      '--duration',
      '800',
      '--slow',
      '0-5',
      '--method',
      'POST',
      '--json',
    ]);
    const r = report(exit);
    expect(r.problems).toEqual([]);
    expect(exit.code, exit.stderr).toBe(0);
    expect(r.config.method).toBe('POST');
    const q = r.requests;
    expect(q.lost).toBe(0);
    // A POST that met a connection the server closed as idle fails (unreadClosed), but the
    // server never ran it: the caller may safely send it again.
    expect(q.answered + q.refusedAfterShutdown + q.unreadClosed).toBe(q.sent);
    expect(q.inFlightAtSignal.withConnectionClose).toBe(q.inFlightAtSignal.count);
  }, 30_000);
});

describe('graceful-shutdown shutdown timing', () => {
  it('with only idle connections the server exits well before the deadline', async () => {
    const exit = await run(MAIN, ['--clients', '0', '--idle', '4', '--duration', '100', '--json']);
    const r = report(exit);
    expect(exit.code, exit.stderr).toBe(0);
    expect(r.config.deadlineMs).toBe(10_000);
    expect(r.server.connsAtSignal).toEqual({ new: 0, active: 0, idle: 4 });
    expect(r.server.connsClosed).toEqual({ new: 0, active: 0, idle: 4 });
    // Shutdown closes idle connections on its first poll; 10 s was the deadline.
    expect(r.server.shutdownMs).toBeLessThan(1_000);
    expect(r.timeline.serverExitAtMs! - r.timeline.signalAtMs!).toBeLessThan(3_000);
  }, 30_000);

  it("a connection that never sends a byte holds shutdown for Go's 5 s, then is closed", async () => {
    const exit = await run(MAIN, [
      '--clients',
      '0',
      '--idle',
      '1',
      '--silent',
      '1',
      '--duration',
      '100',
      '--json',
    ]);
    const r = report(exit);
    expect(exit.code, exit.stderr).toBe(0);
    expect(r.server.connsAtSignal).toEqual({ new: 1, active: 0, idle: 1 });
    expect(r.server.connsClosed).toEqual({ new: 1, active: 0, idle: 1 });
    // Go: a StateNew connection counts as idle once its state is over 5 s old (whole seconds).
    expect(r.server.shutdownMs).toBeGreaterThanOrEqual(4_000);
    expect(r.server.shutdownMs).toBeLessThan(9_000);
    expect(r.silentConns.closedAfterSignalMs[0]).toBeGreaterThanOrEqual(4_000);
    expect(r.server.idleClosedWithinMs).toBeLessThan(1_000);
  }, 40_000);

  it('a deadline shorter than the slow requests cuts them off: reported as LOST, exit 1', async () => {
    const exit = await run(MAIN, [
      '--clients',
      '3',
      '--idle',
      '0',
      '--duration',
      '200',
      '--slow',
      '3000-3000',
      '--deadline',
      '300',
      '--json',
    ]);
    const r = report(exit);
    expect(exit.code).toBe(1);
    expect(r.ok).toBe(false);
    expect(r.server.outcome).toBe('deadline');
    expect(r.server.exitCode).toBe(1);
    expect(r.server.cutOff.length).toBeGreaterThan(0);
    expect(r.requests.lost).toBe(r.server.cutOff.length);
    expect([...r.requests.lostIds].sort()).toEqual([...r.server.cutOff].sort());
  }, 30_000);
});

describe('graceful-shutdown text output', () => {
  it('prints the server story, the request buckets, LOST 0 and OK', async () => {
    const exit = await run(MAIN, ['--clients', '3', '--idle', '2', '--duration', '500']);
    expect(exit.code, exit.stdout + exit.stderr).toBe(0);
    const out = exit.stdout;
    expect(out).toMatch(/^graceful-shutdown: 3 keep-alive clients sending GETs in a loop/);
    expect(out).toMatch(/ {2}at the SIGTERM {4}\d+ connections open: \d+ active, \d+ idle, 0 new/);
    expect(out).toMatch(/SIGTERM: shutting down, deadline 10000 ms: listener closed/);
    expect(out).toMatch(/ {2}shutdown {10}complete in [\d.]+ ms/);
    expect(out).toMatch(
      /in flight at the SIGTERM +(\d+) {2}answered \1, with Connection: close \1/,
    );
    expect(out).toMatch(/refused after shutdown +\d+ {2}connection refused/);
    expect(out).toMatch(/\n {2}LOST +0 {2}/);
    expect(out).toMatch(/idle clients: 2 of 2 pools had dropped their connection/);
    expect(out.trimEnd().endsWith('result: OK, nothing lost')).toBe(true);
  }, 30_000);

  it('a bad command line prints the usage and exits 2', async () => {
    const exit = await run(MAIN, ['--clients', 'many']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(
      /^graceful-shutdown: --clients: not a whole number: "many"\n\nusage:/,
    );
  });
});

describe('dist/server.js on its own', () => {
  for (const [name, script, args] of [
    ['server.js', SERVER, []],
    ['main.js --server-only', MAIN, ['--server-only']],
  ] as const) {
    it(`${name}: SIGTERM mid-request, the request finishes with Connection: close, exit 0`, async () => {
      const child = start(script, [...args, '--addr', '127.0.0.1:0']);
      const t = new Transport();
      try {
        const [, addr] = await child.waitFor(/^listening on (127\.0\.0\.1:\d+)$/m);
        const pending = t.roundTrip(newRequest('GET', `http://${addr}/work?id=by-hand&sleep=600`));
        // The request is in the handler for 600 ms; signal a little way in.
        await new Promise((r) => setTimeout(r, 200));
        child.proc.kill('SIGTERM');
        const resp = await pending;
        expect(resp.statusCode).toBe(200);
        expect(await resp.body.text()).toBe('done by-hand after 600 ms\n');
        expect(resp.close).toBe(true);
        const exit = await child.exited;
        expect(exit.code, exit.stderr).toBe(0);
        expect(exit.stdout).toMatch(
          /SIGTERM: shutting down, deadline 10000 ms: listener closed; 1 connection open \(1 active, 0 idle, 0 new\); 1 request in a handler \(by-hand\)/,
        );
        expect(exit.stdout).toMatch(
          /request by-hand \(in flight at the signal\) finished; its response says Connection: close/,
        );
        expect(exit.stdout).toMatch(
          /shutdown complete after [\d.]+ ms: 1 of 1 in-flight request finished; 1 request handled in all/,
        );
      } finally {
        t.closeIdleConnections();
        if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
        await child.exited;
      }
    }, 30_000);
  }
});

#!/usr/bin/env node
// The long mode of the fuzzer, run by hand:
//
//   pnpm exec node apps/fuzz/dist/main.js [--runs N] [--seed S] [--only library|wire|timeouts]
//   pnpm exec node apps/fuzz/dist/main.js --replay <hex>   # one input, both servers, verdicts
//
// Parts (--only, repeatable; default all): library (in-process properties), memory (floods
// against an in-process server), oracle (@ka/http's parsers vs Go's on the same bytes), wire
// (ka vs Go reference servers over TCP), timeouts (silent clients against ka). --runs is per
// library property, per parser for the oracle and for the wire comparison; the timeout run
// uses a tenth, the memory run a hundredth.
// Prints figures (runs, time, verdict histogram) and every failure with its seed and bytes;
// exits 1 when anything failed.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { parserInputs } from './arbitraries.js';
import { exchange, showBytes, verdictOf, verdictSummary } from './exchange.js';
import { libraryProperties } from './library.js';
import {
  chunkOverheadProperty,
  headFloodProperty,
  MaxHeaderBytes,
  startCountingServer,
} from './memory.js';
import { compareWithOracle, GoOracle } from './oracle.js';
import { goUnavailable, goVersion, startGo, startKa } from './servers.js';
import { describeMismatch, differential, knownDivergence, sampleInputs, timeouts } from './wire.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    only: { type: 'string', multiple: true },
    concurrency: { type: 'string', default: '8' },
    replay: { type: 'string' },
  },
});
const runs = Number.parseInt(values.runs, 10);
const seed = values.seed !== undefined ? Number.parseInt(values.seed, 10) | 0 : Date.now() | 0;
const concurrency = Number.parseInt(values.concurrency, 10);
const parts = new Set(values.only ?? ['library', 'oracle', 'memory', 'wire', 'timeouts']);
let failed = 0;

const ms = (n: number) => `${(n / 1000).toFixed(1)} s`;

if (values.replay !== undefined) {
  const input = Buffer.from(values.replay, 'hex');
  const noGo = await goUnavailable();
  const [ka, go] = await Promise.all([startKa(), noGo === null ? startGo() : undefined]);
  try {
    console.log(`input: ${showBytes(input, 4000)}`);
    for (const [name, s] of [
      ['ka', ka],
      ['go', go],
    ] as const) {
      if (s === undefined) continue;
      const v = verdictOf(await exchange(s.host, s.port, input));
      console.log(
        `${name}: ${verdictSummary(v)}\n  ${showBytes(Buffer.from(v.bytes, 'latin1'), 4000)}`,
      );
    }
  } finally {
    await Promise.all([ka.stop(), go?.stop()]);
  }
  process.exit(0);
}

console.log(`seed ${seed}, runs ${runs}`);

if (parts.has('library')) {
  for (const p of libraryProperties) {
    const t0 = Date.now();
    const out = await fc.check(p.property, { seed, numRuns: runs });
    const line = `library: ${p.name}: ${out.numRuns} runs in ${ms(Date.now() - t0)}`;
    if (out.failed) {
      failed++;
      console.log(`FAIL ${line}\n${fc.defaultReportMessage(out)}`);
    } else {
      console.log(`ok   ${line}`);
    }
  }
}

if (parts.has('memory')) {
  const s = await startCountingServer(MaxHeaderBytes);
  try {
    const n = Math.max(1, Math.floor(runs / 100));
    const props: [string, fc.IAsyncProperty<never>][] = [
      ['head floods', headFloodProperty(s) as unknown as fc.IAsyncProperty<never>],
      ['chunk-overhead floods', chunkOverheadProperty(s) as unknown as fc.IAsyncProperty<never>],
    ];
    for (const [name, p] of props) {
      const t0 = Date.now();
      const out = await fc.check(p, { seed, numRuns: n });
      const line = `memory: ${name}: ${out.numRuns} runs in ${ms(Date.now() - t0)}`;
      if (out.failed) failed++;
      console.log(out.failed ? `FAIL ${line}\n${fc.defaultReportMessage(out)}` : `ok   ${line}`);
    }
  } finally {
    await s.close();
  }
}

if (parts.has('oracle')) {
  const noGo = await goUnavailable();
  if (noGo !== null) {
    console.log(`skip oracle: ${noGo}`);
  } else {
    const oracle = await GoOracle.start();
    try {
      for (const kind of ['request', 'response', 'chunked'] as const) {
        const t0 = Date.now();
        let mismatches = 0;
        let known = 0;
        const shown: string[] = [];
        // in batches, so memory stays flat for long runs
        for (let done = 0, batch = 0; done < runs; batch++) {
          const n = Math.min(2000, runs - done);
          const inputs = fc.sample(parserInputs[kind], { seed: seed + batch * 7919, numRuns: n });
          const res = await compareWithOracle(
            oracle,
            kind,
            inputs,
            kind === 'request' ? knownDivergence : () => null,
          );
          mismatches += res.mismatches.length;
          known += res.known.length;
          for (const m of res.mismatches.slice(0, 5 - shown.length)) {
            shown.push(
              `  buffer ${m.bufSize}: ${showBytes(m.input)}\n    ka: ${m.ka}\n    go: ${m.go}`,
            );
          }
          done += n;
        }
        const line = `oracle: ${kind}: ${runs} inputs vs Go in ${ms(Date.now() - t0)}: ${mismatches} differing (+${known} known)`;
        if (mismatches > 0) failed++;
        console.log(`${mismatches > 0 ? 'FAIL' : 'ok  '} ${line}`);
        for (const s of shown) console.log(s);
      }
    } finally {
      await oracle.close();
    }
  }
}

if (parts.has('wire') || parts.has('timeouts')) {
  const noGo = await goUnavailable();
  const [ka, go] = await Promise.all([startKa(), noGo === null ? startGo() : undefined]);
  try {
    if (parts.has('wire')) {
      if (go === undefined) {
        console.log(`skip wire: ${noGo}`);
      } else {
        const inputs = sampleInputs(seed, runs);
        const res = await differential(ka, go, inputs, concurrency, (n) => {
          if (n % 2000 === 0) process.stderr.write(`  wire: ${n}/${runs}\n`);
        });
        const line = `wire: ${res.runs} inputs vs ${await goVersion()} in ${ms(res.elapsedMs)}: ${res.mismatches.length} differing verdicts (+${res.known.length} known: target not UTF-8, /headers UTF-8), ${res.hung} hung`;
        if (res.mismatches.length > 0 || res.hung > 0) failed++;
        console.log(`${res.mismatches.length > 0 || res.hung > 0 ? 'FAIL' : 'ok  '} ${line}`);
        const top = [...res.histogram].sort((a, b) => b[1] - a[1]);
        console.log(`  ka verdicts: ${top.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
        for (const m of res.mismatches.slice(0, 20)) console.log(describeMismatch(m, seed));
      }
    }
    if (parts.has('timeouts')) {
      const n = Math.max(1, Math.floor(runs / 10));
      const res = await timeouts(ka, sampleInputs(seed + 1, n), Math.max(concurrency, 64));
      const line = `timeouts: ${res.runs} silent clients in ${ms(res.elapsedMs)}: ${res.overstays.length} kept open, longest hold ${res.maxHoldMs} ms`;
      if (res.overstays.length > 0) failed++;
      console.log(`${res.overstays.length > 0 ? 'FAIL' : 'ok  '} ${line}`);
      for (const o of res.overstays.slice(0, 20))
        console.log(`  input #${o.index}: ${showBytes(o.input)}`);
    }
  } finally {
    await Promise.all([ka.stop(), go?.stop()]);
  }
}

console.log(failed === 0 ? 'all passed' : `${failed} part(s) failed`);
process.exitCode = failed === 0 ? 0 : 1;

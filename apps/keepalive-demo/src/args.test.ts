import { describe, expect, it } from 'vitest';
import { DEFAULT_REPORT, parseArgs, UsageError } from './args.js';
import { percentile, summarize } from './stats.js';

describe('parseArgs', () => {
  it('defaults: 200 requests, 4 at a time, 50 ms pause, idle timeout a fifth of it', () => {
    expect(parseArgs([])).toMatchObject({
      requests: 200,
      concurrency: 4,
      pause: 50,
      idleTimeout: 10,
      json: false,
      report: DEFAULT_REPORT,
      target: undefined,
      timeLimit: 120_000,
    });
  });

  it('reads --name value and --name=value', () => {
    const o = parseArgs([
      '--requests=10',
      '--concurrency',
      '2',
      '--pause',
      '30',
      '--json',
      '--report',
      'x.html',
    ]);
    expect(o).toMatchObject({
      requests: 10,
      concurrency: 2,
      pause: 30,
      idleTimeout: 6,
      json: true,
      report: 'x.html',
    });
    expect(parseArgs(['--no-report']).report).toBeUndefined();
    expect(parseArgs(['--target', 'http://127.0.0.1:8080']).target).toBe('http://127.0.0.1:8080');
  });

  it('rejects what it cannot use', () => {
    for (const argv of [
      ['--requests', '0'],
      ['--requests', '1.5'],
      ['--concurrency'],
      ['--target', 'https://example.com'],
      ['--target', 'nope'],
      ['--pause', '10', '--idle-timeout', '10'],
      ['--what'],
    ]) {
      expect(() => parseArgs(argv), argv.join(' ')).toThrow(UsageError);
    }
  });
});

describe('latency summary', () => {
  it('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(summarize([3, 1, 2])).toEqual({ p50: 2, p99: 3, mean: 2, max: 3 });
    expect(summarize([])).toEqual({ p50: 0, p99: 0, mean: 0, max: 0 });
  });
});

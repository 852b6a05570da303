import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { argOptions, hostPortArg, intArg, UsageError, urlArg } from './args.js';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('argOptions', () => {
  it('splits --name=value and takes the next argument for --name value', () => {
    const seen: [string, string | undefined, string][] = [];
    for (const [name, value, raw] of argOptions(['--a=1', '--b', '2', '--json', '-h', '--c'])) {
      const v = name === '--json' || name === '-h' ? '' : value();
      seen.push([name, v, raw]);
    }
    expect(seen).toEqual([
      ['--a', '1', '--a=1'],
      ['--b', '2', '--b'],
      ['--json', '', '--json'],
      ['-h', '', '-h'],
      ['--c', undefined, '--c'],
    ]);
  });

  it('splits at the first = only, and leaves single-dash arguments whole', () => {
    const [first, second] = [...argOptions(['--x=a=b', '-k=v'])];
    expect([first?.[0], first?.[1]()]).toEqual(['--x', 'a=b']);
    expect(second?.[0]).toBe('-k=v');
  });
});

describe('intArg', () => {
  it.each([
    [['--n', '5', 1, 10], 5],
    [['--n', '-1', -1, 10], -1],
    [['--n', '0', 0, 0], 0],
  ] as const)('%j → %d', ([name, v, min, max], want) => {
    expect(intArg(name, v, min, max)).toBe(want);
  });

  it.each([
    [['--n', undefined, 1, 10], '--n needs a value'],
    [['--n', 'x', 1, 10], '--n: not a whole number: "x"'],
    [['--n', '1.5', 1, 10], '--n: not a whole number: "1.5"'],
    [['--n', '-1', 0, 10], '--n: not a whole number: "-1"'],
    [['--n', '11', 1, 10], '--n: must be between 1 and 10'],
    [['--n', '-2', -1, 10], '--n: must be between -1 and 10'],
  ] as const)('%j → %s', ([name, v, min, max], want) => {
    expect(message(() => intArg(name, v, min, max))).toBe(want);
  });
});

describe('hostPortArg', () => {
  it.each(['127.0.0.1:0', ':8080', 'localhost:65535', '[::1]:80'])('accepts %s', (v) => {
    expect(hostPortArg('--addr', v)).toBe(v);
  });

  it.each([undefined, '', '127.0.0.1', '127.0.0.1:65536', 'a b:80', '::1:80', 'h:p'])(
    'rejects %j',
    (v) => {
      expect(message(() => hostPortArg('--addr', v))).toBe(
        `--addr: want HOST:PORT, got ${JSON.stringify(v ?? '')}`,
      );
    },
  );
});

describe('urlArg', () => {
  it('takes absolute URLs of the allowed schemes', () => {
    expect(urlArg('--target', 'http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    expect(urlArg('--up', 'https://h/', ['http:', 'https:'])).toBe('https://h/');
  });

  it.each([
    [undefined, ['http:'], '--u needs a URL'],
    ['', ['http:'], '--u needs a URL'],
    ['/relative', ['http:'], '--u: not a URL: "/relative"'],
    ['https://h/', ['http:'], '--u: only http:// URLs'],
    ['ftp://h/', ['http:', 'https:'], '--u: only http:// and https:// URLs'],
  ] as const)('%j (%j) → %s', (v, schemes, want) => {
    expect(message(() => urlArg('--u', v, schemes))).toBe(want);
  });
});

describe('parseCommandLine', () => {
  // In a child process: it exits.
  const run = (args: string[]) =>
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { parseCommandLine, intArg, argOptions } from ${JSON.stringify(new URL('./args.ts', import.meta.url).href)};
         const o = parseCommandLine((argv) => { let n = 0; for (const [name, value] of argOptions(argv)) n = intArg(name, value(), 1, 9); return n; },
           { program: 'prog', usage: 'usage: prog --n N\\n', argv: JSON.parse(process.env.ARGV) });
         console.log('n=' + o);`,
      ],
      { encoding: 'utf8', env: { ...process.env, ARGV: JSON.stringify(args) } },
    );

  it('hands back what parse returned', () => {
    const r = run(['--n', '4']);
    expect(r.stdout).toBe('n=4\n');
    expect(r.status).toBe(0);
  });

  it('prints a bad command line with the usage and exits 2', () => {
    const r = run(['--n', '12']);
    expect(r.stderr).toBe('prog: --n: must be between 1 and 9\n\nusage: prog --n N\n');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(2);
  });
});

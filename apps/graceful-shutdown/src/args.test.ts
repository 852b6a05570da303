import { describe, expect, it } from 'vitest';
import { parseDemoArgs, parseServerArgs, UsageError } from './args.js';

describe('parseDemoArgs', () => {
  it('defaults: 8 loading clients, 4 idle, SIGTERM after 2 s, slow 300-800 ms, 10 s deadline', () => {
    const o = parseDemoArgs([]);
    expect(o).toMatchObject({
      clients: 8,
      idle: 4,
      silent: 0,
      duration: 2_000,
      slowMin: 300,
      slowMax: 800,
      deadline: 10_000,
      method: 'GET',
      json: false,
      serverOnly: false,
    });
  });

  it('takes --name value and --name=value', () => {
    const o = parseDemoArgs([
      '--clients',
      '3',
      '--idle=0',
      '--slow',
      '100-200',
      '--json',
      '--duration=50',
      '--method=POST',
    ]);
    expect(o).toMatchObject({
      clients: 3,
      idle: 0,
      slowMin: 100,
      slowMax: 200,
      json: true,
      duration: 50,
      method: 'POST',
    });
  });

  it.each([
    [['--clients'], '--clients needs a value'],
    [['--clients', 'x'], '--clients: not a whole number: "x"'],
    [['--slow', '800-300'], '--slow: want MIN <= MAX <= 60000'],
    [['--slow', 'fast'], '--slow: want MIN-MAX in ms, got "fast"'],
    [['--clients', '0', '--idle', '0'], 'nothing to do: --clients, --idle and --silent are all 0'],
    [['--bogus'], 'unknown argument: --bogus'],
    [['--method', 'PUT'], '--method: GET or POST, got "PUT"'],
    [['--addr', 'localhost'], '--addr: want HOST:PORT, got "localhost"'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(new UsageError(message));
  });
});

describe('parseServerArgs', () => {
  it('listens on 127.0.0.1:0 with a 10 s deadline unless told otherwise', () => {
    expect(parseServerArgs([])).toEqual({
      addr: '127.0.0.1:0',
      deadline: 10_000,
      json: false,
      help: false,
    });
    expect(parseServerArgs(['--addr', '127.0.0.1:8080', '--deadline=500', '--json'])).toEqual({
      addr: '127.0.0.1:8080',
      deadline: 500,
      json: true,
      help: false,
    });
  });
});

// Command-line pieces the apps share: `--name value` / `--name=value` splitting, checked
// numbers, addresses and URLs, and one way to report a bad command line.

/** A bad command line: {@link parseCommandLine} prints it with the usage and exits 2. */
export class UsageError extends Error {}

/**
 * The arguments one by one as `[name, value, raw]`: `--name=value` is split at the first
 * `=`; otherwise `value()` takes the next argument (and skips it), `undefined` at the end.
 *
 * @example
 * ```ts
 * for (const [name, value, raw] of argOptions(['--n=3', '--json'])) {
 *   if (name === '--n') n = intArg(name, value(), 1, 10);
 * }
 * ```
 */
export function* argOptions(
  argv: readonly string[],
): Generator<[name: string, value: () => string | undefined, raw: string]> {
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    yield [name, () => (eq > 0 ? raw.slice(eq + 1) : argv[++i]), raw];
  }
}

/**
 * A whole number in `[min, max]` (a minus sign is accepted only when `min` is negative).
 *
 * @throws UsageError `NAME needs a value`, `NAME: not a whole number: "…"` or
 * `NAME: must be between MIN and MAX`.
 */
export function intArg(name: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined) throw new UsageError(`${name} needs a value`);
  const shape = min < 0 ? /^-?\d+$/ : /^\d+$/;
  if (!shape.test(v)) throw new UsageError(`${name}: not a whole number: ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min || n > max) throw new UsageError(`${name}: must be between ${min} and ${max}`);
  return n;
}

/**
 * A listen address `HOST:PORT` (`[v6]:PORT` too; an empty host means every interface), with
 * a port of at most 65535.
 *
 * @throws UsageError `NAME: want HOST:PORT, got "…"`.
 */
export function hostPortArg(name: string, v: string | undefined): string {
  const m = v === undefined ? null : /^(?:\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):(\d+)$/.exec(v);
  if (m === null || Number(m[1]) > 65535) {
    throw new UsageError(`${name}: want HOST:PORT, got ${JSON.stringify(v ?? '')}`);
  }
  return v!;
}

/**
 * An absolute URL whose scheme is one of `schemes` (`['http:']` by default).
 *
 * @throws UsageError `NAME needs a URL`, `NAME: not a URL: "…"` or
 * `NAME: only http:// URLs` (`only http:// and https:// URLs`, …).
 */
export function urlArg(
  name: string,
  v: string | undefined,
  schemes: readonly string[] = ['http:'],
): string {
  if (v === undefined || v === '') throw new UsageError(`${name} needs a URL`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`${name}: not a URL: ${JSON.stringify(v)}`);
  }
  if (!schemes.includes(u.protocol)) {
    const list = schemes.map((s) => `${s}//`).join(' and ');
    throw new UsageError(`${name}: only ${list} URLs`);
  }
  return v;
}

/**
 * Runs `parse` over the process's arguments. A {@link UsageError} is printed to stderr as
 * `PROGRAM: message`, a blank line and `usage`, and the process exits with status 2; any
 * other error is thrown on.
 *
 * @example
 * ```ts
 * const opts = parseCommandLine(parseArgs, { program: 'keepalive-demo', usage: USAGE });
 * ```
 */
export function parseCommandLine<T>(
  parse: (argv: readonly string[]) => T,
  o: { program: string; usage: string; argv?: readonly string[] },
): T {
  try {
    return parse(o.argv ?? process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${o.program}: ${err.message}\n\n${o.usage}`);
    process.exit(2);
  }
}

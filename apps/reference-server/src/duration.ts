// Go: time.ParseDuration — "300ms", "1.5s", "2m30s", "1h", "250us"/"250µs", "10ns" → ms.
const units: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Parses a Go duration string into milliseconds; throws on malformed input like Go. */
export function parseGoDuration(s: string): number {
  const orig = s;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${JSON.stringify(orig)}`);
  let total = 0;
  const re = /^([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/;
  while (s !== '') {
    const m = re.exec(s);
    if (m === null || m[1] === '' || m[1] === '.') {
      throw new Error(`time: invalid duration ${JSON.stringify(orig)}`);
    }
    total += Number(m[1]) * units[m[2]!]!;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

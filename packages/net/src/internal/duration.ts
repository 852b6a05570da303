// Go: time.Duration.String — "5ms", "1.5s", "1m30s", "3h0m2s", "0s". Input in ms (any
// fraction down to ns); used for log lines that must read exactly like Go's.

const NS_PER_US = 1e3;
const NS_PER_MS = 1e6;
const NS_PER_S = 1e9;

// `v` / 10^digits printed with the fraction's trailing zeros (and a bare dot) removed.
function scaled(v: number, digits: number): string {
  const unit = 10 ** digits;
  const whole = Math.floor(v / unit);
  const frac = v - whole * unit;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** @internal Formats a duration given in ms the way Go's `time.Duration.String` does. */
export function formatDuration(ms: number): string {
  let ns = Math.round(ms * NS_PER_MS);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < NS_PER_US) return `${sign}${ns}ns`;
  if (ns < NS_PER_MS) return `${sign}${scaled(ns, 3)}µs`;
  if (ns < NS_PER_S) return `${sign}${scaled(ns, 6)}ms`;
  const totalSeconds = Math.floor(ns / NS_PER_S);
  const secNs = ns - totalSeconds * NS_PER_S;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = scaled((totalSeconds % 60) * NS_PER_S + secNs, 9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

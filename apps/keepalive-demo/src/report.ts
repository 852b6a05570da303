// The HTML report: one self-contained file, inline SVG charts, no scripts, no external assets.
import { COMPARE, NUANCE } from './modes.js';
import { modeLabel, responseText } from './output.js';
import type { ModeResult, RunResult } from './run.js';
import { formatMs } from './stats.js';

/** One colour per mode (Tableau 10), by mode number. */
const COLORS = ['#4e79a7', '#e15759', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#9c755f'];
const P50 = '#4e79a7';
const P99 = '#f28e2b';

export function colorOf(n: number): string {
  return COLORS[(n - 1) % COLORS.length]!;
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const fmt = (x: number): string =>
  Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, '');

/** Round numbers for a linear axis from 0 to at least `max`. */
function niceTicks(max: number, count = 5): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Horizontal bars: p50 and p99 per mode. */
export function latencyChart(modes: readonly ModeResult[]): string {
  const rows = modes.filter((m) => m.skipped === undefined && m.requests > 0);
  const W = 900;
  const left = 270;
  const right = 90;
  const top = 40;
  const rowH = 44;
  const bottom = 46;
  const H = top + rows.length * rowH + bottom;
  const ticks = niceTicks(Math.max(0.001, ...rows.map((m) => m.latencyMs.p99)));
  const max = ticks[ticks.length - 1]!;
  const x = (v: number) => left + ((W - left - right) * v) / max;
  const parts: string[] = [];
  parts.push(
    `<svg id="latency-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="latency-title">`,
    '<title id="latency-title">Latency per mode: p50 and p99, milliseconds</title>',
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<rect x="${left}" y="12" width="12" height="12" fill="${P50}"/><text x="${left + 18}" y="22" class="legend">p50</text>`,
    `<rect x="${left + 70}" y="12" width="12" height="12" fill="${P99}"/><text x="${left + 88}" y="22" class="legend">p99</text>`,
  );
  for (const t of ticks) {
    parts.push(
      `<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${H - bottom + 4}" class="grid"/>`,
      `<text x="${x(t)}" y="${H - bottom + 20}" text-anchor="middle" class="tick">${fmt(t)}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + W - right) / 2}" y="${H - 8}" text-anchor="middle" class="axis">latency per request, ms</text>`,
  );
  rows.forEach((m, i) => {
    const y = top + i * rowH;
    const barH = 15;
    parts.push(
      `<g class="mode" data-mode="${m.id}">`,
      `<rect x="${left - 262}" y="${y + 6}" width="6" height="${barH * 2 + 2}" fill="${colorOf(m.n)}"/>`,
      `<text x="${left - 248}" y="${y + 17}" class="label">${m.n} ${esc(modeLabel(m))}</text>`,
      `<text x="${left - 248}" y="${y + 33}" class="sublabel">${m.connections} conns / ${m.requests} reqs</text>`,
      `<rect class="bar p50" x="${left}" y="${y + 6}" width="${Math.max(1, x(m.latencyMs.p50) - left)}" height="${barH}" fill="${P50}"><title>p50 ${formatMs(m.latencyMs.p50)}</title></rect>`,
      `<text x="${x(m.latencyMs.p50) + 5}" y="${y + 18}" class="value">${formatMs(m.latencyMs.p50)}</text>`,
      `<rect class="bar p99" x="${left}" y="${y + 8 + barH}" width="${Math.max(1, x(m.latencyMs.p99) - left)}" height="${barH}" fill="${P99}"><title>p99 ${formatMs(m.latencyMs.p99)}</title></rect>`,
      `<text x="${x(m.latencyMs.p99) + 5}" y="${y + 20 + barH}" class="value">${formatMs(m.latencyMs.p99)}</text>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** 1, 2, 5, 10, 20, 50, … up to the first value ≥ `max`. */
function logTicks(max: number): number[] {
  const ticks: number[] = [];
  for (let mag = 1; ; mag *= 10) {
    for (const m of [1, 2, 5]) {
      ticks.push(m * mag);
      if (m * mag >= max) return ticks;
    }
  }
}

/**
 * Connections opened so far against time since the mode started, one step line per mode,
 * both axes logarithmic: the fast modes finish in tens of milliseconds, the idle-timeout
 * mode takes seconds, and 4 connections must stay distinguishable from 200. On log–log
 * axes a steady rate (one connection per request) is a straight line rising at 45°;
 * reuse is a flat line.
 */
export function connectionsChart(modes: readonly ModeResult[]): string {
  const lines = modes.filter((m) => m.skipped === undefined && m.connections > 0);
  const W = 900;
  const left = 60;
  const right = 250;
  const top = 20;
  const bottom = 50;
  const H = 400;
  const times = lines.flatMap((m) => m.connectionTimesMs);
  const tMin = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(1, ...times))));
  const tMax =
    10 **
    Math.ceil(
      Math.log10(
        Math.max(tMin * 10, ...lines.map((m) => Math.max(m.totalMs, ...m.connectionTimesMs))),
      ),
    );
  const yTicks = logTicks(Math.max(2, ...lines.map((m) => m.connections)));
  const yMax = yTicks[yTicks.length - 1]!;
  const lg = Math.log10;
  const x = (t: number) =>
    left + ((W - left - right) * (lg(Math.max(t, tMin)) - lg(tMin))) / (lg(tMax) - lg(tMin));
  const y = (c: number) => H - bottom - ((H - top - bottom) * lg(Math.max(c, 1))) / lg(yMax);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const parts: string[] = [];
  parts.push(
    `<svg id="connections-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="connections-title">`,
    '<title id="connections-title">TCP connections opened over time, one line per mode</title>',
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
  );
  for (let t = tMin; t <= tMax * 1.0001; t *= 10) {
    const label = t >= 1000 ? `${fmt(t / 1000)} s` : `${fmt(Number(t.toPrecision(3)))} ms`;
    parts.push(
      `<line x1="${r1(x(t))}" y1="${top}" x2="${r1(x(t))}" y2="${H - bottom}" class="grid"/>`,
      `<text x="${r1(x(t))}" y="${H - bottom + 18}" text-anchor="middle" class="tick">${label}</text>`,
    );
  }
  for (const c of yTicks) {
    parts.push(
      `<line x1="${left}" y1="${r1(y(c))}" x2="${W - right}" y2="${r1(y(c))}" class="grid"/>`,
      `<text x="${left - 8}" y="${r1(y(c)) + 4}" text-anchor="end" class="tick">${c}</text>`,
    );
  }
  const midY = (top + H - bottom) / 2;
  parts.push(
    `<text x="${(left + W - right) / 2}" y="${H - 10}" text-anchor="middle" class="axis">time since the mode started (log scale)</text>`,
    `<text x="16" y="${midY}" text-anchor="middle" class="axis" transform="rotate(-90 16 ${midY})">connections opened so far (log scale)</text>`,
  );
  lines.forEach((m, i) => {
    // A step line: at the k-th connection's time it rises from k−1 to k; then flat to the end.
    const pts: string[] = [];
    m.connectionTimesMs.forEach((t, k) => {
      if (k > 0) pts.push(`${r1(x(t))},${r1(y(k))}`);
      pts.push(`${r1(x(t))},${r1(y(k + 1))}`);
    });
    const end = Math.max(m.totalMs, ...m.connectionTimesMs);
    pts.push(`${r1(x(end))},${r1(y(m.connections))}`);
    const color = colorOf(m.n);
    const dash = m.via === 'raw' ? ' stroke-dasharray="6 3"' : '';
    parts.push(
      `<polyline class="conn-line" data-mode="${m.id}" points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"${dash}><title>${m.n} ${esc(modeLabel(m))}: ${m.connections} connections in ${formatMs(m.totalMs)}</title></polyline>`,
      `<circle cx="${r1(x(end))}" cy="${r1(y(m.connections))}" r="3.5" fill="${color}"/>`,
    );
    const ly = top + 10 + i * 24;
    const lx = W - right + 20;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 22}" y2="${ly}" stroke="${color}" stroke-width="3"${dash}/>`,
      `<text x="${lx + 30}" y="${ly + 4}" class="legend">${m.n} ${esc(m.label)} — ${m.connections}</text>`,
    );
  });
  const ny = top + 10 + lines.length * 24 + 8;
  parts.push(
    `<text x="${W - right + 20}" y="${ny}" class="sublabel">dashed: raw HTTP/1.0</text>`,
    `<text x="${W - right + 20}" y="${ny + 16}" class="sublabel">a dot marks the end of the mode</text>`,
    '</svg>',
  );
  return parts.join('\n');
}

/** The whole page. */
export function renderReport(r: RunResult): string {
  const builtIn = r.countedBy === 'server';
  const rows = r.modes
    .map((m) => {
      if (m.skipped !== undefined) {
        return `<tr class="skipped"><td>${m.n}</td><td>${esc(modeLabel(m))}</td><td colspan="7">skipped: ${esc(m.skipped)}</td></tr>`;
      }
      const flag = m.asExpected ? '' : ' class="unexpected"';
      return (
        `<tr${flag}><td class="n"><span class="swatch" style="background:${colorOf(m.n)}"></span>${m.n}</td>` +
        `<td>${esc(modeLabel(m))}<div class="req">${esc(m.request)}</div></td>` +
        `<td class="num">${m.requests}</td><td class="num">${m.connections}</td>` +
        `<td class="num">${m.connections === 0 ? '–' : m.requestsPerConnection.toFixed(1)}</td>` +
        `<td class="num">${formatMs(m.latencyMs.p50)}</td><td class="num">${formatMs(m.latencyMs.p99)}</td>` +
        `<td class="num">${formatMs(m.totalMs)}</td><td>${esc(responseText(m))}</td></tr>`
      );
    })
    .join('\n');
  const explanations = r.modes
    .filter((m) => m.skipped === undefined)
    .map(
      (m) =>
        `<li><strong>${m.n} ${esc(modeLabel(m))}.</strong> ${esc(m.explanation)}${m.errors > 0 ? ` <em>${m.errors} request(s) failed; first: ${esc(m.firstError ?? '')}</em>` : ''}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ka keep-alive demo</title>
<style>
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 2rem auto; max-width: 960px; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  h2 { font-size: 1.15rem; margin-top: 2rem; }
  .meta { color: #555; margin-top: 0; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  th, td { padding: .35rem .5rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
  th { background: #f4f4f4; }
  td.n { white-space: nowrap; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .req { color: #666; font-size: 12px; }
  .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
  tr.unexpected td { background: #fff3f3; }
  tr.skipped td { color: #888; }
  .nuance { background: #f3f7fc; border-left: 4px solid #4e79a7; padding: .6rem .9rem; }
  svg { max-width: 100%; height: auto; display: block; }
  svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #333; }
  svg .grid { stroke: #e5e5e5; stroke-width: 1; }
  svg .tick { font-size: 12px; fill: #666; }
  svg .axis { font-size: 13px; fill: #444; }
  svg .label { font-size: 13px; font-weight: 600; }
  svg .sublabel { font-size: 11px; fill: #777; }
  svg .value { font-size: 11px; fill: #444; }
  svg .legend { font-size: 13px; }
</style>
</head>
<body>
<h1>ka keep-alive demo</h1>
<p class="meta">${r.requests} requests per mode, ${r.concurrency} at a time (after ${r.warmupRequests} unmeasured warm-up requests) · server: ${esc(r.target)} · client: @ka/client · Node ${esc(r.node)} · ${esc(r.startedAt)}</p>
<p>With <code>Connection: close</code> every request pays for a new TCP connection; keep-alive reuses one. Each row below drove the server in one way and counted the TCP connections ${builtIn ? 'the server accepted (<code>StateNew</code> in its <code>connState</code> hook)' : 'the client opened (trace <code>gotConn</code> with <code>reused: false</code>; dials for the raw modes)'}.</p>
${r.timedOut ? '<p><strong>Stopped by the time limit: the figures are partial.</strong></p>' : ''}
<table>
<thead><tr><th></th><th>mode</th><th>reqs</th><th>conns</th><th>req/conn</th><th>p50</th><th>p99</th><th>total</th><th>response</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="nuance"><strong>1.0 vs 1.1.</strong> ${esc(NUANCE)}</p>
<h2>Latency per mode</h2>
<p>A new connection costs a TCP handshake and new socket state on both sides before the request can be sent; on loopback that is small, across a network it is a round trip or more. ${r.countedBy === 'server' ? esc(COMPARE) : ''}</p>
${latencyChart(r.modes)}
<h2>Connections opened over time</h2>
<p>Modes that reuse connections open ${r.concurrency} (one per worker) and then stay flat; the others climb by one per request — on these log–log axes a steady one-per-request climb is a straight line at about 45°. A dot marks where each mode ended.</p>
${connectionsChart(r.modes)}
<h2>What each mode shows</h2>
<ul>
${explanations}
</ul>
<p class="meta">Raw modes send HTTP/1.0 by hand over <code>@ka/net</code> <code>dial</code> and read the answer with <code>@ka/http</code> <code>readResponse</code> (<code>@ka/client</code> only speaks HTTP/1.1); they reuse a connection only when the server kept it.</p>
</body>
</html>
`;
}

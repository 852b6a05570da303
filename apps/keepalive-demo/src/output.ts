// The text table (default output) and the JSON document (--json).
import { COMPARE, NUANCE } from './modes.js';
import type { ModeResult, RunResult } from './run.js';
import { formatMs } from './stats.js';

/** `HTTP/1.0 200 OK, Connection: keep-alive` / `…, no Connection header`. */
export function responseText(m: ModeResult): string {
  if (m.response.proto === '') return '–';
  const c =
    m.response.connection === '' ? 'no Connection header' : `Connection: ${m.response.connection}`;
  return `${m.response.proto} ${m.response.status}, ${c}`;
}

export function modeLabel(m: ModeResult): string {
  return m.via === 'raw' ? `${m.label} (raw)` : m.label;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The human-readable result: header, table, one explanation per mode, the 1.0/1.1 rule. */
export function formatTable(r: RunResult, reportPath: string | undefined): string {
  const out: string[] = [];
  const builtIn = r.countedBy === 'server';
  out.push(
    `ka keep-alive demo: ${r.requests} requests per mode, ${r.concurrency} at a time (after ${r.warmupRequests} unmeasured warm-up requests)`,
    builtIn
      ? 'server: a fresh ka Server (@ka/http-server) per mode on 127.0.0.1; client: @ka/client'
      : `server: ${r.target}; client: @ka/client`,
    builtIn
      ? 'conns = TCP connections the server accepted (StateNew in its connState hook)'
      : 'conns = TCP connections the client opened (trace gotConn with reused=false; dials for raw)',
    '',
  );
  const rows: string[][] = [
    ['', 'mode', 'reqs', 'conns', 'req/conn', 'p50', 'p99', 'total', 'response'],
  ];
  for (const m of r.modes) {
    if (m.skipped !== undefined) {
      rows.push([String(m.n), modeLabel(m), '–', '–', '–', '–', '–', '–', `skipped: ${m.skipped}`]);
      continue;
    }
    rows.push([
      String(m.n),
      modeLabel(m),
      String(m.requests),
      String(m.connections),
      m.connections === 0 ? '–' : m.requestsPerConnection.toFixed(1),
      formatMs(m.latencyMs.p50),
      formatMs(m.latencyMs.p99),
      formatMs(m.totalMs),
      responseText(m),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const right = new Set([2, 3, 4, 5, 6, 7]);
  for (const row of rows) {
    out.push(
      row
        .map((cell, i) =>
          i === row.length - 1
            ? cell
            : right.has(i)
              ? cell.padStart(widths[i]!)
              : cell.padEnd(widths[i]!),
        )
        .join('  ')
        .trimEnd(),
    );
  }
  out.push('');
  for (const m of r.modes) {
    if (m.skipped !== undefined) continue;
    let text = `${m.n} ${modeLabel(m)}: ${m.explanation}`;
    if (m.errors > 0) text += ` ${m.errors} request(s) failed; first: ${m.firstError}`;
    out.push(...wrap(text, 100, '    '));
  }
  const skipped = r.modes.filter((m) => m.skipped !== undefined);
  if (skipped.length > 0) {
    out.push(
      ...wrap(
        `Skipped with --target: ${skipped.map((m) => `${m.n} (${m.label})`).join(', ')} — they change the built-in server's settings.`,
        100,
        '    ',
      ),
    );
  }
  out.push(
    '',
    ...wrap(
      '(raw) = HTTP/1.0 requests written by hand over @ka/net dial and read with @ka/http readResponse; @ka/client only speaks HTTP/1.1. The connection is reused only when the server kept it.',
      100,
      '',
    ),
    ...wrap(`1.0 vs 1.1: ${NUANCE}`, 100, ''),
  );
  if (builtIn) out.push(...wrap(COMPARE, 100, ''));
  if (r.timedOut)
    out.push('', 'STOPPED: the time limit was reached; the figures above are partial.');
  if (reportPath !== undefined) out.push('', `report: ${reportPath}`);
  return `${out.join('\n')}\n`;
}

/** The --json document. */
export function formatJson(r: RunResult, reportPath: string | undefined): string {
  return `${JSON.stringify({ ...r, nuance: NUANCE, report: reportPath ?? null }, null, 2)}\n`;
}

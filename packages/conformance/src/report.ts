// Console lines, Markdown and HTML reports for suite runs and comparisons.

import type { CaseResult, Comparison, ComparisonRow, SuiteResult, Verdict } from './runner.js';

/** Counts of verdicts. */
export interface Counts {
  total: number;
  PASS: number;
  FAIL: number;
  DIVERGENT: number;
  ERROR: number;
}

/** Counts the verdicts of some results. */
export function countVerdicts(verdicts: readonly Verdict[]): Counts {
  const c: Counts = { total: 0, PASS: 0, FAIL: 0, DIVERGENT: 0, ERROR: 0 };
  for (const v of verdicts) {
    c.total++;
    c[v]++;
  }
  return c;
}

/** Whether a run is a success: no FAIL and no ERROR (accepted divergences are fine). */
export function suiteOk(s: SuiteResult): boolean {
  return s.results.every((r) => r.verdict === 'PASS' || r.verdict === 'DIVERGENT');
}

function indent(s: string, by = '      '): string {
  return s
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** One console line per case (plus the failure, indented, when it did not pass). */
export function formatResultLine(r: CaseResult): string {
  const head = `${r.verdict.padEnd(9)} ${r.id.padEnd(8)} ${r.title} (${r.ms} ms)`;
  if (r.verdict === 'PASS') return head;
  const lines = [head];
  if (r.divergence !== undefined) lines.push(indent(`accepted divergence: ${r.divergence}`));
  if (r.failure !== undefined)
    lines.push(indent(`step ${r.failure.step} (${r.failure.kind}): ${r.failure.message}`));
  return lines.join('\n');
}

/** The summary line of a run. */
export function formatSummary(s: SuiteResult): string {
  const c = countVerdicts(s.results.map((r) => r.verdict));
  return `${c.total} cases: ${c.PASS} pass, ${c.FAIL} fail, ${c.DIVERGENT} divergent, ${c.ERROR} error in ${(s.ms / 1000).toFixed(1)} s against ${s.server}${s.serverInfo ? ` (${s.serverInfo})` : ''}`;
}

/** A side-by-side console table for `--compare`. */
export function formatComparison(cmp: Comparison): string {
  const w = Math.max(8, ...cmp.rows.map((r) => r.id.length));
  const out = [
    `${'case'.padEnd(w)}  ${'reference'.padEnd(9)}  ${'other'.padEnd(9)}  identical  title`,
  ];
  for (const r of cmp.rows) {
    out.push(
      `${r.id.padEnd(w)}  ${r.reference.padEnd(9)}  ${r.other.padEnd(9)}  ${(r.identical ? 'yes' : 'no').padEnd(9)}  ${r.title}`,
    );
  }
  const same = cmp.rows.filter((r) => r.identical).length;
  out.push('');
  out.push(`reference: ${formatSummary(cmp.reference)}`);
  out.push(`other:     ${formatSummary(cmp.other)}`);
  out.push(`identical bytes in ${same} of ${cmp.rows.length} cases`);
  return out.join('\n');
}

function groupByArea<T extends { area: string }>(items: readonly T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const g = m.get(it.area) ?? [];
    g.push(it);
    m.set(it.area, g);
  }
  return m;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fence(s: string): string {
  return `\`\`\`\n${s.replace(/```/g, '`​``')}\n\`\`\``;
}

/** A Markdown report of one run: summary per area and priority, each case, failures, notes. */
export function markdownReport(s: SuiteResult): string {
  const out: string[] = [];
  const c = countVerdicts(s.results.map((r) => r.verdict));
  out.push('# Conformance report', '');
  out.push(`- server: \`${s.server}\`${s.serverInfo ? ` (${s.serverInfo})` : ''}`);
  out.push(`- started: ${s.startedAt}, took ${(s.ms / 1000).toFixed(1)} s`);
  out.push(
    `- ${c.total} cases: **${c.PASS} pass**, ${c.FAIL} fail, ${c.DIVERGENT} divergent, ${c.ERROR} error`,
    '',
  );
  out.push(
    '## Summary by area',
    '',
    '| area | cases | pass | fail | divergent | error |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  const areas = groupByArea(s.results);
  for (const [area, rs] of areas) {
    const a = countVerdicts(rs.map((r) => r.verdict));
    out.push(
      `| ${mdEscape(area)} | ${a.total} | ${a.PASS} | ${a.FAIL} | ${a.DIVERGENT} | ${a.ERROR} |`,
    );
  }
  out.push(
    '',
    '## Summary by priority',
    '',
    '| priority | cases | pass | fail | divergent | error |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const p of ['core', 'important', 'extended'] as const) {
    const a = countVerdicts(s.results.filter((r) => r.priority === p).map((r) => r.verdict));
    if (a.total > 0)
      out.push(`| ${p} | ${a.total} | ${a.PASS} | ${a.FAIL} | ${a.DIVERGENT} | ${a.ERROR} |`);
  }
  out.push('', '## Cases');
  for (const [area, rs] of areas) {
    out.push(
      '',
      `### ${area}`,
      '',
      '| ID | title | priority | verdict | ms |',
      '| --- | --- | --- | --- | ---: |',
    );
    for (const r of rs)
      out.push(`| ${r.id} | ${mdEscape(r.title)} | ${r.priority} | ${r.verdict} | ${r.ms} |`);
  }
  const bad = s.results.filter((r) => r.verdict !== 'PASS');
  if (bad.length > 0) {
    out.push('', '## Failures and divergences');
    for (const r of bad) {
      out.push('', `### ${r.id} ${r.verdict}: ${r.title}`, '');
      if (r.divergence !== undefined) out.push(`Accepted divergence: ${r.divergence}`, '');
      if (r.failure !== undefined)
        out.push(`Step ${r.failure.step} (${r.failure.kind}):`, '', fence(r.failure.message));
    }
  }
  const notes = s.results.filter((r) => r.note !== undefined);
  if (notes.length > 0) {
    out.push('', '## Notes (differences from the catalog and other remarks)', '');
    for (const r of notes) out.push(`- **${r.id}**: ${mdEscape(r.note!)}`);
  }
  return `${out.join('\n')}\n`;
}

/** A Markdown report of a comparison: per area, the two verdicts and whether bytes were identical. */
export function markdownComparison(cmp: Comparison): string {
  const out: string[] = [];
  out.push('# Conformance comparison', '');
  out.push(
    `- reference: \`${cmp.reference.server}\`${cmp.reference.serverInfo ? ` (${cmp.reference.serverInfo})` : ''}`,
  );
  out.push(
    `- other: \`${cmp.other.server}\`${cmp.other.serverInfo ? ` (${cmp.other.serverInfo})` : ''}`,
  );
  const same = cmp.rows.filter((r) => r.identical).length;
  const rc = countVerdicts(cmp.rows.map((r) => r.reference));
  const oc = countVerdicts(cmp.rows.map((r) => r.other));
  out.push(
    `- reference: ${rc.PASS}/${rc.total} pass; other: ${oc.PASS}/${oc.total} pass, ${oc.DIVERGENT} accepted divergences, ${oc.FAIL} fail, ${oc.ERROR} error`,
  );
  out.push(`- identical bytes (dates aside) in ${same} of ${cmp.rows.length} cases`, '');
  out.push(
    '## Summary by area',
    '',
    '| area | cases | reference pass | other pass | other divergent | other fail | identical |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const areas = groupByArea(cmp.rows);
  for (const [area, rows] of areas) {
    const r = countVerdicts(rows.map((x) => x.reference));
    const o = countVerdicts(rows.map((x) => x.other));
    out.push(
      `| ${mdEscape(area)} | ${rows.length} | ${r.PASS} | ${o.PASS} | ${o.DIVERGENT} | ${o.FAIL + o.ERROR} | ${rows.filter((x) => x.identical).length} |`,
    );
  }
  out.push('', '## Cases');
  for (const [area, rows] of areas) {
    out.push(
      '',
      `### ${area}`,
      '',
      '| ID | title | priority | reference | other | identical bytes |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const r of rows)
      out.push(
        `| ${r.id} | ${mdEscape(r.title)} | ${r.priority} | ${r.reference} | ${r.other} | ${r.identical ? 'yes' : 'no'} |`,
      );
  }
  const bad = cmp.rows.filter((r: ComparisonRow) => r.other !== 'PASS' || r.reference !== 'PASS');
  if (bad.length > 0) {
    out.push('', '## Details of cases that did not pass on both');
    const refById = new Map(cmp.reference.results.map((r) => [r.id, r]));
    for (const row of bad) {
      out.push('', `### ${row.id}: ${row.title}`, '');
      const ref = refById.get(row.id);
      if (ref?.failure !== undefined)
        out.push(
          `Reference (${ref.verdict}), step ${ref.failure.step}:`,
          '',
          fence(ref.failure.message),
          '',
        );
      const o = row.otherResult;
      if (o.divergence !== undefined) out.push(`Accepted divergence: ${o.divergence}`, '');
      if (o.failure !== undefined)
        out.push(`Other (${o.verdict}), step ${o.failure.step}:`, '', fence(o.failure.message));
    }
  }
  return `${out.join('\n')}\n`;
}

function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Renders a Markdown report (as produced here: headings, bullet lists, tables, fenced
 * blocks) as a standalone HTML page.
 */
export function markdownToHtml(md: string, title = 'Conformance report'): string {
  const out: string[] = [];
  const lines = md.split('\n');
  let i = 0;
  const inline = (s: string) =>
    htmlEscape(s)
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\\\|/g, '|');
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.startsWith('```')) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i++]!);
      i++;
      out.push(`<pre>${htmlEscape(body.join('\n'))}</pre>`);
      continue;
    }
    const h = /^(#{1,4}) (.*)$/.exec(l);
    if (h !== null) {
      out.push(`<h${h[1]!.length}>${inline(h[2]!)}</h${h[1]!.length}>`);
      i++;
      continue;
    }
    if (l.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) {
        const cells = lines[i]!.slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((c) => c.trim());
        if (!cells.every((c) => /^-+:?$|^:?-+$/.test(c))) rows.push(cells);
        i++;
      }
      const [header, ...rest] = rows;
      const cls = (c: string) =>
        /^(PASS|FAIL|DIVERGENT|ERROR)$/.test(c) ? ` class="${c.toLowerCase()}"` : '';
      out.push('<table>');
      if (header !== undefined)
        out.push(`<tr>${header.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>`);
      for (const r of rest)
        out.push(`<tr>${r.map((c) => `<td${cls(c)}>${inline(c)}</td>`).join('')}</tr>`);
      out.push('</table>');
      continue;
    }
    if (l.startsWith('- ')) {
      out.push('<ul>');
      while (i < lines.length && lines[i]!.startsWith('- '))
        out.push(`<li>${inline(lines[i++]!.slice(2))}</li>`);
      out.push('</ul>');
      continue;
    }
    if (l.trim() !== '') out.push(`<p>${inline(l)}</p>`);
    i++;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1100px}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
pre{background:#f6f6f6;padding:8px;overflow-x:auto}
.pass{background:#dfd}.fail,.error{background:#fdd}.divergent{background:#ffd}
</style></head><body>
${out.join('\n')}
</body></html>
`;
}

// The HTML report in a real browser: headless Chromium parses it (--dump-dom) and paints it
// (--screenshot). Skipped, with a message, when there is no chromium on PATH
// (Debian: apt-get install -y chromium; or set CHROMIUM=/path/to/chrome).
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countColor, decodePng } from './testutil/png.js';
import { requireBuilt, run, runDemo } from './testutil/run.js';

function findChromium(): string | null {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) {
      if (dir === '') continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return null;
}

const chromium = findChromium();
const SKIP_NOTE =
  'no chromium on PATH: the report is not checked in a browser (Debian: apt-get install -y chromium)';
if (chromium === null) console.warn(`SKIPPING the browser test of the HTML report: ${SKIP_NOTE}`);

const MODES = 7;
const P50 = '#4e79a7';
const P99 = '#f28e2b';

let dir: string;
let reportUrl: string;

/** Headless Chromium, isolated (its own profile dir, no network chatter), then `extra`. */
async function chrome(extra: string[]): Promise<string> {
  const profile = await mkdtemp(join(dir, 'profile-'));
  const exit = await run(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      ...extra,
      reportUrl,
    ],
    { timeoutMs: 90_000 },
  );
  expect(exit.code, exit.stderr).toBe(0);
  return exit.stdout;
}

describe('the HTML report in headless Chromium', () => {
  beforeAll(async () => {
    if (chromium === null) return;
    requireBuilt();
    dir = await mkdtemp(join(tmpdir(), 'keepalive-report-'));
    const report = join(dir, 'report.html');
    const exit = await runDemo(['--requests', '20', '--pause', '10', '--report', report]);
    expect(exit.code, exit.stderr).toBe(0);
    reportUrl = pathToFileURL(report).href;
  }, 60_000);

  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('parses: the DOM has the table and both SVG charts, a bar pair and a line per mode', async (ctx) => {
    if (chromium === null) ctx.skip(SKIP_NOTE);
    const dom = await chrome(['--dump-dom']);
    expect(dom).toContain('<title>ka keep-alive demo</title>');
    expect(dom.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr/g)).toHaveLength(MODES);
    expect(dom).toContain('<svg id="latency-chart"');
    expect(dom).toContain('<svg id="connections-chart"');
    expect(dom.match(/class="bar p50"/g)).toHaveLength(MODES);
    expect(dom.match(/class="bar p99"/g)).toHaveLength(MODES);
    expect(dom.match(/class="conn-line"/g)).toHaveLength(MODES);
  }, 90_000);

  it('paints: the screenshot shows the latency bars in their colours', async (ctx) => {
    if (chromium === null) ctx.skip(SKIP_NOTE);
    const shot = join(dir, 'report.png');
    await chrome(['--hide-scrollbars', '--window-size=1000,2600', `--screenshot=${shot}`]);
    const img = decodePng(await readFile(shot));
    expect([img.width, img.height]).toEqual([1000, 2600]);
    // Seven p50 bars and seven p99 bars, 15 px high and tens of px long, plus the legend.
    expect(countColor(img, P50)).toBeGreaterThan(2000);
    expect(countColor(img, P99)).toBeGreaterThan(2000);
    // Mostly white page: the layout did not collapse into a blank or a black frame.
    expect(countColor(img, '#ffffff', 0)).toBeGreaterThan(img.width * img.height * 0.5);
  }, 90_000);
});

// Live update of an open node page (issue 18): a collector over a simulated cluster (samples every second)
// serving the viewer, the node page open in Chromium (Debian's, through playwright-core), and the CPU time
// the renderer's main thread spends on one live update, read from a Chromium trace: the thread time of
// its tasks from the update's first request until 250 ms after its last answer (the pods table's) has
// arrived, so the answers' parsing, the DOM patches, the uPlot redraws, style, layout and paint count and
// the network wait does not. Thread time, not wall time: on a shared machine a descheduled thread's wait
// is not the page's cost. The idle page's own CPU (the live stream's messages, timers) over the same span
// is subtracted; the median over a run of updates is the figure.
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Figures } from './figure.js';
import { startBrowserEnv } from '../test/viewer/browser-env.js';
import { waitFor } from '../test/helpers/wait.js';

const UPDATES = Number(process.env.KP_VIEWER_LIVE_UPDATES ?? 15);
/** After the last answer of an update: its apply and the frames that draw it start within this. */
const SETTLE_US = 250_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number): number => Math.round(x * 10) / 10;

/** The trace events this reads (Chrome's trace event format; ts, dur, tdur in microseconds). */
interface TraceEvent {
  name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number;
  args?: { name?: string; data?: { url?: string; requestId?: string } };
}

/** Per update: the renderer main thread's CPU ms in its window, less the idle rate over the window. */
function updateCpu(events: TraceEvent[]): { updates: number[]; idleMsPerS: number } {
  const threadName = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name]));
  const main = events.filter((e) => threadName.get(`${e.pid}:${e.tid}`) === 'CrRendererMain');
  const tasks = main.filter((e) => e.name === 'RunTask' && e.ph === 'X');
  const cpuIn = (from: number, to: number): number => tasks.filter((e) => e.ts >= from && e.ts < to).reduce((n, e) => n + (e.tdur ?? 0), 0) / 1000;
  const sent = (part: string) => main.filter((e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.includes(part));
  const finished = new Map(events.filter((e) => e.name === 'ResourceFinish').map((e) => [e.args?.data?.requestId, e.ts]));
  const windows: Array<[number, number]> = [];
  for (const start of sent('/api/node?')) {
    const pods = sent('/api/pods?').find((e) => e.ts > start.ts && e.args?.data?.url?.includes('node='));
    const end = pods ? finished.get(pods.args?.data?.requestId) : undefined;
    if (end !== undefined) windows.push([start.ts, end + SETTLE_US]);
  }
  // Idle: between one window's end and the next one's start.
  let idleCpu = 0;
  let idleUs = 0;
  for (let i = 1; i < windows.length; i++) {
    if (windows[i][0] <= windows[i - 1][1]) continue;
    idleCpu += cpuIn(windows[i - 1][1], windows[i][0]);
    idleUs += windows[i][0] - windows[i - 1][1];
  }
  const idlePerUs = idleUs ? idleCpu / idleUs : 0;
  return { updates: windows.map(([a, b]) => cpuIn(a, b) - idlePerUs * (b - a)), idleMsPerS: idlePerUs * 1e6 };
}

export async function run(): Promise<Figures> {
  const env = await startBrowserEnv([{ name: 'east', nodes: 2, podsPerNode: 8 }]);
  try {
    const { page, base, sims, browser } = env;
    const node = sims[0].nodes()[0].name;
    await page.goto(`${base}/#/node?cluster=east&name=${node}&range=15m`);
    // Two minutes of samples (the simulated kubelets refresh their stats every 10 s, as kubelets do), so
    // the charts hold points all along and every chart (the interfaces' too) is drawn.
    await waitFor(async () => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points')) >= 12, 'the CPU chart has 12 points', 240_000);
    const charts = await page.locator('.chart').count();
    const points = Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points'));
    const rows = await page.locator('.page.node .vt-row').count();
    // The timeline's tasks carry their thread time (the disabled-by-default category records it); its
    // resource events delimit an update.
    await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'] });
    for (let i = 0; i < UPDATES + 1; i++) {
      await page.waitForResponse((r) => r.url().includes('/api/pods?') && r.url().includes('node='), { timeout: 30_000 });
    }
    await page.waitForTimeout(SETTLE_US / 1000 + 100);
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    const { updates, idleMsPerS } = updateCpu(trace.traceEvents);
    if (updates.length < UPDATES) throw new Error(`the trace holds ${updates.length} whole updates, expected ${UPDATES}`);
    if (!updates.some((u) => u > 0)) throw new Error('the trace\'s tasks carry no thread time');
    return {
      viewer_live_update_ms_node_page: {
        value: round(median(updates)), unit: 'ms',
        method: `median of ${updates.length} live updates of an open node page (all its ${charts} charts, ${points} points each over 15 min; its ${rows} pods ` +
          'and its events) in Debian\'s Chromium (headless, playwright-core) against a collector over one simulated cluster (2 nodes × 8 pods, embedded ' +
          'PostgreSQL): CPU time of the renderer main thread (trace RunTask thread time) from the update\'s first request until 250 ms after its last answer, ' +
          `the network wait excluded, less the idle page's own CPU over the same span (${round(idleMsPerS)} ms/s); on a 2-core machine shared with other sessions ` +
          `(load average ${loadavg()[0].toFixed(1)} at the end of the run; tracing itself adds to the thread time)`,
      },
    };
  } finally {
    await env.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}

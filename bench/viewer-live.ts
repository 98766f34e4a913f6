// Live update of an open node page (issue 18): a collector over a simulated cluster (samples every second)
// serving the viewer, the node page open in Chromium (Debian's, through playwright-core), and the
// main-thread time the renderer spends applying one live update: from the update's first request to its
// charts and pods table drawn, read from the DevTools protocol's TaskDuration (the renderer main thread's
// busy time, so the network wait does not count, the JSON parsing, DOM patching, uPlot drawing, style and
// layout do). The median over a run of updates; the idle page's own busy time over the same wall time is
// reported beside it (and subtracted: the live stream's messages and timers run anyway).
import { pathToFileURL } from 'node:url';
import type { Request, Route } from 'playwright-core';
import type { Figures } from './figure.js';
import { startBrowserEnv } from '../test/viewer/browser-env.js';
import { waitFor } from '../test/helpers/wait.js';

const UPDATES = Number(process.env.KP_VIEWER_LIVE_UPDATES ?? 15);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number): number => Math.round(x * 10) / 10;

export async function run(): Promise<Figures> {
  const env = await startBrowserEnv([{ name: 'east', nodes: 2, podsPerNode: 8 }]);
  try {
    const { page, base, sims } = env;
    const node = sims[0].nodes()[0].name;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busyMs = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN) * 1000;
    };
    await page.goto(`${base}/#/node?cluster=east&name=${node}&range=15m`);
    // A minute of samples, so the charts hold what an SRE's open page holds after a while.
    await waitFor(async () => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points')) >= 20, 'the CPU chart has 20 points', 120_000);
    const charts = await page.locator('.chart').count();
    const points = Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points'));

    // One update = the node page's refresh: /api/node, /api/series ×2 and /api/events together, then its pods
    // table. The busy time is read before those requests leave (they wait for it) and after the table's
    // answer is applied and two frames have been drawn.
    let started: Promise<{ busy: number; at: number }> | null = null;
    await page.route(/\/api\/(node|series|events)\?/, async (route: Route) => {
      if (route.request().url().includes('/api/node?')) started = busyMs().then((busy) => ({ busy, at: performance.now() }));
      await started;
      await route.continue();
    });
    const updates: number[] = [];
    const idle: number[] = [];
    let lastEnd: { busy: number; at: number } | null = null;
    while (updates.length < UPDATES) {
      await page.waitForEvent('request', { predicate: (r: Request) => r.url().includes('/api/node?'), timeout: 30_000 });
      await page.waitForResponse((r) => r.url().includes('/api/pods?') && r.url().includes('node='), { timeout: 30_000 });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const end = { busy: await busyMs(), at: performance.now() };
      const start = await started!;
      // The idle page between two updates: its busy time per millisecond of wall time.
      const idleRate = lastEnd ? (start.busy - lastEnd.busy) / (start.at - lastEnd.at) : 0;
      if (lastEnd) idle.push(idleRate * 1000);
      lastEnd = end;
      updates.push(end.busy - start.busy - idleRate * (end.at - start.at));
    }
    const busy = round(median(updates));
    return {
      viewer_live_update_ms_node_page: {
        value: busy, unit: 'ms',
        method: `median of ${UPDATES} live updates of an open node page (${charts} charts of ${points} points over 15 min, its pods table and events) in Debian's Chromium ` +
          '(headless, playwright-core) against a collector over one simulated cluster (2 nodes × 8 pods, samples every 1 s, embedded PostgreSQL): renderer main-thread ' +
          'busy time (DevTools Performance.getMetrics TaskDuration) from the update\'s first request to its pods table applied and two frames drawn, network wait excluded, ' +
          `less the idle page's own busy time over that wall time (median idle ${round(median(idle))} ms/s); on a 2-core machine shared with other sessions`,
      },
    };
  } finally {
    await env.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}

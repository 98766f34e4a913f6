// Live updates in Chromium (issue 18) that carry new samples, against a collector over one simulated
// cluster: the node page appends the new buckets to the charts it has (the same uPlot canvases, the page
// scrolled and its range kept), and the node and pod pages ask, on new samples alone, only for what new
// samples can change. Each refresh is read from the viewer's own User Timing measures ("kubepulse-refresh
// <what it answered>[ new-data]") and the requests sent during it (fetch, wrapped in the page).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { waitFor } from '../helpers/wait.js';

let env: BrowserEnv;

before(async () => {
  env = await startBrowserEnv([{ name: 'east', nodes: 2, podsPerNode: 6 }]);
});

after(async () => {
  await env?.stop();
});

interface Refresh { name: string; urls: string[] }

/**
 * Records every refresh of the document from now on with the API requests sent during it (plain script,
 * evaluated in Chromium: refreshes never overlap, the viewer runs one at a time).
 */
async function recordRefreshes(): Promise<void> {
  await env.page.evaluate(`(() => {
    window.refreshes = [];
    window.fetched = [];
    if (window.recording) return; // a page opened by its hash is the same document: wrapped once
    window.recording = true;
    const f = window.fetch;
    window.fetch = (input, init) => { window.fetched.push({ url: String(input), t: performance.now() }); return f(input, init); };
    new PerformanceObserver((list) => {
      for (const m of list.getEntries()) {
        if (!m.name.startsWith('kubepulse-refresh ')) continue;
        const urls = window.fetched.filter((x) => x.t >= m.startTime && x.t <= m.startTime + m.duration).map((x) => x.url);
        window.refreshes.push({ name: m.name.slice('kubepulse-refresh '.length), urls });
      }
    }).observe({ type: 'measure' });
  })()`);
}

const refreshes = (): Promise<Refresh[]> => env.page.evaluate<Refresh[]>('window.refreshes');
const paths = (r: Refresh): string[] => r.urls.map((u) => new URL(u, 'http://x').pathname).sort();

test('a live update with new samples appends them to the node page\'s charts: the same plots, scroll and range kept, one series request', async () => {
  const { page, base, sims } = env;
  const node = sims[0].nodes()[0].name;
  // A custom range open at its end (as a drag across a chart leaves it): new samples still land in it.
  const from = new Date(Date.now() - 10 * 60_000).toISOString();
  await page.goto(`${base}/#/node?cluster=east&name=${node}&from=${from}`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points')) > 2, 'CPU chart has points', 60_000);
  await waitFor(async () => (await page.locator('.chart canvas').count()) >= 4, 'charts drawn');
  await page.evaluate('window.scrollTo(0, 400)');
  const scrollY = await page.evaluate<number>('window.scrollY');
  assert.ok(scrollY > 0, 'the page scrolled');
  // Each chart's uPlot draws on its own canvas: the same canvas elements are the same plots.
  await page.evaluate(`window.keptCanvases = [...document.querySelectorAll('.chart canvas')]`);
  const pointsBefore = Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points'));
  await recordRefreshes();
  // New samples may first land in the chart's last bucket (its point moves, none is added): wait for the
  // update that opens a new one.
  const cpuPoints = async (): Promise<number> => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points'));
  await waitFor(async () => (await refreshes()).some((r) => r.name === 'samples new-data') && (await cpuPoints()) > pointsBefore,
    'a live update that brought samples of a new bucket', 60_000);
  await page.waitForTimeout(300); // its frame drawn
  const withData = (await refreshes()).filter((r) => r.name === 'samples new-data');
  for (const r of withData) {
    assert.deepEqual(paths(r), ['/api/node/series', '/api/pods'], 'one request for the charts\' series, one for the pods, nothing else');
    const series = new URL(r.urls.find((u) => u.includes('/api/node/series'))!, 'http://x');
    assert.ok(Number(series.searchParams.get('after')) > Date.parse(from) / 1000, 'only the newest buckets asked for');
  }
  assert.ok((await cpuPoints()) > pointsBefore, 'the CPU chart holds more points');
  const kept = await page.evaluate<{ kept: number; stillThere: number; now: number }>(`(() => {
    const now = [...document.querySelectorAll('.chart canvas')];
    return { kept: window.keptCanvases.length, stillThere: window.keptCanvases.filter((c) => c.isConnected && now.includes(c)).length, now: now.length };
  })()`);
  assert.deepEqual(kept, { kept: kept.kept, stillThere: kept.kept, now: kept.kept }, 'the same plots, none re-created or added');
  assert.equal(await page.evaluate<number>('window.scrollY'), scrollY, 'scroll position kept');
  assert.ok(page.url().includes(`from=${from}`), 'the range kept in the URL');
  assert.equal(await page.locator('.chart[data-title="CPU"]').getAttribute('data-from'), new Date(from).toISOString(), 'the chart still starts at the range\'s start');
});

test('a pod page asks, on new samples alone, only for its series and volumes, and patches its charts in place', async () => {
  const { page, base } = env;
  const pods = await env.api<{ rows: Array<{ namespace: string; name: string; phase: string; node: string | null }> }>('/api/pods?cluster=east&limit=1000');
  const pod = pods.rows.find((p) => p.phase === 'Running');
  assert.ok(pod, 'a running pod');
  await page.goto(`${base}/#/pod?cluster=east&namespace=${pod.namespace}&name=${pod.name}`);
  await waitFor(async () => (await page.locator('.page.pod .chart canvas').count()) >= 2, 'the pod\'s charts drawn', 60_000);
  await page.evaluate(`window.keptCanvases = [...document.querySelectorAll('.page.pod .chart canvas')]`);
  await recordRefreshes();
  await waitFor(async () => (await refreshes()).filter((r) => r.name.startsWith('samples')).length >= 2, 'two live updates on new samples', 60_000);
  const all = await refreshes();
  for (const r of all.filter((x) => x.name.startsWith('samples'))) {
    assert.deepEqual(paths(r), ['/api/series', '/api/series', '/api/volumes'], `refresh "${r.name}": the series and volumes only (no pod, lifecycle or events)`);
    const containers = new URL(r.urls.find((u) => u.includes('entity=container'))!, 'http://x');
    assert.ok(containers.searchParams.has('after'), 'only the containers\' newest buckets asked for');
  }
  // A full refresh (the 15 s timer) still asks for everything.
  await waitFor(async () => (await refreshes()).some((r) => r.name.startsWith('all')), 'a full refresh', 30_000);
  const full = (await refreshes()).find((r) => r.name.startsWith('all'))!;
  for (const p of ['/api/pod', '/api/pod/lifecycle', '/api/events']) assert.ok(paths(full).includes(p), `a full refresh asks for ${p}`);
  const stillThere = await page.evaluate<number>(`window.keptCanvases.filter((c) => c.isConnected).length`);
  assert.equal(stillThere, await page.evaluate<number>('window.keptCanvases.length'), 'the same plots');
});

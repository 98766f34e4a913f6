// The viewer in a real browser (Debian's chromium through playwright-core) against a running collector
// over two simulated clusters, exposed on 0.0.0.0 with a token: the overview lists both clusters with live
// figures, a node page draws charts with data points, a pod deleted in the simulator disappears and its
// replacement appears without a reload, a cluster whose API server stops shows as down, the 7-day range
// reads the 1-hour rollups, and without the token the server answers 401. Screenshots go to test-output/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { buildConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { configureLogging } from '../../src/log.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'viewer-test-token-0123456789';
const SHOTS = join(REPO_ROOT, 'test-output', 'viewer');
let db: TestDatabase;
let sims: SimCluster[] = [];
let collector: Collector;
let browser: Browser;
let page: Page;
let base: string;

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  mkdirSync(SHOTS, { recursive: true });
  db = await startTestDatabase();
  sims = [
    await startSim({ name: 'east', nodes: 3, podsPerNode: 5, seed: 21, podChurnIntervalMs: 0 }),
    await startSim({ name: 'west', nodes: 2, podsPerNode: 4, seed: 22, podChurnIntervalMs: 0 }),
  ];
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-viewer-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, sims);
  collector = await Collector.start(
    buildConfig(
      {
        server: { listen: '0.0.0.0:0', token: TOKEN },
        database: { url: db.url },
        collection: { summary_interval: '1s', cadvisor_interval: '2s', health_interval: '1s', scrape_timeout: '3s' },
        clusters: sims.map((s) => ({ name: s.name, kubeconfig, context: s.name })),
      },
      'test',
      {},
    ),
  );
  base = `http://127.0.0.1:${collector.httpAddress.split(':').pop()}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}/?token=${TOKEN}#/overview`);
});

after(async () => {
  await browser?.close();
  await collector?.stop();
  await Promise.all(sims.map((s) => s.stop()));
  await db?.stop();
});

async function text(selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

test('without the token the exposed viewer answers 401; with it the page and API answer', async () => {
  assert.equal((await fetch(`${base}/`)).status, 401);
  assert.equal((await fetch(`${base}/api/overview`)).status, 401);
  assert.equal((await fetch(`${base}/api/overview`, { headers: { authorization: 'Bearer wrong-token-0123456789xxxx' } })).status, 401);
  const ok = await fetch(`${base}/api/overview`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.status, 200);
  // The token given in the page URL is dropped from the address bar once stored.
  assert.ok(!page.url().includes(TOKEN));
});

test('the overview lists both clusters with live figures', async () => {
  for (const sim of sims) {
    const card = `.card.cluster[data-cluster="${sim.name}"]`;
    await page.waitForSelector(card, { timeout: 20_000 });
    await waitFor(async () => Number(await text(`${card} .nodes-ready`)) === sim.nodes().length, `${sim.name}: ${sim.nodes().length} nodes ready shown`);
    await waitFor(async () => Number((await text(`${card} .pods-running`)).replace(/,/g, '')) > 0, `${sim.name}: running pods shown`);
    await waitFor(async () => (await page.locator(`${card}[data-api="healthy"]`).count()) === 1, `${sim.name}: API healthy`);
  }
  // Live: the last-sample age keeps being refreshed without a reload (samples arrive every second).
  const card = '.card.cluster[data-cluster="east"] .last-sample';
  const first = await page.locator(card).getAttribute('title');
  await waitFor(async () => (await page.locator(card).getAttribute('title')) !== first, 'a newer sample time shown without reload', 15_000);
  assert.equal(await page.locator('.live.on').count(), 1);
  await page.screenshot({ path: join(SHOTS, 'overview.png') });
});

test('a node page draws charts with data points', async () => {
  await page.goto(`${base}/#/nodes?sort=cpu`);
  await waitFor(async () => (await page.locator('.page.nodes .vt-row').count()) === 5, 'the nodes table lists the 5 nodes of both clusters');
  await waitFor(async () => (await page.locator('.page.nodes canvas.spark').count()) === 5, 'sparklines drawn');
  await page.screenshot({ path: join(SHOTS, 'nodes.png') });
  const node = sims[0].nodes()[0].name;
  await page.goto(`${base}/#/node?cluster=east&name=${node}`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU"]').getAttribute('data-points')) > 2, 'CPU chart has points', 20_000);
  await page.waitForSelector('.chart[data-title="CPU"] canvas');
  assert.ok(Number(await page.locator('.chart[data-title="Memory (working set)"]').getAttribute('data-points')) > 0);
  assert.equal(await page.locator('.chart[data-title="CPU"]').getAttribute('data-resolution'), 'raw');
  await waitFor(async () => (await page.locator('.page.node .vt-row .pod-name').count()) > 0, 'pods on the node listed');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, 'node.png'), fullPage: true });
});

test('the time-range picker asks for 7 days: hour buckets from the samples', async () => {
  // The node page asks for its charts' series in one request (the node's and its interfaces').
  const response = page.waitForResponse((r) => r.url().includes('/api/node/series') && r.url().includes('range=7d'));
  await page.click('.range-btn[data-range="7d"]');
  const body = ((await (await response).json()) as { node: { resolution: string; table: string; bucketS: number } }).node;
  assert.deepEqual([body.resolution, body.table, body.bucketS], ['raw', 'node_metric', 3600]);
  await waitFor(async () => (await page.locator('.chart[data-title="CPU"] .res').textContent()) === 'raw · 3600s', 'CPU chart in hour buckets');
  assert.ok(page.url().includes('range=7d'), 'the range is in the URL');
  await page.click('.range-btn[data-range="15m"]');
  await waitFor(async () => (await page.locator('.chart[data-title="CPU"] .res').textContent()) === 'raw · 3s', 'back to 15 minutes of samples');
});

test('a pod deleted in the simulator disappears and its replacement appears without a reload', async () => {
  const sim = sims[0];
  const listed = (await (await fetch(`${base}/api/pods?cluster=east&limit=1000`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { rows: Array<{ namespace: string; name: string; workloadKind: string | null; phase: string }> };
  const victimRow = listed.rows.find((p) => p.workloadKind === 'Deployment' && p.phase === 'Running');
  assert.ok(victimRow, 'a running deployment pod exists');
  await page.goto(`${base}/#/pods?cluster=east&namespace=${victimRow.namespace}`);
  await page.waitForSelector('.page.pods .vt-row .pod-name', { timeout: 20_000 });
  const names = async (): Promise<string[]> => page.locator('.page.pods .vt-row .pod-name').allTextContents();
  const victim = victimRow.name;
  await waitFor(async () => (await names()).includes(victim), `${victim} listed`);
  const before = await names();
  await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
  sim.deletePod(victimRow.namespace, victim);
  await waitFor(async () => !(await names()).includes(victim), `${victim} gone from the table`);
  await waitFor(async () => (await names()).some((n) => !before.includes(n)), 'the replacement pod listed');
  assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
  const replacement = (await names()).find((n) => !before.includes(n))!;
  await page.goto(`${base}/#/pod?cluster=east&namespace=${victimRow.namespace}&name=${replacement}`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU per container"]').getAttribute('data-points')) > 0, 'pod CPU chart has points', 20_000);
});

test('a cluster whose API server is stopped shows as down within the health interval', async () => {
  await page.goto(`${base}/#/overview`);
  await page.waitForSelector('.card.cluster[data-cluster="west"][data-api="healthy"]', { timeout: 20_000 });
  sims[1].setApiDown(true);
  try {
    await page.waitForSelector('.card.cluster.down[data-cluster="west"][data-api="unreachable"]', { timeout: 20_000 });
    assert.match(await text('.alert'), /1 cluster down: west/);
    assert.match(await text('.card.cluster[data-cluster="west"] .badge'), /API DOWN/);
    assert.equal(await page.locator('.card.cluster[data-cluster="east"][data-api="healthy"]').count(), 1);
    await page.screenshot({ path: join(SHOTS, 'overview-cluster-down.png') });
  } finally {
    sims[1].setApiDown(false);
  }
});

test('a pod page charts each container against its requests and limits', async () => {
  // A pod that has run since the start: the simulated kubelet refreshes container stats per housekeeping
  // cycle (~10 s, like cAdvisor), so an old pod has the most points to show.
  const listed = (await (await fetch(`${base}/api/pods?cluster=east&namespace=kube-system&limit=1000`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { rows: Array<{ name: string; createdAt: string }> };
  const pod = listed.rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  await page.goto(`${base}/#/pod?cluster=east&namespace=kube-system&name=${pod.name}`);
  await waitFor(async () => Number(await page.locator('.chart[data-title="CPU per container"]').getAttribute('data-points')) > 1, 'pod CPU chart has points', 30_000);
  await page.waitForSelector('.chart[data-title="CPU per container"] canvas');
  const legend = (await page.locator('.chart[data-title="CPU per container"] .u-legend').textContent()) ?? '';
  assert.match(legend, /request|limit/, 'requests or limits drawn as lines');
  assert.ok((await page.locator('.page.pod table.grid tr').count()) > 1, 'containers listed');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, 'pod.png'), fullPage: true });
});

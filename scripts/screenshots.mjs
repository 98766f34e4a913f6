#!/usr/bin/env node
// `npm run screenshots`: regenerates docs/screenshots/, one PNG of every viewer page, from the demo's stack
// (embedded PostgreSQL, the two simulated clusters of `kubepulse demo`, the collector serving the viewer)
// after it has collected long enough for the charts to be full: every page is shot over a custom range
// from the collection's start to now, so the charts span exactly what was collected. Samples come every
// second (cAdvisor every 2 s) so a few minutes fill them. Debian's chromium through playwright-core.
//   KP_SCREENSHOT_MINUTES (default 6): how long the demo collects before the first shot.
// Runs the compiled code (dist/): `npm run screenshots` builds first.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { olderThanEngines } from './node-engines.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tooOld = olderThanEngines(process.version);
if (tooOld) {
  // As run-tests.mjs: started by an older system Node, run on the project's pinned one.
  const r = spawnSync(join(root, 'node_modules/.bin/node'), process.argv.slice(1), { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const minutes = Number(process.env.KP_SCREENSHOT_MINUTES ?? 6);
if (!(minutes > 0 && minutes <= 120)) throw new Error(`KP_SCREENSHOT_MINUTES: expected minutes from 1 to 120, got ${JSON.stringify(process.env.KP_SCREENSHOT_MINUTES)}`);
const fromDist = async (path) => import(pathToFileURL(join(root, 'dist', path)).href);
const { startTestDatabase } = await fromDist('test/helpers/pg.js');
const { buildConfig } = await fromDist('src/config/load.js');
const { Collector } = await fromDist('src/collector/collector.js');
const { configureLogging } = await fromDist('src/log.js');
const { startSim, writeKubeconfig } = await import('@kubepulse/sim');
const { chromium } = await import('playwright-core');

const OUT = join(root, 'docs', 'screenshots');
const TOKEN = 'screenshots-token-0123456789abcdef';
const say = (text) => process.stdout.write(`screenshots: ${text}\n`);

configureLogging({ level: 'warn', console: 'off' });
mkdirSync(OUT, { recursive: true });
const db = await startTestDatabase();
const sims = [];
let collector = null;
let browser = null;
try {
  // The demo's clusters (src/cli/demo.ts): two of 3 nodes × 8 pods, the simulator's own churn on.
  for (const [i, name] of ['demo-east', 'demo-west'].entries()) sims.push(await startSim({ name, nodes: 3, podsPerNode: 8, seed: i + 1 }));
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-screenshots-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, sims);
  collector = await Collector.start(buildConfig({
    server: { listen: '127.0.0.1:0', token: TOKEN },
    database: { url: db.url },
    collection: { summary_interval: '1s', cadvisor_interval: '2s', health_interval: '1s', scrape_timeout: '3s' },
    clusters: sims.map((s) => ({ name: s.name, kubeconfig, context: s.name })),
  }, 'screenshots', {}));
  const base = `http://127.0.0.1:${collector.httpAddress.split(':').pop()}`;
  const started = new Date();
  const api = async (path) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  say(`collecting for ${minutes} min (${base})`);
  const east = sims[0];
  const endAt = Date.now() + minutes * 60_000;
  // Something to see in the events and the changes: a pod replaced, a node that was NotReady for a while.
  await sleep(Math.min(60_000, minutes * 20_000));
  const victim = (await api('/api/pods?cluster=demo-east&namespace=default&phase=Running&limit=1')).rows[0];
  if (victim) east.deletePod(victim.namespace, victim.name);
  const flaky = east.nodes()[2].name;
  east.setNodeReady(flaky, false);
  await sleep(20_000);
  east.setNodeReady(flaky, true);
  await sleep(Math.max(0, endAt - Date.now()));

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // From the first scrapes on (the first 20 s: the inventory's first lists, a partial first bucket).
  const range = `from=${encodeURIComponent(new Date(started.getTime() + 20_000).toISOString())}`;
  // Points a full chart holds by now: the overview sums the nodes in 30 s buckets, the others chart samples.
  const overviewPoints = Math.max(2, minutes * 2 - 2);
  const samplePoints = Math.min(30, minutes * 15);
  await page.goto(`${base}/?token=${TOKEN}#/overview?${range}`);

  const node = east.nodes()[0].name;
  const pods = (await api('/api/pods?cluster=demo-east&phase=Running&limit=1000')).rows;
  const details = await Promise.all(pods.map((p) => api(`/api/pod?cluster=demo-east&namespace=${p.namespace}&name=${p.name}`)));
  const pod = details.find((d) => d.containers.filter((c) => c.cpuRequestMillicores !== null).length >= 2) ?? details[0];
  const hpa = (await api('/api/hpas?cluster=demo-east'))[0];
  const charted = (min) => async () => {
    // Every chart of the page drawn with points over the collection.
    // (plain script, evaluated in Chromium)
    await page.waitForFunction(`(() => {
      const charts = [...document.querySelectorAll('.chart')];
      return charts.some((c) => Number(c.dataset.points) >= ${min}) && charts.every((c) => c.dataset.points === '0' || c.querySelector('canvas'));
    })()`, undefined, { timeout: 60_000 }).catch(async (e) => {
      const seen = await page.evaluate(`JSON.stringify({ url: location.href, error: document.querySelector('.error-bar')?.textContent,
        charts: [...document.querySelectorAll('.chart')].map((c) => [c.dataset.title, c.dataset.points, Boolean(c.querySelector('canvas'))]) })`);
      throw new Error(`${e.message}: the page holds ${seen}`);
    });
  };
  const shown = (selector) => async () => { await page.locator(selector).first().waitFor({ timeout: 60_000 }); };
  const SHOTS = [
    ['overview', `#/overview?${range}`, charted(overviewPoints), 1600],
    ['nodes', `#/nodes?${range}`, shown('.page.nodes .vt-row .spark-cell canvas'), 900],
    ['node', `#/node?cluster=demo-east&name=${node}&${range}`, charted(samplePoints), 1600],
    ['pods', `#/pods?${range}`, shown('.page.pods .vt-row'), 900],
    ['pod', `#/pod?cluster=demo-east&namespace=${pod.namespace}&name=${pod.name}&${range}`, charted(samplePoints), 1600],
    ['workloads', `#/workloads?${range}`, shown('.page.workloads .vt-row'), 900],
    ['storage', `#/storage?${range}`, shown('.page.storage table'), 1100],
    ['autoscalers', hpa ? `#/hpas?hpa=${hpa.namespace}/${hpa.name}&hpa_cluster=${hpa.cluster}&${range}` : `#/hpas?${range}`, hpa ? charted(2) : shown('.page.hpas'), 1100],
    ['events', `#/events?${range}`, shown('.events .event'), 900],
    ['health', `#/health?${range}`, charted(samplePoints), 1600],
  ];
  for (const [name, hash, ready, maxHeight] of SHOTS) {
    await page.goto(`${base}/${hash}`);
    await ready();
    await page.waitForTimeout(1500); // the page's last requests (sparklines, tables) and a repaint
    await shot(page, name, maxHeight);
  }

  // The global search, open over the overview.
  await page.goto(`${base}/#/overview?${range}`);
  await page.locator('.global-search').waitFor();
  await page.keyboard.press('/');
  await page.keyboard.type(pod.name.split('-')[0]);
  await page.locator('.search-results .hit').first().waitFor({ timeout: 20_000 });
  await shot(page, 'search', 900);

  // A cluster whose API server stopped.
  await page.keyboard.press('Escape');
  sims[1].setApiDown(true);
  await page.locator('.card.cluster.down[data-cluster="demo-west"]').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await shot(page, 'overview-cluster-down', 900);
  sims[1].setApiDown(false);
} finally {
  await browser?.close();
  await collector?.stop();
  await Promise.all(sims.map((s) => s.stop()));
  await db.stop();
}

/** One page as docs/screenshots/<name>.png: its top `maxHeight` pixels (the viewport is 900 high). */
async function shot(page, name, maxHeight) {
  const path = join(OUT, `${name}.png`);
  const height = Math.min(maxHeight, await page.evaluate('document.documentElement.scrollHeight'));
  await page.screenshot({ path, clip: { x: 0, y: 0, width: 1440, height }, fullPage: height > 900 });
  say(`${name}.png (${Math.round(statSync(path).size / 1024)} KiB)`);
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

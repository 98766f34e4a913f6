// A running viewer for browser tests: embedded PostgreSQL, simulated clusters over real HTTP, a collector
// serving the viewer with a token, and Debian's chromium through playwright-core with one page open on it.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { startSim, writeKubeconfig, type SimCluster, type SimOptions } from '@kubepulse/sim';
import { buildConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { configureLogging } from '../../src/log.js';
import { REPO_ROOT } from '../helpers/paths.js';

export interface BrowserEnv {
  db: TestDatabase;
  sims: SimCluster[];
  collector: Collector;
  browser: Browser;
  page: Page;
  /** http://127.0.0.1:port of the viewer. */
  base: string;
  token: string;
  /** Where screenshots go (test-output/viewer). */
  shots: string;
  /** GET an API path with the token; throws on a non-2xx answer. */
  api<T>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export async function startBrowserEnv(clusters: Array<Partial<SimOptions> & { name: string }>): Promise<BrowserEnv> {
  configureLogging({ level: 'warn', console: 'off' });
  const token = 'viewer-browser-token-0123456789';
  const shots = join(REPO_ROOT, 'test-output', 'viewer');
  mkdirSync(shots, { recursive: true });
  const db = await startTestDatabase();
  const sims: SimCluster[] = [];
  for (const [i, c] of clusters.entries()) sims.push(await startSim({ nodes: 2, podsPerNode: 4, seed: 40 + i, podChurnIntervalMs: 0, ...c }));
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-viewer-browser-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, sims);
  const collector = await Collector.start(
    buildConfig(
      {
        server: { listen: '127.0.0.1:0', token },
        database: { url: db.url },
        collection: { summary_interval: '1s', cadvisor_interval: '2s', health_interval: '1s', scrape_timeout: '3s' },
        clusters: sims.map((s) => ({ name: s.name, kubeconfig, context: s.name })),
      },
      'test',
      {},
    ),
  );
  const base = `http://127.0.0.1:${collector.httpAddress.split(':').pop()}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${base}/?token=${token}#/overview`);
  return {
    db, sims, collector, browser, page, base, token, shots,
    async api<T>(path: string): Promise<T> {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      await browser.close();
      await collector.stop();
      await Promise.all(sims.map((s) => s.stop()));
      await db.stop();
    },
  };
}

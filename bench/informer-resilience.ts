// Issue 16 figures: how an API server that restarts or is down costs the informers. One informer per
// inventory kind (all 18) against a simulated cluster over HTTPS, in this process, writing to a sink that
// only counts (the store plays no part in when an informer relists or retries).
// - relists_per_hour_under_api_restarts: the API server restarts (connections dropped, refused for 3 s)
//   every 12 s, 6 times; relists per restart, scaled to the one restart every 5 minutes.
// - informer_retries_per_minute_api_down: the API server answers 503 with Retry-After: 1 for 100 s (the
//   issue's outage); failed attempts of the busiest kind per minute of outage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig } from '@kubepulse/sim';
import type { Figures } from './figure.js';
import { ClusterConnection } from '../src/cluster/connection.js';
import { Informer, type InventorySink } from '../src/inventory/informer.js';
import { ALL_KINDS } from '../src/inventory/kinds/index.js';

const RESTARTS = 6;
const RESTART_EVERY_MS = 12_000;
const RESTART_DOWN_MS = 3000;
const RESTARTS_PER_HOUR = 12; // one every 5 minutes
const OUTAGE_S = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function run(): Promise<Figures> {
  const quiet = { info() {}, warn() {}, error() {} };
  const sim = await startSim({ name: 'resilience', nodes: 20, podsPerNode: 10, seed: 4, logger: quiet });
  const dir = mkdtempSync(join(tmpdir(), 'kp-bench-resilience-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  const conn = await ClusterConnection.open({ name: sim.name, kubeconfig, context: sim.name });
  const sink: InventorySink = { apply: async () => {}, now: async () => new Date(), reconcile: async () => 0 };
  // The collector's defaults: resync from the cache every 10 min, a full relist at most daily.
  const informers = ALL_KINDS.map((k) => new Informer(conn, k, sink, { resyncMs: 600_000, relistMs: 86_400_000 }));
  const allWatching = () => informers.every((i) => i.status.state === 'watching');
  const sum = (f: (i: Informer) => number) => informers.reduce((n, i) => n + f(i), 0);
  try {
    for (const i of informers) i.start();
    await until(allWatching, 'every informer watching');

    const relists0 = sum((i) => i.status.relists);
    const rewatches0 = sum((i) => i.status.rewatches);
    for (let r = 0; r < RESTARTS; r++) {
      await sleep(RESTART_EVERY_MS - RESTART_DOWN_MS);
      await sim.restartApiServer(RESTART_DOWN_MS);
    }
    await until(allWatching, 'every informer watching after the restarts');
    const relists = sum((i) => i.status.relists) - relists0;
    const rewatches = sum((i) => i.status.rewatches) - rewatches0;

    const retries0 = informers.map((i) => i.status.retries);
    const started = Date.now();
    sim.setFaults({ apiDownForSeconds: OUTAGE_S });
    await sleep(OUTAGE_S * 1000);
    const outageMin = (Date.now() - started) / 60_000;
    const retries = informers.map((i, k) => i.status.retries - retries0[k]);
    await until(allWatching, 'every informer watching after the outage');
    const busiest = Math.max(...retries);
    const mean = retries.reduce((a, b) => a + b, 0) / retries.length;
    return {
      relists_per_hour_under_api_restarts: {
        value: Math.round((relists / RESTARTS) * RESTARTS_PER_HOUR * 100) / 100,
        unit: 'relists/h',
        method: `${ALL_KINDS.length} informers (one per kind) against a 20-node / ${sim.stats().pods}-pod simulated cluster over HTTPS; the API server restarted ${RESTARTS} times ${RESTART_EVERY_MS / 1000} s apart (connections dropped, refused for ${RESTART_DOWN_MS / 1000} s, watch history kept, so no 410 cases): ${relists} relists and ${rewatches} re-watches in all, relists per restart × ${RESTARTS_PER_HOUR} restarts an hour`,
      },
      informer_retries_per_minute_api_down: {
        value: Math.round((busiest / outageMin) * 100) / 100,
        unit: 'retries/min per kind',
        method: `the same ${ALL_KINDS.length} informers while the API server answered 503 with Retry-After: 1 for ${OUTAGE_S} s (open watches ended at its start): failed attempts of the busiest kind per minute of outage (mean over kinds ${(mean / outageMin).toFixed(2)}; ${retries.reduce((a, b) => a + b, 0)} attempts in all); backoff 1 s doubling to 30 s, each wait in [step/2, step]`,
      },
    };
  } finally {
    await Promise.all(informers.map((i) => i.stop()));
    await conn.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

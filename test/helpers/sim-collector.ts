// A collector (in this process) collecting one simulated cluster into a test PostgreSQL of its own, scraping
// kubelets directly every second: the set-up of the collector's end-to-end tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { startSim, writeKubeconfig, type SimCluster, type SimOptions } from '@kubepulse/sim';
import { buildConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { configureLogging } from '../../src/log.js';
import { createPool } from '../../src/store/pool.js';
import { startTestDatabase, type TestDatabase } from './pg.js';

export interface SimCollector {
  db: TestDatabase;
  sim: SimCluster;
  collector: Collector;
  /** A pool of the test's own on the collector's database. */
  pool: pg.Pool;
  /** Stops the collector (once; stop() does it too), leaving the database and simulator up. */
  stopCollector(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the database, the simulator (`prepare` runs before the collector sees it: faults) and the
 * collector; `collection` overrides keys of the 1 s direct-scrape defaults.
 */
export async function startSimCollector(simOptions: SimOptions, collection: Record<string, string> = {},
  prepare?: (sim: SimCluster) => void): Promise<SimCollector> {
  configureLogging({ level: 'error', console: 'off' });
  const db = await startTestDatabase();
  const sim = await startSim(simOptions);
  prepare?.(sim);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), `kp-${sim.name}-`)), 'kubeconfig');
  await writeKubeconfig(kubeconfig, [sim]);
  const cfg = buildConfig(
    {
      server: { listen: '127.0.0.1:0' },
      // Rows in the database within a second of their scrape (the default waits 5 s to batch them).
      database: { url: db.url, flush_interval: '1s' },
      collection: { summary_interval: '1s', cadvisor_interval: '1s', health_interval: '1s', scrape_timeout: '3s', kubelet_access: 'direct', ...collection },
      clusters: [{ name: sim.name, kubeconfig, context: sim.name }],
    },
    'test',
    {},
  );
  const collector = await Collector.start(cfg);
  // Three: a maintenance pass holds its lock's connection while the compactor or packer uses two more.
  const pool = createPool(db.url, { max: 3 });
  let stopped: Promise<void> | null = null;
  const stopCollector = () => (stopped ??= collector.stop());
  return {
    db, sim, collector, pool, stopCollector,
    async stop() {
      await stopCollector();
      await pool.end();
      await sim.stop();
      await db.stop();
    },
  };
}

// What the informer tests share: a migrated PostgreSQL, one simulated cluster reached over real HTTPS
// through a kubeconfig, and informers writing through the real inventory writer (the COPY path) into it.
import { before, after } from 'node:test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster, type SimOptions } from '@kubepulse/sim';
import type pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { migrate } from '../../src/store/migrate.js';
import { createPool } from '../../src/store/pool.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { Informer, type InformerOptions, type InventorySink } from '../../src/inventory/informer.js';
import type { KindDef } from '../../src/inventory/kind.js';
import { applyInventory, databaseNow, reconcile } from '../../src/store/inventory-writer.js';
import { configureLogging, type LogOptions } from '../../src/log.js';

export interface InformerHarness {
  store: { db: TestDatabase; pool: pg.Pool; clusterId: number };
  sim: SimCluster;
  conn: ClusterConnection;
  /** Every call the sink saw, for asserting what reached the store. */
  sinkCalls: { applied: number; failed: number; reconciled: number };
  /** Starts an informer (over `conn` when given, e.g. one that counts requests); stopped after the file. */
  informer(kind: KindDef, o?: InformerOptions, conn?: ClusterConnection): Informer;
  /** The JSON log lines written so far (module inventory), when the harness was asked to keep them. */
  logLines(): Array<Record<string, unknown>>;
  /** Live rows of the kind in the store: uid → row. */
  rows(kind: KindDef): Promise<Map<string, Record<string, unknown>>>;
}

/** Registers before/after hooks; the returned object is filled once `before` has run. */
export function useInformerHarness(simOptions: Omit<SimOptions, 'name'> & { name?: string }, o: { keepLogs?: boolean } = {}): InformerHarness {
  const store = {} as InformerHarness['store'];
  const informers: Informer[] = [];
  const h = { store, sinkCalls: { applied: 0, failed: 0, reconciled: 0 } } as InformerHarness;
  const logFile = join(mkdtempSync(join(tmpdir(), 'kp-informer-log-')), 'log.jsonl');
  before(async () => {
    const consoleMode = process.env.TEST_LOG ? 'json' : 'off';
    if (o.keepLogs) configureLogging({ level: 'info', console: consoleMode, file: logFile });
    else configureLogging({ level: (process.env.TEST_LOG as LogOptions['level'] | undefined) ?? 'warn', console: consoleMode });
    store.db = await startTestDatabase();
    await migrate(store.db.url);
    store.pool = createPool(store.db.url, { max: 4 });
    store.clusterId = await ensureCluster(store.pool, 'inv');
    h.sim = await startSim({ name: 'inv', podChurnIntervalMs: 0, ...simOptions });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-informer-')), 'kubeconfig');
    await writeKubeconfig(kubeconfig, [h.sim]);
    h.conn = await ClusterConnection.open({ name: h.sim.name, kubeconfig, context: h.sim.name });
    const sink: InventorySink = {
      apply: async (kind, changes) => {
        try {
          await applyInventory(store.pool, kind, store.clusterId, changes);
          h.sinkCalls.applied++;
        } catch (e) {
          h.sinkCalls.failed++;
          throw e;
        }
      },
      now: () => databaseNow(store.pool),
      reconcile: async (kind, present, at) => {
        h.sinkCalls.reconciled++;
        return (await reconcile(store.pool, kind, store.clusterId, present, at)).length;
      },
    };
    h.informer = (kind, io = {}, conn = h.conn) => {
      const inf = new Informer(conn, kind, sink, io);
      informers.push(inf);
      inf.start();
      return inf;
    };
    h.logLines = () => {
      if (!existsSync(logFile)) return [];
      return readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.module === 'inventory');
    };
    h.rows = async (kind) => {
      const r = await store.pool.query<Record<string, unknown>>(`SELECT * FROM kubepulse.${kind.table} WHERE cluster_id = $1 AND deleted_at IS NULL`, [store.clusterId]);
      return new Map(r.rows.map((row) => [row.uid as string, row]));
    };
  });
  after(async () => {
    await Promise.all(informers.map((i) => i.stop()));
    await h.conn?.close();
    await h.sim?.stop();
    await store.pool?.end();
    await store.db?.stop();
  });
  return h;
}

// Every key of [retention] is applied by the maintenance loop, checked by what it does: for each key a
// case stores data past it, runs the loop with every key long (the data stays), then with that key alone
// short (its data goes, and only through that key). The cases are keyed by the config's retention keys:
// a key added to the schema without a case fails to compile and fails the first test, and a key the loop
// does not apply fails its case. The retention reaches the loop through maintenanceRetention, as in
// the collector (collector/open-database.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { configKeyPaths } from '../../src/config/keys.js';
import { StoreMaintenance, maintenanceRetention, type MaintenanceReport } from '../../src/store/maintenance.js';
import { applyInventory } from '../../src/store/inventory-writer.js';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { kindByName } from '../../src/inventory/kinds/index.js';
import { HISTORY_QUERY } from '../../src/inventory/history.js';
import { RESOLUTIONS, rollupTable } from '../../src/store/rollup-schema.js';
import { sampleTable } from '../../src/store/series-schema.js';
import { minuteBlockTable } from '../../src/store/history/minute-schema.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import type { KubeObject } from '../../src/inventory/kind.js';
import type { MetricRow } from '../../src/metrics/definitions.js';
import { useMigratedStore } from '../helpers/store.js';

type RetentionKey = keyof Config['retention'];
const store = useMigratedStore('retention-keys');
const NOW = Date.now();
const HOUR = 3_600_000;

/** One maintenance pass at NOW with every key at 400 days except `short` at its minimum (1 h). */
async function pass(short?: RetentionKey): Promise<{ m: StoreMaintenance; report: MaintenanceReport }> {
  const keys = configKeyPaths().filter((p) => p[0] === 'retention').map((p) => p[1]);
  const doc = Object.fromEntries(keys.map((k) => [k, k === short ? '1h' : '400d']));
  const m = new StoreMaintenance(store.pool, { retentionMs: maintenanceRetention(buildConfig({ retention: doc }, 'test', {}).retention) });
  const report = await m.runOnce(NOW);
  assert.equal(report.error, null);
  await m.stop();
  return { m, report };
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await store.pool.query<{ n: string }>(sql, params)).rows[0].n);
}

function pod(name: string, rv: string, phase = 'Running'): KubeObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: rv },
    spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase },
  };
}

function event(name: string): KubeObject {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: '1' },
    involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p' }, reason: 'Scheduled', type: 'Normal', count: 1,
  };
}

const podKind = kindByName('pod')!;
const eventKind = kindByName('event')!;
const partitionExists = async (table: string, atMs: number, list: (t: string) => Promise<Array<{ fromMs: number; toMs: number }>>) =>
  (await list(table)).some((p) => p.fromMs <= atMs && atMs < p.toMs);

/** Per key: stores what the key governs, then checks it is there (`kept`) or gone (`gone`). */
interface Case {
  seed(): Promise<void>;
  present(report: MaintenanceReport, m: StoreMaintenance): Promise<boolean>;
}

const OLD = NOW - 20 * DAY_MS;
const nodeRow = (ts: number): MetricRow => ({ cluster_id: store.clusterId, node: 'retention-node', ts: new Date(ts) });


const CASES: Record<RetentionKey, Case> = {
  inventory_deleted: {
    async seed() {
      await applyInventory(store.pool, podKind, store.clusterId, [{ op: 'upsert', obj: pod('gone-pod', '1') }], { at: new Date(OLD) });
      await applyInventory(store.pool, podKind, store.clusterId, [{ op: 'delete', obj: pod('gone-pod', '1') }], { at: new Date(OLD + HOUR) });
    },
    present: async () => (await count("SELECT count(*) AS n FROM kubepulse.pod WHERE uid = 'uid-gone-pod'")) > 0,
  },
  events: {
    async seed() {
      await applyInventory(store.pool, eventKind, store.clusterId, [{ op: 'upsert', obj: event('old-event') }], { at: new Date(OLD) });
      await applyInventory(store.pool, eventKind, store.clusterId, [{ op: 'delete', obj: event('old-event') }], { at: new Date(OLD + HOUR) });
    },
    present: async () => (await count("SELECT count(*) AS n FROM kubepulse.event WHERE uid = 'uid-old-event'")) > 0,
  },
  change_log: {
    async seed() {
      // A live pod: added 20 days ago, changed 19 days ago and a minute ago.
      await applyInventory(store.pool, podKind, store.clusterId, [{ op: 'upsert', obj: pod('live-pod', '1', 'Pending') }], { at: new Date(OLD) });
      await applyInventory(store.pool, podKind, store.clusterId, [{ op: 'upsert', obj: pod('live-pod', '2', 'Running') }], { at: new Date(OLD + DAY_MS) });
      await applyInventory(store.pool, podKind, store.clusterId, [{ op: 'upsert', obj: pod('live-pod', '3', 'Succeeded') }], { at: new Date(NOW - 60_000) });
    },
    // The add row is the one a short change_log retention removes (superseded before the cutoff).
    present: async () => (await count("SELECT count(*) AS n FROM kubepulse.change_log WHERE uid = 'uid-live-pod' AND op = 'add'")) > 0,
  },
  status_history: {
    async seed() {
      // Daily partitions (migration 017): the writer creates the day's before its row.
      await new PartitionManager(store.pool).ensureFor('collector_status', [OLD]);
      await store.pool.query(
        `INSERT INTO kubepulse.collector_status (at, pid, database_state, status) VALUES ($1, 4242, 'connected', '{}'::jsonb)`, [new Date(OLD)]);
    },
    present: async () => (await count('SELECT count(*) AS n FROM kubepulse.collector_status WHERE pid = 4242')) > 0,
  },
  compact_after: {
    async seed() {
      const rows = [0, 15_000, 30_000].map((d) => nodeRow(NOW - 2 * DAY_MS + d));
      const m = new StoreMaintenance(store.pool, { retentionMs: { raw: 400 * DAY_MS, rollup_1m: 400 * DAY_MS, rollup_1h: 400 * DAY_MS } });
      await writeMetricRows(store.pool, 'node', rows, { partitions: m.partitions });
    },
    present: async (report) => (report.compaction?.rows ?? 0) === 0 && (await count('SELECT count(*) AS n FROM kubepulse.node_sample')) > 0,
  },
  raw: {
    async seed() {
      const m = new StoreMaintenance(store.pool, { retentionMs: { raw: 400 * DAY_MS, rollup_1m: 400 * DAY_MS, rollup_1h: 400 * DAY_MS } });
      await m.partitions.ensureAhead([sampleTable('node')], OLD);
    },
    present: (_r, m) => partitionExists(sampleTable('node'), OLD, (t) => m.partitions.list(t)),
  },
  // Minutes older than three days are minute blocks (minute rows that old are packed into them).
  rollup_1m: {
    async seed() {
      const m = new StoreMaintenance(store.pool, { retentionMs: { raw: 400 * DAY_MS, rollup_1m: 400 * DAY_MS, rollup_1h: 400 * DAY_MS } });
      await m.blockPartitions.ensureAhead([minuteBlockTable('node')], OLD);
    },
    present: (_r, m) => partitionExists(minuteBlockTable('node'), OLD, (t) => m.blockPartitions.list(t)),
  },
  rollup_1h: {
    async seed() {
      const m = new StoreMaintenance(store.pool, { retentionMs: { raw: 400 * DAY_MS, rollup_1m: 400 * DAY_MS, rollup_1h: 400 * DAY_MS } });
      await m.rollups.partitionsOf(RESOLUTIONS[1]).ensureAhead([rollupTable('node', RESOLUTIONS[1])], OLD);
    },
    present: (_r, m) => partitionExists(rollupTable('node', RESOLUTIONS[1]), OLD, (t) => m.rollups.partitionsOf(RESOLUTIONS[1]).list(t)),
  },
};

test('every retention key of the config schema has a case here', async () => {
  const keys = configKeyPaths().filter((p) => p[0] === 'retention').map((p) => p[1]).sort();
  assert.deepEqual(Object.keys(CASES).sort(), keys, 'a retention key without a case below (or a case for a key that is gone)');
});

// Inventory and change-log keys first; the partition keys last (raw = 1h drops every raw partition).
const INVENTORY_KEYS: RetentionKey[] = ['inventory_deleted', 'events', 'change_log'];
const ORDER: RetentionKey[] = ['inventory_deleted', 'events', 'change_log', 'status_history', 'compact_after', 'rollup_1m', 'rollup_1h', 'raw'];

test('each retention key, set short, removes what it governs; every key long keeps it', async () => {
  assert.deepEqual([...ORDER].sort(), Object.keys(CASES).sort());
  for (const key of ORDER) {
    const c = CASES[key];
    await c.seed();
    const long = await pass();
    assert.ok(await c.present(long.report, long.m), `${key}: kept while every retention is 400 days`);
    // Each inventory key acts alone: the other two short leave its data (partition keys act on their own tables).
    if (INVENTORY_KEYS.includes(key)) {
      for (const other of INVENTORY_KEYS.filter((k) => k !== key)) {
        const r = await pass(other);
        assert.ok(await c.present(r.report, r.m), `${key}: not removed by ${other}`);
      }
    }
    const short = await pass(key);
    assert.equal(await c.present(short.report, short.m), false, `${key}: removed when it is 1 h`);
  }
});

test('a short change_log keeps each object as it was at the cutoff: history from the cutoff on is unchanged', async () => {
  const at = new Date(NOW - 2 * HOUR);
  const history = await store.pool.query<{ name: string; phase: string }>(HISTORY_QUERY, [store.clusterId, 'n1', at]);
  assert.deepEqual(history.rows.filter((r) => r.name === 'live-pod').map((r) => r.phase), ['Running'], 'the pod as it was 2 h ago');
  assert.equal(await count("SELECT count(*) AS n FROM kubepulse.change_log WHERE uid = 'uid-live-pod'"), 2, 'the state at the cutoff and the change after it');
});

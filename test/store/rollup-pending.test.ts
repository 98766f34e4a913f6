// The rollups' debt of late rows (rollup_pending) stays bounded: one row per entity and hour however many
// late batches mark it, marks past the raw retention dropped and counted, and a mark made while a pass
// recomputes its hour survives that pass (the next one takes it). Against a real PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { lateHours, writeMetricRows } from '../../src/store/metric-copy.js';
import { Rollups } from '../../src/store/rollups.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { migrate } from '../../src/store/migrate.js';
import { loadMigrations } from '../../src/store/migrations/index.js';
import { createPool } from '../../src/store/pool.js';
import type { Entity, MetricRow } from '../../src/metrics/definitions.js';
import type { Resolution } from '../../src/store/rollup-schema.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { useMigratedStore } from '../helpers/store.js';
import { createDatabase } from './migrate-catalog.js';

const store = useMigratedStore();
const HOUR = 3_600_000;

/** One node's rows every 15 s over [from, to), a gauge value that tells the rows apart. */
function rows(clusterId: number, node: string, from: number, to: number): MetricRow[] {
  const out: MetricRow[] = [];
  for (let t = from; t < to; t += 15_000) out.push({ cluster_id: clusterId, node, ts: new Date(t), memory_working_set_bytes: (t / 15_000) % 1000 });
  return out;
}

async function pending(pool: pg.Pool): Promise<Array<{ entity: string; hour: number }>> {
  const r = await pool.query<{ entity: string; hour: Date }>('SELECT entity, hour FROM kubepulse.rollup_pending ORDER BY hour, entity');
  return r.rows.map((x) => ({ entity: x.entity, hour: x.hour.getTime() }));
}

/** The 1h rollup's sample count per bucket of one node, and the raw rows' count per hour. */
async function hourCounts(pool: pg.Pool, clusterId: number, node: string): Promise<{ rollup: Map<number, number>; raw: Map<number, number> }> {
  const rollup = await pool.query<{ ts: Date; samples: number }>('SELECT ts, samples FROM kubepulse.node_metric_1h WHERE cluster_id = $1 AND node = $2', [clusterId, node]);
  const raw = await pool.query<{ h: Date; n: number }>(
    `SELECT date_bin('1 hour', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS h, count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2 GROUP BY 1`, [clusterId, node]);
  return { rollup: new Map(rollup.rows.map((r) => [r.ts.getTime(), r.samples])), raw: new Map(raw.rows.map((r) => [r.h.getTime(), r.n])) };
}

test('late rows mark the hours they fall in, sorted, and only the late ones', () => {
  const at = (iso: string): MetricRow => ({ cluster_id: 1, node: 'n', ts: new Date(iso) });
  const marked = lateHours([at('2026-11-10T05:59:59Z'), at('2026-11-10T03:00:00Z'), at('2026-11-10T05:00:01Z'), at('2026-11-10T09:30:00Z')], Date.parse('2026-11-10T09:00:00Z'));
  assert.deepEqual(marked.map((d) => d.toISOString()), ['2026-11-10T03:00:00.000Z', '2026-11-10T05:00:00.000Z']);
  assert.deepEqual(lateHours([at('2026-11-10T09:30:00Z')], Date.parse('2026-11-10T09:00:00Z')), []);
});

test('a long replay marks one row per entity and hour, however many batches it has; a pass rolls them all up', async () => {
  const clusterId = await ensureCluster(store.pool, 'pending-bound');
  const B = Date.parse('2026-11-01T00:00:00Z');
  const partitions = new PartitionManager(store.pool, { widthMs: HOUR });
  const rollups = new Rollups(store.pool, { minStepMs: { '1m': 0 }, rawPartitions: partitions });
  // The rollups have passed these hours already (live rows of another node), as after an outage.
  for (const batch of chunk(rows(clusterId, 'live', B, B + 6 * HOUR), 500)) await writeMetricRows(store.pool, 'node', batch, { partitions });
  await store.pool.query('DELETE FROM kubepulse.rollup_pending');
  await rollups.run(B + 7 * HOUR);

  // The replay: six hours in 360 batches of one minute each (the spool's pace), every one late.
  const replay = rows(clusterId, 'away', B, B + 6 * HOUR);
  const batches = chunk(replay, 4);
  assert.equal(batches.length, 360);
  for (const batch of batches) await writeMetricRows(store.pool, 'node', batch, { batchId: randomUUID(), partitions });
  const marks = await pending(store.pool);
  assert.deepEqual(marks, Array.from({ length: 6 }, (_, i) => ({ entity: 'node', hour: B + i * HOUR })), 'six rows for 360 batches');

  await rollups.run(B + 7 * HOUR);
  assert.deepEqual(await pending(store.pool), [], 'the marks are forgotten once rolled up');
  const { rollup, raw } = await hourCounts(store.pool, clusterId, 'away');
  assert.equal(rollup.size, 6);
  for (const [h, n] of raw) assert.equal(rollup.get(h), n, `hour ${new Date(h).toISOString()}: rollup samples equal the raw rows`);
});

test('marks past the raw retention are dropped unrecomputed and counted; the others are rolled up', async () => {
  const clusterId = await ensureCluster(store.pool, 'pending-retention');
  await store.pool.query('DELETE FROM kubepulse.rollup_pending');
  const now = Date.parse('2026-11-20T12:00:00Z');
  const partitions = new PartitionManager(store.pool, { widthMs: HOUR });
  const maintenance = new StoreMaintenance(store.pool, {
    partitions, retentionMs: { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS }, rollups: { minStepMs: { '1m': 0 } },
  });
  await maintenance.runOnce(now - 2 * HOUR);
  // Late rows of 9 days ago (past the 7-day raw window: they would never be rolled up) and of 3 hours ago.
  const old = rows(clusterId, 'n', now - 9 * DAY_MS, now - 9 * DAY_MS + 2 * HOUR);
  const recent = rows(clusterId, 'n', now - 3 * HOUR, now - 3 * HOUR + 30 * 60_000);
  await writeMetricRows(store.pool, 'node', [...old, ...recent], { partitions });
  assert.equal((await pending(store.pool)).length, 3);

  const report = await maintenance.runOnce(now);
  assert.equal(report.error, null);
  assert.equal(report.droppedRollupPending, 2, 'the two hours of 9 days ago, counted in the report');
  assert.deepEqual(await pending(store.pool), []);
  const { rollup } = await hourCounts(store.pool, clusterId, 'n');
  assert.equal(rollup.get(now - 3 * HOUR), recent.length, 'the hour within retention was rolled up');
  assert.equal(rollup.get(now - 9 * DAY_MS), undefined);
  await maintenance.stop();
});

test('an hour marked again while a pass recomputes it stays marked, and the next pass takes the new rows', async () => {
  const clusterId = await ensureCluster(store.pool, 'pending-race');
  await store.pool.query('DELETE FROM kubepulse.rollup_pending');
  const H = Date.parse('2026-11-02T05:00:00Z');
  const partitions = new PartitionManager(store.pool, { widthMs: HOUR });
  await writeMetricRows(store.pool, 'node', rows(clusterId, 'r', H, H + 30 * 60_000), { partitions });
  // A batch of the same hour arrives while the pass is recomputing it (after the pass read the marks).
  const arriving = rows(clusterId, 'r', H + 30 * 60_000, H + 40 * 60_000);
  let injected = false;
  class PassWithArrival extends Rollups {
    override async rollupRange(entity: Entity, res: Resolution, fromMs: number, toMs: number, from: 'raw' | 'auto' = 'auto'): Promise<number> {
      if (!injected && from === 'auto') {
        injected = true;
        await writeMetricRows(store.pool, 'node', arriving, { partitions });
      }
      return super.rollupRange(entity, res, fromMs, toMs, from);
    }
  }
  const rollups = new PassWithArrival(store.pool, { minStepMs: { '1m': 0 }, rawPartitions: partitions });
  await store.pool.query(`INSERT INTO kubepulse.rollup_state (rollup_table, done_until) VALUES ('node_metric_1m', $1), ('node_metric_1h', $1)
    ON CONFLICT (rollup_table) DO UPDATE SET done_until = GREATEST(rollup_state.done_until, EXCLUDED.done_until)`, [new Date(H + 2 * HOUR)]);
  await rollups.rollupPending(H + 2 * HOUR);
  assert.ok(injected);
  assert.deepEqual(await pending(store.pool), [{ entity: 'node', hour: H }], 'marked again during the pass: kept for the next one');
  await rollups.rollupPending(H + 2 * HOUR);
  assert.deepEqual(await pending(store.pool), []);
  const { rollup, raw } = await hourCounts(store.pool, clusterId, 'r');
  assert.equal(raw.get(H), 160);
  assert.equal(rollup.get(H), 160, 'the arrival is in the hour\'s bucket');
});

test('migration 015 turns the ranges recorded before it into the hours they cover', async () => {
  const url = await createDatabase(store.db.url, 'pending_upgrade');
  const pool = createPool(url, { max: 1 });
  try {
    const all = loadMigrations();
    const upTo014 = all.filter((m) => m.version <= 14);
    await migrate(url, { migrations: upTo014, checkDeclarations: false });
    await pool.query(`INSERT INTO kubepulse.rollup_pending (entity, from_ts, to_ts) VALUES
      ('node', '2026-11-03T01:10:00Z', '2026-11-03T03:00:00Z'), ('node', '2026-11-03T02:30:00Z', '2026-11-03T02:40:00Z'), ('pod', '2026-11-03T07:59:00Z', '2026-11-03T07:59:30Z')`);
    assert.deepEqual((await migrate(url)).applied, all.filter((m) => m.version > 14).map((m) => m.version));
    assert.deepEqual((await pending(pool)).map((p) => `${p.entity}@${new Date(p.hour).toISOString().slice(11, 13)}`), ['node@01', 'node@02', 'node@03', 'pod@07']);
    const options = await pool.query<{ relname: string; reloptions: string[] }>(
      `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'kubepulse' AND c.relname IN ('change_log', 'pod', 'pod_series')`);
    assert.equal(options.rowCount, 3);
    for (const r of options.rows) assert.ok(r.reloptions.includes('autovacuum_vacuum_scale_factor=0.02'), `${r.relname}: ${r.reloptions.join(', ')}`);
  } finally {
    await pool.end();
  }
});

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

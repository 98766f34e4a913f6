// The 1-hour rollup is computed from the 1-minute rows (each average weighted by its per-column count):
// it must still equal the aggregate of the raw rows — with summary and cAdvisor rows side by side filling
// different columns, rates NULL on each series' first sample, values missing here and there, and an hour
// whose rows partly arrived late (recomputed through rollup_pending). Against a real PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { migrate } from '../../src/store/migrate.js';
import { loadMigrations } from '../../src/store/migrations/index.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { createPool } from '../../src/store/pool.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { createDatabase } from './migrate-catalog.js';
import { Rollups } from '../../src/store/rollups.js';
import { Compactor } from '../../src/store/history/compactor.js';
import { RESOLUTIONS, rollupAggregates, rollupCountColumn, rollupHasCounts, rollupTable, type Resolution } from '../../src/store/rollup-schema.js';
import { metricsOf, type MetricRow } from '../../src/metrics/definitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('rollup-hourly');
const HOUR = 3_600_000;
const B = Date.parse('2026-11-12T00:00:00Z');
const metrics = metricsOf('node');
const aggs = rollupAggregates('node');

/**
 * Summary rows every 15 s and cAdvisor rows every 30 s (2 s later) of two nodes over [from, to), each
 * filling only its source's columns. Real (float4) columns, rates among them, get quarters, exact in float4, so maxima compare
 * exactly; each series' first row has no rates; every 5th row of a source lacks a third of its values.
 */
function mixedRows(from: number, to: number, clusterId = store.clusterId): MetricRow[] {
  const out: MetricRow[] = [];
  for (let t = from; t < to; t += 15_000) {
    const i = (t - B) / 15_000;
    for (const node of ['n1', 'n2']) {
      for (const source of i % 2 === 0 ? ['s', 'c'] as const : ['s'] as const) {
        const row: MetricRow = { cluster_id: clusterId, node, ts: new Date(t + (source === 'c' ? 2_000 : 0)), source };
        const filled = metrics.filter((m) => (source === 's' ? m.summary : m.cadvisor));
        filled.forEach((m, k) => {
          if (i % 5 === 0 && k % 3 === 0) return;
          const wobble = ((i * 37 + k * 11) % 101) * (node === 'n1' ? 1 : 3);
          row[m.column] = m.kind === 'counter' ? 1_000 * i + k : m.sqlType === 'real' ? wobble / 4 : wobble * 1_000_003;
          if (m.rate && t !== B) row[m.rate.column] = ((i * 13 + k) % 17) / 4;
        });
        out.push(row);
      }
    }
  }
  return out;
}

/** The raw rows' aggregates per node and bucket, computed here: samples, avg, max and value counts. */
function aggregate(rows: MetricRow[], bucketMs: number): Map<string, Record<string, number | null>> {
  const groups = new Map<string, MetricRow[]>();
  for (const r of rows) {
    const key = `${String(r.node)}@${Math.floor((r.ts as Date).getTime() / bucketMs) * bucketMs}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const out = new Map<string, Record<string, number | null>>();
  for (const [key, list] of groups) {
    const rec: Record<string, number | null> = { samples: list.length };
    for (const a of aggs) {
      const vals = list.map((r) => r[a.source]).filter((v): v is number => typeof v === 'number');
      rec[a.column] = vals.length === 0 ? null : a.fn === 'max' ? Math.max(...vals) : vals.reduce((x, y) => x + y, 0) / vals.length;
      if (a.fn === 'avg') rec[rollupCountColumn(a.source)] = vals.length === 0 ? null : vals.length;
    }
    out.set(key, rec);
  }
  return out;
}

/** Every bucket of `res` equals the raw rows' aggregate: samples, maxima and counts exactly, averages within 1e-9. */
async function assertBuckets(rows: MetricRow[], res: Resolution, pool = store.pool, clusterId = store.clusterId): Promise<number> {
  const want = aggregate(rows, res.bucketMs);
  const got = await pool.query<Record<string, unknown> & { node: string; ts: Date; samples: number }>(
    `SELECT * FROM kubepulse.${rollupTable('node', res)} WHERE cluster_id = $1`, [clusterId]);
  assert.equal(got.rowCount, want.size, `${res.name}: one row per node and bucket`);
  let averages = 0;
  for (const row of got.rows) {
    const w = want.get(`${row.node}@${row.ts.getTime()}`);
    assert.ok(w, `${res.name}: unexpected bucket ${row.node} ${row.ts.toISOString()}`);
    const at = `${res.name} ${row.node} ${row.ts.toISOString()}`;
    assert.equal(row.samples, w.samples, `${at} samples`);
    for (const a of aggs) {
      const have = row[a.column] === null ? null : Number(row[a.column]);
      const exp: number | null = w[a.column] ?? null;
      if (a.fn === 'max' || exp === null || have === null) {
        assert.equal(have, exp, `${at} ${a.column}`);
      } else {
        averages++;
        assert.ok(Math.abs(have - exp) <= 1e-9 * Math.abs(exp), `${at} ${a.column}: ${have} vs ${exp}`);
      }
      if (a.fn === 'avg' && rollupHasCounts(res)) assert.equal(row[rollupCountColumn(a.source)], w[rollupCountColumn(a.source)], `${at} ${rollupCountColumn(a.source)}`);
    }
  }
  return averages;
}

test('1 h buckets from the minutes equal the raw rows\' aggregates: mixed sources, NULL rates, a late-replayed hour', async () => {
  const all = mixedRows(B, B + 4 * HOUR);
  // Part of the second hour reaches the database only after the rollups have passed it (a spool replay).
  const late = (r: MetricRow) => {
    const ms = (r.ts as Date).getTime();
    return ms >= B + HOUR + 10 * 60_000 && ms < B + HOUR + 50 * 60_000 && (r.source === 'c' || r.node === 'n2');
  };
  const onTime = all.filter((r) => !late(r));
  for (let i = 0; i < onTime.length; i += 400) await writeMetricRows(store.pool, 'node', onTime.slice(i, i + 400), { batchId: randomUUID() });
  const rollups = new Rollups(store.pool, { settleMs: 60_000, minStepMs: { '1m': 0 } });
  const written = await rollups.run(B + 4 * HOUR + 2 * 60_000);
  assert.equal(written['node_metric_1h'], 2 * 4);
  for (const res of RESOLUTIONS) await assertBuckets(onTime, res);

  const replay = all.filter(late);
  assert.ok(replay.some((r) => r.source === 'c') && replay.some((r) => r.source === 's'));
  for (let i = 0; i < replay.length; i += 100) await writeMetricRows(store.pool, 'node', replay.slice(i, i + 100), { batchId: randomUUID() });
  const owed = await store.pool.query<{ hour: Date }>(`SELECT hour FROM kubepulse.rollup_pending WHERE entity = 'node'`);
  assert.deepEqual(owed.rows.map((r) => r.hour.getTime()), [B + HOUR], 'the replay marked its hour');
  await rollups.run(B + 4 * HOUR + 3 * 60_000);
  for (const res of RESOLUTIONS) {
    const averages = await assertBuckets(all, res);
    assert.ok(averages > 0, `${res.name}: averages were compared`);
  }
});

test('the 1 h rollup waits for the 1 m rollup: it never passes the minutes it is computed from', async () => {
  await store.pool.query('DELETE FROM kubepulse.rollup_pending');
  const state = async () => new Map((await store.pool.query<{ rollup_table: string; done_until: Date }>(
    `SELECT rollup_table, done_until FROM kubepulse.rollup_state WHERE rollup_table LIKE 'node_metric_1_'`)).rows.map((r) => [r.rollup_table, r.done_until.getTime()]));
  const before = await state();
  // The 1 m rollup runs only once two hours are due here: at +5 h 10 min it stays at +4 h 2 min.
  const rollups = new Rollups(store.pool, { settleMs: 60_000, minStepMs: { '1m': 2 * HOUR } });
  await rollups.run(B + 5 * HOUR + 10 * 60_000);
  const after = await state();
  assert.equal(after.get('node_metric_1m'), before.get('node_metric_1m'), 'the 1 m rollup skipped (its minimum step)');
  assert.equal(after.get('node_metric_1h'), B + 4 * HOUR, 'the 1 h rollup stayed at the last hour the minutes cover');
});

test('migration 019: minutes rolled up before it (no counts) are recomputed before the 1 h rollup reads them', async () => {
  const url = await createDatabase(store.db.url, 'hourly_upgrade');
  const pool = createPool(url, { max: 2 });
  try {
    const all = loadMigrations();
    await migrate(url, { migrations: all.filter((m) => m.version <= 18), checkDeclarations: false });
    const clusterId = await ensureCluster(pool, 'upgrade');
    const rows = mixedRows(B, B + 2 * HOUR, clusterId);
    for (let i = 0; i < rows.length; i += 400) await writeMetricRows(pool, 'node', rows.slice(i, i + 400), { batchId: randomUUID() });
    // As the code before 019 left them: minutes up to +1 h 30 min from the raw rows (no counts), the hour
    // before +1 h; the second hour is half rolled up by minutes.
    const [minute, hour] = RESOLUTIONS;
    await new PartitionManager(pool, { widthMs: DAY_MS }).ensureFor(rollupTable('node', minute), [B]);
    await new PartitionManager(pool, { widthMs: 7 * DAY_MS }).ensureFor(rollupTable('node', hour), [B]);
    for (const [res, to] of [[minute, B + 90 * 60_000], [hour, B + HOUR]] as const) {
      const cols = aggs.map((a) => `"${a.column}"`).join(', ');
      const values = aggs.map((a) => (a.fn === 'avg' ? `avg("${a.source}")::double precision` : `max("${a.source}")`)).join(', ');
      await pool.query(`INSERT INTO kubepulse.${rollupTable('node', res)} (cluster_id, node, ts, samples, ${cols})
        SELECT cluster_id, node, date_bin('${res.interval}', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00'), count(*), ${values}
          FROM kubepulse.node_metric WHERE cluster_id = $1 AND ts < $2 GROUP BY 1, 2, 3`, [clusterId, new Date(to)]);
      await pool.query('INSERT INTO kubepulse.rollup_state (rollup_table, done_until) VALUES ($1, $2)', [rollupTable('node', res), new Date(to)]);
    }
    await pool.query('DELETE FROM kubepulse.rollup_pending');

    assert.deepEqual((await migrate(url)).applied, all.filter((m) => m.version > 18).map((m) => m.version));
    const owed = await pool.query<{ entity: string; hour: Date }>('SELECT entity, hour FROM kubepulse.rollup_pending');
    assert.deepEqual(owed.rows.map((r) => `${r.entity}@${r.hour.toISOString()}`), [`node@${new Date(B + HOUR).toISOString()}`], 'the hour the 1 h rollup had not reached');
    await new Rollups(pool, { settleMs: 60_000, minStepMs: { '1m': 0 } }).run(B + 2 * HOUR + 2 * 60_000);
    const averages = await assertBuckets(rows, hour, pool, clusterId);
    assert.ok(averages > 0);
    const uncounted = await pool.query(`SELECT 1 FROM kubepulse.node_metric_1m WHERE ts >= $1 AND cpu_usage_nanocores_avg IS NOT NULL AND cpu_usage_nanocores_samples IS NULL`, [new Date(B + HOUR)]);
    assert.equal(uncounted.rowCount, 0, 'every minute of the second hour was recomputed with its counts');
  } finally {
    await pool.end();
  }
});

test("a first pass inside the data's first hour marks the 1 h rollup where the data begins: an older raw hour is compacted at once", async () => {
  const url = await createDatabase(store.db.url, 'hourly_first_hour');
  const pool = createPool(url, { max: 3 });
  try {
    await migrate(url);
    const clusterId = await ensureCluster(pool, 'first-hour');
    // A collector started at +10 min: no whole hour of data yet.
    const fresh = mixedRows(B + 10 * 60_000, B + 13 * 60_000, clusterId);
    await writeMetricRows(pool, 'node', fresh, { batchId: randomUUID() });
    const rollups = new Rollups(pool, { settleMs: 60_000, minStepMs: { '1m': 0 } });
    await rollups.run(B + 15 * 60_000);
    const marks = new Map((await pool.query<{ rollup_table: string; done_until: Date }>(
      `SELECT rollup_table, done_until FROM kubepulse.rollup_state WHERE rollup_table LIKE 'node_metric_1_'`)).rows.map((r) => [r.rollup_table, r.done_until.getTime()]));
    assert.equal(marks.get('node_metric_1m'), B + 14 * 60_000, 'the minutes up to the settle');
    assert.equal(marks.get('node_metric_1h'), B, 'the 1 h rollup marked where its minutes begin, no bucket written');
    assert.equal((await pool.query('SELECT 1 FROM kubepulse.node_metric_1h')).rowCount, 0);
    // Then rows of an hour three hours back (a replay, a migration): the compactor takes that hour now,
    // rather than after the first hour of the collector's own data has closed.
    const old = mixedRows(B - 3 * HOUR, B - 3 * HOUR + 5 * 60_000, clusterId);
    await writeMetricRows(pool, 'node', old, { batchId: randomUUID(), partitions: new PartitionManager(pool, { widthMs: HOUR }) }); // the collector's hourly raw partitions
    const rawPartitions = new PartitionManager(pool);
    const blockPartitions = new PartitionManager(pool, { widthMs: DAY_MS, ahead: 0 });
    const compactor = new Compactor(pool, { compactAfterMs: HOUR, rawPartitions, blockPartitions });
    const report = await compactor.run(B + 15 * 60_000);
    assert.equal(report.rows, old.length, 'the old hour compacted, and only it');
    const left = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM kubepulse.node_sample');
    assert.equal(Number(left.rows[0].n), fresh.length, 'the current hour stays raw');
  } finally {
    await pool.end();
  }
});

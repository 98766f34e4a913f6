import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { Rollups, mergeRanges } from '../../src/store/rollups.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { RESOLUTIONS, rollupAggregates, rollupTable } from '../../src/store/rollup-schema.js';
import { metricsOf, type MetricRow } from '../../src/metrics/definitions.js';
import { randomUUID } from 'node:crypto';
import { ensureCluster } from '../../src/store/clusters.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('rollup-test');

const START = Date.parse('2026-11-20T10:00:00Z');
const STEP_MS = 15_000;
const metrics = metricsOf('node');

/** Two nodes sampled every 15 s for two hours; values vary, and every 7th sample lacks half the fields. */
function rawRows(clusterId = store.clusterId, from = START, to = START + 2 * 3_600_000): MetricRow[] {
  const rows: MetricRow[] = [];
  for (let t = from; t < to; t += STEP_MS) {
    for (const node of ['n1', 'n2']) {
      const i = (t - START) / STEP_MS;
      const row: MetricRow = { cluster_id: clusterId, node, ts: new Date(t) };
      metrics.forEach((m, k) => {
        if (i % 7 === 0 && k % 2 === 0) return;
        row[m.column] = m.kind === 'counter' ? 1000 * i + k : ((i * 37 + k * 11) % 101) * (node === 'n1' ? 1 : 3);
        if (m.rate) row[m.rate.column] = ((i * 13 + k) % 17) / 4;
      });
      rows.push(row);
    }
  }
  return rows;
}

/** The expected rollup rows computed in JS from the raw rows: key → column → value. */
function expected(rows: MetricRow[], bucketMs: number): Map<string, Record<string, number | null>> {
  const groups = new Map<string, MetricRow[]>();
  for (const r of rows) {
    const bucket = Math.floor((r.ts as Date).getTime() / bucketMs) * bucketMs;
    const key = `${String(r.node)}@${bucket}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const out = new Map<string, Record<string, number | null>>();
  for (const [key, list] of groups) {
    const rec: Record<string, number | null> = { samples: list.length };
    for (const a of rollupAggregates('node')) {
      const vals = list.map((r) => r[a.source]).filter((v): v is number => typeof v === 'number');
      rec[a.column] = vals.length === 0 ? null : a.fn === 'max' ? Math.max(...vals) : vals.reduce((x, y) => x + y, 0) / vals.length;
    }
    out.set(key, rec);
  }
  return out;
}

async function assertRollupMatches(rows: MetricRow[], clusterId = store.clusterId): Promise<void> {
  for (const res of RESOLUTIONS) {
    const want = expected(rows, res.bucketMs);
    const got = await store.pool.query<Record<string, unknown> & { node: string; ts: Date; samples: number }>(`SELECT * FROM kubepulse.${rollupTable('node', res)} WHERE cluster_id = $1`, [clusterId]);
    assert.equal(got.rowCount, want.size, `${res.name}: one row per node per bucket`);
    for (const row of got.rows) {
      const w = want.get(`${row.node}@${row.ts.getTime()}`);
      assert.ok(w, `${res.name}: unexpected bucket ${row.node} ${row.ts.toISOString()}`);
      assert.equal(row.samples, w.samples);
      for (const a of rollupAggregates('node')) {
        const have = row[a.column] === null ? null : Number(row[a.column]);
        const exp: number | null = w[a.column] ?? null;
        if (exp === null || have === null) assert.equal(have, exp, `${res.name} ${a.column}`);
        else assert.ok(Math.abs(have - exp) <= 1e-9 * Math.max(1, Math.abs(exp)), `${res.name} ${a.column}: ${have} vs ${exp}`);
      }
    }
  }
}

test('rollups equal the aggregates of the raw rows, and follow late samples within the look-back', async () => {
  const rows = rawRows();
  for (let i = 0; i < rows.length; i += 500) await writeMetricRows(store.pool, 'node', rows.slice(i, i + 500));
  const rollups = new Rollups(store.pool, { settleMs: 60_000, minStepMs: { '1m': 0 } });
  const end = START + 2 * 3_600_000;
  const written = await rollups.run(end + 60_000);
  assert.equal(written['node_metric_1m'], 2 * 120);
  assert.equal(written['node_metric_1h'], 2 * 2);
  await assertRollupMatches(rows);

  // Nothing new: a second run at the same time writes nothing for 1h and only the 1m look-back.
  const again = await rollups.run(end + 60_000);
  assert.equal(again['node_metric_1h'], undefined);

  // A late sample in the last minute, then a run: the 1m bucket includes it, and so does the hour, which
  // the 1 h rollup had passed: the writer recorded the late row's range (rollup_pending) for the run.
  const late: MetricRow = { cluster_id: store.clusterId, node: 'n1', ts: new Date(end - 5_000) };
  for (const m of metrics) late[m.column] = m.kind === 'counter' ? 10_000_000 : 100_000;
  await writeMetricRows(store.pool, 'node', [late]);
  rows.push(late);
  await rollups.run(end + 90_000);
  await assertRollupMatches(rows);
  const left = await store.pool.query('SELECT 1 FROM kubepulse.rollup_pending');
  assert.equal(left.rowCount, 0, 'every recorded range was rolled up and forgotten');
});

test('an outage replayed hours later: every rollup bucket equals the stored samples, compacted hours included', async () => {
  const clusterId = await ensureCluster(store.pool, 'rollup-outage');
  const B = Date.parse('2026-11-10T00:00:00Z');
  const HOUR = 3_600_000;
  const outages: Array<[number, number]> = [[B + HOUR + 600_000, B + HOUR + 2_400_000], [B + 6 * HOUR, B + 6 * HOUR + 1_200_000]];
  const inOutage = (r: MetricRow) => outages.some(([a, b]) => (r.ts as Date).getTime() >= a && (r.ts as Date).getTime() < b);
  const all = rawRows(clusterId, B, B + 8 * HOUR);
  const live = all.filter((r) => !inOutage(r));
  // Hourly raw partitions, as the collector makes them (src/store/database.ts): the compactor takes whole ones.
  const partitions = new PartitionManager(store.pool, { widthMs: HOUR });
  for (let i = 0; i < live.length; i += 1000) await writeMetricRows(store.pool, 'node', live.slice(i, i + 1000), { batchId: randomUUID(), partitions });
  const now = B + 10 * HOUR;
  const maintenance = new StoreMaintenance(store.pool, {
    partitions,
    retentionMs: { raw: 30 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS, compact_after: 6 * HOUR },
    rollups: { minStepMs: { '1m': 0 } },
  });
  await maintenance.runOnce(now);
  assert.ok((maintenance.lastReport?.compaction?.partitions.length ?? 0) >= 4, `the hours before now − 6 h are compacted: ${JSON.stringify(maintenance.lastReport)}`);
  await assertRollupMatches(live, clusterId);

  // The database is back: the spool replays the outage's batches, the first into an hour already compacted.
  const replay = all.filter(inOutage);
  for (let i = 0; i < replay.length; i += 100) await writeMetricRows(store.pool, 'node', replay.slice(i, i + 100), { batchId: randomUUID(), partitions });
  await maintenance.runOnce(now + 60_000);
  assert.equal(maintenance.lastReport?.error, null);
  await assertRollupMatches(all, clusterId);
});

test('late ranges merge where they overlap or touch', () => {
  assert.deepEqual(mergeRanges([[10, 20], [0, 5], [21, 30], [40, 50], [45, 46]]), [[0, 5], [10, 30], [40, 50]]);
  assert.deepEqual(mergeRanges([]), []);
});

test('maintenance creates partitions ahead, rolls up and applies retention per resolution', async () => {
  const now = START + 40 * DAY_MS;
  const m = new StoreMaintenance(store.pool, {
    retentionMs: { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS },
    rollups: { settleMs: 60_000, minStepMs: { '1m': 0 } },
  });
  const report = await m.runOnce(now);
  assert.equal(report.error, null);
  // Raw rows of Nov 20 are past the 7-day raw retention and the 30-day 1m retention; 1h keeps them.
  assert.ok(report.droppedPartitions.includes('node_sample_p20261120'));
  assert.ok(report.droppedPartitions.includes('node_metric_1m_p20261120'));
  const hourly = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.node_metric_1h WHERE cluster_id = $1`, [store.clusterId]);
  assert.equal(hourly.rows[0].n, 4);
  const ahead = await m.partitions.list('pod_sample');
  assert.ok(ahead.some((p) => p.fromMs > now), 'raw partitions exist ahead of now');
  await m.stop();
});

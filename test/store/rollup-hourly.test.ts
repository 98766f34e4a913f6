// The 1-hour rollup is computed from the 1-minute rows (each average weighted by its per-column count):
// it must still equal the aggregate of the raw rows — with summary and cAdvisor rows side by side filling
// different columns, rates NULL on each series' first sample, values missing here and there, and an hour
// whose rows partly arrived late (recomputed through rollup_pending). Against a real PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { Rollups } from '../../src/store/rollups.js';
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
function mixedRows(from: number, to: number): MetricRow[] {
  const out: MetricRow[] = [];
  for (let t = from; t < to; t += 15_000) {
    const i = (t - B) / 15_000;
    for (const node of ['n1', 'n2']) {
      for (const source of i % 2 === 0 ? ['s', 'c'] as const : ['s'] as const) {
        const row: MetricRow = { cluster_id: store.clusterId, node, ts: new Date(t + (source === 'c' ? 2_000 : 0)), source };
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
async function assertBuckets(rows: MetricRow[], res: Resolution): Promise<number> {
  const want = aggregate(rows, res.bucketMs);
  const got = await store.pool.query<Record<string, unknown> & { node: string; ts: Date; samples: number }>(
    `SELECT * FROM kubepulse.${rollupTable('node', res)} WHERE cluster_id = $1`, [store.clusterId]);
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

// The series API over compacted history, against a real PostgreSQL: rows written by the real writer
// (both sources, with gaps), charted, then compacted by the real maintenance pass and charted again —
// same buckets, same values, same gaps; a replay into a compacted hour counts once; a range older than
// the samples' retention is read from the 1-hour rollup, or from the minutes (rows and minute blocks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { blockTable } from '../../src/store/history/schema.js';
import { Rollups } from '../../src/store/rollups.js';
import { RESOLUTIONS } from '../../src/store/rollup-schema.js';
import { ENTITY_TABLES, metricsOf, type MetricRow } from '../../src/metrics/definitions.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { parseMetricList, querySeries, type SeriesResult } from '../../src/viewer/series.js';
import type { SeriesRequest } from '../../src/viewer/series-request.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore();
const HOUR = 3_600_000;
const STEP = 15_000;
const DAY = Date.parse('2026-11-10T00:00:00Z');
const FROM = DAY + 3 * HOUR;
const TO = DAY + 13 * HOUR;
const RETENTION = { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS, compact_after: 6 * HOUR };
/** The columns a cAdvisor row carries here; its other columns are null (each source stands alone). */
const CADVISOR = new Set(['cpu_usage_nanocores', 'cpu_rate_millicores', 'memory_working_set_bytes']);

/**
 * A value per (row, column). Doubles are multiples of 1/8 below 1,000: their sums are exact in any
 * order of addition, so SQL's and the history path's sums agree to the bit. (With arbitrary doubles the
 * two orders differ in the last bits — rounding, not a counting difference.)
 */
function value(i: number, col: number, series: number, integer: boolean): number | null {
  if ((i + col) % 13 === 0) return null;
  if (!integer) return ((i * 37 + col * 11 + series * 5) % 7_999) / 8;
  return 2 ** 40 + i * (1_000 + col) + ((i * 7_919 + series * 13 + col) % 100_003);
}

/** Summary rows every 15 s and cAdvisor rows 7 s later, with a summary-only gap and a gap of both. */
function rowsOf(entity: 'node' | 'container', keys: Array<Record<string, string>>, clusterId: number): MetricRow[] {
  const out: MetricRow[] = [];
  for (let t = FROM; t < TO; t += STEP) {
    const i = (t - FROM) / STEP;
    if (i >= 1_500 && i < 1_540) continue; // both sources silent: a real gap
    keys.forEach((k, s) => {
      for (const source of ['s', 'c'] as const) {
        if (source === 's' && i >= 700 && i < 760) continue; // the summary silent, cAdvisor still reporting
        const row: MetricRow = { cluster_id: clusterId, ts: new Date(t + (source === 'c' ? 7_000 : 0)), source, ...k };
        metricsOf(entity).forEach((m, c) => {
          const keep = (col: string): boolean => source === 's' || CADVISOR.has(col);
          row[m.column] = keep(m.column) ? value(i, c, s, m.sqlType === 'bigint') : null;
          if (m.rate) row[m.rate.column] = keep(m.rate.column) ? value(i, c + 40, s, false) : null;
        });
        out.push(row);
      }
    });
  }
  return out;
}

/** The charts the test compares: a day, a 7 h range across hour and compaction boundaries, 2 h of samples. */
function requests(clusterId: number): SeriesRequest[] {
  const ranges = [
    { from: new Date(DAY), to: new Date(DAY + DAY_MS) },
    { from: new Date(DAY + 4 * HOUR + 7 * 60_000 + 3_000), to: new Date(DAY + 11 * HOUR + 3 * 60_000) },
    { from: new Date(DAY + 9 * HOUR + 30 * 60_000), to: new Date(DAY + 11 * HOUR + 30 * 60_000) },
  ];
  return ranges.flatMap((range) => [
    { entity: 'node' as const, clusterId, node: 'n1', metrics: parseMetricList('node', null), range },
    { entity: 'container' as const, clusterId, podUid: 'uid-a', metrics: parseMetricList('container', null), range },
  ]);
}

async function charts(clusterId: number): Promise<SeriesResult[]> {
  const out: SeriesResult[] = [];
  for (const q of requests(clusterId)) out.push(await querySeries(store.pool, q));
  return out;
}

/** A chart without the name of the tables it was read from (the one thing compaction changes). */
function body(s: SeriesResult): Omit<SeriesResult, 'table'> {
  const { table: _, ...rest } = s;
  return rest;
}

async function count(sql: string, params: unknown[]): Promise<number> {
  return (await store.pool.query<{ n: number }>(sql, params)).rows[0].n;
}

let clusterId = 0;
let beforeCompaction: SeriesResult[] = [];
const hourly = (): PartitionManager => new PartitionManager(store.pool, { widthMs: HOUR });

test('a chart over compacted and raw samples equals the same chart over the raw rows before compaction', async () => {
  clusterId = await ensureCluster(store.pool, 'history-charts');
  const partitions = hourly();
  const nodes = rowsOf('node', [{ node: 'n1' }, { node: 'n2' }], clusterId);
  await writeMetricRows(store.pool, 'node', nodes, { partitions });
  const attrs = { namespace: 'ns', pod: 'pod-a', node: 'n1' };
  await writeMetricRows(store.pool, 'container', rowsOf('container', [{ pod_uid: 'uid-a', container: 'app', ...attrs }, { pod_uid: 'uid-a', container: 'side', ...attrs }], clusterId), { partitions });

  beforeCompaction = await charts(clusterId);
  for (const s of beforeCompaction) {
    assert.equal(s.resolution, 'raw');
    assert.ok(s.ts.length > 20, `${s.table}: buckets`);
    assert.ok(s.series.every((x) => x.values.some((v) => v !== null)), 'every line has values');
  }
  const [day, , sevenHours, , twoHours] = beforeCompaction;
  assert.deepEqual(beforeCompaction.map((s) => s.table), ['node_metric', 'container_metric', 'node_metric', 'container_metric', 'node_metric', 'container_metric']);
  assert.deepEqual([day.bucketS, sevenHours.bucketS, twoHours.bucketS], [240, 120, 20]);
  // The data has what the comparison must keep: unsampled buckets (cAdvisor alone) and real gaps.
  const psi = day.series.find((x) => x.metric === 'psi_cpu')!;
  assert.ok(psi.unsampled.length > 0, 'buckets with only cAdvisor rows are unsampled for a summary metric');
  const gapStart = (FROM + 1_500 * STEP) / 1000;
  assert.ok(!day.ts.some((t) => t > gapStart && t < gapStart + 9 * 60), 'no bucket inside the gap of both sources');
  assert.deepEqual(beforeCompaction[1].series.map((x) => x.group).slice(0, 2), ['app', 'side']);

  // Hours before DAY+10h compacted (compact_after 6 h), 10:00–13:00 still raw.
  const report = await new StoreMaintenance(store.pool, { partitions: hourly(), retentionMs: RETENTION }).runOnce(DAY + 16 * HOUR);
  assert.equal(report.error, null);
  const rawLeft = await count(`SELECT count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1 AND ts < $2`, [clusterId, new Date(DAY + 10 * HOUR)]);
  assert.equal(rawLeft, 0, 'hours before 10:00 are no longer raw');
  assert.ok(await count(`SELECT count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1`, [clusterId]) > 0, 'later hours still raw');
  assert.ok(await count(`SELECT count(*)::int AS n FROM kubepulse.${blockTable('node')} WHERE cluster_id = $1`, [clusterId]) >= 7 * 2 * 2);

  const after = await charts(clusterId);
  after.forEach((s, i) => {
    assert.deepEqual(body(s), body(beforeCompaction[i]), `${requests(clusterId)[i].entity} chart ${i}: same buckets and values`);
  });
  assert.deepEqual(after.map((s) => s.table), [
    'node_metric+node_block', 'container_metric+container_block', 'node_metric+node_block', 'container_metric+container_block',
    'node_metric+node_block', 'container_metric+container_block',
  ]);
});

test('samples replayed into a compacted hour count once', async () => {
  const partitions = hourly();
  const replay = rowsOf('node', [{ node: 'n1' }], clusterId).filter((r) => {
    const t = (r.ts as Date).getTime();
    return t >= DAY + 5 * HOUR + 10 * 60_000 && t < DAY + 5 * HOUR + 40 * 60_000;
  });
  assert.ok(replay.length > 100);
  await writeMetricRows(store.pool, 'node', replay, { partitions });
  assert.equal(await count(`SELECT count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1 AND ts < $2`, [clusterId, new Date(DAY + 10 * HOUR)]), replay.length,
    'the replayed rows are raw again beside their block');
  const after = await charts(clusterId);
  after.forEach((s, i) => assert.deepEqual(body(s), body(beforeCompaction[i]), `chart ${i} unchanged by the replay`));
});

test('a range older than the samples still held is read from the 1-hour rollup', async () => {
  // Three weeks later: raw retention (7 d) has dropped the blocks; the 1-hour rollup (400 d) remains.
  const now = DAY + 21 * DAY_MS;
  assert.equal((await new StoreMaintenance(store.pool, { partitions: hourly(), retentionMs: RETENTION }).runOnce(now)).error, null);
  assert.equal(await count(`SELECT count(*)::int AS n FROM kubepulse.${blockTable('node')} WHERE cluster_id = $1`, [clusterId]), 0);
  const range = { from: new Date(now - 30 * DAY_MS), to: new Date(now) };
  const s = await querySeries(store.pool, { entity: 'node', clusterId, node: 'n1', metrics: ['cpu', 'memory'], range });
  assert.deepEqual([s.resolution, s.table, s.bucketS], ['1h', `${ENTITY_TABLES.node.table}_1h`, 7200]);
  assert.ok(s.ts.length >= 5 && s.ts.every((t) => t * 1000 >= FROM - 2 * HOUR && t * 1000 < TO), 'the hours of that day');
  assert.ok(s.series[0].values.every((v) => v !== null && v > 0));

  // A day's container chart: its minutes were packed into minute blocks at compaction, read beside any
  // minute rows.
  const dayRange = { from: new Date(DAY), to: new Date(DAY + DAY_MS) };
  const q: SeriesRequest = { entity: 'container', clusterId, podUid: 'uid-a', metrics: ['cpu', 'memory'], range: dayRange };
  const packed = await querySeries(store.pool, q);
  assert.deepEqual([packed.resolution, packed.table, packed.bucketS], ['1m', 'container_metric_1m+container_metric_1m_block', 240]);
  const want = await store.pool.query<{ t: string; g: string; cpu: number | null; memory: number | null }>(
    `SELECT extract(epoch FROM date_bin('240 seconds', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'))::bigint AS t, container AS g,
       avg(cpu_usage_nanocores_avg) * 0.000001 AS cpu, avg(memory_working_set_bytes_avg) AS memory
     FROM kubepulse.container_minutes($1, $2) WHERE cluster_id = $3 AND pod_uid = 'uid-a' GROUP BY 1, 2 ORDER BY 1, 2`,
    [dayRange.from, dayRange.to, clusterId]);
  assert.ok(want.rows.length > 100, 'minutes of the day');
  for (const r of want.rows) {
    const i = packed.ts.indexOf(Number(r.t));
    assert.ok(i >= 0, `bucket ${r.t}`);
    for (const m of ['cpu', 'memory'] as const) {
      const line = packed.series.find((x) => x.metric === m && x.group === r.g)!;
      assert.equal(line.values[i], r[m], `${m} ${r.g} at ${r.t}`);
    }
  }
  // Minute rows of one hour beside its blocks (CPU doubled, to tell them apart): the rows are what it holds.
  const hour = [new Date(FROM + 2 * HOUR), new Date(FROM + 3 * HOUR)];
  await new Rollups(store.pool).partitionsOf(RESOLUTIONS[0]).ensureFor('container_metric_1m', [FROM + 2 * HOUR]);
  const copied = await store.pool.query(`INSERT INTO kubepulse.container_metric_1m SELECT * FROM kubepulse.container_minutes($1, $2) WHERE cluster_id = $3`, [...hour, clusterId]);
  assert.equal(copied.rowCount, 2 * 60);
  await store.pool.query(`UPDATE kubepulse.container_metric_1m SET cpu_usage_nanocores_avg = 2 * cpu_usage_nanocores_avg WHERE cluster_id = $1`, [clusterId]);
  const mixed = await querySeries(store.pool, q);
  assert.deepEqual(mixed.ts, packed.ts);
  for (const [i, line] of mixed.series.entries()) {
    const inHour = (t: number): boolean => t * 1000 >= hour[0].getTime() && t * 1000 < hour[1].getTime();
    line.values.forEach((v, k) => {
      const was = packed.series[i].values[k];
      const want = line.metric === 'cpu' && inHour(mixed.ts[k]) && was !== null ? 2 * was : was;
      assert.ok(v === want || (v !== null && want !== null && Math.abs(v - want) <= 1e-9 * Math.abs(want)), `${line.metric} ${line.group} at ${mixed.ts[k]}: ${v} vs ${want}`);
    });
  }

  // A young install (the samples start recently, no rollup from before) stays on the samples.
  const fresh = await ensureCluster(store.pool, 'young');
  await writeMetricRows(store.pool, 'node', rowsOf('node', [{ node: 'n1' }], fresh).map((r) => ({ ...r, ts: new Date((r.ts as Date).getTime() + 20 * DAY_MS) })), { partitions: hourly() });
  const young = await querySeries(store.pool, { entity: 'node', clusterId: fresh, node: 'n1', metrics: ['cpu'], range: { from: new Date(now - 7 * DAY_MS), to: new Date(now) } });
  assert.deepEqual([young.resolution, young.table, young.bucketS], ['raw', 'node_metric', 3600]);
  assert.ok(young.series[0].values.some((v) => v !== null));
});

test('rate charts read blocks whose rates are stored derived from their counters', async () => {
  const cid = await ensureCluster(store.pool, 'history-derived-rates');
  // Counters with a steady, exactly representable growth and rates by the collector's formula
  // (Δcounter / Δseconds × scale): the compactor stores each rate column in its derived form.
  const rows: MetricRow[] = [];
  for (let t = FROM; t < FROM + 3 * HOUR; t += STEP) {
    const i = (t - FROM) / STEP;
    const row: MetricRow = { cluster_id: cid, node: 'n1', ts: new Date(t), source: 's' };
    for (const m of metricsOf('node')) {
      if (m.kind !== 'counter' || m.sqlType !== 'bigint') continue;
      row[m.column] = 2 ** 30 + i * 4_096 * 15;
      if (m.rate) row[m.rate.column] = i === 0 ? null : ((4_096 * 15) / 15) * m.rate.scale;
    }
    rows.push(row);
  }
  await writeMetricRows(store.pool, 'node', rows, { partitions: hourly() });
  const q: SeriesRequest = { entity: 'node', clusterId: cid, node: 'n1', metrics: ['rx', 'tx'], range: { from: new Date(FROM), to: new Date(FROM + 3 * HOUR) } };
  const before = await querySeries(store.pool, q);
  assert.ok(before.series.every((s) => s.values.some((v) => v !== null)), 'the rate lines have values');
  assert.equal((await new StoreMaintenance(store.pool, { partitions: hourly(), retentionMs: RETENTION }).runOnce(FROM + 10 * HOUR)).error, null);
  const derived = await count(
    `SELECT count(*)::int AS n FROM kubepulse.${blockTable('node')} WHERE cluster_id = $1 AND get_byte(network_rx_bytes_per_second, 0) = 2`, [cid],
  );
  assert.ok(derived > 0, 'the rx rate is stored derived (format version 2)');
  const after = await querySeries(store.pool, q);
  assert.match(after.table, /node_block/);
  assert.deepEqual(body(after), body(before));
});

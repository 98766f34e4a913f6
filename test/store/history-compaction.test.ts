// History compaction against a real PostgreSQL: raw rows written by the real writer, rolled up and
// compacted by the maintenance pass, read back through <entity>_history(from, to) value for value; a
// failure inside the compaction transaction, a replay into a compacted hour, and retention of blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { Compactor } from '../../src/store/history/compactor.js';
import { blockTable, historyFunction, seriesKeyColumns } from '../../src/store/history/schema.js';
import { ENTITY_TABLES, emptyMetricRows, metricsOf, type Entity, type MetricRow } from '../../src/metrics/definitions.js';
import { RateTracker } from '../../src/scrape/rates.js';
import { joinSampleRows } from '../../src/scrape/sample-join.js';
import { decodeBlockRows } from '../../src/store/history/blocks.js';
import { blockValueColumns } from '../../src/store/history/schema.js';
import { ensureCluster } from '../../src/store/clusters.js';
import { useMigratedStore } from '../helpers/store.js';
import { sampleTable, seriesTable } from '../../src/store/series-schema.js';

const store = useMigratedStore();
const HOUR = 3_600_000;
const STEP = 15_000;
const RETENTION = { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS, compact_after: 6 * HOUR };

/** Values of every kind the codec must keep: counters, wandering gauges, fractions, nulls, NaN, ±0, big. */
function value(entity: Entity, col: number, i: number, series: number, counter: boolean, double: boolean): number | null {
  if ((i + col) % 11 === 0) return null;
  if (double) {
    const specials = [Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-300, 0.1 + 0.2];
    if ((i * 7 + col) % 53 === 0) return specials[(i + col) % specials.length];
    return ((i * 31 + col * 7 + series) % 97) / 8 + Math.sin(i + col) * 1e-3;
  }
  if (counter) return 2 ** 50 + i * (1000 + col) + ((i * 13 + series) % 17);
  return ((i * 37 + col * 11 + series) % 101) * (entity === 'container' ? 4096 : 1) - (col % 3 === 0 ? 50 : 0);
}

/** Rows of `entity` for `series` series sampled every 15 s over [fromMs, toMs). */
function rows(entity: Entity, clusterId: number, fromMs: number, toMs: number, series: number, skip = (_i: number) => false): MetricRow[] {
  const out: MetricRow[] = [];
  for (let t = fromMs; t < toMs; t += STEP) {
    const i = (t - fromMs) / STEP;
    if (skip(i)) continue;
    for (let s = 0; s < series; s++) {
      const row: MetricRow = { cluster_id: clusterId, ts: new Date(t) };
      for (const k of seriesKeyColumns(entity)) if (k !== 'cluster_id') row[k] = `${k}-${s}`;
      for (const a of ENTITY_TABLES[entity].attributes) row[a.column] = a.column === 'pvc' && s % 2 ? null : `${a.column}-${s % 3}`;
      metricsOf(entity).forEach((m, c) => {
        row[m.column] = value(entity, c, i, s, m.kind === 'counter', m.sqlType === 'double precision');
        if (m.rate) row[m.rate.column] = value(entity, c + 1, i, s, false, true);
      });
      out.push(row);
    }
  }
  return out;
}

function order(entity: Entity): string {
  return [...seriesKeyColumns(entity), 'ts', 'source'].map((c) => `"${c}"`).join(', ');
}

type Row = Record<string, unknown>;

async function rawOf(entity: Entity, clusterId: number): Promise<pg.QueryResult<Row>> {
  return store.pool.query<Row>(`SELECT * FROM kubepulse.${ENTITY_TABLES[entity].table} WHERE cluster_id = $1 ORDER BY ${order(entity)}`, [clusterId]);
}

async function historyOf(entity: Entity, clusterId: number, fromMs: number, toMs: number): Promise<pg.QueryResult<Row>> {
  return store.pool.query<Row>(
    `SELECT * FROM kubepulse.${historyFunction(entity)}($2, $3) WHERE cluster_id = $1 ORDER BY ${order(entity)}`,
    [clusterId, new Date(fromMs), new Date(toMs)],
  );
}

async function blockCount(entity: Entity, clusterId: number): Promise<number> {
  const r = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${blockTable(entity)} WHERE cluster_id = $1`, [clusterId]);
  return r.rows[0].n;
}

/** Writes through the real writer; rows whose sample second is odd become cAdvisor rows ('c'). */
async function write(entity: Entity, list: MetricRow[], partitions: PartitionManager): Promise<void> {
  await writeMetricRows(store.pool, entity, list, { partitions });
}

function shiftedForCadvisor(list: MetricRow[], everyNth: number): MetricRow[] {
  return list.filter((_, i) => i % everyNth === 0).map((r) => ({ ...r, ts: new Date((r.ts as Date).getTime() + 7_000) }));
}

async function markCadvisor(entity: Entity, clusterId: number): Promise<void> {
  // This branch's writer has no source column yet (migration 006): mark the rows at :07/:22… as cAdvisor's.
  await store.pool.query(`UPDATE kubepulse.${sampleTable(entity)} SET source = 'c' WHERE cluster_id = $1 AND (extract(epoch FROM ts)::bigint % 15) = 7`, [clusterId]);
}

test('compacted history equals the raw rows it came from, every column and row, over any range', async () => {
  const cluster = await ensureCluster(store.pool, 'roundtrip');
  const day = Date.parse('2026-11-20T00:00:00Z');
  const from = day + 9 * HOUR + 30 * 60_000;
  const to = day + 12 * HOUR + 10 * 60_000;
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const daily = new PartitionManager(store.pool);
  for (const entity of ['container', 'pod', 'volume'] as Entity[]) {
    const list = rows(entity, cluster, from, to, 4);
    await write(entity, [...list, ...shiftedForCadvisor(list, 5)], hourly);
    await markCadvisor(entity, cluster);
  }
  // A legacy daily partition compacts like an hourly one.
  await write('node', rows('node', cluster, from, to, 3), daily);
  const before = new Map<Entity, pg.QueryResult<Row>>();
  for (const e of ['container', 'pod', 'volume', 'node'] as Entity[]) before.set(e, await rawOf(e, cluster));
  assert.ok(before.get('container')!.rows.some((r) => r.source === 'c'), 'both sources present');

  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  const report = await maintenance.runOnce(day + DAY_MS + 7 * HOUR);
  assert.equal(report.error, null);
  assert.ok(report.compaction && report.compaction.partitions.length >= 4 * 3 + 1, JSON.stringify(report.compaction?.partitions));
  assert.equal(report.compaction.rows, [...before.values()].reduce((n, r) => n + r.rowCount!, 0));

  for (const [entity, raw] of before) {
    assert.equal((await rawOf(entity, cluster)).rowCount, 0, `${entity}: raw rows dropped`);
    assert.ok(await blockCount(entity, cluster) > 0);
    const hist = await historyOf(entity, cluster, day, day + DAY_MS);
    assert.deepEqual(hist.fields.map((f) => [f.name, f.dataTypeID]), raw.fields.map((f) => [f.name, f.dataTypeID]), `${entity}: same columns`);
    assert.equal(hist.rowCount, raw.rowCount, `${entity}: same rows`);
    assert.deepEqual(hist.rows, raw.rows, `${entity}: value for value`);
    // A range cutting through blocks gives exactly the raw rows inside it.
    const a = from + 47 * 60_000 + 3_000;
    const b = from + 2 * HOUR + 1_000;
    const part = await historyOf(entity, cluster, a, b);
    assert.deepEqual(part.rows, raw.rows.filter((r) => (r.ts as Date).getTime() >= a && (r.ts as Date).getTime() < b));
  }
});

/**
 * Container rows as the collector makes them: counters that grow by varying steps, one container restart
 * (every counter starts again from a small value), a few samples missing (a gap), a counter absent in some
 * rows, and the rates computed by the collector's own RateTracker, one sample at a time.
 */
/** Writes container rows through the real writer, then compacts them all (the raw rows as they were). */
async function writeAndCompact(list: MetricRow[], cluster: number, hourly: PartitionManager, day: number): Promise<pg.QueryResult<Row>> {
  await write('container', list, hourly);
  const raw = await rawOf('container', cluster);
  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  assert.equal((await maintenance.runOnce(day + DAY_MS + 7 * HOUR)).error, null);
  assert.equal((await rawOf('container', cluster)).rowCount, 0);
  return raw;
}

/** The cluster's container blocks decoded in TypeScript, in the raw rows' order (keys, source, time). */
async function decodedContainerBlocks(cluster: number, cols: ReturnType<typeof blockValueColumns>): Promise<ReturnType<typeof decodeBlockRows>> {
  const blocks = await store.pool.query<Record<string, Buffer | null>>(
    `SELECT ${['ts', ...cols.map((c) => c.column)].map((c) => `"${c}"`).join(', ')} FROM kubepulse.${blockTable('container')}
     WHERE cluster_id = $1 ORDER BY pod_uid, container, source, start_ts`, [cluster]);
  return blocks.rows.flatMap((b) => decodeBlockRows('container', b.ts!, cols.map((c) => b[c.column] ?? null)));
}

function trackedContainerRows(clusterId: number, fromMs: number, toMs: number, series: number): MetricRow[] {
  const tracker = new RateTracker({ intervalMs: STEP, now: () => toMs });
  const out: MetricRow[] = [];
  const counters = metricsOf('container').filter((m) => m.kind === 'counter');
  const totals = counters.map((_, c) => Array.from({ length: series }, (__, s) => 1e9 * (s + 1) + c));
  for (let t = fromMs, i = 0; t < toMs; t += STEP, i++) {
    if (i >= 100 && i < 104) continue; // a gap of a minute
    const batch = emptyMetricRows();
    for (let s = 0; s < series; s++) {
      const row: MetricRow = { cluster_id: clusterId, ts: new Date(t + ((i * 7 + s) % 3) * 1000), pod_uid: `uid-${s}`, container: 'app', namespace: `ns-${s % 2}`, pod: `pod-${s}`, node: 'node-0' };
      counters.forEach((m, c) => {
        const restart = s === 1 && i === 300;
        totals[c][s] = restart ? 1000 + c : totals[c][s] + ((i * 7919 + c * 31 + s * 17) % 5000) * (m.sqlType === 'bigint' ? 1000 : 1);
        row[m.column] = c === 2 && i % 50 === 7 ? null : m.sqlType === 'bigint' ? totals[c][s] : totals[c][s] / 1000;
      });
      batch.container.push(row);
    }
    tracker.apply(clusterId, batch);
    out.push(...batch.container);
  }
  return out;
}

test('rates derived from their counters: stored as derived columns, given back value for value by SQL and TypeScript', async () => {
  const cluster = await ensureCluster(store.pool, 'derived-rates');
  const day = Date.parse('2026-11-24T00:00:00Z');
  const from = day + 8 * HOUR + 20 * 60_000;
  const to = day + 11 * HOUR;
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const list = trackedContainerRows(cluster, from, to, 3);
  assert.ok(list.some((r) => r.cpu_rate_millicores == null) && list.some((r) => typeof r.cpu_rate_millicores === 'number'));
  const raw = await writeAndCompact(list, cluster, hourly, day);

  // Every integer counter's rate column is stored in the derived form (format version 2).
  const forms = await store.pool.query<{ v: number; n: number }>(
    `SELECT get_byte(cpu_rate_millicores, 0) AS v, count(*)::int AS n FROM kubepulse.${blockTable('container')} WHERE cluster_id = $1 GROUP BY 1`, [cluster]);
  assert.deepEqual(forms.rows, [{ v: 2, n: await blockCount('container', cluster) }]);

  const hist = await historyOf('container', cluster, day, day + DAY_MS);
  assert.equal(hist.rowCount, raw.rowCount);
  assert.deepEqual(hist.rows, raw.rows, 'container_history() equals the raw rows, rates included');

  // The TypeScript decoder gives the same rows.
  const cols = blockValueColumns('container');
  const decoded = await decodedContainerBlocks(cluster, cols);
  assert.equal(decoded.length, raw.rowCount);
  decoded.forEach((r, i) => {
    assert.equal(r.tsMs, (raw.rows[i].ts as Date).getTime());
    cols.forEach((c, j) => {
      // pg parses a real column's shortest text (0.1824375); the decoder gives the float4's exact value, as ::float8 does.
      const want = c.sqlType === 'real' && typeof raw.rows[i][c.column] === 'number' ? Math.fround(raw.rows[i][c.column] as number) : raw.rows[i][c.column];
      const got = r.values[j];
      assert.deepEqual(c.sqlType === 'bigint' && got !== null ? String(got) : got, want, `row ${i} ${c.column}`);
    });
  });

  // The documented long-range aggregate: rates decoded from the blocks alone, the same average as the raw rows'.
  const avg = await store.pool.query<{ namespace: string; cpu: number }>(
    `SELECT b.namespace, avg(v) AS cpu FROM kubepulse.${blockTable('container')} b,
       unnest(kubepulse.kp_decode_rate(b.cpu_rate_millicores, b.cpu_usage_core_nanoseconds, b.ts)) v
     WHERE b.cluster_id = $1 AND b.start_ts >= $2 AND b.start_ts < $3 GROUP BY b.namespace ORDER BY 1`, [cluster, new Date(day), new Date(day + DAY_MS)]);
  const byNs = new Map<string, number[]>();
  for (const r of raw.rows) if (r.cpu_rate_millicores !== null) byNs.set(r.namespace as string, [...(byNs.get(r.namespace as string) ?? []), r.cpu_rate_millicores as number]);
  assert.deepEqual(avg.rows.map((r) => r.namespace), [...byNs.keys()].sort());
  for (const r of avg.rows) {
    const vs = byNs.get(r.namespace)!;
    assert.ok(Math.abs(r.cpu - vs.reduce((a, b) => a + b, 0) / vs.length) < 1e-9 * Math.abs(r.cpu), r.namespace);
  }
});

/**
 * Container rows as the collector writes them at the default intervals: the summary every 15 s, cAdvisor
 * every 30 s, each source's counters through its own rate tracker, and each sample's cAdvisor half joined
 * into the summary row (scrape/sample-join.ts) — so cAdvisor's counters and rates are on every other row.
 */
function joinedContainerRows(clusterId: number, fromMs: number, toMs: number, series: number): MetricRow[] {
  const trackers = { summary: new RateTracker({ intervalMs: STEP, source: 'summary', now: () => toMs }), cadvisor: new RateTracker({ intervalMs: 2 * STEP, source: 'cadvisor', now: () => toMs }) };
  const cadvisorOnly = metricsOf('container').filter((m) => m.cadvisor && !m.summary);
  const summaryOwn = metricsOf('container').filter((m) => m.summary);
  const out: MetricRow[] = [];
  for (let t = fromMs, i = 0; t < toMs; t += STEP, i++) {
    const halves = { summary: emptyMetricRows(), cadvisor: emptyMetricRows() };
    for (let s = 0; s < series; s++) {
      const keys: MetricRow = { cluster_id: clusterId, ts: new Date(t), pod_uid: `uid-${s}`, container: 'app', namespace: `ns-${s}`, pod: `pod-${s}`, node: 'node-0' };
      const fill = (defs: typeof cadvisorOnly, row: MetricRow) => defs.forEach((m, c) => {
        row[m.column] = m.kind === 'counter' ? (m.sqlType === 'bigint' ? 1e9 * (s + 1) + i * (1000 + ((i * 7919 + c * 31) % 5000)) : i * 0.5 + c) : (i * 13 + c) % 997;
      });
      const summaryRow: MetricRow = { ...keys, source: 's' };
      fill(summaryOwn, summaryRow);
      halves.summary.container.push(summaryRow);
      if (i % 2 === 0) {
        const cadvisorRow: MetricRow = { ...keys, source: 'c' };
        fill(cadvisorOnly, cadvisorRow);
        halves.cadvisor.container.push(cadvisorRow);
      }
    }
    trackers.summary.apply(clusterId, halves.summary);
    trackers.cadvisor.apply(clusterId, halves.cadvisor);
    const j = joinSampleRows(halves.summary, halves.cadvisor);
    out.push(...j.rows.container);
  }
  return out;
}

test("joined rows: cAdvisor's counters on every other row keep their rates derived (kind 6), value for value in SQL and TypeScript", async () => {
  const cluster = await ensureCluster(store.pool, 'joined-rates');
  const day = Date.parse('2026-11-25T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const list = joinedContainerRows(cluster, day + 8 * HOUR, day + 10 * HOUR, 3);
  const joined = list.filter((r) => r.source === 's' && r.cpu_cfs_periods != null);
  assert.ok(joined.length > 400 && joined.some((r) => typeof r.cpu_cfs_periods_per_second === 'number'), 'joined rows with cAdvisor rates');
  const raw = await writeAndCompact(list, cluster, hourly, day);
  const forms = await store.pool.query<{ kind: number; bytes: number }>(
    `SELECT get_byte(cpu_cfs_periods_per_second, 1) AS kind, length(cpu_cfs_periods_per_second) AS bytes
     FROM kubepulse.${blockTable('container')} WHERE cluster_id = $1 AND source = 's'`, [cluster]);
  assert.ok(forms.rows.length > 0);
  for (const f of forms.rows) {
    assert.equal(f.kind, 6, 'derived from the previous present counter');
    assert.ok(f.bytes < 60, `${f.bytes} bytes for a block's rate column`);
  }
  const hist = await historyOf('container', cluster, day, day + DAY_MS);
  assert.deepEqual(hist.rows, raw.rows, 'container_history() equals the raw rows, rates included');
  const cols = blockValueColumns('container');
  const decoded = await decodedContainerBlocks(cluster, cols);
  const rate = cols.findIndex((c) => c.column === 'cpu_cfs_periods_per_second');
  const want = raw.rows.map((r) => r.cpu_cfs_periods_per_second);
  assert.deepEqual(decoded.map((r) => (typeof r.values[rate] === 'number' ? Math.fround(r.values[rate]) : r.values[rate])), want.map((v) => (typeof v === 'number' ? Math.fround(v) : v)));
});

test('a failure inside the compaction transaction loses and doubles nothing; the next pass completes', async () => {
  const cluster = await ensureCluster(store.pool, 'crash');
  const day = Date.parse('2026-11-21T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  await write('container', rows('container', cluster, day + 2 * HOUR, day + 4 * HOUR, 6), hourly);
  const before = await rawOf('container', cluster);
  const now = day + DAY_MS + 7 * HOUR;
  // Rollups first (no compaction configured), so the partitions are eligible.
  const { compact_after: _, ...noCompaction } = RETENTION;
  assert.equal((await new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: noCompaction }).runOnce(now)).error, null);

  const blockParts = new PartitionManager(store.pool, { widthMs: DAY_MS });
  let calls = 0;
  const failing = new Compactor(store.pool, {
    compactAfterMs: RETENTION.compact_after, rawPartitions: hourly, blockPartitions: blockParts, insertBlocks: 2,
    afterInsert: (entity) => {
      if (entity === 'container' && ++calls === 3) throw new Error('simulated crash after some block inserts');
    },
  });
  await assert.rejects(failing.run(now), /simulated crash/);
  assert.equal(calls, 3);
  assert.deepEqual((await rawOf('container', cluster)).rows, before.rows, 'raw rows intact');
  assert.equal(await blockCount('container', cluster), 0, 'no block of the failed transaction survives');

  const report = await new Compactor(store.pool, { compactAfterMs: RETENTION.compact_after, rawPartitions: hourly, blockPartitions: blockParts }).run(now);
  assert.equal(report.blocks, 6 * 2);
  assert.equal((await rawOf('container', cluster)).rowCount, 0);
  assert.deepEqual((await historyOf('container', cluster, day, day + DAY_MS)).rows, before.rows);
});

test('rows replayed into an hour already compacted land in its block exactly once', async () => {
  const cluster = await ensureCluster(store.pool, 'replay');
  const day = Date.parse('2026-11-22T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const all = rows('pod', cluster, day + 5 * HOUR, day + 6 * HOUR, 3);
  const held = (r: MetricRow) => Math.floor((r.ts as Date).getTime() / STEP) % 4 === 1; // samples that arrive late
  await write('pod', all.filter((r) => !held(r)), hourly);
  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  const now = day + DAY_MS + 7 * HOUR;
  assert.equal((await maintenance.runOnce(now)).error, null);
  assert.equal(await blockCount('pod', cluster), 3);
  assert.equal((await rawOf('pod', cluster)).rowCount, 0);

  // The spool replays the whole hour: half duplicates of compacted samples, the held-back ones new.
  for (let pass = 0; pass < 2; pass++) {
    await write('pod', all, hourly);
    const report = await maintenance.runOnce(now);
    assert.equal(report.error, null);
    assert.equal(report.compaction!.merged, 3, `pass ${pass}: each series' block merged`);
    assert.equal(report.compaction!.duplicates, pass === 0 ? all.filter((r) => !held(r)).length : all.length);
    assert.equal(await blockCount('pod', cluster), 3);
    const hist = await historyOf('pod', cluster, day, day + DAY_MS);
    assert.equal(hist.rowCount, all.length, `pass ${pass}: every sample once`);
    const tsOf = (r: Record<string, unknown>) => `${String(r.pod_uid)}@${(r.ts as Date).getTime()}`;
    assert.deepEqual(hist.rows.map(tsOf), [...all].sort((a, b) => String(a.pod_uid).localeCompare(String(b.pod_uid)) || (a.ts as Date).getTime() - (b.ts as Date).getTime()).map(tsOf));
    const one = hist.rows.find((r) => r.pod_uid === 'pod_uid-1' && (r.ts as Date).getTime() === day + 5 * HOUR + STEP);
    const want = all.find((r) => r.pod_uid === 'pod_uid-1' && (r.ts as Date).getTime() === day + 5 * HOUR + STEP)!;
    for (const m of metricsOf('pod')) {
      const got = one![m.column];
      assert.deepEqual(got === null || typeof got === 'number' ? got : Number(got), want[m.column], `held-back sample's ${m.column}`);
    }
  }
});

test('retention drops whole days of blocks past [retention] raw and keeps the newer ones', async () => {
  const cluster = await ensureCluster(store.pool, 'retention');
  const day = Date.parse('2026-11-23T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  await write('node', rows('node', cluster, day + HOUR, day + 2 * HOUR, 2), hourly);
  await write('node', rows('node', cluster, day + DAY_MS + HOUR, day + DAY_MS + 2 * HOUR, 2), hourly);
  const maintenance = new StoreMaintenance(store.pool, { partitions: hourly, retentionMs: RETENTION });
  assert.equal((await maintenance.runOnce(day + 2 * DAY_MS)).error, null);
  assert.equal(await blockCount('node', cluster), 4);
  // Seven days after the first day ended: its block partition goes, the next day's stays.
  const report = await maintenance.runOnce(day + DAY_MS + RETENTION.raw);
  assert.equal(report.error, null);
  assert.ok(report.droppedPartitions.includes('node_block_p20261123'), report.droppedPartitions.join(', '));
  assert.ok(!report.droppedPartitions.includes('node_block_p20261124'));
  assert.equal(await blockCount('node', cluster), 2);
  assert.equal((await historyOf('node', cluster, day, day + DAY_MS)).rowCount, 0);
  assert.equal((await historyOf('node', cluster, day + DAY_MS, day + 2 * DAY_MS)).rowCount, 2 * 240);
});

test('block tables store their encoded columns uncompressed and out of line (STORAGE EXTERNAL), partitions too', async () => {
  const r = await store.pool.query<{ relname: string; attstorage: string }>(
    `SELECT c.relname, a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'kubepulse' AND c.relname LIKE 'node_block%' AND a.attname = 'cpu_usage_nanocores'`,
  );
  assert.ok(r.rows.some((x) => x.relname !== 'node_block'), 'a partition exists');
  for (const row of r.rows) assert.equal(row.attstorage, 'e', row.relname);
});

test('rows of a series gone from the series table are left out of the blocks, their repeats not counted as duplicates', async () => {
  const cluster = await ensureCluster(store.pool, 'orphans');
  const day = Date.parse('2026-11-18T00:00:00Z');
  const hourly = new PartitionManager(store.pool, { widthMs: HOUR });
  const all = rows('pod', cluster, day + 2 * HOUR, day + 3 * HOUR, 3);
  await write('pod', all, hourly);
  // Samples stored twice (the writer never does; a replay racing a retry might): five of a series that
  // stays, four of the one that goes.
  for (const [uid, n] of [['pod_uid-0', 5], ['pod_uid-2', 4]] as const) {
    await store.pool.query(`INSERT INTO kubepulse.${sampleTable('pod')} SELECT * FROM kubepulse.${sampleTable('pod')} WHERE cluster_id = $1
      AND series_id = (SELECT series_id FROM kubepulse.${seriesTable('pod')} WHERE cluster_id = $1 AND pod_uid = $2) ORDER BY ts LIMIT $3`, [cluster, uid, n]);
  }
  await store.pool.query(`DELETE FROM kubepulse.${seriesTable('pod')} WHERE cluster_id = $1 AND pod_uid = 'pod_uid-2'`, [cluster]);
  const part = (await hourly.list(sampleTable('pod'))).find((p) => p.fromMs === day + 2 * HOUR)!;
  const compactor = new Compactor(store.pool, {
    compactAfterMs: RETENTION.compact_after, rawPartitions: hourly, blockPartitions: new PartitionManager(store.pool, { widthMs: DAY_MS }),
  });
  const report = await compactor.compactPartition('pod', part);
  assert.deepEqual(report, { rows: all.length + 9, blocks: 2, merged: 0, duplicates: 5, minuteBlocks: 0 });
  const kept = await store.pool.query<{ pod_uid: string; samples: number }>(
    `SELECT pod_uid, sum(samples)::int AS samples FROM kubepulse.${blockTable('pod')} WHERE cluster_id = $1 GROUP BY pod_uid ORDER BY pod_uid`, [cluster]);
  assert.deepEqual(kept.rows, [{ pod_uid: 'pod_uid-0', samples: all.length / 3 }, { pod_uid: 'pod_uid-1', samples: all.length / 3 }]);
  assert.equal((await rawOf('pod', cluster)).rowCount, 0, 'the partition is gone, orphan rows with it');
});

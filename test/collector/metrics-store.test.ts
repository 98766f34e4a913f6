// The collector end to end against the simulated cluster and a real PostgreSQL, kubelets reached
// directly (kubelet_access = "direct"): summary and cAdvisor rows of one sample joined into one row, a
// frozen kubelet adding no rows, rollups equal to the aggregates of the raw rows, retention dropping the
// raw partitions (and leaving the rollups).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { type SimCluster } from '@kubepulse/sim';
import { Collector } from '../../src/collector/collector.js';
import { Rollups } from '../../src/store/rollups.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { RESOLUTIONS, rollupAggregates, rollupTable } from '../../src/store/rollup-schema.js';
import { ENTITY_TABLES } from '../../src/metrics/definitions.js';
import { startSimCollector, type SimCollector } from '../helpers/sim-collector.js';
import { waitFor } from '../helpers/wait.js';

let h: SimCollector;
let sim: SimCluster;
let collector: Collector;
let pool: pg.Pool;
let frozen: string;
let healthy: string[];
let clusterId: number;

before(async () => {
  h = await startSimCollector({ name: 'store-it', nodes: 3, podsPerNode: 3, seed: 31, podChurnIntervalMs: 0 }, { cadvisor_interval: '2s' }, (s) => {
    [frozen, ...healthy] = s.nodes().map((n) => n.name) as [string, ...string[]];
    s.setFaults({ nodes: { [frozen]: { frozenSummary: true } } });
  });
  ({ sim, collector, pool } = h);
});

after(() => h?.stop());

async function count(sql: string, params: unknown[]): Promise<number> {
  return (await pool.query<{ n: number }>(sql, params)).rows[0].n;
}

test('direct kubelet access stores every node; summary and cAdvisor halves of one sample are joined into one row, each value once', async () => {
  await waitFor(async () => (await pool.query('SELECT 1 FROM kubepulse.cluster')).rowCount === 1, 'cluster registered');
  clusterId = (await pool.query<{ id: number }>('SELECT id FROM kubepulse.cluster WHERE name = $1', [sim.name])).rows[0].id;
  for (const node of sim.nodes().map((n) => n.name)) {
    await waitFor(async () => (await count('SELECT count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2', [clusterId, node])) > 0, `${node} sampled`);
  }
  // Both sources of a node are scraped in the same instant: once past each series' first sample, a
  // container sample that both payloads hold is one row (the summary's source) with the nanocores and
  // working set of the summary and the descriptors and threads of cAdvisor.
  await waitFor(
    async () => (await count(
      `SELECT count(*)::int AS n FROM kubepulse.container_metric
       WHERE cluster_id = $1 AND source = 's' AND cpu_usage_nanocores IS NOT NULL AND memory_working_set_bytes IS NOT NULL
         AND file_descriptors IS NOT NULL AND threads IS NOT NULL`,
      [clusterId],
    )) > 0,
    'a container sample stored as one joined row',
    30_000,
  );
  await waitFor(async () => (collector.status()?.collector.ingest.joinedRows ?? 0) > 0, 'the status counts joined rows');
  // Each value once: no sample's cAdvisor half is in two rows, no summary-owned column in a cAdvisor row.
  assert.equal(await count(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM kubepulse.container_metric WHERE cluster_id = $1 AND threads IS NOT NULL
       GROUP BY pod_uid, container, ts HAVING count(*) > 1) twice`,
    [clusterId],
  ), 0, 'a sample\'s cAdvisor values are stored once');
  assert.equal(await count(
    `SELECT count(*)::int AS n FROM kubepulse.container_metric WHERE cluster_id = $1 AND source = 'c'
       AND (cpu_usage_core_nanoseconds IS NOT NULL OR memory_working_set_bytes IS NOT NULL OR cpu_rate_millicores IS NOT NULL)`,
    [clusterId],
  ), 0, 'cAdvisor rows leave the summary-owned columns to the summary rows');
});

test('a frozen kubelet adds no rows while the others keep sampling', async () => {
  // Healthy nodes: a second housekeeping sample (10 s apart) arrives; the frozen node keeps its first.
  for (const node of healthy) {
    await waitFor(async () => (await count('SELECT count(DISTINCT ts)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2', [clusterId, node])) >= 2, `${node}: two samples`, 30_000);
  }
  const frozenRows = await pool.query<{ ts: Date }>(`SELECT ts FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2 AND source = 's'`, [clusterId, frozen]);
  assert.equal(frozenRows.rowCount, 1, 'the frozen node has its one summary sample, stored once');
  const containers = await pool.query<{ n: number; keys: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT (pod_uid, container, source))::int AS keys FROM kubepulse.container_metric WHERE cluster_id = $1 AND node = $2`,
    [clusterId, frozen],
  );
  assert.equal(containers.rows[0].n, containers.rows[0].keys, 'one row per container and source of the frozen node');
  const ingest = collector!.status()?.collector.ingest ?? {};
  assert.ok((ingest.staleSkipped ?? 0) > 0, `stale samples skipped: ${JSON.stringify(ingest)}`);
});

test('rollups equal the aggregates of the raw rows', async () => {
  await h.stopCollector();
  // Run as if at the start of the next hour: every 1 min and 1 h bucket sampled so far is complete.
  const rollups = new Rollups(pool, { settleMs: 0, minStepMs: { '1m': 0 } });
  const later = (Math.floor(Date.now() / 3_600_000) + 1) * 3_600_000;
  await rollups.run(later);
  for (const entity of ['node', 'container'] as const) {
    const t = ENTITY_TABLES[entity];
    const keys = t.keys.filter((k) => k.column !== 'ts').map((k) => k.column);
    for (const res of RESOLUTIONS) {
      const aggs = rollupAggregates(entity);
      const expr = aggs.map((a) => `${a.fn === 'avg' ? `avg("${a.source}")::double precision` : `max("${a.source}")`} AS "${a.column}"`);
      const raw = `SELECT ${keys.join(', ')}, date_bin('${res.interval}', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS ts, count(*)::int AS samples, ${expr.join(', ')}
        FROM kubepulse.${t.table} WHERE cluster_id = $1 GROUP BY ${keys.map((_, i) => i + 1).join(', ')}, ${keys.length + 1}`;
      const rolled = `SELECT * FROM kubepulse.${rollupTable(entity, res)} WHERE cluster_id = $1`;
      // Equal within float summation order (an average may add the same values in another order).
      const same = aggs.map((a) => `((r."${a.column}" IS NULL AND o."${a.column}" IS NULL)
        OR abs(r."${a.column}" - o."${a.column}") <= 1e-9 * greatest(abs(r."${a.column}"), abs(o."${a.column}"), 1))`);
      const rawCount = await count(`SELECT count(*)::int AS n FROM (${raw}) r`, [clusterId]);
      assert.ok(rawCount > 0, `${entity} ${res.name}: buckets`);
      const differing = await count(
        `SELECT count(*)::int AS n FROM (${raw}) r FULL JOIN (${rolled}) o USING (${[...keys, 'ts'].join(', ')})
         WHERE r.samples IS NULL OR o.samples IS NULL OR r.samples <> o.samples OR NOT (${same.join(' AND ')})`,
        [clusterId],
      );
      assert.equal(differing, 0, `${entity} ${res.name}: every bucket equals the aggregate of its raw rows`);
    }
  }
});

test('retention drops the raw partitions past the raw retention and keeps the rollups', async () => {
  const partitions = new PartitionManager(pool);
  const before = await partitions.list('node_sample');
  assert.ok(before.length > 0);
  const minutes = `SELECT count(*)::int AS n FROM kubepulse.node_minutes('-infinity', 'infinity') WHERE cluster_id = $1`;
  const rollupsBefore = await count(minutes, [clusterId]);
  assert.ok(rollupsBefore > 0);
  const maintenance = new StoreMaintenance(pool, { retentionMs: { raw: DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS }, partitions });
  // Four days on: the days sampled now (and the partitions made ahead) are past one day of retention.
  const report = await maintenance.runOnce(Date.now() + 4 * DAY_MS);
  assert.equal(report.error, null);
  const dropped = new Set(report.droppedPartitions.map((p) => p.replace(/^kubepulse\./, '')));
  for (const p of before) assert.ok([...dropped].some((d) => d.endsWith(p.name)), `${p.name} dropped`);
  assert.equal(await count(`SELECT count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1`, [clusterId]), 0);
  // Kept (the rows past 3 days packed into minute blocks: read through node_minutes).
  assert.equal(await count(minutes, [clusterId]), rollupsBefore, '1 min rollups kept');
});

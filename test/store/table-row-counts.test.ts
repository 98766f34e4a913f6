import { test } from 'node:test';
import assert from 'node:assert/strict';
import { densityEstimate, tableRowCounts } from '../../src/store/table-row-counts.js';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { PartitionManager } from '../../src/store/partitions.js';
import { metricsOf, type MetricRow } from '../../src/metrics/definitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('row-counts');

/** Container rows of `series` containers at `samples` times, 15 s apart, every metric column filled (wide rows). */
function containerRows(series: number, samples: number, t0: number): MetricRow[] {
  const out: MetricRow[] = [];
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < series; i++) {
      const row: MetricRow = {
        cluster_id: store.clusterId, pod_uid: `uid-${i}`, container: 'app', namespace: 'ns', pod: `pod-${i}`, node: 'n0',
        ts: new Date(t0 + s * 15_000), source: 's',
      };
      for (const m of metricsOf('container')) {
        row[m.column] = 1e6 * s + i;
        if (m.rate) row[m.rate.column] = i + s / 7;
      }
      out.push(row);
    }
  }
  return out;
}

test('density estimate: the analyzed density times the pages now; none before an analyze', () => {
  assert.equal(densityEstimate({ bytes: 8192 * 200, relpages: 100, reltuples: 2500, blockSize: 8192 }), 5000);
  assert.equal(densityEstimate({ bytes: 8192 * 10, relpages: 0, reltuples: -1, blockSize: 8192 }), null);
});

test('small relations are counted exactly, large ones estimated without reading them whole', async () => {
  const partitions = new PartitionManager(store.pool, { widthMs: 3_600_000 });
  const small = Date.UTC(2026, 10, 20, 8);
  await writeMetricRows(store.pool, 'container', containerRows(10, 7, small), { partitions });
  let c = await tableRowCounts(store.pool);
  assert.equal(c.rows.container_sample, 70);
  assert.equal(c.rows.container_metric, 70, 'reported under the view name too');
  assert.equal(c.rows.container_series, 10);
  assert.ok(!c.rowsEstimated.includes('container_sample'));
  assert.equal(c.rows.node_sample, 0, 'a partitioned table without partitions counts 0');

  // One partition past the exact-count size (64 KiB): 10,000 rows of ~600 bytes in another hour.
  const big = Date.UTC(2026, 10, 20, 10);
  for (let k = 0; k < 2; k++) await writeMetricRows(store.pool, 'container', containerRows(200, 25, big + k * 25 * 15_000), { partitions });
  const total = 70 + 2 * 200 * 25;
  const exact = await store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM kubepulse.container_sample');
  assert.equal(exact.rows[0].n, total);
  c = await tableRowCounts(store.pool);
  assert.ok(c.rowsEstimated.includes('container_sample') && c.rowsEstimated.includes('container_metric'));
  const sampled = c.rows.container_sample;
  assert.ok(Math.abs(sampled - total) < total * 0.5, `sampled estimate ${sampled} of ${total}`);
  await store.pool.query('ANALYZE kubepulse.container_sample');
  c = await tableRowCounts(store.pool);
  assert.ok(Math.abs(c.rows.container_sample - total) < total * 0.1, `estimate after ANALYZE ${c.rows.container_sample} of ${total}`);
});

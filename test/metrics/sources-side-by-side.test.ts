// Summary and cAdvisor rows of the same cgroup sample are stored side by side (the source is part of the
// key), in either arrival order, by plain COPY; replays change nothing (real fixtures, real PostgreSQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureCluster } from '../../src/store/clusters.js';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { entityKeyOf, type Entity, type MetricRow, type MetricRows } from '../../src/metrics/definitions.js';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../../src/metrics/sources/cadvisor.js';
import { useMigratedStore } from '../helpers/store.js';
import { readFixture } from './fixtures.js';

const store = useMigratedStore();

const CGROUP_ENTITIES: Entity[] = ['node', 'system_container', 'pod', 'container'];

function decodePair(version: string): { summary: MetricRows; cadvisor: MetricRows } {
  const summary = decodeSummary(readFixture(`summary-nri-${version}.json`)).rows;
  const node = summary.node[0].node as string;
  const cadvisor = decodeCadvisorText(readFixture(`cadvisor-nri-${version}.txt`), { nodeName: node, scrapeTime: new Date() }).rows;
  return { summary, cadvisor };
}

function stamped(rows: MetricRow[], clusterId: number, source: 's' | 'c'): MetricRow[] {
  return rows.map((r) => ({ ...r, cluster_id: clusterId, source }));
}

test('cAdvisor times, truncated to seconds, equal the summary times of the same cgroups (1.22, 1.35)', () => {
  for (const version of ['1.22', '1.35']) {
    const { summary, cadvisor } = decodePair(version);
    let matched = 0;
    for (const e of CGROUP_ENTITIES) {
      const summaryTs = new Map(summary[e].map((r) => [entityKeyOf(e, r), (r.ts as Date).getTime()]));
      for (const r of cadvisor[e]) {
        const t = summaryTs.get(entityKeyOf(e, r));
        if (t === undefined) continue;
        assert.equal((r.ts as Date).getTime(), t, `${version} ${e} ${entityKeyOf(e, r)}`);
        matched++;
      }
    }
    assert.ok(matched >= 30, `${version}: ${matched} cgroups in both payloads`);
  }
});

for (const order of ['summary first', 'cadvisor first'] as const) {
  test(`summary and cAdvisor rows of one sample stand side by side (${order}); replays change nothing`, async () => {
    const clusterId = await ensureCluster(store.pool, `sources-${order.replace(' ', '-')}`);
    const { summary, cadvisor } = decodePair('1.35');
    const batches = (e: Entity): MetricRow[][] => {
      const both = [stamped(summary[e], clusterId, 's'), stamped(cadvisor[e], clusterId, 'c')];
      return order === 'summary first' ? both : both.reverse();
    };
    for (const e of CGROUP_ENTITIES) {
      for (const rows of batches(e)) {
        const r = await writeMetricRows(store.pool, e, rows);
        assert.deepEqual(r, { inserted: rows.length, duplicates: 0 }, `${e}: every row of each source appended`);
      }
    }
    // One stored row per key and source: the sources never overwrite each other.
    for (const e of CGROUP_ENTITIES) {
      const n = await store.pool.query<{ source: string; n: number }>(
        `SELECT source, count(*)::int AS n FROM kubepulse.${e}_metric WHERE cluster_id = $1 GROUP BY source ORDER BY source`, [clusterId]);
      assert.deepEqual(n.rows, [{ source: 'c', n: cadvisor[e].length }, { source: 's', n: summary[e].length }], `${e} rows per source`);
    }
    // The kube-proxy container at one sample time: working set and nanocores in the summary's row, CFS and
    // descriptors in cAdvisor's.
    const s = summary.container.find((r) => String(r.pod).startsWith('kube-proxy'))!;
    const c = cadvisor.container.find((r) => r.pod_uid === s.pod_uid && r.container === s.container)!;
    assert.ok(c, 'cAdvisor has the kube-proxy container');
    assert.equal((c.ts as Date).getTime(), (s.ts as Date).getTime(), 'the same housekeeping sample');
    const stored = await store.pool.query<Record<string, string | null>>(
      `SELECT source, cpu_usage_nanocores, memory_working_set_bytes, rootfs_used_bytes, file_descriptors, threads, memory_cache_bytes
       FROM kubepulse.container_metric WHERE cluster_id = $1 AND pod_uid = $2 AND container = $3 ORDER BY source DESC`,
      [clusterId, s.pod_uid, s.container],
    );
    assert.deepEqual(stored.rows.map((r) => r.source), ['s', 'c']);
    const [fromSummary, fromCadvisor] = stored.rows;
    assert.equal(Number(fromSummary.cpu_usage_nanocores), s.cpu_usage_nanocores);
    assert.equal(Number(fromSummary.rootfs_used_bytes), s.rootfs_used_bytes);
    assert.equal(Number(fromSummary.memory_working_set_bytes), s.memory_working_set_bytes);
    assert.equal(fromSummary.file_descriptors, null, 'the summary has no descriptor count');
    assert.equal(Number(fromCadvisor.file_descriptors), c.file_descriptors);
    assert.equal(Number(fromCadvisor.threads), c.threads);
    assert.equal(Number(fromCadvisor.memory_cache_bytes), c.memory_cache_bytes);

    // Replay both: nothing new, and no row versions written, of samples or series (xmin unchanged).
    const before = await store.pool.query(`SELECT s.xmin::text AS x, r.xmin::text AS rx, m.* FROM kubepulse.container_metric m JOIN kubepulse.container_series r USING (cluster_id, pod_uid, container) JOIN kubepulse.container_sample s ON s.cluster_id = r.cluster_id AND s.series_id = r.series_id AND s.ts = m.ts AND s.source = m.source WHERE m.cluster_id = $1 ORDER BY m.pod_uid, m.container, m.source`, [clusterId]);
    for (const rows of batches('container')) {
      const r = await writeMetricRows(store.pool, 'container', rows);
      assert.deepEqual(r, { inserted: 0, duplicates: rows.length });
    }
    const again = await store.pool.query(`SELECT s.xmin::text AS x, r.xmin::text AS rx, m.* FROM kubepulse.container_metric m JOIN kubepulse.container_series r USING (cluster_id, pod_uid, container) JOIN kubepulse.container_sample s ON s.cluster_id = r.cluster_id AND s.series_id = r.series_id AND s.ts = m.ts AND s.source = m.source WHERE m.cluster_id = $1 ORDER BY m.pod_uid, m.container, m.source`, [clusterId]);
    assert.deepEqual(again.rows, before.rows);
  });
}

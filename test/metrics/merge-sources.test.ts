// Summary and cAdvisor rows of the same cgroup sample end up as one stored row with both sources'
// columns, in either arrival order, and replays change nothing (real fixtures, real PostgreSQL).
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

function withCluster(rows: MetricRow[], clusterId: number): MetricRow[] {
  return rows.map((r) => ({ ...r, cluster_id: clusterId }));
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
  test(`summary and cAdvisor rows of one sample merge into one row (${order}); replays change nothing`, async () => {
    const clusterId = await ensureCluster(store.pool, `merge-${order.replace(' ', '-')}`);
    const { summary, cadvisor } = decodePair('1.35');
    const sources = order === 'summary first' ? [summary, cadvisor] : [cadvisor, summary];
    for (const e of CGROUP_ENTITIES) {
      for (const rows of sources) await writeMetricRows(store.pool, e, withCluster(rows[e], clusterId));
    }
    // One stored row per distinct key across both payloads.
    for (const e of CGROUP_ENTITIES) {
      const keys = new Set([...summary[e], ...cadvisor[e]].map((r) => `${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`));
      const n = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${e}_metric WHERE cluster_id = $1`, [clusterId]);
      assert.equal(n.rows[0].n, keys.size, `${e} rows`);
    }
    // The kube-proxy container: working set and nanocores from the summary, CFS and fds from cAdvisor.
    const s = summary.container.find((r) => String(r.pod).startsWith('kube-proxy'))!;
    const c = cadvisor.container.find((r) => r.pod_uid === s.pod_uid && r.container === s.container)!;
    assert.ok(c, 'cAdvisor has the kube-proxy container');
    const stored = await store.pool.query<Record<string, string | null>>(
      `SELECT cpu_usage_nanocores, memory_working_set_bytes, rootfs_used_bytes, file_descriptors, threads, memory_cache_bytes
       FROM kubepulse.container_metric WHERE cluster_id = $1 AND pod_uid = $2 AND container = $3`,
      [clusterId, s.pod_uid, s.container],
    );
    assert.equal(stored.rowCount, 1);
    const row = stored.rows[0];
    assert.equal(Number(row.cpu_usage_nanocores), s.cpu_usage_nanocores);
    assert.equal(Number(row.rootfs_used_bytes), s.rootfs_used_bytes);
    assert.equal(Number(row.memory_working_set_bytes), s.memory_working_set_bytes);
    assert.equal(Number(row.file_descriptors), c.file_descriptors);
    assert.equal(Number(row.threads), c.threads);
    assert.equal(Number(row.memory_cache_bytes), c.memory_cache_bytes);
    assert.equal(s.file_descriptors, null, 'the summary has no descriptor count: it came from cAdvisor');

    // Replay both: nothing new, and no row versions written (xmin unchanged).
    const before = await store.pool.query(`SELECT xmin::text AS x, * FROM kubepulse.container_metric WHERE cluster_id = $1 ORDER BY pod_uid, container`, [clusterId]);
    for (const rows of sources) {
      const r = await writeMetricRows(store.pool, 'container', withCluster(rows.container, clusterId));
      assert.equal(r.inserted, 0);
    }
    const again = await store.pool.query(`SELECT xmin::text AS x, * FROM kubepulse.container_metric WHERE cluster_id = $1 ORDER BY pod_uid, container`, [clusterId]);
    assert.deepEqual(again.rows, before.rows);
  });
}

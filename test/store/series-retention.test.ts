// The series purge: series rows of gone pods and nodes go once no raw sample names them; live ones stay;
// a writer whose cached ids were purged resolves them again instead of writing rows no series names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeMetricRows } from '../../src/store/metric-copy.js';
import { applyInventory } from '../../src/store/inventory-writer.js';
import { kindByName } from '../../src/inventory/kinds/index.js';
import { PartitionManager } from '../../src/store/partitions.js';
import { purgeGoneSeries } from '../../src/store/series-retention.js';
import { SeriesIds } from '../../src/store/series-ids.js';
import type { MetricRow } from '../../src/metrics/definitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('series-purge');
const HOUR = 3_600_000;

function pod(uid: string) {
  return { metadata: { name: `pod-${uid}`, namespace: 'ns', uid, resourceVersion: '1' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] }, status: {} };
}

async function seriesCount(table: string): Promise<number> {
  const r = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.${table} WHERE cluster_id = $1`, [store.clusterId]);
  return r.rows[0].n;
}

async function orphans(): Promise<number> {
  const r = await store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM kubepulse.container_sample s
      WHERE NOT EXISTS (SELECT 1 FROM kubepulse.container_series r WHERE r.cluster_id = s.cluster_id AND r.series_id = s.series_id)`);
  return r.rows[0].n;
}

test('series of gone pods go once their raw rows are gone; a writer holding their ids resolves them again', async () => {
  const podKind = kindByName('pod')!;
  const partitions = new PartitionManager(store.pool, { widthMs: HOUR });
  await applyInventory(store.pool, podKind, store.clusterId, ['live', 'gone', 'back'].map((uid) => ({ op: 'upsert' as const, obj: pod(uid) })));
  const old = Date.now() - 10 * HOUR;
  const row = (uid: string, ts: number): MetricRow => ({ cluster_id: store.clusterId, pod_uid: uid, container: 'c', namespace: 'ns', pod: `pod-${uid}`, node: 'n1', ts: new Date(ts), cpu_usage_nanocores: 5 });
  const writer = new SeriesIds();
  const write = (rows: MetricRow[]) => writeMetricRows(store.pool, 'container', rows, { batchId: randomUUID(), partitions, seriesIds: writer });
  await write(['live', 'gone', 'back', 'static'].map((uid) => row(uid, old)));
  assert.equal(await seriesCount('container_series'), 4);

  // 'gone' and 'back' are deleted; 'static' was never in the inventory (a static pod's config hash UID).
  await applyInventory(store.pool, podKind, store.clusterId, ['gone', 'back'].map((uid) => ({ op: 'delete' as const, obj: pod(uid) })), { at: new Date(old) });
  // While raw rows name them, nothing goes.
  assert.deepEqual(await purgeGoneSeries(store.pool, Date.now() - HOUR), {});
  // Their hour is compacted away (here: dropped), the live pod goes on being written.
  for (const p of await partitions.list('container_sample')) {
    if (p.toMs <= old + HOUR) await store.pool.query(`DROP TABLE kubepulse.${p.name}`);
  }
  await partitions.list('container_sample');
  await write([row('live', Date.now() - 5_000)]);
  assert.deepEqual(await purgeGoneSeries(store.pool, Date.now() - HOUR), { container_series: 3 });
  assert.equal(await seriesCount('container_series'), 1, 'only the live pod keeps its series');

  // The writer still has the purged ids cached: a late replay of 'back' and a static pod's return must get
  // new series, not rows naming deleted ones.
  await write([row('back', Date.now() - 3_000), row('static', Date.now() - 3_000), row('live', Date.now() - 2_000)]);
  assert.equal(await orphans(), 0, 'every sample row names a stored series');
  assert.equal(await seriesCount('container_series'), 3);
  const viewRows = await store.pool.query<{ pod_uid: string }>(`SELECT pod_uid FROM kubepulse.container_metric WHERE cluster_id = $1 AND ts > now() - interval '1 hour' ORDER BY ts`, [store.clusterId]);
  assert.deepEqual(viewRows.rows.map((r) => r.pod_uid), ['live', 'back', 'static', 'live']);
});

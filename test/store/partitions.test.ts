import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureCluster, listClusters } from '../../src/store/clusters.js';
import {
  DAY_MS, PartitionManager, parsePartitionBound, partitionName, partitionRangeFor,
} from '../../src/store/partitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore();

const T0 = Date.parse('2026-11-25T13:45:10.123Z');

test('partition ranges align to the epoch and are named after their start', () => {
  assert.deepEqual(partitionRangeFor(T0, DAY_MS), { fromMs: Date.parse('2026-11-25T00:00:00Z'), toMs: Date.parse('2026-11-26T00:00:00Z') });
  assert.equal(partitionName('node_metric', Date.parse('2026-11-25T00:00:00Z'), DAY_MS), 'node_metric_p20261125');
  const sixH = 6 * 3_600_000;
  const r = partitionRangeFor(T0, sixH);
  assert.equal(new Date(r.fromMs).toISOString(), '2026-11-25T12:00:00.000Z');
  assert.equal(partitionName('pod_metric', r.fromMs, sixH), 'pod_metric_p20261125_1200');
  assert.deepEqual(
    parsePartitionBound("FOR VALUES FROM ('2026-11-25 00:00:00+00') TO ('2026-11-26 00:00:00+00')"),
    { fromMs: Date.parse('2026-11-25T00:00:00Z'), toMs: Date.parse('2026-11-26T00:00:00Z') },
  );
  assert.equal(parsePartitionBound('DEFAULT'), null);
});

test('partitions are created ahead, on demand for old samples, and dropped by retention', async () => {
  const pm = new PartitionManager(store.pool, { ahead: 2 });
  await pm.ensureAhead(['node_sample'], T0);
  const names = (await pm.list('node_sample')).map((p) => p.name);
  assert.deepEqual(names, ['node_sample_p20261125', 'node_sample_p20261126', 'node_sample_p20261127']);

  // A sample from ten days earlier (a spool replay) gets its partition on demand; a second manager (another
  // process) asking for the same range at the same time is fine.
  const old = T0 - 10 * DAY_MS;
  const other = new PartitionManager(store.pool, { ahead: 2 });
  await Promise.all([pm.ensureFor('node_sample', [old, T0]), other.ensureFor('node_sample', [old])]);
  const clusterId = await ensureCluster(store.pool, 'part-test');
  await store.pool.query(`INSERT INTO kubepulse.node_metric (cluster_id, node, ts) VALUES ($1, 'n1', $2), ($1, 'n1', $3)`, [
    clusterId, new Date(old), new Date(T0),
  ]);
  const where = await store.pool.query<{ part: string }>(
    `SELECT tableoid::regclass::text AS part FROM kubepulse.node_sample WHERE cluster_id = $1 ORDER BY ts`, [clusterId],
  );
  assert.deepEqual(where.rows.map((r) => r.part), ['kubepulse.node_sample_p20261115', 'kubepulse.node_sample_p20261125']);

  // Retention of 7 days at T0: the cutoff (Nov 18 13:45) is inside no kept partition's range except those
  // ending after it, so the Nov 15 partition goes, the rest stay.
  const dropped = await pm.applyRetention({ node_sample: 7 * DAY_MS }, T0);
  assert.deepEqual(dropped, ['node_sample_p20261115']);
  const left = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.node_sample WHERE cluster_id = $1`, [clusterId]);
  assert.equal(left.rows[0].n, 1);
  assert.deepEqual((await pm.list('node_sample')).map((p) => p.name), ['node_sample_p20261125', 'node_sample_p20261126', 'node_sample_p20261127']);
});

test('a manager with another width respects the partitions that exist', async () => {
  const hourly = new PartitionManager(store.pool, { widthMs: 3_600_000 });
  // Inside the existing daily partition: nothing to create.
  await hourly.ensureFor('node_sample', [T0]);
  assert.equal((await hourly.list('node_sample')).length, 3);
  // Outside every partition: an hourly one.
  await hourly.ensureFor('node_sample', [T0 - 30 * DAY_MS]);
  assert.ok((await hourly.list('node_sample')).some((p) => p.name === 'node_sample_p20261026_1300'));
  assert.throws(() => new PartitionManager(store.pool, { widthMs: 7 * 3_600_000 }), /divide or be a multiple of a day/);
});

test('ensureCluster upserts by name and keeps the id', async () => {
  const a = await ensureCluster(store.pool, 'alpha', { server: 'https://a:6443' });
  const again = await ensureCluster(store.pool, 'alpha', { server: 'https://a2:6443' });
  const b = await ensureCluster(store.pool, 'beta');
  assert.equal(a, again);
  assert.notEqual(a, b);
  const rows = await listClusters(store.pool);
  assert.deepEqual(rows.find((r) => r.id === a)?.meta, { server: 'https://a2:6443' });
  await assert.rejects(ensureCluster(store.pool, ''), /non-empty/);
});

test('raw sample partitions are analyzed and vacuumed on doubling; other partitions keep the defaults', async () => {
  const pm = new PartitionManager(store.pool, { widthMs: 3_600_000 });
  const at = Date.UTC(2026, 10, 21, 5, 30);
  await pm.ensureFor('node_sample', [at]);
  await pm.ensureFor('node_metric_1m', [at]);
  const r = await store.pool.query<{ parent: string; reloptions: string[] | null }>(
    `SELECT p.relname AS parent, c.reloptions FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname IN ('node_sample', 'node_metric_1m')`,
  );
  const of = (parent: string) => r.rows.filter((x) => x.parent === parent).map((x) => x.reloptions);
  assert.ok(of('node_sample').length >= 1 && of('node_metric_1m').length >= 1);
  for (const o of of('node_sample')) assert.deepEqual(o, ['autovacuum_analyze_scale_factor=1', 'autovacuum_vacuum_insert_scale_factor=1']);
  for (const o of of('node_metric_1m')) assert.equal(o, null);
});

test('raw sample partitions keep planner statistics on their keys only, whether made before or after migration 018', async () => {
  // The migrated store ran 018 over the parents; a partition made now must get the same targets itself.
  const pm = new PartitionManager(store.pool, { widthMs: 3_600_000 });
  const at = Date.parse('2026-11-20T05:00:00Z');
  await pm.ensureFor('container_sample', [at]);
  await pm.ensureFor('node_sample', [at]);
  const targets = await store.pool.query<{ rel: string; attname: string; target: number | null }>(
    `SELECT c.relname AS rel, a.attname, a.attstattarget AS target FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      WHERE c.relname IN ('container_sample', 'container_sample_p20261120_0500', 'node_sample_p20261120_0500')
        AND c.relnamespace = 'kubepulse'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  const of = (rel: string) => targets.rows.filter((r) => r.rel === rel);
  for (const rel of ['container_sample', 'container_sample_p20261120_0500', 'node_sample_p20261120_0500']) {
    const cols = of(rel);
    assert.ok(cols.length > 20, `${rel} has its columns`);
    for (const c of cols) {
      const isKey = ['cluster_id', 'series_id', 'ts', 'source'].includes(c.attname);
      // -1 (PostgreSQL 16 and before) or NULL (17): the default target.
      if (isKey) assert.ok(c.target === null || c.target === -1, `${rel}.${c.attname} keeps the default target`);
      else assert.equal(c.target, 0, `${rel}.${c.attname} collects no statistics`);
    }
  }
  // ANALYZE then leaves the value columns out of pg_statistic, and the keys in.
  await store.pool.query(`INSERT INTO kubepulse.node_metric (cluster_id, node, ts, cpu_usage_nanocores) VALUES ($1, 'n-stats', $2, 5)`,
    [await ensureCluster(store.pool, 'stats-test'), new Date(at + 1000)]);
  await store.pool.query('ANALYZE kubepulse.node_sample_p20261120_0500');
  const stats = await store.pool.query<{ attname: string }>(`SELECT attname FROM pg_stats WHERE schemaname = 'kubepulse' AND tablename = 'node_sample_p20261120_0500'`);
  const analyzed = stats.rows.map((r) => r.attname).sort();
  assert.deepEqual(analyzed, ['cluster_id', 'series_id', 'source', 'ts']);
});

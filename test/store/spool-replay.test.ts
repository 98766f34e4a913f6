// Spool replay into a real PostgreSQL (issue 15): metric records are grouped per entity within a window
// of consecutive records and each group is replayed in one transaction, every record still exactly once by its batch id — already recorded ids are
// skipped, a group replayed again after a commit whose progress was never saved stores nothing twice,
// records without id (spool files from before 010) go in only where absent, and a bad record in a group
// is skipped while the rest of the group is stored. Transactions are counted by metric_batch.written_at
// (now(): the same for every id recorded in one transaction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool, segmentName } from '../../src/store/spool.js';
import { SpoolReplayer, type ReplayTargets } from '../../src/store/spool-replay.js';
import { writeMetricBatches, writeMetricRows, type WriteResult } from '../../src/store/metric-copy.js';
import { metricsOf, type MetricRow } from '../../src/metrics/definitions.js';
import { configureLogging } from '../../src/log.js';
import { useMigratedStore } from '../helpers/store.js';

configureLogging({ level: 'silent', console: 'off', file: '' });
const store = useMigratedStore('spool-replay-test');

/** A record's container rows: `n` containers of record `rec` at `ts`, every metric set. */
function recordRows(rec: number, n: number, ts: Date): MetricRow[] {
  return Array.from({ length: n }, (_, i) => {
    const row: MetricRow = {
      cluster_id: store.clusterId, pod_uid: `uid-${rec}`, container: `c-${rec}-${i}`, ts,
      namespace: 'replay', pod: `pod-${rec}`, node: `node-${rec % 3}`,
    };
    metricsOf('container').forEach((m, k) => (row[m.column] = m.sqlType === 'double precision' ? rec + k / 4 : rec * 1000 + i + k));
    return row;
  });
}

/** The replayer's metric target as the collector builds it, with each write's result kept. */
function metricTargets(path: 'auto' | 'staging', results: WriteResult[] = []): ReplayTargets {
  const none = () => Promise.reject(new Error('no inventory or status records in these tests'));
  return {
    async writeMetrics(entity, batches) {
      results.push(await writeMetricBatches(store.pool, entity, batches, { path }));
    },
    applyInventory: none,
    reconcile: none,
    writeStatus: none,
  };
}

/** Rows stored at `ts`, and how many distinct (container, source) of them: equal when each is there once. */
async function storedAt(ts: Date): Promise<{ rows: number; distinct: number }> {
  const r = await store.pool.query<{ rows: number; distinct: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT (container, source))::int AS distinct FROM kubepulse.container_metric
     WHERE cluster_id = $1 AND ts = $2`, [store.clusterId, ts]);
  return r.rows[0];
}

/** Transactions that recorded these batch ids, and how many of the ids are recorded. */
async function ledger(ids: string[]): Promise<{ transactions: number; recorded: number }> {
  const r = await store.pool.query<{ transactions: number; recorded: number }>(
    `SELECT count(DISTINCT written_at)::int AS transactions, count(*)::int AS recorded FROM kubepulse.metric_batch WHERE id = ANY($1::uuid[])`, [ids]);
  return r.rows[0];
}

function withSpool(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kp-spool-replay-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('200 small records replay in 2 transactions of up to 5,000 rows, every row stored once', () => withSpool(async (dir) => {
  const ts = new Date('2026-11-23T08:00:00.000Z');
  // One segment (groups end with their segment).
  const spool = new Spool({ dir, maxBytes: 64 * 2 ** 20, segmentBytes: 32 * 2 ** 20 });
  const ids = Array.from({ length: 200 }, () => randomUUID());
  ids.forEach((id, rec) => spool.append({ t: 'metric', entity: 'container', id, rows: recordRows(rec, 40, ts) }));
  const results: WriteResult[] = [];
  const replayer = new SpoolReplayer(spool, metricTargets('auto', results));
  assert.equal(await replayer.drain(), true);
  assert.equal(spool.isEmpty, true);
  // 125 records of 40 rows fill the first group's 5,000 rows; the other 75 records make the second.
  assert.deepEqual(results, [{ inserted: 5000, duplicates: 0 }, { inserted: 3000, duplicates: 0 }]);
  assert.deepEqual(await ledger(ids), { transactions: 2, recorded: 200 });
  assert.deepEqual(await storedAt(ts), { rows: 8000, distinct: 8000 });
  assert.equal(replayer.counts.replayedRecords, 200);
  assert.equal(replayer.counts.replayedMetricRows, 8000);
}));

test('records whose entities take turns (one per payload and entity) replay in one transaction per entity', () => withSpool(async (dir) => {
  const ts = new Date('2026-11-23T08:30:00.000Z');
  const spool = new Spool({ dir, maxBytes: 64 * 2 ** 20, segmentBytes: 32 * 2 ** 20 });
  const nodeRow = (rec: number): MetricRow => {
    const row: MetricRow = { cluster_id: store.clusterId, node: `turns-${rec}`, ts };
    metricsOf('node').forEach((m, k) => (row[m.column] = m.sqlType === 'double precision' ? rec + k / 4 : rec * 10 + k));
    return row;
  };
  const nodeIds: string[] = [];
  const containerIds: string[] = [];
  for (let rec = 0; rec < 50; rec++) {
    nodeIds.push(randomUUID());
    spool.append({ t: 'metric', entity: 'node', id: nodeIds[rec], rows: [nodeRow(rec)] });
    containerIds.push(randomUUID());
    spool.append({ t: 'metric', entity: 'container', id: containerIds[rec], rows: recordRows(100 + rec, 30, ts) });
  }
  const results: WriteResult[] = [];
  const replayer = new SpoolReplayer(spool, metricTargets('auto', results));
  assert.equal(await replayer.drain(), true);
  assert.deepEqual(results, [{ inserted: 50, duplicates: 0 }, { inserted: 1500, duplicates: 0 }]);
  assert.deepEqual(await ledger(nodeIds), { transactions: 1, recorded: 50 });
  assert.deepEqual(await ledger(containerIds), { transactions: 1, recorded: 50 });
  assert.deepEqual(await storedAt(ts), { rows: 1500, distinct: 1500 });
  const nodes = await store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM kubepulse.node_metric WHERE cluster_id = $1 AND ts = $2 AND node LIKE 'turns-%'`, [store.clusterId, ts]);
  assert.equal(nodes.rows[0].n, 50);
  assert.equal(spool.isEmpty, true);
}));

for (const path of ['auto', 'staging'] as const) {
  test(`a group whose ids are partly recorded stores only the other records; rows without id go in where absent (${path})`, () => withSpool(async (dir) => {
    const ts = new Date(path === 'auto' ? '2026-11-23T09:00:00.000Z' : '2026-11-23T10:00:00.000Z');
    const records = Array.from({ length: 6 }, (_, rec) => ({ id: randomUUID(), rows: recordRows(rec, 10, ts) }));
    // Records 1 and 4 were stored before they were spooled (the commit's answer was lost).
    for (const rec of [1, 4]) await writeMetricRows(store.pool, 'container', recordRows(rec, 10, ts), { batchId: records[rec].id });
    // A spool file from before 010 (no ids): a record of its own, and one repeating record 4's rows.
    const oldLines = [recordRows(10, 10, ts), recordRows(4, 10, ts)]
      .map((rows) => JSON.stringify({ t: 'metric', at: Date.now(), n: rows.length, entity: 'container', rows }));
    writeFileSync(join(dir, segmentName(Date.now() - 60_000, 0, 'metric')), oldLines.join('\n') + '\n');
    const spool = new Spool({ dir, maxBytes: 64 * 2 ** 20 });
    for (const r of records) spool.append({ t: 'metric', entity: 'container', id: r.id, rows: r.rows });

    const results: WriteResult[] = [];
    assert.equal(await new SpoolReplayer(spool, metricTargets(path, results)).drain(), true);
    assert.deepEqual(results, [
      { inserted: 10, duplicates: 10 }, // the old segment: record 4's rows were there
      { inserted: 40, duplicates: 20 }, // the new one: records 1 and 4 skipped by id
    ]);
    assert.deepEqual(await storedAt(ts), { rows: 70, distinct: 70 });
    // The four ids of the group in one transaction; 1 and 4 keep their own.
    const group = records.filter((_, rec) => rec !== 1 && rec !== 4).map((r) => r.id);
    assert.deepEqual(await ledger(group), { transactions: 1, recorded: 4 });
    assert.deepEqual(await ledger(records.map((r) => r.id)), { transactions: 3, recorded: 6 });
  }));
}

test('a replay stopped after its group committed but before its progress was saved stores nothing twice', () => withSpool(async (dir) => {
  const ts = new Date('2026-11-23T11:00:00.000Z');
  const spool = new Spool({ dir, maxBytes: 64 * 2 ** 20 });
  const ids = Array.from({ length: 30 }, () => randomUUID());
  ids.forEach((id, rec) => spool.append({ t: 'metric', entity: 'container', id, rows: recordRows(rec, 50, ts) }));
  // The first write commits, then its answer is lost (the connection dies): the pass stops there.
  const results: WriteResult[] = [];
  const real = metricTargets('auto', results);
  let writes = 0;
  const lossy: ReplayTargets = {
    ...real,
    async writeMetrics(entity, batches) {
      await real.writeMetrics(entity, batches);
      if (++writes === 1) throw new Error('Connection terminated unexpectedly');
    },
  };
  assert.equal(await new SpoolReplayer(spool, lossy, { groupRows: 1000 }).drain(), false);
  assert.deepEqual(results, [{ inserted: 1000, duplicates: 0 }]);
  // A restart: the cursor still points at the group's first record, so the whole group is replayed.
  const again = new Spool({ dir, maxBytes: 64 * 2 ** 20 });
  assert.equal(await new SpoolReplayer(again, real, { groupRows: 1000 }).drain(), true);
  assert.deepEqual(results, [
    { inserted: 1000, duplicates: 0 },
    { inserted: 0, duplicates: 1000 }, // the committed group again: every id recorded
    { inserted: 500, duplicates: 0 },
  ]);
  assert.deepEqual(await storedAt(ts), { rows: 1500, distinct: 1500 });
  assert.deepEqual(await ledger(ids), { transactions: 2, recorded: 30 });
}));

test('a bad record in a group (refused before the database, or by it) is skipped; the rest of the group is stored once', () => withSpool(async (dir) => {
  const ts = new Date('2026-11-23T12:00:00.000Z');
  const spool = new Spool({ dir, maxBytes: 64 * 2 ** 20 });
  const records = Array.from({ length: 6 }, (_, rec) => ({ id: randomUUID(), rows: recordRows(rec, 5, ts) }));
  records[1].rows[2].pod_uid = null; // no key: the encoder refuses it
  records[3].rows[0].cpu_usage_core_nanoseconds = -515151; // refused by the CHECK below, after the ids were recorded
  for (const r of records) spool.append({ t: 'metric', entity: 'container', id: r.id, rows: r.rows });
  const results: WriteResult[] = [];
  // Groups of three records: 0–2 (1 refused by the encoder), 3–5 (3 refused by the database).
  const replayer = new SpoolReplayer(spool, metricTargets('auto', results), { groupRows: 15 });
  await store.pool.query('ALTER TABLE kubepulse.container_sample ADD CONSTRAINT test_refuse_replay CHECK (cpu_usage_core_nanoseconds <> -515151) NOT VALID');
  try {
    assert.equal(await replayer.drain(), true);
  } finally {
    await store.pool.query('ALTER TABLE kubepulse.container_sample DROP CONSTRAINT test_refuse_replay');
  }
  assert.equal(replayer.counts.skippedRecords, 2);
  assert.equal(replayer.counts.replayedRecords, 4);
  assert.equal(results.length, 4, 'each group failed whole, then its good records were stored one by one');
  assert.deepEqual(await storedAt(ts), { rows: 20, distinct: 20 });
  const good = records.filter((_, rec) => rec !== 1 && rec !== 3).map((r) => r.id);
  assert.deepEqual(await ledger(good), { transactions: 4, recorded: 4 });
  assert.deepEqual(await ledger([records[1].id, records[3].id]), { transactions: 0, recorded: 0 }, 'no id of a refused record is left recorded');
}));

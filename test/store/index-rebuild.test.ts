// The index rebuild against a real PostgreSQL: rows kept one every so often over old pages keep those pages
// after the deletes and a VACUUM; the rebuild packs them, the indexes still answer, and what an interrupted
// rebuild left (an invalid `_ccnew` index) goes. The maintenance loop rebuilds once a period, not at start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebuildIndexes, rebuiltTables } from '../../src/store/index-rebuild.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS } from '../../src/store/partitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('index-rebuild');

async function pkeyBytes(): Promise<number> {
  const r = await store.pool.query<{ b: string }>("SELECT pg_relation_size('kubepulse.change_log_pkey') AS b");
  return Number(r.rows[0].b);
}

test('a rebuild packs the pages that scattered survivors kept, and drops an interrupted rebuild\'s leftover', async () => {
  // 40,000 change_log rows, then all but one in 200 deleted (as a purge keeps each object's state at the cutoff).
  await store.pool.query(`INSERT INTO kubepulse.change_log (cluster_id, kind, uid, name, op, at, changed, state)
    SELECT $1, 'pod', 'uid-' || g, 'p-' || g, 'add', now() - interval '1 day' + g * interval '1 ms', '{}'::jsonb, '{}'::jsonb FROM generate_series(1, 40000) g`, [store.clusterId]);
  await store.pool.query("DELETE FROM kubepulse.change_log WHERE kind = 'pod' AND substr(uid, 5)::int % 200 <> 0");
  await store.pool.query('VACUUM kubepulse.change_log');
  const bloated = await pkeyBytes();
  // An interrupted rebuild leaves an invalid copy; a failing CREATE INDEX CONCURRENTLY leaves the same.
  await assert.rejects(store.pool.query('CREATE INDEX CONCURRENTLY change_log_pkey_ccnew ON kubepulse.change_log ((id / 0))'), /division by zero/);

  const rebuilt = await rebuildIndexes(store.pool, ['change_log']);
  const packed = await pkeyBytes();
  assert.ok(packed * 4 < bloated, `the primary key: ${bloated} bytes over 200 survivors, ${packed} after`);
  assert.ok(rebuilt.change_log.after < rebuilt.change_log.before, JSON.stringify(rebuilt));
  const leftover = await store.pool.query("SELECT 1 FROM pg_class WHERE relname = 'change_log_pkey_ccnew'");
  assert.equal(leftover.rowCount, 0, 'the invalid leftover is dropped');
  const found = await store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM kubepulse.change_log WHERE cluster_id = $1 AND kind = 'pod' AND uid = 'uid-400'", [store.clusterId]);
  assert.equal(found.rows[0].n, 1);
  const valid = await store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'kubepulse.change_log'::regclass AND NOT indisvalid");
  assert.equal(valid.rows[0].n, 0);
});

test('the maintenance loop rebuilds once a period, the first time one period after its start', async () => {
  const now = Date.now();
  const m = new StoreMaintenance(store.pool, { retentionMs: { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS }, reindexEveryMs: DAY_MS });
  assert.deepEqual((await m.runOnce(now)).reindexed, {}, 'not at start');
  assert.deepEqual((await m.runOnce(now + DAY_MS - 1)).reindexed, {});
  const due = await m.runOnce(now + DAY_MS);
  assert.equal(due.error, null);
  assert.deepEqual(Object.keys(due.reindexed).sort(), rebuiltTables().sort());
  assert.deepEqual((await m.runOnce(now + DAY_MS + 60_000)).reindexed, {}, 'then not before the next period');
  await m.stop();
});

// The index rebuild against a real PostgreSQL: a tight index (rows inserted, none deleted) is left as it
// is; rows kept one every so often over old pages keep those pages after the deletes and a VACUUM, and that
// bloated index is rebuilt, packed, and still answers; what an interrupted rebuild left (an invalid
// `_ccnew` index) goes. The maintenance loop looks once a period, not at start, and counts what it did.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebuildIndexes, rebuiltTables } from '../../src/store/index-rebuild.js';
import { BLOAT_RATIO, MIN_EXCESS_BYTES, btreeEntryBytes, indexSizes, isBloated, packedBtreeBytes } from '../../src/store/index-bloat.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS } from '../../src/store/partitions.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore('index-rebuild');

/** The primary key's size and its file (a rebuild gives it a new one). */
async function pkey(): Promise<{ bytes: number; file: number }> {
  const r = await store.pool.query<{ b: string; f: number }>(
    "SELECT pg_relation_size('kubepulse.change_log_pkey') AS b, relfilenode::int AS f FROM pg_class WHERE relname = 'change_log_pkey'");
  return { bytes: Number(r.rows[0].b), file: r.rows[0].f };
}

test('the estimate: an entry as the b-tree stores it, pages packed as a build packs them, the thresholds', () => {
  // (integer, bigint): 8 header + 4 + 4 padding to the bigint + 8 = 24, plus the line pointer.
  assert.equal(btreeEntryBytes([{ width: 4, align: 'i' }, { width: 8, align: 'd' }]), 28);
  // An unknown width counts as 16 (8 + 16 = 24, + 4).
  assert.equal(btreeEntryBytes([{ width: null, align: 'i' }]), 28);
  // 8152 usable bytes at 90 % hold 262 entries of 28 bytes: 1,000 rows take 4 leaves, a root and the metapage.
  assert.equal(packedBtreeBytes(1000, 28, 8192), 6 * 8192);
  assert.equal(packedBtreeBytes(0, 28, 8192), 2 * 8192, 'an empty index: a leaf and the metapage');
  assert.equal(packedBtreeBytes(1000, 28, 8192, 100) < packedBtreeBytes(1000, 28, 8192, 50), true);
  assert.throws(() => packedBtreeBytes(10, 0, 8192), /entry bytes 0/);
  assert.equal(isBloated(10 * MIN_EXCESS_BYTES, MIN_EXCESS_BYTES), true);
  assert.equal(isBloated(BLOAT_RATIO * 4 * MIN_EXCESS_BYTES, 4 * MIN_EXCESS_BYTES), false, 'exactly the ratio is not past it');
  assert.equal(isBloated(MIN_EXCESS_BYTES, 1), false, 'less than MIN_EXCESS_BYTES to give back');
});

test('a tight index is left; once retention scatters its survivors it is rebuilt, packed, and an interrupted rebuild\'s leftover goes', async () => {
  // 100,000 change_log rows inserted in key order: every index as tight as its rows make it.
  await store.pool.query(`INSERT INTO kubepulse.change_log (cluster_id, kind, uid, name, op, at, changed, state)
    SELECT $1, 'pod', 'uid-' || g, 'p-' || g, 'add', now() - interval '1 day' + g * interval '1 ms', '{}'::jsonb, '{}'::jsonb FROM generate_series(1, 100000) g`, [store.clusterId]);
  const tight = await pkey();
  const sizes = await indexSizes(store.pool, 'change_log');
  const pk = sizes.find((s) => s.index === 'change_log_pkey')!;
  assert.ok(0.9 * pk.neededBytes! <= tight.bytes && tight.bytes < 1.3 * pk.neededBytes!, `the estimate of a tight index is close: ${JSON.stringify(pk)}`);
  const first = await rebuildIndexes(store.pool, ['change_log']);
  assert.deepEqual(first.rebuilt, {}, 'nothing rebuilt while every index is tight');
  assert.deepEqual(Object.keys(first.skipped).sort(), sizes.map((s) => s.index).sort());
  assert.equal((await pkey()).file, tight.file, 'the primary key is the same file');

  // All but one in 200 deleted (as a purge keeps each object's state at the cutoff), then vacuumed.
  await store.pool.query("DELETE FROM kubepulse.change_log WHERE kind = 'pod' AND substr(uid, 5)::int % 200 <> 0");
  await store.pool.query('VACUUM kubepulse.change_log');
  const bloated = await pkey();
  assert.equal(bloated.bytes, tight.bytes, 'a VACUUM gives no page of the index back');
  // An interrupted rebuild leaves an invalid copy; a failing CREATE INDEX CONCURRENTLY leaves the same.
  await assert.rejects(store.pool.query('CREATE INDEX CONCURRENTLY change_log_pkey_ccnew ON kubepulse.change_log ((id / 0))'), /division by zero/);

  const second = await rebuildIndexes(store.pool, ['change_log']);
  const packed = await pkey();
  assert.notEqual(packed.file, bloated.file, 'the primary key is rebuilt');
  assert.ok(packed.bytes * 4 < bloated.bytes, `the primary key: ${bloated.bytes} bytes over 500 survivors, ${packed.bytes} after`);
  assert.deepEqual(second.rebuilt.change_log_pkey, { before: bloated.bytes, after: packed.bytes, neededBytes: second.rebuilt.change_log_pkey.neededBytes });
  assert.ok(second.rebuilt.change_log_pkey.neededBytes < MIN_EXCESS_BYTES);
  const leftover = await store.pool.query("SELECT 1 FROM pg_class WHERE relname = 'change_log_pkey_ccnew'");
  assert.equal(leftover.rowCount, 0, 'the invalid leftover is dropped');
  const found = await store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM kubepulse.change_log WHERE cluster_id = $1 AND kind = 'pod' AND uid = 'uid-400'", [store.clusterId]);
  assert.equal(found.rows[0].n, 1);
  const valid = await store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'kubepulse.change_log'::regclass AND NOT indisvalid");
  assert.equal(valid.rows[0].n, 0);

  // Packed now: the next look leaves it.
  const third = await rebuildIndexes(store.pool, ['change_log']);
  assert.equal(third.rebuilt.change_log_pkey, undefined);
  assert.equal(third.skipped.change_log_pkey.bytes, packed.bytes);
});

test('the maintenance loop looks once a period, the first time one period after its start, and counts what it did', async () => {
  const now = Date.now();
  const m = new StoreMaintenance(store.pool, { retentionMs: { raw: 7 * DAY_MS, rollup_1m: 30 * DAY_MS, rollup_1h: 400 * DAY_MS }, reindexEveryMs: DAY_MS });
  assert.equal((await m.runOnce(now)).reindexed, null, 'not at start');
  assert.equal((await m.runOnce(now + DAY_MS - 1)).reindexed, null);
  const due = await m.runOnce(now + DAY_MS);
  assert.equal(due.error, null);
  const looked = [...Object.keys(due.reindexed!.rebuilt), ...Object.keys(due.reindexed!.skipped)];
  const expected = await store.pool.query<{ index: string }>(
    `SELECT c.relname AS index FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'kubepulse' AND t.relname = ANY($1)`, [rebuiltTables()]);
  assert.deepEqual(looked.sort(), expected.rows.map((r) => r.index).sort(), 'every index of change_log and the series tables');
  assert.deepEqual(m.indexRebuilds, { rebuilt: Object.keys(due.reindexed!.rebuilt).length, skipped: Object.keys(due.reindexed!.skipped).length });
  assert.ok(m.indexRebuilds.skipped > 0);
  assert.equal((await m.runOnce(now + DAY_MS + 60_000)).reindexed, null, 'then not before the next period');
  await m.stop();
});

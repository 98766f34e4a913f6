// Migration collector_status_partitions (017): the status history becomes a table partitioned by day.
// Rows written before it are all there after it, in a partition of their UTC day; the writer, the health
// history the viewer and /api/health/history read, and the row counts `kubepulse status` shows keep
// working; the retention drops whole days past status_history and keeps every row of the window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { loadMigrations } from '../../src/store/migrations/index.js';
import { insertStatusRow } from '../../src/health/status-history.js';
import { healthHistory } from '../../src/viewer/health-queries.js';
import { tableRowCounts } from '../../src/store/table-row-counts.js';
import { StoreMaintenance } from '../../src/store/maintenance.js';
import { DAY_MS, PartitionManager } from '../../src/store/partitions.js';
import { useMigrationServer } from './migrate-catalog.js';

const MIGRATIONS = loadMigrations();
const DAY0 = Date.UTC(2026, 10, 1); // midnight UTC, 1 Nov 2026
const HOUR = 3_600_000;

const database = useMigrationServer();

async function rowsOf(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ row: string }>('SELECT to_jsonb(t)::text AS row FROM kubepulse.collector_status t');
  return r.rows.map((x) => x.row).sort();
}

/** A status row of the shape the monitor writes (health/status-history.ts statusRow). */
function statusAt(atMs: number, pid: number): Record<string, unknown> {
  return {
    at: new Date(atMs).toISOString(), pid, database_state: 'connected', clusters_down: [], nodes_not_reporting: 0, queue_rows: 3,
    spool_bytes: 0, spool_oldest_age_s: null, heap_bytes: 1, rss_bytes: 2, event_loop_delay_p99_ms: 1.5, restarts: 0,
    status: { clusters: [{ name: 'east', lastSampleAt: new Date(atMs - 2000).toISOString(), scrapes: { summary: { cyclesOnTime: atMs / 15_000, cyclesLate: 0 } } }] },
  };
}

test('every row stays, each in its UTC day; the history is read and written as before; retention drops whole days', async () => {
  const at = MIGRATIONS.findIndex((m) => m.name === 'collector_status_partitions');
  assert.ok(at > 0, 'the migration collector_status_partitions is shipped');
  const { url, pool } = await database('status_partitions');
  await migrate(url, { migrations: MIGRATIONS.slice(0, at), checkDeclarations: false });

  // Before: rows every 5 minutes over 5 days from DAY0, two processes, including a row at each midnight and
  // the last millisecond before it; the plain table of 003.
  await pool.query(
    `INSERT INTO kubepulse.collector_status (at, pid, database_state, clusters_down, queue_rows, spool_oldest_age_s, status)
     SELECT t, pid, CASE WHEN pid = 7 THEN 'connected' ELSE 'unreachable' END, ARRAY['east'], g, NULL, jsonb_build_object('n', g)
       FROM generate_series(0, 5 * 288 - 1) g, LATERAL (VALUES ($1::timestamptz + g * interval '5 minutes')) v(t), unnest(ARRAY[7, 8]) pid
     UNION ALL SELECT $1::timestamptz + d * interval '1 day' - interval '1 millisecond', 9, 'connected', '{}', 0, 1.5, '{}'::jsonb
       FROM generate_series(1, 5) d`,
    [new Date(DAY0)]);
  const before = await rowsOf(pool);
  assert.equal(before.length, 5 * 288 * 2 + 5);

  await migrate(url);
  assert.deepEqual(await rowsOf(pool), before, 'every row, every column, as it was');
  const kind = await pool.query<{ relkind: string }>("SELECT relkind FROM pg_class WHERE oid = 'kubepulse.collector_status'::regclass");
  assert.equal(kind.rows[0].relkind, 'p');
  const partitions = new PartitionManager(pool);
  const days = await partitions.list('collector_status');
  assert.deepEqual(days.map((p) => p.name), ['01', '02', '03', '04', '05'].map((d) => `collector_status_p202611${d}`), 'a partition per day with rows, no more');
  for (const p of days) {
    assert.equal(p.toMs - p.fromMs, DAY_MS);
    const outside = await pool.query(`SELECT 1 FROM kubepulse."${p.name}" WHERE at < $1 OR at >= $2`, [new Date(p.fromMs), new Date(p.toMs)]);
    assert.equal(outside.rowCount, 0, `${p.name} holds only its day`);
  }
  const first = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM kubepulse.collector_status_p20261101');
  assert.equal(first.rows[0].n, 288 * 2 + 1, 'the first day: its 5-minute rows and its last millisecond, not the next midnight');

  // The writer: a new day gets its partition; a replayed row already stored is ignored.
  const later = DAY0 + 9 * DAY_MS + 7 * HOUR;
  await insertStatusRow(pool, statusAt(later, 7));
  await insertStatusRow(pool, statusAt(later, 7));
  await insertStatusRow(pool, statusAt(later + 15_000, 7));
  const written = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM kubepulse.collector_status_p20261110');
  assert.equal(written.rows[0].n, 2);
  await assert.rejects(insertStatusRow(pool, { ...statusAt(later, 7), at: 'yesterday' }), /'at' must be a timestamp, got "yesterday"/);
  // Another member's retention drops a day this writer has cached; a replayed row of that day recreates it.
  await pool.query('DROP TABLE kubepulse.collector_status_p20261110');
  await insertStatusRow(pool, statusAt(later + 30_000, 8));
  const again = await pool.query<{ pid: number }>('SELECT pid FROM kubepulse.collector_status_p20261110');
  assert.deepEqual(again.rows, [{ pid: 8 }]);
  await insertStatusRow(pool, statusAt(later, 7)); // the two rows the drop took, replayed
  await insertStatusRow(pool, statusAt(later + 15_000, 7));

  // The readers: the health history (viewer, /api/health/history) and the row counts of the status.
  const history = await healthHistory(pool, { from: new Date(DAY0), to: new Date(DAY0 + DAY_MS) });
  // Thinned to 2-minute buckets (a day over 720 points): the 288 five-minute ones and the last millisecond.
  assert.equal(history.length, 289);
  assert.equal(history[0].at, new Date(DAY0).toISOString());
  const recent = await healthHistory(pool, { from: new Date(later - HOUR), to: new Date(later + HOUR) });
  assert.deepEqual(recent.map((p) => p.cyclesOnTime), [null, 1, null], 'the rise since the same process\'s row before (pid 8 has none)');
  await pool.query('ANALYZE kubepulse.collector_status'); // counted from the partitions' statistics where larger than 64 KiB
  assert.equal((await tableRowCounts(pool)).rows.collector_status, before.length + 3);

  // Retention at 3 days, as of 12:00 on day 6: the cutoff is 12:00 on day 3. Days 1 and 2 end before it and
  // are dropped whole; day 3 straddles it and stays (at most a day more than the window); nothing in the
  // window is lost.
  const now = DAY0 + 5 * DAY_MS + 12 * HOUR;
  const m = new StoreMaintenance(pool, { retentionMs: { raw: 400 * DAY_MS, rollup_1m: 400 * DAY_MS, rollup_1h: 400 * DAY_MS, status_history: 3 * DAY_MS } });
  const report = await m.runOnce(now);
  await m.stop();
  assert.equal(report.error, null);
  assert.deepEqual(report.droppedPartitions.filter((p) => p.startsWith('collector_status_')), ['collector_status_p20261101', 'collector_status_p20261102']);
  const kept = await rowsOf(pool);
  const cutoff = now - 3 * DAY_MS;
  const inWindow = before.filter((r) => Date.parse((JSON.parse(r) as { at: string }).at) >= cutoff);
  for (const r of inWindow) assert.ok(kept.includes(r), `kept in the window: ${r}`);
  const oldest = await pool.query<{ at: Date }>('SELECT min(at) AS at FROM kubepulse.collector_status');
  assert.equal(oldest.rows[0].at.getTime(), DAY0 + 2 * DAY_MS, 'day 3 is kept whole, from its midnight');
  // Today's partition and the ones ahead exist for the writers.
  const names = (await partitions.list('collector_status')).map((p) => p.name);
  assert.ok(names.includes('collector_status_p20261106') && names.includes('collector_status_p20261108'), names.join(', '));
});

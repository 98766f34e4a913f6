// The collector_status table: one row per health interval (headline columns + the whole report as
// jsonb). While the database is away the row goes to the spool and is stored on replay, so the history
// covers the outage itself. Daily partitions on `at` (migration 017): a row's day gets its partition
// before the insert, and the maintenance loop drops the days past [retention] status_history whole.
import type pg from 'pg';
import { SCHEMA } from '../store/schema.js';
import { PartitionManager } from '../store/partitions.js';
import type { StatusReport } from './status.js';

export interface StatusRow extends Record<string, unknown> {
  at: string;
  pid: number;
  database_state: string;
  clusters_down: string[];
  nodes_not_reporting: number;
  queue_rows: number;
  spool_bytes: number;
  spool_oldest_age_s: number | null;
  heap_bytes: number;
  rss_bytes: number;
  event_loop_delay_p99_ms: number;
  restarts: number;
  status: StatusReport;
}

/** Pure: the table row of a status report. */
export function statusRow(st: StatusReport): StatusRow {
  return {
    at: st.generatedAt,
    pid: st.collector.pid,
    database_state: st.database.state,
    clusters_down: st.clusters.filter((c) => c.api !== 'healthy' && c.api !== 'degraded').map((c) => c.name),
    nodes_not_reporting: st.clusters.reduce((n, c) => n + c.nodesNotReporting.length, 0),
    queue_rows: st.database.queueRows,
    spool_bytes: st.database.spool.bytes,
    spool_oldest_age_s: st.database.spool.oldestAgeMs === null ? null : st.database.spool.oldestAgeMs / 1000,
    heap_bytes: st.collector.heapBytes,
    rss_bytes: st.collector.rssBytes,
    event_loop_delay_p99_ms: st.collector.eventLoopDelayMs.p99,
    restarts: st.collector.restarts,
    // Not the group's node names (up to 1,000 per cluster, every interval): the counts stay.
    status: st.group ? { ...st, group: { ...st.group, nodes: {} } } : st,
  };
}

const COLUMNS = ['at', 'pid', 'database_state', 'clusters_down', 'nodes_not_reporting', 'queue_rows', 'spool_bytes', 'spool_oldest_age_s', 'heap_bytes', 'rss_bytes', 'event_loop_delay_p99_ms', 'restarts', 'status'] as const;

export const STATUS_TABLE = 'collector_status';

/**
 * The status partitions of a pool: one manager per pool, shared by the writers and the retention, so a
 * partition the retention drops leaves the cache the inserts rely on.
 */
const partitionsByPool = new WeakMap<pg.Pool, PartitionManager>();
export function statusPartitions(pool: pg.Pool): PartitionManager {
  let m = partitionsByPool.get(pool);
  if (!m) partitionsByPool.set(pool, (m = new PartitionManager(pool)));
  return m;
}

/** `at` of a row as written (an ISO string) or replayed from the spool; a clear error otherwise. */
function rowTimeMs(row: Record<string, unknown>): number {
  const at = row.at;
  const ms = at instanceof Date ? at.getTime() : typeof at === 'string' ? Date.parse(at) : NaN;
  if (!Number.isFinite(ms)) throw new Error(`collector_status row: 'at' must be a timestamp, got ${JSON.stringify(at)}`);
  return ms;
}

/** PostgreSQL's "no partition of relation found for row" (a check violation, by its message). */
const isNoPartition = (err: unknown): boolean =>
  (err as { code?: string }).code === '23514' && /no partition of relation/.test((err as Error).message);

/** Inserts a row (a replayed row already stored is ignored: primary key at + pid). */
export async function insertStatusRow(pool: pg.Pool, row: Record<string, unknown>): Promise<void> {
  const partitions = statusPartitions(pool);
  const atMs = rowTimeMs(row);
  await partitions.ensureFor(STATUS_TABLE, [atMs]);
  const insert = () => pool.query(
    `INSERT INTO ${SCHEMA}.collector_status (${COLUMNS.join(', ')})
     VALUES (${COLUMNS.map((c, i) => (c === 'status' ? `$${i + 1}::jsonb` : `$${i + 1}`)).join(', ')})
     ON CONFLICT DO NOTHING`,
    COLUMNS.map((c) => (c === 'status' ? JSON.stringify(row[c]) : row[c])),
  );
  try {
    await insert();
  } catch (err) {
    // Another collector of the group dropped the day meanwhile (its retention; a replayed old row): the
    // cache is refreshed from PostgreSQL, the day created again (its retention drops it next pass).
    if (!isNoPartition(err)) throw err;
    await partitions.list(STATUS_TABLE);
    await partitions.ensureFor(STATUS_TABLE, [atMs]);
    await insert();
  }
}

/**
 * [retention] status_history: drops the days whose whole range is older than `retentionMs` before `nowMs`
 * (the day straddling the cutoff stays until it has passed: at most a day more than the window). Returns
 * the partitions dropped.
 */
export function dropStatusPartitions(pool: pg.Pool, retentionMs: number, nowMs = Date.now()): Promise<string[]> {
  return statusPartitions(pool).applyRetention({ [STATUS_TABLE]: retentionMs }, nowMs);
}

// The collector_status table: one row per health interval (headline columns + the whole report as
// jsonb). While the database is away the row goes to the spool and is stored on replay, so the history
// covers the outage itself. The maintenance loop deletes old rows ([retention] status_history).
import type pg from 'pg';
import { SCHEMA } from '../store/schema.js';
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

/** Inserts a row (a replayed row already stored is ignored: primary key at + pid). */
export async function insertStatusRow(pool: pg.Pool, row: Record<string, unknown>): Promise<void> {
  await pool.query(
    `INSERT INTO ${SCHEMA}.collector_status (${COLUMNS.join(', ')})
     VALUES (${COLUMNS.map((c, i) => (c === 'status' ? `$${i + 1}::jsonb` : `$${i + 1}`)).join(', ')})
     ON CONFLICT DO NOTHING`,
    COLUMNS.map((c) => (c === 'status' ? JSON.stringify(row[c]) : row[c])),
  );
}

/** Deletes history older than `retentionMs` before `nowMs` ([retention] status_history); returns the rows deleted. */
export async function pruneStatusRows(pool: pg.Pool, retentionMs: number, nowMs = Date.now()): Promise<number> {
  const r = await pool.query(`DELETE FROM ${SCHEMA}.collector_status WHERE at < $1`, [new Date(nowMs - retentionMs)]);
  return r.rowCount ?? 0;
}

// What happened in a time range: the inventory's changes (from the change log: what was added, changed,
// deleted, newest first, with counts per kind), and per cluster the warnings, OOM kills and restarts.
import type pg from 'pg';
import type { TimeRange } from './params.js';
import { restartsSql } from './top-queries.js';

const S = 'kubepulse';
const iso = (v: Date | null): string | null => (v ? new Date(v).toISOString() : null);

/**
 * An event `alias` seen during the range whose bounds are the statement's parameters `fromParam` and
 * `toParam`: first seen before the range ends and last seen after it starts. The events page, the node and
 * pod pages' own events and the overview's warning counts all use it, so a count and its list agree.
 * Kubernetes deletes events after an hour; the rows it deleted still count for the time they were seen.
 */
export function eventSeenSql(alias: string, fromParam: string, toParam: string): string {
  const a = alias ? `${alias}.` : '';
  return `coalesce(${a}first_time, ${a}last_time, ${a}created_at) < ${toParam} AND coalesce(${a}last_time, ${a}first_time, ${a}created_at) >= ${fromParam}`;
}

/** Kinds whose changes are noise on the overview: events are shown as events, endpoints follow pods. */
const QUIET_KINDS = ['event', 'endpointslice'];

interface ChangeRow {
  cluster: string; kind: string; namespace: string | null; name: string; op: string; at: string | null;
  /** For updates, the changed fields (top-level paths of the diff), at most 6. */
  fields: string[];
}

export interface RecentChanges {
  counts: Array<{ kind: string; op: string; count: number }>;
  rows: ChangeRow[];
}

export async function recentChanges(pool: pg.Pool, range: TimeRange, limit: number, clusterId?: number, kind?: string): Promise<RecentChanges> {
  const params: unknown[] = [range.from, range.to, QUIET_KINDS];
  const where = ['l.at >= $1', 'l.at < $2', 'NOT (l.kind = ANY ($3))'];
  if (clusterId !== undefined) where.push(`l.cluster_id = $${params.push(clusterId)}`);
  if (kind !== undefined) where.push(`l.kind = $${params.push(kind)}`);
  const [counts, rows] = await Promise.all([
    pool.query<{ kind: string; op: string; n: string }>(
      `SELECT l.kind, l.op, count(*) AS n FROM ${S}.change_log l WHERE ${where.join(' AND ')} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, [...params]),
    pool.query<{ cluster: string; kind: string; namespace: string | null; name: string; op: string; at: Date | null; fields: string[] | null }>(
      `SELECT c.name AS cluster, l.kind, l.namespace, l.name, l.op, l.at,
              CASE WHEN l.op = 'update' AND jsonb_typeof(l.changed) = 'object'
                   THEN (SELECT array_agg(k ORDER BY k) FROM (SELECT k FROM jsonb_object_keys(l.changed) k LIMIT 6) x) END AS fields
         FROM ${S}.change_log l JOIN ${S}.cluster c ON c.id = l.cluster_id
        WHERE ${where.join(' AND ')} ORDER BY l.at DESC, l.id DESC LIMIT $${params.length + 1}`, [...params, limit]),
  ]);
  return {
    counts: counts.rows.map((x) => ({ kind: x.kind, op: x.op, count: Number(x.n) })),
    rows: rows.rows.map((x) => ({ cluster: x.cluster, kind: x.kind, namespace: x.namespace, name: x.name, op: x.op, at: iso(x.at), fields: x.fields ?? [] })),
  };
}

export interface ClusterIncidents {
  cluster: string;
  /** Warning events seen in the range (each event once, however often it repeated). */
  warnings: number;
  /** The most frequent warning reasons in the range, by repetitions. */
  warningReasons: Array<{ reason: string; count: number }>;
  /** Containers whose last termination in the range was an OOM kill, plus OOM events of the range. */
  oomKills: number;
  /** The rise of pods' restart counts over the range (change log). */
  restarts: number;
  podsRestarted: number;
}

export async function incidents(pool: pg.Pool, range: TimeRange, clusterId?: number): Promise<ClusterIncidents[]> {
  const params: unknown[] = [range.from, range.to, clusterId ?? null];
  const r = await pool.query<{ cluster: string; warnings: string | null; reasons: Array<{ reason: string; count: number }> | null; ooms: string | null; oom_events: string | null; restarts: string | null; restarted: string | null }>(
    `WITH w AS (
       SELECT cluster_id, count(*) AS warnings FROM ${S}.event
        WHERE type = 'Warning' AND ${eventSeenSql('', '$1', '$2')}
          AND ($3::integer IS NULL OR cluster_id = $3) GROUP BY 1),
     wr AS (
       SELECT cluster_id, jsonb_agg(jsonb_build_object('reason', reason, 'count', n) ORDER BY n DESC) AS reasons FROM (
         SELECT cluster_id, reason, sum(coalesce(count, 1)) AS n, row_number() OVER (PARTITION BY cluster_id ORDER BY sum(coalesce(count, 1)) DESC) AS rk
           FROM ${S}.event WHERE type = 'Warning' AND ${eventSeenSql('', '$1', '$2')}
            AND ($3::integer IS NULL OR cluster_id = $3) GROUP BY 1, 2) x WHERE rk <= 6 GROUP BY 1),
     o AS (
       SELECT cluster_id, count(*) AS ooms FROM ${S}.container
        WHERE last_termination_reason = 'OOMKilled' AND last_terminated_at >= $1 AND last_terminated_at < $2 AND ($3::integer IS NULL OR cluster_id = $3) GROUP BY 1),
     oe AS (
       SELECT cluster_id, sum(coalesce(count, 1)) AS oom_events FROM ${S}.event
        WHERE reason IN ('OOMKilling', 'SystemOOM') AND ${eventSeenSql('', '$1', '$2')}
          AND ($3::integer IS NULL OR cluster_id = $3) GROUP BY 1),
     r AS (
       SELECT cluster_id, sum(restarts) AS restarts, count(*) FILTER (WHERE restarts > 0) AS restarted FROM (${restartsSql(params, range, clusterId)}) x GROUP BY 1)
     SELECT c.name AS cluster, w.warnings, wr.reasons, o.ooms, oe.oom_events, r.restarts, r.restarted
       FROM ${S}.cluster c LEFT JOIN w ON w.cluster_id = c.id LEFT JOIN wr ON wr.cluster_id = c.id LEFT JOIN o ON o.cluster_id = c.id
       LEFT JOIN oe ON oe.cluster_id = c.id LEFT JOIN r ON r.cluster_id = c.id
      WHERE $3::integer IS NULL OR c.id = $3 ORDER BY c.name`,
    params,
  );
  return r.rows.map((x) => ({
    cluster: x.cluster, warnings: Number(x.warnings ?? 0), warningReasons: (x.reasons ?? []).map((y) => ({ reason: y.reason, count: Number(y.count) })),
    oomKills: Number(x.ooms ?? 0) + Number(x.oom_events ?? 0), restarts: Number(x.restarts ?? 0), podsRestarted: Number(x.restarted ?? 0),
  }));
}

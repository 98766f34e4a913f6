// A pod's life for its charts: when its samples start and end (a finished pod's charts show that span
// rather than an empty recent range), and its restarts and OOM kills as markers. A restart is known two
// ways: the container's last termination (time, reason, exit code: only the latest per container) and
// the change log's restart counts (every rise, at the time the collector saw it, without a reason). The
// second fills in what the first no longer holds; a rise seen shortly after a known termination is that
// termination, not another.
import type pg from 'pg';

const S = 'kubepulse';
const iso = (v: Date | null): string | null => (v ? new Date(v).toISOString() : null);

/** A rise of the restart count seen this long after a recorded termination is that same restart. */
const SAME_RESTART_MS = 120_000;

interface RestartMarker {
  at: string;
  container: string | null;
  /** `oom` for an OOM kill, else `restart`. */
  kind: 'oom' | 'restart';
  reason: string | null;
  exitCode: number | null;
  /** Restarts this marker stands for (a rise of several between two logged states). */
  count: number;
}

export interface PodLifecycle {
  firstSampleAt: string | null;
  lastSampleAt: string | null;
  markers: RestartMarker[];
}

export async function podLifecycle(pool: pg.Pool, clusterId: number, podUid: string): Promise<PodLifecycle> {
  const [span, terminations, rises] = await Promise.all([
    pool.query<{ first: Date | null; last: Date | null }>(
      `SELECT min(ts) AS first, max(ts) AS last FROM ${S}.pod_metric WHERE cluster_id = $1 AND pod_uid = $2`, [clusterId, podUid]),
    pool.query<{ container: string; reason: string | null; exit_code: number | null; at: Date }>(
      `SELECT container, last_termination_reason AS reason, last_termination_exit_code AS exit_code, last_terminated_at AS at
         FROM ${S}.container WHERE cluster_id = $1 AND pod_uid = $2 AND last_terminated_at IS NOT NULL`, [clusterId, podUid]),
    pool.query<{ at: Date; rise: number }>(
      `SELECT at, rise FROM (
         SELECT at, (state->>'restart_count')::int - lag((state->>'restart_count')::int) OVER (ORDER BY at, id) AS rise
           FROM ${S}.change_log WHERE cluster_id = $1 AND kind = 'pod' AND uid = $2 AND state IS NOT NULL) x
        WHERE rise > 0 ORDER BY at LIMIT 500`, [clusterId, podUid]),
  ]);
  const markers: RestartMarker[] = terminations.rows.map((t) => ({
    at: iso(t.at)!, container: t.container, kind: t.reason === 'OOMKilled' ? 'oom' : 'restart', reason: t.reason, exitCode: t.exit_code, count: 1,
  }));
  const known = markers.map((m) => Date.parse(m.at));
  for (const r of rises.rows) {
    const at = new Date(r.at).getTime();
    const covered = known.some((k) => at >= k && at - k <= SAME_RESTART_MS);
    const rest = covered ? r.rise - 1 : r.rise;
    if (rest > 0) markers.push({ at: iso(r.at)!, container: null, kind: 'restart', reason: null, exitCode: null, count: rest });
  }
  markers.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { firstSampleAt: iso(span.rows[0]?.first ?? null), lastSampleAt: iso(span.rows[0]?.last ?? null), markers };
}

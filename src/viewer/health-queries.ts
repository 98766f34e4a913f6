// Whether the collector keeps up, over time: from the collector_status history (one row per health
// interval, the whole status report in `status`). Scrape cycles are cumulative counters in the report:
// each row's cycles on time and late are the rise since the row before (of the same process; a restart
// starts the counters again). Ingest lag is how far the newest kubelet sample was behind the report.
import type pg from 'pg';
import type { TimeRange } from './params.js';

const S = 'kubepulse';

interface ScrapeCounters { cyclesOnTime?: number; cyclesLate?: number; latencyMs?: { p50: number | null; max: number | null } }
interface StatusJson {
  clusters?: Array<{ name: string; lastSampleAt: string | null; scrapes?: Record<string, ScrapeCounters> }>;
  database?: { rowsPerSecond?: number; writeLatencyMs?: number | null };
}

export interface HealthPoint {
  at: string;
  databaseState: string;
  queueRows: number;
  spoolBytes: number;
  rssBytes: number | null;
  eventLoopDelayP99Ms: number | null;
  nodesNotReporting: number;
  rowsPerSecond: number | null;
  writeLatencyMs: number | null;
  /** Over all clusters and sources, since the previous point (null on a process's first). */
  cyclesOnTime: number | null;
  cyclesLate: number | null;
  /** The worst median and worst maximum of the last scrape latencies over clusters and sources. */
  scrapeLatencyP50Ms: number | null;
  scrapeLatencyMaxMs: number | null;
  /** Seconds the newest sample was behind the report, the worst cluster. */
  ingestLagS: number | null;
}

/** Evenly thinned to about this many rows: a 30-day range of 15 s rows would be 170,000. */
const MAX_POINTS = 720;

export async function healthHistory(pool: pg.Pool, range: TimeRange): Promise<HealthPoint[]> {
  const span = (range.to.getTime() - range.from.getTime()) / 1000;
  const r = await pool.query<{
    at: Date; pid: number; database_state: string; queue_rows: string; spool_bytes: string; rss_bytes: string | null;
    event_loop_delay_p99_ms: number | null; nodes_not_reporting: number; status: StatusJson; prev: StatusJson | null;
  }>(
    `SELECT at, pid, database_state, queue_rows, spool_bytes, rss_bytes, event_loop_delay_p99_ms, nodes_not_reporting, status,
            lag(status) OVER (PARTITION BY pid ORDER BY at) AS prev FROM (
       SELECT *, row_number() OVER (PARTITION BY floor(extract(epoch FROM at) / $3) ORDER BY at DESC) AS rk
         FROM ${S}.collector_status WHERE at >= $1 AND at < $2) x
      WHERE rk = 1 ORDER BY at`,
    [range.from, range.to, Math.max(1, span / MAX_POINTS)],
  );
  return r.rows.map((x) => {
    const at = new Date(x.at);
    const cycles = (s: StatusJson | null, key: 'cyclesOnTime' | 'cyclesLate'): number =>
      (s?.clusters ?? []).reduce((n, c) => n + Object.values(c.scrapes ?? {}).reduce((m, sc) => m + (sc[key] ?? 0), 0), 0);
    const latencies = (x.status.clusters ?? []).flatMap((c) => Object.values(c.scrapes ?? {}).map((sc) => sc.latencyMs)).filter((l) => l !== undefined);
    const worst = (vals: Array<number | null>): number | null => (vals.some((v) => v !== null) ? Math.max(...vals.filter((v): v is number => v !== null)) : null);
    const lags = (x.status.clusters ?? []).filter((c) => c.lastSampleAt).map((c) => Math.max(0, (at.getTime() - Date.parse(c.lastSampleAt!)) / 1000));
    const rise = (key: 'cyclesOnTime' | 'cyclesLate'): number | null => (x.prev ? Math.max(0, cycles(x.status, key) - cycles(x.prev, key)) : null);
    return {
      at: at.toISOString(), databaseState: x.database_state, queueRows: Number(x.queue_rows), spoolBytes: Number(x.spool_bytes),
      rssBytes: x.rss_bytes === null ? null : Number(x.rss_bytes), eventLoopDelayP99Ms: x.event_loop_delay_p99_ms, nodesNotReporting: x.nodes_not_reporting,
      rowsPerSecond: x.status.database?.rowsPerSecond ?? null, writeLatencyMs: x.status.database?.writeLatencyMs ?? null,
      cyclesOnTime: rise('cyclesOnTime'), cyclesLate: rise('cyclesLate'),
      scrapeLatencyP50Ms: worst(latencies.map((l) => l.p50)), scrapeLatencyMaxMs: worst(latencies.map((l) => l.max)),
      ingestLagS: lags.length ? Math.max(...lags) : null,
    };
  });
}

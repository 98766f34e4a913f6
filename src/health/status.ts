// The status model behind /api/status, `kubepulse status`, /metrics and the collector_status table:
// every cluster (API health, watches, per-node scrapes), the database (state, write latency, rows/s,
// queue and spool, disk, partitions ahead), and the collector process itself (memory, event loop,
// watchdog restarts with their reasons).
import type { ClusterStatus } from '../collector/cluster-collector.js';
import type { Database, DatabaseStatus } from '../store/database.js';
import type { SpoolStats } from '../store/spool.js';
import type { ReplayCounts } from '../store/spool-replay.js';
import type { RestartReason } from '../supervisor/policy.js';
import { packageVersion } from '../util/package-version.js';
import type { GroupStatus } from '../group/group-status.js';

interface CollectorStatus {
  pid: number;
  uptimeS: number;
  heapBytes: number;
  rssBytes: number;
  /** Event-loop delay since the previous refresh (ms): a blocked loop shows here before the watchdog acts. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Whether a watchdog supervises this process (false under --no-watchdog). */
  watchdog: boolean;
  restarts: number;
  /** The watchdog's most recent restarts, newest last (bounded). */
  restartReasons: RestartReason[];
  version: string;
  ingest: Record<string, number>;
}

export interface DiskUsage {
  path: string;
  usedBytes: number | null;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
}

interface DatabaseHealth extends DatabaseStatus {
  /** Metric rows stored per second since the previous refresh. */
  rowsPerSecond: number;
  queueRows: number;
  queueMaxRows: number;
  spool: SpoolStats & { replay: ReplayCounts; dir: string };
  /** The embedded server's data folder (null with an external database). */
  dataDir: DiskUsage | null;
  /** Daily raw partitions that exist after today's (null when unknown: database away). */
  partitionsAhead: number | null;
}

export interface StatusReport {
  generatedAt: string;
  clusters: ClusterStatus[];
  database: DatabaseHealth;
  collector: CollectorStatus;
  /** The collector group (src/group/): members, what each owns, leases, takeovers; null when [group] is off. */
  group?: GroupStatus | null;
}

export interface StatusSources {
  clusters: ClusterStatus[];
  db: Database;
  pipeline: { counters(): Record<string, number> };
  startedAt: number;
  /** The parts measured elsewhere (see Collector.refreshStatus). */
  database: Omit<DatabaseHealth, keyof DatabaseStatus>;
  eventLoopDelayMs: CollectorStatus['eventLoopDelayMs'];
  watchdog: { supervised: boolean; restarts: number; restartReasons: RestartReason[] };
  group?: GroupStatus | null;
}

export async function buildStatus(s: StatusSources): Promise<StatusReport> {
  const mem = process.memoryUsage();
  return {
    generatedAt: new Date().toISOString(),
    clusters: s.clusters,
    database: { ...(await s.db.status()), ...s.database },
    collector: {
      pid: process.pid,
      uptimeS: Math.round((Date.now() - s.startedAt) / 1000),
      heapBytes: mem.heapUsed,
      rssBytes: mem.rss,
      eventLoopDelayMs: s.eventLoopDelayMs,
      watchdog: s.watchdog.supervised,
      restarts: s.watchdog.restarts,
      restartReasons: s.watchdog.restartReasons,
      version: packageVersion,
      ingest: s.pipeline.counters(),
    },
    group: s.group ?? null,
  };
}

/** Pure: whether the collector is ready (database writable, at least one cluster collecting), and why not. */
export function readiness(st: Pick<StatusReport, 'clusters' | 'database'>): { ready: boolean; reason: string } {
  const collecting = st.clusters.some((c) => c.api === 'healthy' || c.api === 'degraded');
  const dbOk = st.database.state === 'connected';
  const why: string[] = [];
  if (!dbOk) why.push(`database ${st.database.state}${st.database.lastError ? ` (${st.database.lastError})` : ''}`);
  if (!collecting) why.push(st.clusters.length ? `no cluster collecting (${st.clusters.map((c) => `${c.name}: ${c.api}`).join(', ')})` : 'no cluster configured');
  return { ready: dbOk && collecting, reason: why.length ? `not ready: ${why.join('; ')}` : 'ready' };
}

/** What `kubepulse status` shows: the running collector's report, or the part the database alone knows. */
export interface StatusSummary {
  clusters: Array<Partial<ClusterStatus> & { name: string }>;
  database: Partial<DatabaseHealth> & { state: string; rows?: Record<string, number> };
}

/** The status as a table for `kubepulse status` without --json. */
export function formatStatusTable(st: StatusSummary): string {
  const lines: string[] = [];
  const head = ['CLUSTER', 'API', 'NODES', 'PODS', 'LAST SAMPLE'];
  const rows = st.clusters.map((c) => [c.name, c.api ?? '-', String(c.nodes ?? '-'), String(c.pods ?? '-'), c.lastSampleAt ?? 'never']);
  lines.push(...table([head, ...rows]));
  lines.push('');
  lines.push(`DATABASE  ${st.database.state}${st.database.lastError ? ` (${st.database.lastError})` : ''}`);
  if (st.database.spool && st.database.spool.segments > 0) {
    lines.push(`SPOOL     ${st.database.spool.bytes} bytes waiting, oldest ${Math.round((st.database.spool.oldestAgeMs ?? 0) / 1000)} s`);
  }
  const counts = Object.entries(st.database.rows ?? {});
  if (counts.length) lines.push(...table([['TABLE', 'ROWS'], ...counts.map(([t, n]) => [t, String(n)])]));
  return lines.join('\n') + '\n';
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

// The status model behind /api/status and `kubepulse status`: every cluster (API health, inventory
// size, last sample), the database (state, row counts), and the collector process itself.
import type { ClusterStatus } from '../collector/cluster-collector.js';
import type { Database, DatabaseStatus } from '../collector/database.js';

export interface CollectorStatus {
  pid: number;
  uptimeS: number;
  heapBytes: number;
  rssBytes: number;
  restarts: number;
  version: string;
  ingest: Record<string, number>;
}

export interface StatusReport {
  generatedAt: string;
  clusters: ClusterStatus[];
  database: DatabaseStatus;
  collector: CollectorStatus;
}

export interface StatusSources {
  clusters: ClusterStatus[];
  db: Database;
  pipeline: { counters(): Record<string, number> };
  startedAt: number;
}

export async function buildStatus(s: StatusSources): Promise<StatusReport> {
  const mem = process.memoryUsage();
  return {
    generatedAt: new Date().toISOString(),
    clusters: s.clusters,
    database: await s.db.status(),
    collector: {
      pid: process.pid,
      uptimeS: Math.round((Date.now() - s.startedAt) / 1000),
      heapBytes: mem.heapUsed,
      rssBytes: mem.rss,
      restarts: Number(process.env.KUBEPULSE_WORKER_RESTARTS ?? 0),
      version: process.env.npm_package_version ?? '',
      ingest: s.pipeline.counters(),
    },
  };
}

/** The status as a table for `kubepulse status` without --json. */
export function formatStatusTable(st: { clusters: Array<Partial<ClusterStatus> & { name: string }>; database: Partial<DatabaseStatus> & { state: string; rows?: Record<string, number> } }): string {
  const lines: string[] = [];
  const head = ['CLUSTER', 'API', 'NODES', 'PODS', 'LAST SAMPLE'];
  const rows = st.clusters.map((c) => [c.name, c.api ?? '-', String(c.nodes ?? '-'), String(c.pods ?? '-'), c.lastSampleAt ?? 'never']);
  lines.push(...table([head, ...rows]));
  lines.push('');
  lines.push(`DATABASE  ${st.database.state}${st.database.lastError ? ` (${st.database.lastError})` : ''}`);
  const counts = Object.entries(st.database.rows ?? {});
  if (counts.length) lines.push(...table([['TABLE', 'ROWS'], ...counts.map(([t, n]) => [t, String(n)])]));
  return lines.join('\n') + '\n';
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

// `kubepulse status [--json]`: asks the running collector (GET /api/status); when none answers, reads
// what the database knows (clusters, inventory sizes, last samples), starting the embedded server if the
// config uses it.
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { openDatabase } from '../collector/open-database.js';
import { formatStatusTable, type StatusSummary } from '../health/status.js';
import { configureLogging } from '../log.js';
import { SCHEMA } from '../store/schema.js';

export async function statusCommand(o: { config?: string; json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const cfg = loadConfig(o.config);
  configureLogging({ level: 'warn', console: 'off' });
  let st = await fromCollector(cfg);
  if (!st) st = await fromDatabase(cfg);
  out.write(o.json ? `${JSON.stringify(st, null, 2)}\n` : formatStatusTable(st));
  return 0;
}

/** The summary with where it came from: 'collector', 'database' or 'none' (database unreachable). */
type SourcedStatus = StatusSummary & { source: string };

async function fromCollector(cfg: Config): Promise<SourcedStatus | null> {
  const listen = cfg.server.listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  try {
    const res = await fetch(`http://${listen}/api/status`, {
      headers: cfg.server.token ? { authorization: `Bearer ${cfg.server.token}` } : {},
      signal: AbortSignal.timeout(3000),
    });
    if (!res.ok) return null;
    // Our own /api/status answers a StatusReport, which has every field of the summary.
    return { source: 'collector', ...((await res.json()) as StatusSummary) };
  } catch {
    return null;
  }
}

async function fromDatabase(cfg: Config): Promise<SourcedStatus> {
  let db: Database;
  try {
    db = await openDatabase(cfg);
  } catch (e) {
    return { source: 'none', clusters: [], database: { state: 'unreachable', lastError: (e as Error).message, rows: {} } };
  }
  try {
    const r = await db.pool.query<{ name: string; nodes: string; pods: string; last: Date | null }>(
      `SELECT c.name,
              (SELECT count(*) FROM ${SCHEMA}.node n WHERE n.cluster_id = c.id AND n.deleted_at IS NULL) AS nodes,
              (SELECT count(*) FROM ${SCHEMA}.pod p WHERE p.cluster_id = c.id AND p.deleted_at IS NULL) AS pods,
              (SELECT max(ts) FROM ${SCHEMA}.node_metric m WHERE m.cluster_id = c.id) AS last
         FROM ${SCHEMA}.cluster c ORDER BY c.name`,
    );
    return {
      source: 'database',
      clusters: r.rows.map((x) => ({
        name: x.name,
        // No collector runs, so nobody is probing the API server right now.
        api: 'unknown',
        nodes: Number(x.nodes),
        pods: Number(x.pods),
        lastSampleAt: x.last ? x.last.toISOString() : null,
      })),
      database: await db.status(),
    };
  } finally {
    await db.close();
  }
}

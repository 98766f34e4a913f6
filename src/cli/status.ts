// `kubepulse status [--json]`: asks the running collector (GET /api/status, at the address its data
// folder's owner file names, else the configured one); when it does not answer, reads what the database
// knows (clusters, inventory sizes, last samples) from the running server, never migrating, stopping or
// starting one. With the embedded database and no process owning it, nothing runs: it says so (exit 3).
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { attachToRunningDatabase, embeddedOwner } from '../collector/open-database.js';
import { describeOwner, type DataDirOwner } from '../store/embedded-owner.js';
import { formatStatusTable, type StatusSummary } from '../health/status.js';
import { configureLogging, maskDatabaseUrl, scrub } from '../log.js';
import { SCHEMA } from '../store/schema.js';
import { resolve } from 'node:path';
import { loadConfigOrReport } from './lifecycle.js';

/** Exit code when no collector runs (as LSB init scripts say "program is not running"). */
export const NOT_RUNNING_EXIT_CODE = 3;

export async function statusCommand(o: { config?: string; json?: boolean }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const cfg = loadConfigOrReport(o.config);
  if (!cfg) return 2;
  configureLogging({ level: 'warn', console: 'off' });
  const owner = await embeddedOwner(cfg);
  const asked = await fromCollector(cfg, owner);
  let st: SourcedStatus | null = asked.status;
  if (!st) st = await fromDatabase(cfg, owner, asked.why);
  if (!st) {
    const dataDir = resolve(cfg.database.data_dir);
    const message = `no collector is running: no process owns the embedded database in ${dataDir}, and nothing answers at http://${localAddress(cfg.server.listen)} (start one with: kubepulse run)`;
    out.write(o.json ? `${JSON.stringify({ source: 'none', running: false, message, clusters: [], database: { state: 'stopped', rows: {} } }, null, 2)}\n` : `${message}\n`);
    return NOT_RUNNING_EXIT_CODE;
  }
  if (o.json) out.write(`${JSON.stringify(st, null, 2)}\n`);
  else out.write((st.note ? `${st.note}\n\n` : '') + formatStatusTable(st));
  return 0;
}

/** The summary with where it came from: 'collector', 'database' or 'none' (database unreachable). */
type SourcedStatus = StatusSummary & { source: string; note?: string };

/** Loopback in place of a wildcard listen address: where a local command reaches the server. */
function localAddress(listen: string): string {
  return listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}

async function fromCollector(cfg: Config, owner: DataDirOwner | null): Promise<{ status: SourcedStatus | null; why: string }> {
  const addresses = [...new Set([owner?.http, localAddress(cfg.server.listen)].filter((a): a is string => !!a).map(localAddress))];
  const why: string[] = [];
  for (const address of addresses) {
    try {
      const res = await fetch(`http://${address}/api/status`, {
        headers: cfg.server.token ? { authorization: `Bearer ${cfg.server.token}` } : {},
        signal: AbortSignal.timeout(3000),
      });
      if (res.ok) {
        // Our own /api/status answers a StatusReport, which has every field of the summary.
        return { status: { source: 'collector', ...((await res.json()) as StatusSummary) }, why: '' };
      }
      why.push(`http://${address}/api/status answered ${res.status}${res.status === 401 ? ' (check server.token)' : ''}`);
    } catch (e) {
      why.push(`http://${address}/api/status: ${(e as Error).message}`);
    }
  }
  return { status: null, why: why.join('; ') };
}

async function fromDatabase(cfg: Config, owner: DataDirOwner | null, why: string): Promise<SourcedStatus | null> {
  let db: Database | null;
  try {
    db = await attachToRunningDatabase(cfg);
  } catch (e) {
    const url = cfg.database.url ? maskDatabaseUrl(cfg.database.url) : 'the embedded database';
    return { source: 'none', clusters: [], database: { state: 'unreachable', lastError: scrub(`${url}: ${(e as Error).message}`), rows: {} } };
  }
  if (!db) return null;
  const note = owner
    ? `kubepulse status: ${describeOwner(owner)} owns the database but its status did not answer (${why}); read from the database`
    : undefined;
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
      ...(note ? { note } : {}),
      clusters: r.rows.map((x) => ({
        name: x.name,
        // No collector answered, so nobody is probing the API server for this command.
        api: 'unknown',
        nodes: Number(x.nodes),
        pods: Number(x.pods),
        lastSampleAt: x.last ? x.last.toISOString() : null,
      })),
      database: await db.status(),
    };
  } catch (e) {
    return { source: 'database', ...(note ? { note } : {}), clusters: [], database: { state: 'connected', lastError: scrub((e as Error).message), rows: {} } };
  } finally {
    await db.close();
  }
}

// `kubepulse view`: the viewer against a database alone — no collection. For looking at what a collector
// elsewhere stored (or stored before it stopped). The same server rules apply: loopback by default, a
// token required to listen anywhere else (the config check enforces it).
import { loadConfig } from '../config/load.js';
import { openDatabase } from '../collector/open-database.js';
import { HttpServer } from '../server/http-server.js';
import { registerViewer } from '../viewer/api.js';
import { log, registerSecret } from '../log.js';
import type { StatusReport } from '../health/status.js';
import { recordOwnerHttp } from '../store/embedded-owner.js';
import { loadConfigOrReport, onStopSignal, setUpLogging } from './lifecycle.js';

export interface ViewOptions {
  config?: string;
}

export interface ViewServer {
  address: string;
  stop(): Promise<void>;
}

/** Starts the viewer-only server (exported for tests); the status has the database and no clusters. */
export async function startViewServer(cfg: ReturnType<typeof loadConfig>): Promise<ViewServer> {
  registerSecret(cfg.server.token);
  // Beside a running collector: its server, not migrated or stopped by this command.
  const db = await openDatabase(cfg, undefined, { access: 'attach', what: 'kubepulse view' });
  const server = new HttpServer({ listen: cfg.server.listen, token: cfg.server.token || undefined });
  let cached: StatusReport | null = null;
  const status = async (): Promise<StatusReport> => {
    // No collector runs here: no queue, spool or process figures, only what the database says.
    const database = { ...(await db.status()), rowsPerSecond: 0, queueRows: 0, queueMaxRows: 0, spool: null, dataDir: null, partitionsAhead: null };
    const report = { generatedAt: new Date().toISOString(), clusters: [], database, collector: null } as unknown as StatusReport;
    cached = report;
    return report;
  };
  server.route('/healthz', () => ({ text: 'ok' }));
  server.route('/api/status', async () => ({ json: await status() }));
  const viewer = registerViewer(server, { pool: db.pool, status, statusNow: () => cached });
  try {
    await server.start();
  } catch (e) {
    await db.close();
    throw e;
  }
  return {
    address: server.address,
    stop: async () => {
      viewer.stop();
      await server.stop();
      await db.close();
    },
  };
}

export async function viewCommand(o: ViewOptions): Promise<number> {
  const cfg = loadConfigOrReport(o.config);
  if (!cfg) return 2;
  setUpLogging(cfg);
  const v = await startViewServer(cfg);
  await recordOwnerHttp(v.address); // when this command started the embedded server, it owns it
  log('viewer').info({ http: `http://${v.address}` }, 'kubepulse viewer running (no collection)');
  return onStopSignal(() => v.stop());
}

// `kubepulse demo`: everything on one machine with no set-up — the embedded PostgreSQL, two simulated
// clusters (their own CA, token and kubeconfig), and the collector collecting both. Prints how to look
// at the data, and stops it all (PostgreSQL too) on Ctrl-C.
import { mkdirSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { Collector } from '../collector/collector.js';
import { log, registerSecret } from '../log.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { loadConfigOrReport, onStopSignal, refuseToStart, reportStartError, setUpLogging, superviseUnlessWorker } from './lifecycle.js';
import { claimOwnership, recordOwnerHttp, rememberClaim, forgetClaim, type OwnerClaim } from '../store/embedded-owner.js';
import { embeddedOwner } from '../collector/open-database.js';
import { DataDirInUseError } from '../store/embedded-owner.js';
import { EXAMPLE_QUERIES } from './example-queries.js';

/** In .kubepulse: names the running demo, whose kubeconfig a second demo must not overwrite. */
const DEMO_OWNER_FILE = 'demo-owner.json';

export interface DemoOptions {
  config?: string;
  nodes?: string;
  podsPerNode?: string;
  watchdog?: boolean;
}

export async function demoCommand(o: DemoOptions): Promise<number> {
  const base = loadConfigOrReport(o.config);
  if (!base) return 2;
  setUpLogging(base);
  // The demo's clusters are its own: only the address, folders and database are checked.
  const refused = await refuseToStart(base, o.config || process.env.KUBEPULSE_CONFIG || 'configuration', { clusters: false });
  if (refused !== null) return refused;
  const supervised = await superviseUnlessWorker(base, o.watchdog);
  if (supervised !== null) return supervised;
  const nodes = positiveInt(o.nodes ?? '3', '--nodes');
  const podsPerNode = positiveInt(o.podsPerNode ?? '8', '--pods-per-node');
  const sims: SimCluster[] = [];
  let collector: Collector | null = null;
  let lock: OwnerClaim | null = null;
  const dir = resolve('.kubepulse');
  const stopAll = async () => {
    await collector?.stop();
    await Promise.all(sims.map((s) => s.stop()));
    forgetClaim(dir, DEMO_OWNER_FILE);
    await lock?.release();
  };
  try {
    // A demo already running here keeps its kubeconfig and database: refused before anything is written.
    const dbOwner = await embeddedOwner(base);
    if (dbOwner) throw new DataDirInUseError(resolve(base.database.data_dir), dbOwner, 'kubepulse demo');
    mkdirSync(dir, { recursive: true });
    lock = await claimOwnership(dir, { port: base.database.port, user: '', database: '' }, 'kubepulse demo', DEMO_OWNER_FILE);
    rememberClaim(dir, lock, DEMO_OWNER_FILE);
    for (const [i, name] of ['demo-east', 'demo-west'].entries()) {
      const sim = await startSim({ name, nodes, podsPerNode, seed: i + 1, logger: log('sim') });
      registerSecret(sim.token);
      sims.push(sim);
    }
    const kubeconfig = resolve(dir, 'demo.kubeconfig');
    await writeKubeconfig(kubeconfig, sims);
    await chmod(kubeconfig, 0o600); // it holds the simulated clusters' token
    const cfg = demoConfig(base, kubeconfig, sims);
    collector = await Collector.start(cfg);
    await recordOwnerHttp(collector.httpAddress);
    process.stdout.write(welcomeText(collector.httpAddress, collector.db.url, kubeconfig));
  } catch (e) {
    await stopAll();
    return reportStartError(e, base.server.listen);
  }
  return onStopSignal(stopAll);
}

/** The user's database/server/log settings with the simulated clusters as the cluster list. */
export function demoConfig(base: Config, kubeconfig: string, sims: SimCluster[]): Config {
  const doc = {
    server: { listen: base.server.listen, token: base.server.token },
    database: { url: base.database.url, data_dir: base.database.data_dir, port: base.database.port, pool_size: base.database.pool_size },
    clusters: sims.map((s) => ({ name: s.name, kubeconfig, context: s.name })),
  };
  const cfg = buildConfig(doc, 'demo', {});
  return { ...cfg, log: base.log, collection: base.collection, retention: base.retention };
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** The banner: where the viewer, the status, the clusters and the database are, and queries to try. */
export function welcomeText(httpAddress: string, databaseUrl: string, kubeconfig: string): string {
  const lines = [
    '',
    'kubepulse demo is running: two simulated clusters collected into PostgreSQL.',
    '',
    `  viewer:      http://${httpAddress}/`,
    `  status:      http://${httpAddress}/api/status   (or: kubepulse status)`,
    `  kubectl:     kubectl --kubeconfig ${kubeconfig} --context demo-east get pods -A`,
    `  database:    psql "${databaseUrl}"`,
    '',
    'Try these queries:',
    ...EXAMPLE_QUERIES.flatMap((q) => ['', `  -- ${q.title}`, ...q.sql.split('\n').map((l) => `  ${l}`)]),
    '',
    'Press Ctrl-C to stop (PostgreSQL is stopped too).',
    '',
  ];
  return lines.join('\n');
}

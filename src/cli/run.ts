// `kubepulse run`: collect the configured clusters (or the current kubeconfig context) until stopped.
import { loadConfig } from '../config/load.js';
import { Collector } from '../collector/collector.js';
import { log } from '../log.js';
import { HeapGrowingGovernor, heapGrowingOptions, type HeapGrowingOptions } from '../runtime/heap-governor.js';
import { recordOwnerHttp } from '../store/embedded-owner.js';
import { loadConfigOrReport, onReloadSignal, onStopSignal, refuseToStart, reportStartError, setUpLogging, superviseUnlessWorker } from './lifecycle.js';

export interface RunOptions {
  config?: string;
  watchdog?: boolean;
}

export async function runCommand(o: RunOptions): Promise<number> {
  const cfg = loadConfigOrReport(o.config);
  if (!cfg) return 2;
  setUpLogging(cfg);
  // Read before the watchdog forks: a bad value stops here instead of crash-looping the worker.
  let heap: HeapGrowingOptions;
  try {
    heap = heapGrowingOptions();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const refused = await refuseToStart(cfg, o.config || process.env.KUBEPULSE_CONFIG || 'configuration', { clusters: true });
  if (refused !== null) return refused;
  const supervised = await superviseUnlessWorker(cfg, o.watchdog);
  if (supervised !== null) return supervised;
  // Only the process that collects holds the large state (see runtime/heap-governor.ts).
  const governor = new HeapGrowingGovernor(heap).start();
  let collector: Collector;
  try {
    collector = await Collector.start(cfg, { loadConfig: () => loadConfig(o.config) });
  } catch (e) {
    governor.stop();
    return reportStartError(e, cfg.server.listen);
  }
  // `status`, `view` and a second `run` find this process's address in the data folder's owner file.
  await recordOwnerHttp(collector.httpAddress);
  log('collector').info({ http: `http://${collector.httpAddress}`, database: collector.db.displayUrl, heap }, 'kubepulse running');
  onReloadSignal(async () => {
    await collector.reloadFromSource();
  });
  return onStopSignal(async () => {
    governor.stop();
    await collector.stop();
  });
}

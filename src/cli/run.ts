// `kubepulse run`: collect the configured clusters (or the current kubeconfig context) until stopped.
import { loadConfig } from '../config/load.js';
import { Collector } from '../collector/collector.js';
import { log } from '../log.js';
import { loadConfigOrReport, onReloadSignal, onStopSignal, setUpLogging, superviseUnlessWorker } from './lifecycle.js';

export interface RunOptions {
  config?: string;
  watchdog?: boolean;
}

export async function runCommand(o: RunOptions): Promise<number> {
  const cfg = loadConfigOrReport(o.config);
  if (!cfg) return 2;
  setUpLogging(cfg);
  const supervised = await superviseUnlessWorker(cfg, o.watchdog);
  if (supervised !== null) return supervised;
  const collector = await Collector.start(cfg, { loadConfig: () => loadConfig(o.config) });
  log('collector').info({ http: `http://${collector.httpAddress}`, database: collector.db.displayUrl }, 'kubepulse running');
  onReloadSignal(async () => {
    await collector.reloadFromSource();
  });
  return onStopSignal(() => collector.stop());
}

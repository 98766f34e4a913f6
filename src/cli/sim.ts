// `kubepulse sim`: runs one or more simulated clusters in this process and writes a kubeconfig with one
// context per cluster, until Ctrl-C (or the given abort signal). The CLI wiring (src/cli/main.ts) maps
// flags to SimCommandOptions: --nodes N --pods-per-node M --kubeconfig PATH [--seed S]
// [--kubernetes-version V] [--clusters K] [--name PREFIX] [--port P] [--faults FILE.json]
// [--pod-churn-ms MS] [--node-events-ms MS].
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { log, registerSecret } from '../log.js';

export interface SimCommandOptions {
  nodes: number | string;
  podsPerNode: number | string;
  kubeconfig: string;
  seed?: number | string;
  kubernetesVersion?: string;
  clusters?: number | string;
  /** Cluster name prefix: clusters are <prefix>-1 … <prefix>-K (default 'sim'). */
  name?: string;
  host?: string;
  /** First apiserver port (cluster k listens on port + k - 1); default ephemeral. */
  port?: number | string;
  /** JSON file with the initial faults (the same document as PUT /_sim/faults). */
  faults?: string;
  podChurnMs?: number | string;
  nodeEventsMs?: number | string;
  /** Stops the simulators when aborted (tests); otherwise SIGINT / SIGTERM do. */
  signal?: AbortSignal;
  /** Called once every cluster serves and the kubeconfig is written. */
  onReady?: (sims: SimCluster[]) => void;
}

function int(value: number | string | undefined, flag: string, min: number, fallback?: number): number {
  if (value === undefined || value === '') {
    if (fallback === undefined) throw new Error(`${flag} is required`);
    return fallback;
  }
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${JSON.stringify(value)}: expected an integer >= ${min}`);
  return n;
}

export async function simCommand(opts: SimCommandOptions): Promise<void> {
  const nodes = int(opts.nodes, '--nodes', 1);
  const podsPerNode = int(opts.podsPerNode, '--pods-per-node', 1);
  const clusters = int(opts.clusters, '--clusters', 1, 1);
  const seed = int(opts.seed, '--seed', 0, 1);
  const port = int(opts.port, '--port', 0, 0);
  if (!opts.kubeconfig) throw new Error('--kubeconfig PATH is required (the file the simulators write)');
  let faults: unknown;
  if (opts.faults) {
    try {
      faults = JSON.parse(await readFile(opts.faults, 'utf8'));
    } catch (e) {
      throw new Error(`--faults ${opts.faults}: ${(e as Error).message}`, { cause: e });
    }
  }
  const prefix = opts.name ?? 'sim';
  const sims: SimCluster[] = [];
  try {
    for (let k = 1; k <= clusters; k++) {
      const sim = await startSim({
        name: `${prefix}-${k}`, nodes, podsPerNode, seed: seed + k - 1, kubernetesVersion: opts.kubernetesVersion, host: opts.host,
        port: port ? port + k - 1 : 0, faults: faults as never,
        podChurnIntervalMs: opts.podChurnMs === undefined ? undefined : int(opts.podChurnMs, '--pod-churn-ms', 0),
        nodeEventIntervalMs: opts.nodeEventsMs === undefined ? undefined : int(opts.nodeEventsMs, '--node-events-ms', 0),
        logger: log('sim'),
      });
      registerSecret(sim.token);
      sims.push(sim);
    }
    const path = resolve(opts.kubeconfig);
    await writeKubeconfig(path, sims);
    for (const s of sims) log('sim').info({ cluster: s.name, url: s.url, admin: `${s.url}/_sim/faults` }, 'simulated cluster serving');
    log('sim').info({ kubeconfig: path, contexts: sims.map((s) => s.name) }, `kubeconfig written; try: kubectl --kubeconfig ${path} get nodes`);
    opts.onReady?.(sims);
    await new Promise<void>((done) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      if (opts.signal) {
        if (opts.signal.aborted) return stop();
        opts.signal.addEventListener('abort', stop, { once: true });
      } else {
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      }
    });
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
    log('sim').info('simulated clusters stopped');
  }
}

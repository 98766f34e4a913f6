// History for running simulated clusters without waiting for it: a twin of each simulated world (the same
// seed and shape, so the same nodes, pods and pod UIDs as the running simulator serves), driven by an
// injected clock over a past span; its kubelets' /stats/summary and /metrics/cadvisor, rendered at every
// step, are ingested by the collector's own KubeletPipeline (the real parsers, rate trackers and writer)
// into the collector's database: the rows a collector scraping those clusters back then would have
// written. Used where a page must show full charts at once (the viewer's screenshots), as bench/
// history-sim.ts fills history. The twins run no dynamics: no churn in the past (the browser env starts
// its simulators without churn too).
import { World } from '@kubepulse/sim/model/world';
import { seedWorld } from '@kubepulse/sim/model/seed';
import { createKubelet, type SimKubelet } from '@kubepulse/sim/kubelet';
import { parseKubernetesVersion, type SimCluster } from '@kubepulse/sim';
import { KubeletPipeline } from '../../src/scrape/kubelet-pipeline.js';
import type { KubeletSource } from '../../src/scrape/kubelet-fetch.js';
import type { Collector } from '../../src/collector/collector.js';

const PATHS: Array<[KubeletSource, string]> = [['summary', '/stats/summary'], ['cadvisor', '/metrics/cadvisor']];

/**
 * Writes [fromMs, toMs) of every cluster's node, pod and container samples: a summary scrape per node
 * every `stepMs` (the simulated kubelets take a new sample every 10 s, as kubelets do), a cAdvisor one
 * every `cadvisorSteps` steps (the default intervals are 15 s and 30 s: cAdvisor's costlier text is read
 * half as often). Throws when a twin's pods are not the running simulator's (the history would belong
 * to no pod on the pages). Answers the number of payloads ingested.
 */
export async function backfillHistory(collector: Collector, sims: SimCluster[], fromMs: number, toMs: number, stepMs = 10_000, cadvisorSteps = 2): Promise<number> {
  if (!(fromMs < toMs) || !(stepMs > 0)) throw new Error(`backfillHistory: expected from < to and a step > 0, got ${fromMs} … ${toMs} every ${stepMs} ms`);
  const pool = collector.db.pool;
  let nowMs = fromMs;
  const now = (): number => nowMs;
  const twins: Array<{ sim: SimCluster; clusterId: number; world: World; kubelets: Array<[string, SimKubelet]> }> = [];
  for (const sim of sims) {
    const o = sim.options;
    const { minor, gitVersion } = parseKubernetesVersion(o.kubernetesVersion);
    const world = new World({ name: o.name, seed: o.seed ?? 1, minor, gitVersion, historyCapacity: 1000, eventCapacity: 100, now });
    seedWorld(world, { nodes: o.nodes, podsPerNode: o.podsPerNode, windowsNodes: o.windowsNodes, nodeAddress: (i) => `127.0.3.${i + 1}`, kubeletPort: () => 10250 });
    const ids = await pool.query<{ id: number }>('SELECT id FROM kubepulse.cluster WHERE name = $1', [o.name]);
    if (!ids.rows[0]) throw new Error(`backfillHistory: cluster ${o.name} is not registered in the database yet`);
    const live = await pool.query<{ uid: string }>('SELECT uid FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL', [ids.rows[0].id]);
    const twinUids = new Set(world.podsByUid.keys());
    const strangers = live.rows.filter((r) => !twinUids.has(r.uid)).length;
    if (live.rows.length === 0 || strangers > 0) {
      throw new Error(`backfillHistory: the twin of ${o.name} has other pods than the inventory (${strangers} of ${live.rows.length} unknown to it): was the simulator started with churn, or the inventory not listed yet?`);
    }
    const kubelets = [...world.nodes.keys()].map((name): [string, SimKubelet] => [name, createKubelet(() => world.nodeView(name)!, {
      containerRestarted: (uid, container, reason, at) => world.containerRestarted(uid, container, reason, at),
    }, { now })]);
    twins.push({ sim, clusterId: ids.rows[0].id, world, kubelets });
  }
  const pipeline = new KubeletPipeline(collector.db, null, { now });
  let payloads = 0;
  try {
    for (let step = 0; fromMs + step * stepMs < toMs; step++) {
      nowMs = fromMs + step * stepMs;
      for (const t of twins) {
        for (const [node, kubelet] of t.kubelets) {
          for (const [source, path] of PATHS) {
            if (source === 'cadvisor' && step % cadvisorSteps !== 0) continue;
            const res = kubelet.serveBytes(path);
            try {
              if (res.status !== 200) continue; // a Windows node's kubelet serves no cAdvisor
              // As the collector's schedulers do: both sources of a node in one instant, rows joined per sample.
              const partnerInFlight = source === 'summary' && step % cadvisorSteps === 0;
              await pipeline.ingest({ clusterId: t.clusterId, cluster: t.sim.name, node, source, body: Buffer.from(res.body), scrapedAt: new Date(nowMs), intervalMs: source === 'cadvisor' ? stepMs * cadvisorSteps : stepMs, summaryCollected: true, partnerInFlight });
              payloads++;
            } finally {
              res.release();
              pipeline.scrapeEnded(t.clusterId, node, source);
            }
          }
        }
      }
    }
    await pipeline.flush();
  } finally {
    for (const t of twins) {
      for (const [, k] of t.kubelets) k.dispose();
      t.world.stop();
    }
  }
  return payloads;
}

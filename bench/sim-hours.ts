// Hours of the simulator's data at accelerated time, for the benchmarks that need whole hours in the raw
// tables (history-sim.ts: bytes per value of compacted history; hourly-work.ts: the hourly work on a full
// hour). A seeded world (packages/sim seedWorld) is driven by an injected clock in 15 s steps; every node's
// /stats/summary and /metrics/cadvisor are rendered by its own kubelet at each step and ingested by the
// collector's KubeletPipeline (the real parsers, rate trackers, summary-owned columns dropped from cAdvisor
// rows, each sample's summary and cAdvisor rows joined into one) into the real MetricWriter and raw partitions. No pod churn (the world's dynamics run on timers,
// not on this clock), but the kubelets' own OOM kills of leaky containers happen and restart counters.
import type pg from 'pg';
import { World } from '@kubepulse/sim/model/world';
import { seedWorld } from '@kubepulse/sim/model/seed';
import { createKubelet, type SimKubelet } from '@kubepulse/sim/kubelet';
import { KubeletPipeline } from '../src/scrape/kubelet-pipeline.js';
import type { Database } from '../src/store/database.js';
import type { KubeletSource } from '../src/scrape/kubelet-fetch.js';
import type { PartitionManager } from '../src/store/partitions.js';

export const SIM_STEP_MS = 15_000;

export interface SimHoursOptions {
  pool: pg.Pool;
  partitions: PartitionManager;
  clusterId: number;
  /** The cluster's name and the world's. */
  cluster: string;
  seed: number;
  nodes: number;
  podsPerNode: number;
  startMs: number;
  durationMs: number;
}

/** Ingests the world's payloads from startMs for durationMs; returns the payloads ingested. */
export async function ingestSimulatedTime(o: SimHoursOptions): Promise<number> {
  let nowMs = o.startMs;
  const now = () => nowMs;
  const world = new World({ name: o.cluster, seed: o.seed, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 1000, eventCapacity: 100, now });
  seedWorld(world, { nodes: o.nodes, podsPerNode: o.podsPerNode, nodeAddress: (i) => `127.0.2.${i + 1}`, kubeletPort: () => 10250 });
  const nodes = [...world.nodes.keys()];
  const kubelets: SimKubelet[] = nodes.map((name) => createKubelet(() => world.nodeView(name)!, {
    containerRestarted: (uid, container, reason, at) => world.containerRestarted(uid, container, reason, at),
  }, { now }));
  try {
    const fakeDb = { pool: o.pool, partitions: o.partitions, state: 'connected', noteWrite: () => undefined } as unknown as Database;
    const pipeline = new KubeletPipeline(fakeDb, null, { now });
    const paths: Array<[KubeletSource, string]> = [['summary', '/stats/summary'], ['cadvisor', '/metrics/cadvisor']];
    let payloads = 0;
    for (nowMs = o.startMs; nowMs < o.startMs + o.durationMs; nowMs += SIM_STEP_MS) {
      for (let n = 0; n < nodes.length; n++) {
        for (const [source, path] of paths) {
          const res = kubelets[n].serveBytes(path);
          const body = Buffer.from(res.body);
          res.release();
          // Both sources of a node in the same instant, as the collector's schedulers scrape them: the
          // summary's rows wait for cAdvisor's and each sample's two halves are stored as one row.
          await pipeline.ingest({ clusterId: o.clusterId, cluster: o.cluster, node: nodes[n], source, body, scrapedAt: new Date(nowMs), intervalMs: SIM_STEP_MS, summaryCollected: true, partnerInFlight: source === 'summary' });
          payloads++;
        }
      }
      if ((nowMs - o.startMs) % (10 * 60_000) === 0) await pipeline.writer.flush();
    }
    await pipeline.flush();
    return payloads;
  } finally {
    for (const k of kubelets) k.dispose();
  }
}

// Stored rates against the truth: two simulated kubelets (the simulator's own kubelet code, on a hand-moved
// clock) are scraped for several housekeeping intervals, summary and cAdvisor, through the collector's
// kubelet pipeline into a real PostgreSQL. Every stored rate of the compared counters is then checked
// against the rate computed from the simulator's model itself: computeTick() evaluates each pod's and
// container's counters in closed form at a tick (integrals of seeded rate waves, packages/sim/src/kubelet/series.ts),
// so evaluating it afresh at the two sample times gives the counters the kubelet meant to report, before
// any serialisation, parsing or rounding.
//
// Tolerance: the kubelet writes integer counters (summary: rounded to the unit; cAdvisor: seconds as
// shortest round-trip doubles, which the decoder scales and rounds to the unit), so a stored counter is
// within half a unit of the model's, and a difference of two within one unit. Over an interval of Δs
// seconds that is at most (1 unit / Δs) × the rate's scale. The model's own sums are doubles: the
// kubelet adds per-tick increments where this test evaluates the totals at once, which may differ by a few
// ulps of the counter's magnitude (4 × 2^-52 × |counter| each end), also divided by Δs. Nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureCluster } from '../../src/store/clusters.js';
import { KubeletPipeline } from '../../src/scrape/kubelet-pipeline.js';
import type { Database } from '../../src/store/database.js';
import { METRIC_DEFS, RATE_SQL_TYPE, type Entity } from '../../src/metrics/definitions.js';
import type { KubeletSource } from '../../src/scrape/kubelet-fetch.js';
import { createKubelet, type SimNodeView } from '@kubepulse/sim/kubelet';
import { makeFakeNodeView } from '@kubepulse/sim/kubelet/fake-view';
import { computeTick } from '@kubepulse/sim/kubelet/tick';
import { kubeletFeatures } from '@kubepulse/sim/kubelet/version';
import { C, type Counters } from '@kubepulse/sim/kubelet/container-model';
import type { NodeSample } from '@kubepulse/sim/kubelet/sample';
import { configureLogging } from '../../src/log.js';
import { useMigratedStore } from '../helpers/store.js';

const store = useMigratedStore();
configureLogging({ level: 'error', console: 'off' });

const HOUSEKEEPING_MS = 10_000;
const SAMPLES = 6;
/** The device every simulated cgroup's block I/O is reported on (cAdvisor's `device` label). */
const BLOCK_DEVICE = '/dev/nvme0n1';

/** The model's counters at one tick, evaluated from scratch (no kubelet state, no cached previous tick). */
function modelAt(view: SimNodeView, tickMs: number): NodeSample {
  return computeTick({
    view, features: kubeletFeatures(view.kubernetesVersion),
    // tickMs = k × housekeeping + the node's phase (< housekeeping)
    k: Math.floor(tickMs / HOUSEKEEPING_MS), tickMs, housekeepingMs: HOUSEKEEPING_MS,
    containerStartMs: (pod, i) => pod.containers[i].startTime.getTime(),
    state: null, previous: null,
  }).sample;
}

/** The tick time (ms) of a cAdvisor page: the timestamp of the root cgroup's CPU series. */
function tickOfCadvisor(body: Buffer): number {
  const m = /^container_cpu_usage_seconds_total\{[^}]*id="\/"[^}]*\} \S+ (\d+)$/m.exec(body.toString('utf8'));
  assert.ok(m, 'the root CPU series carries its sample time');
  return Number(m[1]);
}

/** A counter of the model, read from a tick's sample; undefined when the entity is not in that tick. */
type Read = (s: NodeSample) => number | undefined;

interface Check {
  entity: Entity;
  /** SQL condition and parameters (after cluster_id) selecting one entity's rows. */
  where: string;
  params: unknown[];
  what: string;
  /** Stored counter column → how to read the same counter from the model. */
  counters: Record<string, Read>;
}

const rateOf = (entity: Entity, column: string) => {
  const def = METRIC_DEFS.find((d) => d.entity === entity && d.column === column);
  assert.ok(def?.rate, `${entity}.${column} is a counter with a rate`);
  return def.rate;
};

const podIn = (uid: string) => (s: NodeSample) => s.pods.find((p) => p.view.uid === uid);
const counter = (get: (s: NodeSample) => { now: Counters } | undefined, i: number): Read => (s) => get(s)?.now[i];

function checksFor(view: SimNodeView): Check[] {
  const checks: Check[] = [{
    entity: 'node', where: 'node = $2', params: [view.name], what: `node ${view.name}`,
    counters: {
      cpu_usage_core_nanoseconds: (s) => s.node.cpuNs,
      memory_page_faults: (s) => s.node.pageFaults,
      network_rx_bytes: (s) => s.node.rxBytes,
      network_tx_bytes: (s) => s.node.txBytes,
    },
  }];
  for (const pod of view.pods.filter((p) => p.phase === 'Running')) {
    const p = podIn(pod.uid);
    checks.push({
      entity: 'pod', where: 'pod_uid = $2', params: [pod.uid], what: `pod ${pod.name}`,
      counters: {
        cpu_usage_core_nanoseconds: counter(p, C.cpuNs),
        memory_page_faults: counter(p, C.pageFaults),
        network_rx_bytes: counter(p, C.rxBytes),
        network_tx_bytes: counter(p, C.txBytes),
      },
    }, {
      entity: 'interface', where: "node = $2 AND pod_uid = $3 AND interface = 'eth0'", params: [view.name, pod.uid], what: `pod ${pod.name} eth0`,
      counters: { rx_bytes: counter(p, C.rxBytes), tx_bytes: counter(p, C.txBytes), rx_packets: counter(p, C.rxPackets), tx_packets: counter(p, C.txPackets) },
    }, {
      entity: 'disk_io', where: "node = $2 AND pod_uid = $3 AND container = '' AND device = $4", params: [view.name, pod.uid, BLOCK_DEVICE], what: `pod ${pod.name} disk`,
      counters: {
        read_bytes: counter(p, C.fsReadBytes), write_bytes: counter(p, C.fsWriteBytes),
        read_ops: counter(p, C.fsReads), write_ops: counter(p, C.fsWrites),
      },
    });
    pod.containers.forEach((c, i) => {
      // A leaking container may be OOM-killed by its kubelet on the way (a restart the view does not
      // show): its own counters then start again. Its pod's counters above still include it.
      if (c.profile === 'leaky') return;
      const ct = (s: NodeSample) => p(s)?.containers[i];
      checks.push({
        entity: 'container', where: 'pod_uid = $2 AND container = $3', params: [pod.uid, c.name], what: `container ${pod.name}/${c.name}`,
        counters: { cpu_usage_core_nanoseconds: counter(ct, C.cpuNs), memory_page_faults: counter(ct, C.pageFaults) },
      }, {
        entity: 'disk_io', where: 'node = $2 AND pod_uid = $3 AND container = $4 AND device = $5', params: [view.name, pod.uid, c.name, BLOCK_DEVICE], what: `container ${pod.name}/${c.name} disk`,
        counters: {
          read_bytes: counter(ct, C.fsReadBytes), write_bytes: counter(ct, C.fsWriteBytes),
          read_ops: counter(ct, C.fsReads), write_ops: counter(ct, C.fsWrites),
        },
      });
    });
  }
  return checks;
}

test('stored rates equal the simulated counters\' true rates within one sample\'s rounding', async (t) => {
  const clusterId = await ensureCluster(store.pool, 'true-rates');
  let nowMs = Math.floor(Date.now() / HOUSEKEEPING_MS) * HOUSEKEEPING_MS - (SAMPLES + 2) * HOUSEKEEPING_MS;
  const views = [
    makeFakeNodeView({ seed: 101, podCount: 5, bootMs: nowMs - 3 * 3_600_000, name: 'node-a' }),
    makeFakeNodeView({ seed: 202, podCount: 4, bootMs: nowMs - 26 * 3_600_000, name: 'node-b', kubernetesVersion: '1.29' }),
  ];
  const kubelets = views.map((view) => createKubelet(() => view, { containerRestarted: () => undefined }, { now: () => nowMs, housekeepingMs: HOUSEKEEPING_MS }));
  const fakeDb = { pool: store.pool, maintenance: undefined, noteWrite: () => undefined } as unknown as Database;
  const pipeline = new KubeletPipeline(fakeDb);
  /** Per node: each scraped tick's time (ms), in order. */
  const ticks = views.map(() => [] as number[]);
  try {
    for (let i = 0; i < SAMPLES; i++) {
      nowMs += HOUSEKEEPING_MS;
      for (const [n, view] of views.entries()) {
        for (const source of ['summary', 'cadvisor'] as KubeletSource[]) {
          const page = kubelets[n].serveBytes(source === 'summary' ? '/stats/summary' : '/metrics/cadvisor');
          assert.equal(page.status, 200);
          try {
            if (source === 'cadvisor') ticks[n].push(tickOfCadvisor(page.body));
            await pipeline.ingest({ clusterId, cluster: 'true-rates', node: view.name, source, body: page.body, scrapedAt: new Date(nowMs), intervalMs: HOUSEKEEPING_MS, summaryCollected: true });
          } finally {
            page.release();
          }
        }
      }
    }
    await pipeline.flush();
    assert.equal(pipeline.counters().decodeErrors, 0);
  } finally {
    await pipeline.flush();
    for (const k of kubelets) k.dispose();
  }

  let compared = 0;
  let worstShare = 0;
  for (const [n, view] of views.entries()) {
    const nodeTicks = ticks[n];
    assert.equal(new Set(nodeTicks).size, SAMPLES, `${view.name}: a new tick per scrape`);
    const models = new Map(nodeTicks.map((t) => [Math.floor(t / 1000) * 1000, { tickMs: t, sample: modelAt(view, t) }]));
    for (const check of checksFor(view)) {
      const table = `kubepulse.${check.entity}_metric`;
      for (const [column, read] of Object.entries(check.counters)) {
        const rate = rateOf(check.entity, column);
        // Each counter from the one source that stores it (summary and cAdvisor rows stand apart).
        const rows = (await store.pool.query(
          `SELECT ts, "${column}", "${rate.column}" FROM ${table} WHERE cluster_id = $1 AND ${check.where} AND "${column}" IS NOT NULL ORDER BY ts`,
          [clusterId, ...check.params],
        )).rows as Array<Record<string, unknown> & { ts: Date }>;
        assert.deepEqual(rows.map((r) => r.ts.getTime()), [...models.keys()], `${check.what}: one ${column} per sample, at the kubelet's sample times`);
        assert.equal(rows[0][rate.column], null, `${check.what}: no ${rate.column} on the first sample`);
        for (let i = 1; i < rows.length; i++) {
          const before = models.get(rows[i - 1].ts.getTime())!;
          const after = models.get(rows[i].ts.getTime())!;
          const v0 = read(before.sample);
          const v1 = read(after.sample);
          assert.ok(v0 !== undefined && v1 !== undefined, `${check.what}: in the model at both ticks`);
          const seconds = (after.tickMs - before.tickMs) / 1000;
          const want = ((v1 - v0) / seconds) * rate.scale;
          const ulps = 4 * 2 ** -52 * (Math.abs(v0) + Math.abs(v1));
          // Plus the rate column's own rounding: a real (float4) keeps 24 bits, half an ulp of the value.
          const storedRounding = RATE_SQL_TYPE === 'real' ? Math.abs(want) * 2 ** -24 : 0;
          const tolerance = ((1 + ulps) / seconds) * Math.abs(rate.scale) + storedRounding;
          const got = rows[i][rate.column];
          assert.equal(typeof got, 'number', `${check.what}: ${rate.column} at ${rows[i].ts.toISOString()} is stored`);
          // pg reads a real back as its shortest text; Math.fround gives the float4 that text names.
          const error = Math.abs((RATE_SQL_TYPE === 'real' ? Math.fround(got as number) : (got as number)) - want);
          assert.ok(error <= tolerance,
            `${check.what}: ${rate.column} at ${rows[i].ts.toISOString()}: stored ${String(got)}, model ${want} (error ${error} > ${tolerance})`);
          // The counter itself, as stored, is within half a unit (plus the model's ulps) of the model's.
          assert.ok(Math.abs(Number(rows[i][column]) - v1) <= 0.5 + ulps, `${check.what}: ${column} stored ${String(rows[i][column])}, model ${v1}`);
          worstShare = Math.max(worstShare, error / tolerance);
          compared++;
        }
      }
    }
  }
  // 2 nodes × 5 intervals × (4 node counters + per pod 16 + per container 6): hundreds of rates.
  assert.ok(compared >= 300, `${compared} rates compared`);
  t.diagnostic(`${compared} rates compared; the largest error was ${worstShare.toFixed(3)} of its tolerance`);
});

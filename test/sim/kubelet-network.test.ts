// Network counters as a viewer sees them: the simulated world's kubelet scraped twice, 10 and 15 s apart,
// decoded and turned into rates by the collector's own code (decodeSummary, decodeCadvisorText,
// RateTracker). Every pod has traffic, so the node and every pod must show a positive, plausible byte
// rate in both directions; the node carries at least its pods' traffic; summary and cAdvisor agree.
// Also: a tick computed from the previous tick's sample equals one computed from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../../src/sim/model/world.js';
import { seedWorld } from '../../src/sim/model/seed.js';
import { createKubelet } from '../../src/sim/kubelet/index.js';
import { computeTick } from '../../src/sim/kubelet/tick.js';
import { kubeletFeatures } from '../../src/sim/kubelet/version.js';
import { makeFakeNodeView } from '../../src/sim/kubelet/fake-view.js';
import { writeSummaryReference } from '../../src/sim/kubelet/summary.js';
import { writeCadvisor } from '../../src/sim/kubelet/cadvisor.js';
import type { AggregateState, NodeSample } from '../../src/sim/kubelet/sample.js';
import type { SimNodeView } from '../../src/sim/kubelet/view.js';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../../src/metrics/sources/cadvisor.js';
import { RateTracker } from '../../src/scrape/rates.js';
import type { MetricRow } from '../../src/metrics/definitions.js';

/** 10 Gbit/s: no simulated pod or node may exceed what its NIC can carry. */
const MAX_BYTES_PER_S = 1.25e9;

function world(nowMs: () => number): World {
  const w = new World({ name: 'net', seed: 3, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 1000, eventCapacity: 100, now: nowMs });
  seedWorld(w, { nodes: 3, podsPerNode: 30, nodeAddress: (i) => `127.0.1.${i + 1}`, kubeletPort: () => 10250 });
  return w;
}

const num = (row: MetricRow, column: string): number => {
  const v = row[column];
  assert.equal(typeof v, 'number', `${column} is a number`);
  return v as number;
};

for (const gapMs of [10_000, 15_000]) {
  test(`node and pod byte rates over two scrapes ${gapMs / 1000} s apart are positive and plausible`, () => {
    let now = Date.parse('2026-11-25T12:00:00Z');
    const w = world(() => now);
    const node = [...w.nodes.keys()][0]!;
    const kubelet = createKubelet(() => w.nodeView(node)!, { containerRestarted() {} }, { now: () => now });
    now += 3_600_000; // an hour into the pods' lives
    const summaryRates = new RateTracker({ intervalMs: gapMs, source: 'summary', now: () => now });
    const cadvisorRates = new RateTracker({ intervalMs: gapMs, source: 'cadvisor', now: () => now });
    let last: ReturnType<typeof decodeSummary> | undefined;
    let lastCadvisor: ReturnType<typeof decodeCadvisorText> | undefined;
    for (let scrape = 0; scrape < 2; scrape++) {
      if (scrape > 0) now += gapMs;
      last = decodeSummary(kubelet.serve('/stats/summary').body);
      summaryRates.apply(1, last.rows, last.startTimes);
      lastCadvisor = decodeCadvisorText(kubelet.serve('/metrics/cadvisor').body, { nodeName: node, scrapeTime: new Date(now) });
      cadvisorRates.apply(1, lastCadvisor.rows, lastCadvisor.startTimes);
    }
    const nodeRow = last!.rows.node[0]!;
    const pods = last!.rows.pod;
    assert.ok(pods.length >= 20, `the node runs pods (${pods.length})`);
    for (const dir of ['rx', 'tx']) {
      const nodeRate = num(nodeRow, `network_${dir}_bytes_per_second`);
      assert.ok(nodeRate > 0 && nodeRate < MAX_BYTES_PER_S, `node ${dir} rate ${nodeRate}`);
      let podSum = 0;
      let podRateSum = 0;
      for (const p of pods) {
        const rate = num(p, `network_${dir}_bytes_per_second`);
        assert.ok(rate > 0 && rate < MAX_BYTES_PER_S, `pod ${String(p.pod)} ${dir} rate ${rate}`);
        podSum += num(p, `network_${dir}_bytes`);
        podRateSum += rate;
      }
      assert.ok(num(nodeRow, `network_${dir}_bytes`) > podSum, `node ${dir} counter exceeds the sum of its pods'`);
      assert.ok(nodeRate >= podRateSum, `node ${dir} rate ${nodeRate} carries its pods' ${podRateSum}`);
    }
    // cAdvisor's interface series give the same rates as the summary for the same tick.
    const byPod = new Map(lastCadvisor!.rows.interface.map((r) => [`${String(r.pod_uid)}/${String(r.interface)}`, r]));
    let compared = 0;
    for (const r of last!.rows.interface) {
      const c = byPod.get(`${String(r.pod_uid)}/${String(r.interface)}`);
      if (!c || r.rx_bytes_per_second === null) continue;
      assert.equal(c.rx_bytes_per_second, r.rx_bytes_per_second, `rx rate of ${String(r.pod_uid) || 'the node'}`);
      assert.equal(c.tx_bytes_per_second, r.tx_bytes_per_second, `tx rate of ${String(r.pod_uid) || 'the node'}`);
      compared++;
    }
    assert.ok(compared > pods.length, `interfaces compared (${compared})`);
    kubelet.dispose();
    w.stop();
  });
}

test('network counters grow at every tick for an hour, for the node and every pod', () => {
  let now = Date.parse('2026-11-25T12:00:00Z') + 600_000;
  const w = world(() => now);
  const node = [...w.nodes.keys()][1]!;
  const kubelet = createKubelet(() => w.nodeView(node)!, { containerRestarted() {} }, { now: () => now });
  let prev: { rx: number; tx: number; pods: Map<string, [number, number]> } | null = null;
  for (let tick = 0; tick < 360; tick++) {
    const doc = JSON.parse(kubelet.serve('/stats/summary').body) as { node: { network: { rxBytes: number; txBytes: number } }; pods: Array<{ podRef: { uid: string }; network: { rxBytes: number; txBytes: number } }> };
    const pods = new Map(doc.pods.map((p) => [p.podRef.uid, [p.network.rxBytes, p.network.txBytes] as [number, number]]));
    const n = doc.node.network;
    if (prev) {
      assert.ok(n.rxBytes > prev.rx && n.txBytes > prev.tx, `node counters grow at tick ${tick}`);
      for (const [uid, [rx, tx]] of pods) {
        const before = prev.pods.get(uid);
        if (before) assert.ok(rx > before[0] && tx > before[1], `pod ${uid} counters grow at tick ${tick}`);
      }
    }
    prev = { rx: n.rxBytes, tx: n.txBytes, pods };
    now += 10_000;
  }
  kubelet.dispose();
  w.stop();
});

test('a tick computed from the previous tick\'s sample equals one computed from scratch', () => {
  const bootMs = Date.parse('2026-06-26T00:00:00Z');
  const full = makeFakeNodeView({ seed: 9, podCount: 50, bootMs, kubernetesVersion: '1.35' });
  // Pods come and go; one container restarts (new id and start) half-way.
  const viewAt = (i: number): SimNodeView => {
    const v: SimNodeView = { ...full, pods: full.pods.slice(i % 7, 40 + (i % 5)) };
    if (i >= 6) {
      const p = v.pods[3]!;
      v.pods[3] = { ...p, containers: p.containers.map((c, j) => (j === 0 ? { ...c, containerId: 'containerd://restarted', startTime: new Date(bootMs + 6 * 3_600_000 + 55_000) } : c)) };
    }
    return v;
  };
  const features = kubeletFeatures('1.35');
  const k0 = (bootMs + 6 * 3_600_000) / 10_000;
  let state: AggregateState | null = null;
  let previous: NodeSample | null = null;
  for (let i = 0; i < 14; i++) {
    const k = k0 + i;
    const input = { view: viewAt(i), features, k, tickMs: k * 10_000 + 321, housekeepingMs: 10_000, containerStartMs: (pod: SimNodeView['pods'][number], c: number) => pod.containers[c]!.startTime.getTime(), state };
    const reused: NodeSample = computeTick({ ...input, previous }).sample;
    const fresh = computeTick({ ...input, previous: null });
    const opts = { onlyCpuAndMemory: false };
    assert.ok(writeSummaryReference(reused, opts).equals(writeSummaryReference(fresh.sample, opts)), `summary of tick ${i}`);
    assert.ok(writeCadvisor(reused).w.toBuffer().equals(writeCadvisor(fresh.sample).w.toBuffer()), `cAdvisor of tick ${i}`);
    if (previous) {
      const carried = reused.pods.filter((p) => previous!.pods.some((q) => q.dynamics === p.dynamics)).length;
      assert.ok(carried >= 30, `pods carried over from the previous tick (${carried})`);
    }
    state = fresh.state;
    previous = reused;
  }
});

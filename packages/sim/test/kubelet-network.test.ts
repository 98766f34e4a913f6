// Network counters of the simulated kubelet: they grow at every tick for every pod, and a tick computed
// from the previous tick's sample equals one computed from scratch. (The rates the collector derives from
// them are checked in the root's test/metrics/sim-network-rates.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../src/model/world.js';
import { seedWorld } from '../src/model/seed.js';
import { createKubelet } from '../src/kubelet/index.js';
import { computeTick } from '../src/kubelet/tick.js';
import { kubeletFeatures } from '../src/kubelet/version.js';
import { makeFakeNodeView } from '../src/kubelet/fake-view.js';
import { writeSummaryReference } from '../src/kubelet/summary.js';
import { writeCadvisor } from '../src/kubelet/cadvisor.js';
import type { AggregateState, NodeSample } from '../src/kubelet/sample.js';
import type { SimNodeView } from '../src/kubelet/view.js';

function world(nowMs: () => number): World {
  const w = new World({ name: 'net', seed: 3, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 1000, eventCapacity: 100, now: nowMs });
  seedWorld(w, { nodes: 3, podsPerNode: 30, nodeAddress: (i) => `127.0.1.${i + 1}`, kubeletPort: () => 10250 });
  return w;
}

test('network counters grow at every tick for an hour, for the node and every pod', () => {
  let now = Date.parse('2026-11-25T12:00:00Z') + 600_000;
  const w = world(() => now);
  const node = [...w.nodes.keys()][1];
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
      const p = v.pods[3];
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
    const input = { view: viewAt(i), features, k, tickMs: k * 10_000 + 321, housekeepingMs: 10_000, containerStartMs: (pod: SimNodeView['pods'][number], c: number) => pod.containers[c].startTime.getTime(), state };
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

// Behaviour of the simulated kubelet over time: counters only grow (except a restarted container's, which
// restart with a new startTime), rates agree with counter deltas, pods are the sums of their containers,
// samples are cached within a housekeeping tick, output is deterministic, faults freeze the stats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createKubelet } from '../src/kubelet/index.js';
import { makeFakeNodeView, uuidOf } from '../src/kubelet/fake-view.js';
import type { SimNodeView, SimPodView } from '../src/kubelet/view.js';
import { ManualClock, parseProm, type PromFamily } from './kubelet-helpers.js';
import type { Summary, SummaryContainer, SummaryNode, SummaryPod, WireList } from './wire.js';

const BOOT_MS = Date.parse('2026-06-26T08:00:00Z');
const HOUSEKEEPING_MS = 10_000;

function summaryOf(k: { serve(p: string): { body: string } }): Summary {
  return JSON.parse(k.serve('/stats/summary').body) as Summary;
}

/** Deterministic step sizes for the clock (a tiny LCG, so failures reproduce). */
function steps(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

test('counters never go backwards across ticks, also while pods come and go', () => {
  const view = makeFakeNodeView({ seed: 3, podCount: 30, bootMs: BOOT_MS, kubernetesVersion: '1.35' });
  // Keep leaky containers out of this test: their restarts are checked on their own below.
  for (const p of view.pods) for (const c of p.containers) if (c.profile === 'leaky') c.profile = 'steady';
  const clock = new ManualClock(BOOT_MS + 2 * 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted: () => assert.fail('no restart expected') }, { now: clock.now, housekeepingMs: HOUSEKEEPING_MS });
  const rnd = steps(11);
  const last = new Map<string, number>();
  const check = (key: string, v: number) => {
    assert.equal(typeof v, 'number', key);
    const prev = last.get(key);
    if (prev !== undefined) assert.ok(v >= prev, `${key} went backwards: ${prev} → ${v}`);
    last.set(key, v);
  };
  let removed: SimPodView | undefined;
  for (let i = 0; i < 300; i++) {
    // Mostly one or two ticks, sometimes a long gap (a collector that was away).
    clock.advance(rnd() < 0.05 ? 600_000 + Math.floor(rnd() * 3_600_000) : Math.floor(rnd() * 25_000));
    if (i === 100) removed = view.pods.splice(5, 3)[0];
    if (i === 150 && removed) {
      view.pods.push({ ...removed, uid: uuidOf(999), name: 'replacement-0', startTime: new Date(clock.ms - 5_000), containers: removed.containers.map((c) => ({ ...c, startTime: new Date(clock.ms - 4_000) })) });
    }
    const s = summaryOf(kubelet);
    const n = s.node;
    for (const [k, v] of Object.entries({ cpu: n.cpu.usageCoreNanoSeconds, rx: n.network.rxBytes, tx: n.network.txBytes, pf: n.memory.pageFaults, mpf: n.memory.majorPageFaults, psi: n.cpu.psi.some.total })) check(`node.${k}`, v);
    for (const sc of n.systemContainers) check(`sys.${sc.name}.cpu`, sc.cpu.usageCoreNanoSeconds);
    for (const p of s.pods) {
      const pk = `pod.${p.podRef.uid}`;
      check(`${pk}.cpu`, p.cpu.usageCoreNanoSeconds);
      check(`${pk}.rx`, p.network.rxBytes);
      check(`${pk}.tx`, p.network.txBytes);
      check(`${pk}.pf`, p.memory.pageFaults);
      for (const c of p.containers) {
        const ck = `${pk}.${c.name}@${c.startTime}`;
        check(`${ck}.cpu`, c.cpu.usageCoreNanoSeconds);
        check(`${ck}.pf`, c.memory.pageFaults);
        check(`${ck}.psi`, c.cpu.psi.some.total);
      }
    }
    if (i % 10 !== 0) continue; // cAdvisor pages are large: check every tenth step
    const cad = parseProm(kubelet.serve('/metrics/cadvisor').body);
    for (const fam of ['container_cpu_usage_seconds_total', 'container_network_transmit_bytes_total', 'container_fs_writes_bytes_total', 'container_cpu_cfs_periods_total']) {
      for (const smp of cad.get(fam)!.samples) check(`${fam}${JSON.stringify(smp.labels)}`, smp.value);
    }
  }
});

test('usageNanoCores equals the usageCoreNanoSeconds delta over the tick', () => {
  const view = makeFakeNodeView({ seed: 5, podCount: 20, bootMs: BOOT_MS });
  const clock = new ManualClock(BOOT_MS + 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now, housekeepingMs: HOUSEKEEPING_MS });
  let prev = summaryOf(kubelet);
  let compared = 0;
  for (let i = 0; i < 20; i++) {
    clock.advance(HOUSEKEEPING_MS);
    const cur = summaryOf(kubelet);
    const dtS = (Date.parse(cur.node.cpu.time) - Date.parse(prev.node.cpu.time)) / 1000;
    assert.equal(dtS, HOUSEKEEPING_MS / 1000);
    const near = (label: string, a: SummaryNode | SummaryPod | SummaryContainer, b: SummaryNode | SummaryPod | SummaryContainer) => {
      const rate = (b.cpu.usageCoreNanoSeconds - a.cpu.usageCoreNanoSeconds) / dtS;
      assert.ok(Math.abs(rate - b.cpu.usageNanoCores) <= 2 + rate * 1e-6, `${label}: delta rate ${rate} vs usageNanoCores ${b.cpu.usageNanoCores}`);
      compared++;
    };
    near('node', prev.node, cur.node);
    for (const p of cur.pods) {
      const pp = prev.pods.find((x) => x.podRef.uid === p.podRef.uid)!;
      near(`pod ${p.podRef.name}`, pp, p);
      for (const c of p.containers) {
        const pc = pp.containers.find((x) => x.name === c.name)!;
        if (pc.startTime === c.startTime) near(`container ${p.podRef.name}/${c.name}`, pc, c);
      }
    }
    prev = cur;
  }
  assert.ok(compared > 100);
});

test('pod figures are the sums of their containers plus a small overhead; the node exceeds the pods', () => {
  const view = makeFakeNodeView({ seed: 8, podCount: 60, bootMs: BOOT_MS });
  const clock = new ManualClock(BOOT_MS + 4 * 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now });
  const s = summaryOf(kubelet);
  let podCpu = 0;
  let podWs = 0;
  for (const p of s.pods) {
    const cpu = p.containers.reduce((a, c) => a + c.cpu.usageNanoCores, 0);
    const ws = p.containers.reduce((a, c) => a + c.memory.workingSetBytes, 0);
    assert.ok(p.cpu.usageNanoCores >= cpu - 2 && p.cpu.usageNanoCores <= cpu * 1.01 + 1e6, `pod ${p.podRef.name} cpu ${p.cpu.usageNanoCores} vs containers ${cpu}`);
    assert.ok(p.memory.workingSetBytes >= ws && p.memory.workingSetBytes <= ws + 2 * 1024 * 1024, `pod ${p.podRef.name} ws ${p.memory.workingSetBytes} vs containers ${ws}`);
    const eph = p['ephemeral-storage'].usedBytes;
    const layers = p.containers.reduce((a, c) => a + c.rootfs.usedBytes + c.logs.usedBytes, 0);
    assert.ok(eph >= layers, `ephemeral-storage ${eph} covers rootfs+logs ${layers}`);
    podCpu += p.cpu.usageNanoCores;
    podWs += p.memory.workingSetBytes;
  }
  assert.ok(s.node.cpu.usageNanoCores > podCpu, 'node cpu exceeds the pods');
  assert.ok(s.node.memory.workingSetBytes > podWs, 'node working set exceeds the pods');
  assert.ok(s.node.cpu.usageCoreNanoSeconds > s.pods.reduce((a, p) => a + p.cpu.usageCoreNanoSeconds, 0));
  assert.ok(s.node.network.rxBytes > s.pods.reduce((a, p) => a + p.network.rxBytes, 0));
  const podsSys = s.node.systemContainers.find((c) => c.name === 'pods')!;
  assert.ok(Math.abs(podsSys.cpu.usageNanoCores - podCpu) <= 2 * s.pods.length + 1, 'the pods system container is the sum of pods');
});

test('cAdvisor and /metrics/resource carry the same counters as the summary of the same tick', () => {
  const view = makeFakeNodeView({ seed: 9, podCount: 10, bootMs: BOOT_MS });
  const clock = new ManualClock(BOOT_MS + 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now });
  const s = summaryOf(kubelet);
  const cad = parseProm(kubelet.serve('/metrics/cadvisor').body);
  const res = parseProm(kubelet.serve('/metrics/resource').body);
  const sampleMs = cad.get('container_cpu_usage_seconds_total')!.samples[0].timestampMs!;
  assert.equal(Math.floor(sampleMs / 1000) * 1000, Date.parse(s.node.cpu.time), 'same sample time');
  for (const p of s.pods) {
    for (const c of p.containers) {
      const match = (fam: Map<string, PromFamily>, name: string) => fam.get(name)!.samples.find((x) => x.labels.pod === p.podRef.name && x.labels.container === c.name)!;
      const cpuS = c.cpu.usageCoreNanoSeconds / 1e9;
      assert.ok(Math.abs(match(cad, 'container_cpu_usage_seconds_total').value - cpuS) < 1e-6 * Math.max(1, cpuS));
      assert.ok(Math.abs(match(res, 'container_cpu_usage_seconds_total').value - cpuS) < 1e-6 * Math.max(1, cpuS));
      assert.equal(match(cad, 'container_memory_working_set_bytes').value, c.memory.workingSetBytes);
      assert.equal(match(res, 'container_memory_working_set_bytes').value, c.memory.workingSetBytes);
      assert.equal(match(res, 'container_start_time_seconds').value, Math.floor(Date.parse(c.startTime) / 1000));
    }
  }
  assert.ok(Math.abs(res.get('node_cpu_usage_seconds_total')!.samples[0].value - s.node.cpu.usageCoreNanoSeconds / 1e9) < 1e-3);
  const rootRx = cad.get('container_network_receive_bytes_total')!.samples.find((x) => x.labels.id === '/' && x.labels.interface === 'eth0')!;
  assert.equal(rootRx.value, s.node.network.rxBytes);
});

test('samples are cached within a housekeeping tick and keep the kubelet\'s own time', () => {
  const view = makeFakeNodeView({ seed: 12, podCount: 5, bootMs: BOOT_MS });
  const clock = new ManualClock(BOOT_MS + 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now, housekeepingMs: HOUSEKEEPING_MS });
  const a = summaryOf(kubelet);
  const tickMs = Date.parse(a.node.cpu.time);
  assert.ok(tickMs <= clock.ms && tickMs > clock.ms - HOUSEKEEPING_MS - 1000, 'time is the last housekeeping, not the request');
  // Move to just before the next tick boundary: same sample.
  const sameTick = parseProm(kubelet.serve('/metrics/cadvisor').body).get('container_cpu_usage_seconds_total')!.samples[0].timestampMs!;
  clock.ms = sameTick + HOUSEKEEPING_MS - 1;
  const b = summaryOf(kubelet);
  assert.deepEqual(b, a);
  clock.ms = sameTick + HOUSEKEEPING_MS;
  const c = summaryOf(kubelet);
  assert.equal(Date.parse(c.node.cpu.time) - tickMs, HOUSEKEEPING_MS);
  assert.ok(c.node.cpu.usageCoreNanoSeconds > a.node.cpu.usageCoreNanoSeconds);
});

test('same seed and clock give the same bytes; another seed differs', () => {
  const make = (seed: number) => {
    const view = makeFakeNodeView({ seed, podCount: 15, bootMs: BOOT_MS });
    const clock = new ManualClock(BOOT_MS + 7_200_000);
    return { clock, kubelet: createKubelet(() => view, { containerRestarted() {} }, { now: clock.now }) };
  };
  const x = make(21);
  const y = make(21);
  for (let i = 0; i < 5; i++) {
    for (const path of ['/stats/summary', '/metrics/cadvisor', '/metrics/resource']) assert.equal(x.kubelet.serve(path).body, y.kubelet.serve(path).body, path);
    x.clock.advance(13_000);
    y.clock.advance(13_000);
  }
  assert.notEqual(make(22).kubelet.serve('/stats/summary').body, x.kubelet.serve('/stats/summary').body);
});

function leakyNode(): SimNodeView {
  const startMs = BOOT_MS + 60_000;
  return {
    name: 'leaky-node', address: '127.0.1.9', kubeletPort: 10250, cpuCores: 4, memoryBytes: 16 * 1024 ** 3,
    startTime: new Date(BOOT_MS), kubernetesVersion: '1.35', ready: true, seed: 77,
    pods: [{
      uid: uuidOf(5), name: 'leaky-0', namespace: 'default', startTime: new Date(startMs), qosClass: 'Burstable', phase: 'Running', seed: 1234,
      volumes: [],
      containers: [{
        name: 'app', containerId: 'containerd://' + 'ab'.repeat(32), image: 'docker.io/library/leaky:1', imageId: 'docker.io/library/leaky@sha256:' + 'cd'.repeat(32),
        cpuRequestMilli: 100, cpuLimitMilli: null, memoryRequestBytes: 128 * 1024 ** 2, memoryLimitBytes: 256 * 1024 ** 2,
        restartCount: 0, startTime: new Date(startMs + 2000), profile: 'leaky',
      }],
    }],
  };
}

test('a leaking container is OOM-killed at its limit: callback, new startTime, counters restart', () => {
  const view = leakyNode();
  const clock = new ManualClock(BOOT_MS + 120_000);
  const restarts: Array<{ pod: string; container: string; reason: string; at: Date }> = [];
  const kubelet = createKubelet(() => view, {
    containerRestarted(pod, container, reason, at) {
      restarts.push({ pod, container, reason, at });
      // What the simulated world does: bump restartCount and record the new incarnation's start.
      const c = view.pods[0].containers.find((x) => x.name === container)!;
      c.restartCount++;
      c.startTime = new Date(at.getTime() + 1000);
    },
  }, { now: clock.now });
  let prev: SummaryContainer | null = null;
  let sawReset = false;
  let maxWs = 0;
  for (let i = 0; i < 3 * 360; i++) {
    clock.advance(10_000);
    const c = summaryOf(kubelet).pods[0].containers[0];
    assert.ok(c.memory.workingSetBytes <= 256 * 1024 ** 2, 'never above the limit');
    maxWs = Math.max(maxWs, c.memory.workingSetBytes);
    if (prev && c.startTime !== prev.startTime) {
      sawReset = true;
      assert.ok(Date.parse(c.startTime) > Date.parse(prev.startTime));
      assert.equal(Date.parse(c.startTime), Math.floor(view.pods[0].containers[0].startTime.getTime() / 1000) * 1000, 'summary agrees with the world');
      assert.ok(c.cpu.usageCoreNanoSeconds < prev.cpu.usageCoreNanoSeconds, 'cpu counter restarts');
      assert.ok(c.memory.workingSetBytes < prev.memory.workingSetBytes, 'memory is released');
    } else if (prev) {
      assert.ok(c.cpu.usageCoreNanoSeconds >= prev.cpu.usageCoreNanoSeconds);
    }
    prev = c;
  }
  assert.ok(sawReset, 'the container restarted within 3 hours');
  assert.ok(restarts.length >= 1 && restarts.every((r) => r.reason === 'OOMKilled' && r.container === 'app' && r.pod === view.pods[0].uid));
  assert.ok(maxWs > 0.9 * 256 * 1024 ** 2, 'it grew close to the limit first');
  const cad = parseProm(kubelet.serve('/metrics/cadvisor').body);
  const oom = cad.get('container_oom_events_total')!.samples.find((s) => s.labels.pod === 'leaky-0' && s.labels.container === '')!;
  assert.equal(oom.value, restarts.length, 'the pod cgroup counts the OOM kills');
});

test('a frozen summary keeps its time and values until the fault is cleared', () => {
  const view = makeFakeNodeView({ seed: 14, podCount: 5, bootMs: BOOT_MS });
  const clock = new ManualClock(BOOT_MS + 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now });
  kubelet.setFaults({ frozenSummary: true });
  const a = kubelet.serve('/stats/summary').body;
  clock.advance(5 * 60_000);
  assert.equal(kubelet.serve('/stats/summary').body, a);
  kubelet.setFaults({ frozenSummary: false });
  const b = JSON.parse(kubelet.serve('/stats/summary').body) as Summary;
  assert.ok(Date.parse(b.node.cpu.time) - Date.parse((JSON.parse(a) as Summary).node.cpu.time) >= 5 * 60_000 - 10_000);
  kubelet.dispose();
});

test('a node reboot starts the node and pod totals afresh', () => {
  const view = makeFakeNodeView({ seed: 16, podCount: 8, bootMs: BOOT_MS });
  const clock = new ManualClock(BOOT_MS + 5 * 3_600_000);
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: clock.now });
  const before = summaryOf(kubelet);
  clock.advance(120_000);
  const rebootMs = clock.ms - 60_000;
  view.startTime = new Date(rebootMs);
  for (const p of view.pods) {
    p.startTime = new Date(rebootMs + 20_000);
    for (const c of p.containers) c.startTime = new Date(rebootMs + 25_000);
  }
  const after = summaryOf(kubelet);
  assert.equal(after.node.startTime, new Date(rebootMs).toISOString().replace('.000Z', 'Z'));
  assert.ok(after.node.cpu.usageCoreNanoSeconds < before.node.cpu.usageCoreNanoSeconds / 10, 'node cpu restarted from boot');
  const podsSys = (s: Summary) => s.node.systemContainers.find((c) => c.name === 'pods')!.cpu.usageCoreNanoSeconds;
  assert.ok(podsSys(after) < podsSys(before) / 10, 'kubepods totals restarted');
});

test('health, pods and unknown paths answer like a kubelet', () => {
  const view = makeFakeNodeView({ seed: 15, podCount: 4, bootMs: BOOT_MS });
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: () => BOOT_MS + 3_600_000 });
  assert.deepEqual(kubelet.serve('/healthz'), { status: 200, contentType: 'text/plain; charset=utf-8', body: 'ok' });
  const pods = JSON.parse(kubelet.serve('/pods').body) as WireList;
  assert.equal(pods.kind, 'PodList');
  assert.deepEqual(pods.items.map((p) => p.metadata.uid), view.pods.map((p) => p.uid));
  const only = JSON.parse(kubelet.serve('/stats/summary?only_cpu_and_memory=true').body) as Summary;
  assert.ok(only.node.cpu && only.node.memory && !only.node.fs && !only.pods[0].network && !only.pods[0].containers[0].rootfs);
  for (const path of ['/stats/summary', '/metrics/cadvisor', '/metrics/resource', '/pods', '/healthz', '/nope']) {
    const asText = kubelet.serve(path);
    const asBytes = kubelet.serveBytes(path);
    assert.equal(asBytes.status, asText.status, path);
    assert.equal(asBytes.contentType, asText.contentType, path);
    assert.equal(asBytes.body.toString('utf8'), asText.body, `${path}: serveBytes carries the same body`);
  }
  const missing = kubelet.serve('/stats/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body, '404 page not found\n');
  assert.throws(() => createKubelet(() => ({ ...view, kubernetesVersion: 'banana' }), { containerRestarted() {} }).serve('/stats/summary'), /kubernetesVersion "banana"/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateTracker } from '../../src/scrape/rates.js';
import { decodeSummary as decodeAll } from '../../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../../src/metrics/sources/cadvisor.js';
import { emptyMetricRows } from '../../src/metrics/definitions.js';
import { readFixture } from '../metrics/fixtures.js';
import type { SummaryDoc } from '../helpers/summary-doc.js';
// Keep idle interfaces: the shifted payloads give every interface traffic, which would otherwise make the
// fixture's idle tunnels appear only in the second sample.
const decodeSummary = (body: string): ReturnType<typeof decodeAll> => decodeAll(body, { keepIdleInterfaces: true });
const BASE = JSON.parse(readFixture('summary-nri-1.35.json').toString('utf8')) as SummaryDoc;

/** Every `time` string moved by `shiftS` seconds. */
function shiftTimes(o: unknown, shiftS: number): void {
  if (Array.isArray(o)) o.forEach((v) => shiftTimes(v, shiftS));
  else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (k === 'time' && typeof v === 'string') (o as Record<string, unknown>)[k] = new Date(Date.parse(v) + shiftS * 1000).toISOString();
      else shiftTimes(v, shiftS);
    }
  }
}

/** Adds `by` to a counter of a stats block that has it (every fixture counter is a number). */
function add(block: Record<string, unknown> | undefined, key: string, by: number): void {
  const v = block?.[key];
  if (v === undefined) return;
  assert.equal(typeof v, 'number', `${key} is a number`);
  block![key] = (v as number) + by;
}

/** A later sample of the fixture: times + shiftS, with CPU, page faults and network grown by the given amounts. */
function later(shiftS: number, grow: { cpuNs: number; faults: number; rxBytes: number }, edit?: (d: SummaryDoc) => void): string {
  const d = structuredClone(BASE);
  shiftTimes(d, shiftS);
  for (const o of [d.node, ...d.pods, ...d.pods.flatMap((p) => p.containers)]) {
    add(o.cpu, 'usageCoreNanoSeconds', grow.cpuNs);
    add(o.memory, 'pageFaults', grow.faults);
    const network = o.network as SummaryDoc['node']['network']; // containers carry none
    add(network, 'rxBytes', grow.rxBytes);
    for (const i of network?.interfaces ?? []) add(i, 'rxBytes', grow.rxBytes);
  }
  edit?.(d);
  return JSON.stringify(d);
}

test('rates: per-second rates from two summaries of the fixture, 10 s apart', () => {
  const rates = new RateTracker({ intervalMs: 10_000, source: 'summary' });
  const first = decodeSummary(JSON.stringify(BASE));
  const r1 = rates.apply(1, first.rows, first.startTimes);
  assert.equal(r1.first, first.rows.node.length + first.rows.system_container.length + first.rows.pod.length
    + first.rows.container.length + first.rows.volume.length + first.rows.interface.length);
  assert.equal(first.rows.node[0].cpu_rate_millicores, null, 'no rate on the first sample');

  // 2.5 cores for 10 s = 25e9 ns; 300 faults; 1 MB received
  const second = decodeSummary(later(10, { cpuNs: 25e9, faults: 300, rxBytes: 1_000_000 }));
  const r2 = rates.apply(1, second.rows, second.startTimes);
  assert.deepEqual([r2.stale, r2.resets, r2.gaps, r2.first], [0, 0, 0, 0]);
  const node = second.rows.node[0];
  assert.equal(node.cpu_usage_core_nanoseconds, 62148052000 + 25e9);
  assert.equal(node.cpu_rate_millicores, 2500);
  assert.equal(node.memory_page_faults_per_second, 30);
  assert.equal(node.network_rx_bytes_per_second, 100_000);
  assert.equal(node.memory_major_page_faults_per_second, 0, 'unchanged counter → rate 0');
  for (const c of second.rows.container) assert.equal(c.cpu_rate_millicores, 2500, `container ${String(c.container)}`);
  const eth0 = second.rows.interface.find((r) => r.pod_uid === '' && r.interface === 'eth0')!;
  assert.equal(eth0.rx_bytes_per_second, 100_000);
  assert.equal(eth0.tx_bytes_per_second, 0);
  // PSI totals did not move: 0 % stalled
  assert.equal(node.cpu_psi_some_stalled_percent, 0);
});

test('rates: a container restart (new startTime) or a counter going down gives no rate, never a negative one', () => {
  const rates = new RateTracker({ intervalMs: 10_000 });
  const first = decodeSummary(JSON.stringify(BASE));
  rates.apply(1, first.rows, first.startTimes);
  const uid0 = BASE.pods[0].podRef.uid;
  const uid1 = BASE.pods[1].podRef.uid;
  const second = decodeSummary(later(10, { cpuNs: 1e9, faults: 0, rxBytes: 0 }, (d) => {
    d.pods[0].containers[0].startTime = new Date(Date.parse(d.pods[0].containers[0].startTime) + 60_000).toISOString();
    d.pods[1].containers[0].cpu!.usageCoreNanoSeconds = 5; // went down without a known restart
  }));
  const r = rates.apply(1, second.rows, second.startTimes);
  assert.equal(r.resets, 2);
  const c0 = second.rows.container.find((c) => c.pod_uid === uid0)!;
  const c1 = second.rows.container.find((c) => c.pod_uid === uid1)!;
  assert.equal(c0.cpu_rate_millicores, null);
  assert.equal(c1.cpu_rate_millicores, null);
  assert.equal(c1.memory_page_faults_per_second, null, 'the whole row is untrusted after a decrease');
  const other = second.rows.container.find((c) => c.pod_uid !== uid0 && c.pod_uid !== uid1)!;
  assert.equal(other.cpu_rate_millicores, 100);
  // the sample after the reset rates again from the new baseline
  const third = decodeSummary(later(20, { cpuNs: 2e9, faults: 0, rxBytes: 0 }, (d) => {
    d.pods[1].containers[0].cpu!.usageCoreNanoSeconds = 5 + 1e9;
  }));
  rates.apply(1, third.rows, third.startTimes);
  assert.equal(third.rows.container.find((c) => c.pod_uid === uid1)!.cpu_rate_millicores, 100);
});

test('rates: a stale sample (same kubelet time) is dropped and counted', () => {
  const rates = new RateTracker({ intervalMs: 10_000 });
  const a = decodeSummary(JSON.stringify(BASE));
  rates.apply(7, a.rows, a.startTimes);
  const again = decodeSummary(JSON.stringify(BASE));
  const total = Object.values(again.rows).reduce((n, list) => n + list.length, 0);
  const r = rates.apply(7, again.rows, again.startTimes);
  assert.equal(r.stale, total);
  assert.equal(again.rows.pod.length, 0);
  assert.equal(again.rows.container.length, 0);
  // another cluster with the same payload is a different entity
  const otherCluster = decodeSummary(JSON.stringify(BASE));
  assert.equal(rates.apply(8, otherCluster.rows, otherCluster.startTimes).stale, 0);
  assert.equal(otherCluster.rows.pod.length, BASE.pods.length);
});

test('rates: after a gap longer than gapFactor × interval there is no rate', () => {
  const rates = new RateTracker({ intervalMs: 10_000, gapFactor: 3 });
  const a = decodeSummary(JSON.stringify(BASE));
  rates.apply(1, a.rows, a.startTimes);
  const b = decodeSummary(later(31, { cpuNs: 1e9, faults: 1, rxBytes: 1 }));
  const r = rates.apply(1, b.rows, b.startTimes);
  assert.ok(r.gaps > 0);
  assert.equal(b.rows.node[0].cpu_rate_millicores, null);
  const c = decodeSummary(later(41, { cpuNs: 2e9, faults: 1, rxBytes: 1 }));
  rates.apply(1, c.rows, c.startTimes);
  assert.equal(c.rows.node[0].cpu_rate_millicores, 100);
});

test('rates: state is pruned when entities stop appearing, and capped', () => {
  let now = 1_000;
  const rates = new RateTracker({ intervalMs: 10_000, now: () => now, maxEntities: 100_000 });
  const a = decodeSummary(JSON.stringify(BASE));
  rates.apply(1, a.rows, a.startTimes);
  const entities = rates.size;
  assert.ok(entities > 200);
  now = 50_000;
  const onlyNode = emptyMetricRows();
  const b = decodeSummary(later(10, { cpuNs: 0, faults: 0, rxBytes: 0 }));
  onlyNode.node = b.rows.node;
  rates.apply(1, onlyNode, b.startTimes);
  assert.equal(rates.prune(40_000), entities - 1, 'every entity but the node was not seen since');
  assert.equal(rates.size, 1);

  const capped = new RateTracker({ intervalMs: 10_000, maxEntities: 10 });
  const c = decodeSummary(JSON.stringify(BASE));
  const r = capped.apply(1, c.rows, c.startTimes);
  assert.equal(capped.size, 10);
  assert.equal(r.evicted, entities - 10);
});

test('rates: cAdvisor counters (seconds × 1e9, throttling) from two shifted payloads', () => {
  const text = readFixture('cadvisor-nri-1.28.txt').toString('utf8');
  // Second scrape: every timestamp +15 s, every CFS throttled-seconds value +1.5 s, CPU +3 s.
  const shifted = text.split('\n').map((l) => {
    const m = /^(\w+)(\{.*\}) (\S+) (\d+)$/.exec(l);
    if (!m) return l;
    let v = Number(m[3]);
    if (m[1] === 'container_cpu_cfs_throttled_seconds_total') v += 1.5;
    if (m[1] === 'container_cpu_usage_seconds_total') v += 3;
    return `${m[1]}${m[2]} ${v} ${Number(m[4]) + 15_000}`;
  }).join('\n');
  const rates = new RateTracker({ intervalMs: 15_000 });
  const opts = { nodeName: 'n', scrapeTime: new Date() };
  const a = decodeCadvisorText(text, opts);
  rates.apply(1, a.rows, a.startTimes);
  const b = decodeCadvisorText(shifted, opts);
  const r = rates.apply(1, b.rows, b.startTimes);
  assert.equal(r.stale, 0);
  const hpa = b.rows.pod.find((p) => p.pod === 'e2e-hpa-97d79d4cd-f48d7')!;
  assert.ok(Math.abs((hpa.cpu_cfs_throttled_millicores as number) - 100) < 1e-6, String(hpa.cpu_cfs_throttled_millicores));
  assert.ok(Math.abs((b.rows.node[0].cpu_rate_millicores as number) - 200) < 1e-3);
  assert.equal(hpa.cpu_cfs_throttled_periods_per_second, 0);
});

test('rates: a deleted pod keeps its state for the grace period, so the kubelet\'s cached sample is not stored twice', () => {
  let now = 0;
  const rates = new RateTracker({ intervalMs: 15_000, source: 'summary', now: () => now, forgetGraceMs: 30_000 });
  const first = decodeSummary(JSON.stringify(BASE));
  rates.apply(1, first.rows, first.startTimes);
  const all = rates.size;
  const uid = String(first.rows.pod[0].pod_uid);
  const ofPod = [...first.rows.container, ...first.rows.volume, ...first.rows.interface, ...first.rows.pod].filter((r) => r.pod_uid === uid).length;
  assert.ok(ofPod > 1, 'the pod has containers, volumes or interfaces besides itself');
  rates.forget(1, { pods: [uid] });

  // The kubelet serves the same (cached) sample again after the deletion: still recognised as stale.
  const again = decodeSummary(JSON.stringify(BASE));
  const r = rates.apply(1, again.rows, again.startTimes);
  assert.equal(again.rows.pod.filter((p) => p.pod_uid === uid).length, 0, 'the cached sample of the deleted pod is dropped');
  assert.ok(r.stale >= ofPod);
  assert.equal(r.first, 0);

  now += 10_000;
  rates.prune(-Infinity);
  assert.equal(rates.size, all, 'within the grace nothing is dropped');
  now += 30_000;
  rates.prune(-Infinity); // the pod's generation becomes the older one …
  now += 30_000;
  rates.prune(-Infinity); // … and is dropped once the younger one has aged past the grace too
  assert.equal(rates.size, all - ofPod);
  assert.equal(rates.pendingForgotten, 0);
});

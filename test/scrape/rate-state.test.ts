// The compact rate state (src/scrape/rate-state.ts): ids released with their last entity, slots and
// their numbers intact across chunk boundaries, and the RateTracker built on them giving the same rates
// and keeping only the live pods' UIDs. Sizes and values only, never timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityStates, Interner, NO_ID } from '../../src/scrape/rate-state.js';
import { RateTracker } from '../../src/scrape/rates.js';
import { emptyMetricRows, type MetricRows } from '../../src/metrics/definitions.js';

test('interner: one id per value while referenced, the value dropped and its id reused after the last release', () => {
  const ids = new Interner();
  const a = ids.acquire('pod-a');
  assert.equal(ids.acquire('pod-a'), a, 'same value, same id');
  const b = ids.acquire('pod-b');
  assert.notEqual(a, b);
  assert.equal(ids.size, 2);
  ids.release(a);
  assert.equal(ids.peek('pod-a'), a, 'still referenced once');
  ids.release(a);
  assert.equal(ids.peek('pod-a'), undefined, 'gone with its last reference');
  assert.equal(ids.size, 1);
  assert.equal(ids.acquire('pod-c'), a, 'a freed id is reused: ids stay as few as the live values');
  ids.release(NO_ID); // entities without a pod release nothing
  assert.equal(ids.size, 2);
  ids.release(b);
  assert.throws(() => ids.release(b), /released more often than acquired/);
});

test('entity states: slots across several chunks keep their numbers and ids; removal frees and reuses them', () => {
  const st = new EntityStates(4);
  const count = 3000; // three chunks of 1,024 slots
  for (let i = 0; i < count; i++) {
    const slot = st.add(`k${i}`, i, i % 7);
    const { data, at } = st.ref(slot);
    for (let f = 0; f < 4; f++) data[at + f] = i * 10 + f;
  }
  assert.equal(st.size, count);
  for (const i of [0, 1023, 1024, 2047, 2048, 2999]) {
    const slot = st.slotOf.get(`k${i}`)!;
    assert.deepEqual([0, 1, 2, 3].map((f) => st.get(slot, f)), [i * 10, i * 10 + 1, i * 10 + 2, i * 10 + 3], `slot of k${i}`);
    assert.equal(st.podIdOf(slot), i);
    assert.equal(st.nodeIdOf(slot), i % 7);
  }
  assert.equal(st.min(0), 0);
  const released: number[] = [];
  const removed = st.removeWhere((slot) => st.nodeIdOf(slot) === 3, (slot) => released.push(st.podIdOf(slot)));
  const expected = Array.from({ length: count }, (_, i) => i).filter((i) => i % 7 === 3);
  assert.equal(removed, expected.length);
  assert.deepEqual(released.sort((x, y) => x - y), expected, 'every removed slot was handed to onRemoved once');
  assert.equal(st.size, count - removed);
  // New entities take the freed slots: the state does not grow while entities come and go.
  for (let i = 0; i < removed; i++) st.add(`n${i}`, NO_ID, NO_ID);
  assert.equal(st.size, count);
  const limited = st.removeWhere(() => true, () => undefined, 10);
  assert.equal(limited, 10, 'the limit caps one pass');
});

/** One sample of `pods` pods on `nodes` nodes: pod, container and interface rows (plus the node's own eth0). */
function sample(nodes: number, pods: number, tsMs: number, cpuNs: number): MetricRows {
  const rows = emptyMetricRows();
  const ts = new Date(tsMs);
  for (let n = 0; n < nodes; n++) rows.interface.push({ node: `node-${n}`, pod_uid: '', interface: 'eth0', ts, rx_bytes: cpuNs * 2 });
  for (let p = 0; p < pods; p++) {
    const uid = `00000000-0000-4000-a000-${String(p).padStart(12, '0')}`;
    const node = `node-${p % nodes}`;
    rows.pod.push({ pod_uid: uid, ts, cpu_usage_core_nanoseconds: cpuNs + p });
    rows.container.push({ pod_uid: uid, container: 'app', ts, cpu_usage_core_nanoseconds: cpuNs + p });
    rows.interface.push({ node, pod_uid: uid, interface: 'eth0', ts, rx_bytes: cpuNs + p });
  }
  return rows;
}

test('rates on the compact state: right rates for every entity past chunk boundaries, node and pod interfaces apart', () => {
  const rates = new RateTracker({ intervalMs: 10_000, source: 'summary', now: () => 0 });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const first = rates.apply(1, sample(10, 2500, t0, 1e9));
  assert.equal(first.first, 10 + 3 * 2500);
  assert.deepEqual(rates.interned, { pods: 2500, nodes: 10 }, 'each UID and node name held once, whatever the entities');
  const second = sample(10, 2500, t0 + 10_000, 1e9 + 5e9); // +0.5 core; +500 MB/s per pod interface, +1 GB/s on the node's own
  const r = rates.apply(1, second);
  assert.deepEqual([r.first, r.stale, r.resets, r.gaps], [0, 0, 0, 0]);
  for (const row of second.pod) assert.equal(row.cpu_rate_millicores, 500, `pod ${String(row.pod_uid)}`);
  for (const row of second.container) assert.equal(row.cpu_rate_millicores, 500);
  const nodeOwn = second.interface.filter((row) => row.pod_uid === '');
  const podOwn = second.interface.filter((row) => row.pod_uid !== '');
  assert.equal(nodeOwn.length, 10);
  for (const row of nodeOwn) assert.equal(row.rx_bytes_per_second, 1e9, 'the node\'s eth0 is not mixed up with its pods\' eth0');
  for (const row of podOwn) assert.equal(row.rx_bytes_per_second, 5e8);
  // The same sample again is stale for every entity.
  const again = rates.apply(1, sample(10, 2500, t0 + 10_000, 1e9 + 5e9));
  assert.equal(again.stale, 10 + 3 * 2500);
});

test('rates on the compact state: forgetting, pruning and the cap release the UIDs and node names with their entities', () => {
  let now = 0;
  const rates = new RateTracker({ intervalMs: 10_000, source: 'summary', now: () => now, forgetGraceMs: 0, maxEntities: 3000 });
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  rates.apply(1, sample(4, 600, t0, 1e9));
  assert.equal(rates.size, 4 + 3 * 600);
  rates.forget(1, { pods: Array.from({ length: 300 }, (_, p) => `00000000-0000-4000-a000-${String(p).padStart(12, '0')}`) });
  rates.sweepForgotten();
  assert.equal(rates.size, 4 + 3 * 300);
  assert.deepEqual(rates.interned, { pods: 300, nodes: 4 });
  // A deleted node takes its own interface and its pods' interfaces (keyed by the node) with it.
  rates.forget(1, { nodes: ['node-0'] });
  rates.sweepForgotten();
  assert.equal(rates.size, 3 + 2 * 300 + 300 - 75);
  assert.deepEqual(rates.interned, { pods: 300, nodes: 3 }, 'node-0 had nothing left');
  // Over the cap, the entities seen longest ago go first, and their ids with them.
  now = 1000;
  const big = rates.apply(1, sample(4, 1000, t0 + 10_000, 2e9));
  assert.ok(big.evicted > 0);
  assert.ok(rates.size <= 3000);
  now = 2000;
  const before = rates.size;
  assert.equal(rates.prune(1500), before);
  assert.equal(rates.size, 0, 'everything was last seen before the prune horizon');
  assert.deepEqual(rates.interned, { pods: 0, nodes: 0 });
});

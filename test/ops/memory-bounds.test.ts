// Issue 7, Memory: every structure that holds per-scrape, per-pod, per-node or per-credential state goes
// back to its baseline size after many lifecycles. Sizes only, never timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { scopedAbort } from '../../src/util/abort.js';
import { ScrapeScheduler, Semaphore } from '../../src/scrape/scheduler.js';
import { RateTracker } from '../../src/scrape/rates.js';
import { emptyMetricRows, type MetricRows } from '../../src/metrics/definitions.js';
import { PodIndex, followPods } from '../../src/collector/pod-index.js';
import type { InventoryChange } from '../../src/inventory/informer.js';
import { KubeletPipeline } from '../../src/scrape/kubelet-pipeline.js';
import type { Database } from '../../src/store/database.js';
import { readFixture } from '../metrics/fixtures.js';
import { MAX_ROTATING_SECRETS, registerSecret, registeredSecretCount, scrub } from '../../src/log.js';

/** Node 20 and 22 keep AbortSignal.any() dependants in an internal set on the source signal; its size, if present. */
function dependantSignals(signal: AbortSignal): number {
  const sym = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  return sym ? ((signal as unknown as Record<symbol, Set<unknown>>)[sym]?.size ?? 0) : 0;
}

test('scopedAbort: nothing stays linked to the long-lived parent after dispose', () => {
  const parent = new AbortController();
  for (let i = 0; i < 20_000; i++) scopedAbort(parent.signal, 60_000).dispose();
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  assert.equal(dependantSignals(parent.signal), 0);
  const live = scopedAbort(parent.signal, 60_000);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 1, 'linked while the operation runs');
  parent.abort(new Error('stopping'));
  assert.ok(live.signal.aborted, 'parent abort reaches the operation');
  assert.equal((live.signal.reason as Error).message, 'stopping');
  assert.equal(live.timedOut, false);
  live.dispose();
});

test('scopedAbort: the timeout aborts and says so', async () => {
  const parent = new AbortController();
  const s = scopedAbort(parent.signal, 20);
  // The scope's timer is unref'd (like AbortSignal.timeout): hold the event loop open while waiting.
  const hold = setInterval(() => undefined, 1000);
  await new Promise((r) => s.signal.addEventListener('abort', r, { once: true }));
  clearInterval(hold);
  assert.equal(s.timedOut, true);
  assert.equal((s.signal.reason as DOMException).name, 'TimeoutError');
  s.dispose();
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  assert.throws(() => scopedAbort(parent.signal, 0), /timeoutMs must be > 0/);
});

test('scheduler: thousands of scrapes leave nothing on its stop signal', async () => {
  let nowMs = 1_000_000;
  let scrapes = 0;
  let seenListeners = 0;
  const s = new ScrapeScheduler({
    name: 'c/summary', intervalMs: 1000, timeoutMs: 500, semaphore: new Semaphore(8), now: () => nowMs,
    scrape: async ({ signal }) => {
      scrapes++;
      assert.equal(signal.aborted, false);
      seenListeners = Math.max(seenListeners, getEventListeners(stopSignal, 'abort').length);
      await Promise.resolve();
    },
  });
  const stopSignal = (s as unknown as { abort: AbortController }).abort.signal;
  for (let n = 0; n < 50; n++) s.addNode(`node-${n}`);
  for (let cycle = 0; cycle < 100; cycle++) {
    nowMs += 1000;
    s.tick();
    await new Promise((r) => setImmediate(r));
  }
  await s.stop();
  assert.ok(scrapes >= 50 * 99, `scraped ${scrapes} times`);
  assert.ok(seenListeners >= 1, 'each running scrape is linked to the stop signal');
  assert.equal(getEventListeners(stopSignal, 'abort').length, 0);
  assert.equal(dependantSignals(stopSignal), 0);
});

/** One summary sample of `pods` on `node` at `tsMs`: a pod row, a container, a volume and an interface each. */
function sample(node: string, pods: string[], tsMs: number, cpuNs: number): MetricRows {
  const rows = emptyMetricRows();
  const ts = new Date(tsMs);
  rows.node.push({ node, ts, cpu_usage_core_nanoseconds: cpuNs });
  for (const uid of pods) {
    const attrs = { namespace: 'ns', pod: `p-${uid}`, node };
    rows.pod.push({ pod_uid: uid, ts, ...attrs, cpu_usage_core_nanoseconds: cpuNs });
    rows.container.push({ pod_uid: uid, container: 'app', ts, ...attrs, cpu_usage_core_nanoseconds: cpuNs });
    rows.volume.push({ pod_uid: uid, volume: 'data', ts, ...attrs, used_bytes: 1 });
    rows.interface.push({ node, pod_uid: uid, interface: 'eth0', ts, rx_bytes: cpuNs });
  }
  return rows;
}

test('rates: the state of deleted pods and nodes is dropped, back to the baseline after 20,000 pod lifecycles', () => {
  const rates = new RateTracker({ intervalMs: 10_000, source: 'summary', now: () => 0, forgetGraceMs: 0 });
  const live = Array.from({ length: 100 }, (_, i) => `live-${i}`);
  let t = Date.parse('2026-01-01T00:00:00Z');
  let cpu = 0;
  const step = (pods: string[]) => rates.apply(7, sample('node-a', pods, (t += 10_000), (cpu += 1e9)));
  step(live);
  const baseline = rates.size;
  assert.equal(baseline, 1 + 4 * live.length);
  let peak = 0;
  for (let batch = 0; batch < 1000; batch++) {
    const churned = Array.from({ length: 20 }, (_, i) => `gone-${batch}-${i}`);
    for (let k = 0; k < 3; k++) step([...live, ...churned]); // a few samples in each pod's life
    rates.forget(7, { pods: churned });
    peak = Math.max(peak, rates.size);
  }
  // Between sweeps at most max(256, size/64) pods wait: bounded, whatever the number of lifecycles.
  assert.ok(peak <= baseline + 4 * (256 + 20), `peak ${peak} entities`);
  rates.sweepForgotten();
  assert.equal(rates.size, baseline);
  assert.equal(rates.pendingForgotten, 0);
  // Another cluster's pod with the same uid is not touched.
  rates.apply(8, sample('node-a', ['live-0'], t, cpu));
  rates.forget(7, { pods: ['live-0'] });
  rates.sweepForgotten();
  assert.equal(rates.size, baseline - 4 + 1 + 4);
  // A deleted node takes its own entities and the interfaces keyed by it.
  rates.forget(7, { nodes: ['node-a'] });
  rates.sweepForgotten();
  assert.equal(rates.size, 1 + 4 + 3 * (live.length - 1), 'cluster 8 whole; cluster 7: its node row and the interfaces keyed by the node gone');
});

test('pod index + follower: back to the baseline after 20,000 lifecycles, including names reused by new pods', () => {
  const index = new PodIndex();
  const forgotten: string[] = [];
  const follow = followPods(index, { forgetPods: (_c, uids) => forgotten.push(...uids) }, 3);
  const change = (op: InventoryChange['op'], uid: string, name: string): InventoryChange => ({ op, obj: { metadata: { uid, name, namespace: 'ns' } } });
  for (let i = 0; i < 50; i++) follow.onChange(change('upsert', `live-${i}`, `live-${i}`));
  const baseline = index.size;
  for (let i = 0; i < 20_000; i++) {
    const name = `web-${i % 7}`; // StatefulSet-like: the same name comes back with a new uid
    follow.onChange(change('upsert', `uid-${i}`, name));
    follow.onChange(change('upsert', `uid-${i}`, name)); // an update
    if (i % 2 === 0) follow.onChange(change('delete', `uid-${i}`, name));
    else follow.onGone([`uid-${i}`]); // found gone by a relist
  }
  assert.deepEqual(index.size, baseline);
  assert.equal(forgotten.length, 20_000, 'each deleted pod reached the pipeline');
  // A new pod taking a name over keeps it when its predecessor's delete arrives late.
  follow.onChange(change('upsert', 'old', 'db-0'));
  follow.onChange(change('upsert', 'new', 'db-0'));
  follow.onChange(change('delete', 'old', 'db-0'));
  assert.equal(index.uidOf('ns', 'db-0'), 'new');
});

test('rotating secrets: bounded, the current ones still redacted, fixed ones never dropped', () => {
  const before = registeredSecretCount();
  registerSecret('fixed-password-123456');
  for (let i = 0; i < 10 * MAX_ROTATING_SECRETS; i++) {
    registerSecret(`rotating-token-${i}-abcdef`, { rotating: true });
    if (i % 10 === 0) registerSecret('rotating-token-kept-abcdef', { rotating: true }); // refreshed regularly
  }
  const after = registeredSecretCount();
  assert.equal(after.rotating, MAX_ROTATING_SECRETS);
  assert.equal(after.fixed, before.fixed + 1);
  const last = `rotating-token-${10 * MAX_ROTATING_SECRETS - 1}-abcdef`;
  const line = scrub(`leaked ${last} and rotating-token-kept-abcdef and fixed-password-123456`);
  assert.equal(line, 'leaked [REDACTED] and [REDACTED] and [REDACTED]');
});

test('kubelet pipeline: forgetPods, forgetNode and forgetCluster drop the rate state they name', async () => {
  const body = readFixture('summary-nri-1.35.json');
  const doc = JSON.parse(body.toString('utf8')) as { node: { nodeName: string }; pods: Array<{ podRef: { uid: string } }> };
  const fakeDb = { pool: {}, partitions: null, state: 'connected', noteWrite: () => undefined } as unknown as Database;
  let written = 0;
  const pipeline = new KubeletPipeline(fakeDb, null, { write: async (_p, _e, rows) => ({ inserted: (written += rows.length, rows.length), duplicates: 0 }), forgetGraceMs: 0 });
  try {
    const ingest = (clusterId: number) => pipeline.ingest({ clusterId, cluster: `c${clusterId}`, node: doc.node.nodeName, source: 'summary', body, scrapedAt: new Date(), intervalMs: 10_000 });
    await ingest(1);
    const onePerCluster = pipeline.counters().rateEntities;
    assert.ok(onePerCluster > doc.pods.length, `rate state for the node, its pods and their parts: ${onePerCluster}`);
    await ingest(2);
    assert.equal(pipeline.counters().rateEntities, 2 * onePerCluster);
    pipeline.forgetPods(1, doc.pods.map((p) => p.podRef.uid));
    pipeline.forgetNode(1, doc.node.nodeName);
    // The sweep runs at the next prune; forget() alone sweeps only once enough have gathered.
    (pipeline as unknown as { prune(): void }).prune();
    assert.equal(pipeline.counters().rateEntities, onePerCluster, 'cluster 1 emptied, cluster 2 untouched');
    pipeline.forgetCluster(2);
    assert.equal(pipeline.counters().rateEntities, 0);
    await pipeline.writer.flush();
    assert.ok(written > 0, 'rows went through the writer');
  } finally {
    await pipeline.flush();
  }
});

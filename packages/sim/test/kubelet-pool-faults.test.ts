// Recycled body memory (body-pool.ts) and the kubelet HTTP path that now serves Buffers: a body still
// being read is never overwritten by a later page, released slabs are reused, and the malformed and
// truncated body faults still reach the client through the API-server proxy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SlabPool, slabBytes } from '../src/kubelet/body-pool.js';
import { createKubelet } from '../src/kubelet/index.js';
import { makeFakeNodeView } from '../src/kubelet/fake-view.js';
import { malformed } from '../src/kubelets.js';
import { startSim, type SimCluster } from '../src/index.js';
import { get } from './api-helpers.js';
import type { Summary, WireList } from './wire.js';

test('slab sizes: at least the body, at most a fifth more (plus a page), whole pages', () => {
  for (const n of [65_536, 100_000, 555_555, 1 << 20, 6_144_000]) {
    const size = slabBytes(n);
    assert.ok(size >= n && size <= n * 1.2 + 4096, `${n} → ${size}`);
    assert.equal(size % 4096, 0);
  }
});

test('a released slab is reused only after every holder let go, and the free list is bounded', () => {
  const pool = new SlabPool(1 << 20);
  const page = Buffer.alloc(300_000, 0x61);
  const first = pool.copyOf(page);
  const reader = first.retain();
  first.release(); // the cache lets go; a reader still holds it
  assert.equal(pool.idleBytes, 0, 'not free while a reader holds it');
  reader();
  reader(); // a second call is a no-op
  assert.equal(pool.idleBytes, slabBytes(page.length));
  const second = pool.copyOf(Buffer.alloc(300_000, 0x62));
  assert.equal(second.buf.buffer, first.buf.buffer, 'the same memory serves the next page');
  assert.equal(pool.idleBytes, 0);
  const big = new SlabPool(100_000);
  const b = big.copyOf(page);
  b.release();
  assert.equal(big.idleBytes, 0, 'a slab above the free-list bound goes to the GC');
});

test('a body a response still holds keeps its bytes while later ticks render; released bodies are reused', () => {
  const bootMs = Date.parse('2026-06-26T00:00:00Z');
  const view = makeFakeNodeView({ seed: 4, podCount: 30, bootMs, kubernetesVersion: '1.35', cpuCores: 8, memoryBytes: 32 * 1024 ** 3 });
  let nowMs = bootMs + 3_600_000;
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: () => nowMs, housekeepingMs: 10_000 });
  try {
    const held = kubelet.serveBytes('/metrics/cadvisor');
    const snapshot = Buffer.from(held.body);
    const memories = new Set<ArrayBufferLike>();
    for (let i = 0; i < 6; i++) {
      nowMs += 10_000;
      const r = kubelet.serveBytes('/metrics/cadvisor');
      assert.notEqual(r.body.buffer, held.body.buffer, 'a held body is not handed out again');
      assert.equal(r.body.toString('latin1'), kubelet.serve('/metrics/cadvisor').body, 'bytes and text agree');
      memories.add(r.body.buffer);
      r.release();
    }
    assert.ok(held.body.equals(snapshot), 'the held body was not overwritten');
    assert.ok(memories.size < 6, `released bodies were recycled (${memories.size} distinct buffers for 6 pages)`);
    held.release();
  } finally {
    kubelet.dispose();
  }
});

test('summary pages written straight into slabs: same bytes as the text, held bodies kept, a page that outgrows its slab copied', () => {
  const bootMs = Date.parse('2026-06-26T00:00:00Z');
  const small = makeFakeNodeView({ seed: 6, podCount: 40, bootMs, kubernetesVersion: '1.35', cpuCores: 16, memoryBytes: 64 * 1024 ** 3 });
  const large = makeFakeNodeView({ seed: 6, podCount: 110, bootMs, kubernetesVersion: '1.35', cpuCores: 16, memoryBytes: 64 * 1024 ** 3 });
  let view = small;
  let nowMs = bootMs + 3_600_000;
  const kubelet = createKubelet(() => view, { containerRestarted() {} }, { now: () => nowMs, housekeepingMs: 10_000 });
  try {
    const held = kubelet.serveBytes('/stats/summary');
    assert.ok(held.body.length > 64 * 1024, `a page large enough to be pooled (${held.body.length} bytes)`);
    const snapshot = Buffer.from(held.body);
    const memories = new Set<ArrayBufferLike>();
    for (let i = 0; i < 8; i++) {
      nowMs += 10_000;
      if (i === 5) view = large; // 70 more pods: the page outgrows the slab sized from the previous one
      const r = kubelet.serveBytes('/stats/summary');
      assert.notEqual(r.body.buffer, held.body.buffer, 'a held body is not written over');
      const text = kubelet.serve('/stats/summary').body;
      assert.equal(r.body.toString('latin1'), text, `tick ${i}: bytes and text agree`);
      assert.equal((JSON.parse(text) as Summary).pods.length, view.pods.filter((p) => p.phase === 'Running').length);
      memories.add(r.body.buffer);
      r.release();
    }
    assert.ok(held.body.equals(snapshot), 'the held body was not overwritten');
    assert.ok(memories.size < 8, `released slabs were written into again (${memories.size} distinct buffers for 8 pages)`);
    held.release();
  } finally {
    kubelet.dispose();
  }
});

test('malformed(): an invalid member right after the first brace; bodies without one unchanged', () => {
  assert.equal(malformed(Buffer.from('{\n "node": {}}')).toString(), '{"node":,\n "node": {}}');
  assert.equal(malformed(Buffer.from('ok')).toString(), 'ok');
});

let sim: SimCluster;
before(async () => {
  sim = await startSim({ name: 'kubelet-pool', nodes: 2, podsPerNode: 10, seed: 9, podChurnIntervalMs: 0 });
});
after(async () => {
  await sim.stop();
});

test('kubelet faults through the proxy: a clean body parses, malformed does not, truncated is cut short', async () => {
  const node = (await get<WireList>(sim, '/api/v1/nodes')).json.items[0].metadata.name;
  const path = `/api/v1/nodes/${node}/proxy/stats/summary`;
  const clean = await get<Summary | undefined>(sim, path);
  assert.equal(clean.status, 200);
  assert.equal(clean.json?.node.nodeName, node);
  sim.setFaults({ kubelets: { malformedRate: 1 } });
  const bad = await get(sim, path);
  assert.equal(bad.status, 200);
  assert.equal(bad.json, undefined, 'the body does not parse');
  assert.ok(bad.text.startsWith('{"node":,'), bad.text.slice(0, 40));
  sim.setFaults({ kubelets: { truncateRate: 1 } });
  const cut = await get(sim, path).then((r) => r, (e: Error) => e);
  assert.ok(cut instanceof Error || (cut.json === undefined && cut.text.length < clean.text.length), 'the body is cut short');
  sim.setFaults({});
  const again = await get<Summary>(sim, path);
  assert.equal(again.json.node.nodeName, node);
});

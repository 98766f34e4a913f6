// The fast /stats/summary writer must produce exactly the bytes of the reference writer (PrettyJson, one
// call per byte run) for every document: several seeds, Kubernetes versions with different fields (swap
// 1.28, containerFs 1.29, PSI 1.34), consecutive and distant ticks, pods coming and going, a node without
// pods, names that need JSON escaping, and the cpu-and-memory-only variant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeTick } from '../src/kubelet/tick.js';
import { kubeletFeatures } from '../src/kubelet/version.js';
import { makeFakeNodeView } from '../src/kubelet/fake-view.js';
import { writeSummary, writeSummaryReference } from '../src/kubelet/summary.js';
import type { AggregateState, NodeSample } from '../src/kubelet/sample.js';
import type { SimNodeView } from '../src/kubelet/view.js';
import { slotJsonStats } from '../src/kubelet/slot-json.js';

const BOOT_MS = Date.parse('2026-06-26T00:00:00Z');
const HOUSEKEEPING_MS = 10_000;

/** Samples of consecutive ticks of one node (the view may change between ticks), as a kubelet computes them. */
function samples(view: (i: number) => SimNodeView, ticks: number[], version: string): NodeSample[] {
  const features = kubeletFeatures(version);
  let state: AggregateState | null = null;
  const out: NodeSample[] = [];
  for (const [i, k] of ticks.entries()) {
    const v = view(i);
    const r = computeTick({
      view: v, features, k, tickMs: k * HOUSEKEEPING_MS + 1234, housekeepingMs: HOUSEKEEPING_MS,
      containerStartMs: (pod, c) => pod.containers[c].startTime.getTime(), state,
    });
    state = r.state;
    out.push(r.sample);
  }
  return out;
}

function assertSame(s: NodeSample, only: boolean, what: string): void {
  const expected = writeSummaryReference(s, { onlyCpuAndMemory: only });
  const actual = writeSummary(s, { onlyCpuAndMemory: only }).view();
  if (!expected.equals(actual)) {
    let at = 0;
    while (at < expected.length && expected[at] === actual[at]) at++;
    assert.fail(`${what}: bytes differ at ${at}: expected …${expected.subarray(Math.max(0, at - 80), at + 40).toString('latin1')}… got …${actual.subarray(Math.max(0, at - 80), at + 40).toString('latin1')}…`);
  }
}

const firstK = (BOOT_MS + 6 * 3_600_000) / HOUSEKEEPING_MS;
const TICKS = [firstK, firstK + 1, firstK + 2, firstK + 7, firstK + 360, firstK + 8640 * 3];

test('summary bytes equal the reference writer for seeds × versions × ticks, both variants', () => {
  let documents = 0;
  const before = { ...slotJsonStats };
  for (const version of ['1.24', '1.28', '1.29', '1.35']) {
    for (let seed = 1; seed <= 6; seed++) {
      const view = makeFakeNodeView({ seed, podCount: 10 + seed * 7, bootMs: BOOT_MS, kubernetesVersion: version });
      for (const s of samples(() => view, TICKS, version)) {
        for (const only of [false, true]) {
          assertSame(s, only, `${version} seed ${seed} tick ${s.k} only=${only}`);
          documents++;
        }
      }
    }
  }
  assert.equal(documents, 4 * 6 * TICKS.length * 2);
  // Pods of one structure share a template: a few dozen recordings for thousands of pods, and the
  // structure keys tell every structure apart (no replay ever departed from its template).
  assert.equal(slotJsonStats.mismatches - before.mismatches, 0);
  assert.ok(slotJsonStats.replayed - before.replayed > 20 * (slotJsonStats.recorded - before.recorded), `replayed ${slotJsonStats.replayed - before.replayed}, recorded ${slotJsonStats.recorded - before.recorded}`);
});

test('summary bytes equal the reference while pods come and go, with no pods, and with names to escape', () => {
  const full = makeFakeNodeView({ seed: 42, podCount: 60, bootMs: BOOT_MS, kubernetesVersion: '1.35' });
  // Each tick shows a different window of the pods: some leave, others arrive, the order shifts.
  const window = (i: number): SimNodeView => ({ ...full, pods: full.pods.slice(i * 5, 30 + i * 5) });
  for (const s of samples(window, [firstK, firstK + 1, firstK + 2, firstK + 3, firstK + 4], '1.35')) assertSame(s, false, `churn tick ${s.k}`);

  const empty: SimNodeView = { ...full, pods: [] };
  for (const version of ['1.24', '1.35']) {
    for (const s of samples(() => empty, [firstK, firstK + 1], version)) {
      assertSame(s, false, `no pods ${version}`);
      assertSame(s, true, `no pods ${version} only`);
    }
  }

  const odd = structuredClone(full);
  odd.pods[0].name = 'quote"and\\backslash';
  odd.pods[1].namespace = 'ünïcode-ns';
  odd.pods[2].containers[0].name = 'tab\there';
  odd.name = 'node with "quotes"';
  for (const s of samples(() => odd, [firstK, firstK + 1], '1.35')) assertSame(s, false, 'escaping');
});

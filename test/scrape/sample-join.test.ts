// A node's summary and cAdvisor rows of one cgroup sample are joined into one row before they are written:
// on the real fixture pairs (every value kept, none changed), through the pipeline with simulated kubelets
// (either arrival order), and held rows go in alone whenever their partner does not come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '@kubepulse/sim/model/world';
import { seedWorld } from '@kubepulse/sim/model/seed';
import { createKubelet, type SimKubelet } from '@kubepulse/sim/kubelet';
import { ENTITIES, FIRST_SAMPLE, cadvisorColumnsOf, entityKeyOf, type Entity, type MetricRow, type MetricRows } from '../../src/metrics/definitions.js';
import { RateTracker } from '../../src/scrape/rates.js';
import { decodeSummary } from '../../src/metrics/sources/summary.js';
import { decodeCadvisorText } from '../../src/metrics/sources/cadvisor.js';
import { joinSampleRows } from '../../src/scrape/sample-join.js';
import { KubeletPipeline } from '../../src/scrape/kubelet-pipeline.js';
import type { Database } from '../../src/store/database.js';
import { configureLogging } from '../../src/log.js';
import { readFixture } from '../metrics/fixtures.js';

configureLogging({ level: 'error', console: 'off' });

function stamp(rows: MetricRows, source: 's' | 'c'): MetricRows {
  for (const e of ENTITIES) for (const r of rows[e]) Object.assign(r, { cluster_id: 1, source });
  return rows;
}

function decodePair(version: string): { summary: MetricRows; cadvisor: MetricRows } {
  const summary = decodeSummary(readFixture(`summary-nri-${version}.json`)).rows;
  const nodeName = summary.node[0].node as string;
  const cadvisor = decodeCadvisorText(readFixture(`cadvisor-nri-${version}.txt`), { nodeName, scrapeTime: new Date(), summaryCollected: true }).rows;
  return { summary: stamp(summary, 's'), cadvisor: stamp(cadvisor, 'c') };
}

/** Every non-null value of the rows, as "entity key@ts column=value" (the source left out). */
function values(rows: MetricRows): string[] {
  const out: string[] = [];
  for (const e of ENTITIES) {
    for (const r of rows[e]) {
      const at = `${e} ${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`;
      for (const [column, v] of Object.entries(r)) {
        if (v === null || v === undefined || column === 'source' || column === 'ts' || column === 'cluster_id') continue;
        out.push(`${at} ${column}=${v instanceof Date ? v.getTime() : String(v)}`);
      }
    }
  }
  return [...new Set(out)].sort();
}

const rowCount = (rows: MetricRows): number => ENTITIES.reduce((n, e) => n + rows[e].length, 0);

test('fixtures 1.22 and 1.35: every cAdvisor row joins the summary row of its cgroup and sample, no value lost or changed', () => {
  for (const version of ['1.22', '1.35']) {
    const { summary, cadvisor } = decodePair(version);
    const both = Object.fromEntries(ENTITIES.map((e) => [e, [...summary[e], ...cadvisor[e]]])) as MetricRows;
    const before = values(both);
    const partnered = ENTITIES.reduce((n, e) => {
      const keys = new Set(summary[e].map((r) => `${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`));
      return n + cadvisor[e].filter((r) => keys.has(`${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`)).length;
    }, 0);
    const total = rowCount(summary) + rowCount(cadvisor);
    const j = joinSampleRows(summary, cadvisor);
    assert.ok(partnered >= 30, `${version}: ${partnered} cAdvisor rows have a summary row of the same sample`);
    assert.equal(j.joined, partnered, `${version}: each of them joined`);
    assert.equal(j.conflicts, 0);
    assert.equal(rowCount(j.rows), total - partnered, `${version}: one row fewer per joined pair`);
    assert.deepEqual(values(j.rows), before, `${version}: the same values at the same keys and times`);
    // A joined row has both sources' columns: the summary's working set and cAdvisor's thread count.
    const joinedContainer = j.rows.container.find((r) => r.source === 's' && r.memory_working_set_bytes != null && r.threads != null);
    assert.ok(joinedContainer, `${version}: a container row carries both halves`);
    for (const e of ENTITIES) for (const r of j.rows[e]) assert.ok(r.source === 's' || r.source === 'c');
  }
});

test('a cAdvisor row, its rates computed, holds values only in the columns the join reads (cadvisorColumnsOf)', () => {
  for (const version of ['1.15', '1.22', '1.28', '1.35']) {
    for (const summaryCollected of [true, false]) {
      const body = readFixture(`cadvisor-nri-${version}.txt`);
      const first = decodeCadvisorText(body, { nodeName: 'n', scrapeTime: new Date(1e12), summaryCollected });
      const rates = new RateTracker({ intervalMs: 10_000, source: 'cadvisor' });
      rates.apply(1, first.rows, first.startTimes);
      // The next sample: 10 s later, every number a little higher, so that every counter gets a rate.
      const next = decodeCadvisorText(body, { nodeName: 'n', scrapeTime: new Date(1e12), summaryCollected });
      for (const e of ENTITIES) {
        for (const r of next.rows[e]) {
          for (const [k, v] of Object.entries(r)) if (typeof v === 'number') r[k] = v + 1000;
          r.ts = new Date((r.ts as Date).getTime() + 10_000);
        }
      }
      rates.apply(1, next.rows, next.startTimes);
      let rated = 0;
      for (const e of ENTITIES) {
        const columns = new Set(cadvisorColumnsOf(e));
        for (const r of next.rows[e]) {
          for (const [k, v] of Object.entries(r)) {
            if (v === null || v === undefined || k === FIRST_SAMPLE) continue;
            assert.ok(columns.has(k), `${version} ${summaryCollected ? 'beside' : 'without'} the summary: ${e}.${k} is not among cadvisorColumnsOf`);
            if (k.endsWith('_per_second') || k === 'cpu_rate_millicores') rated++;
          }
        }
      }
      assert.ok(rated > 50, `${version}: rates were computed (${rated})`);
    }
  }
});

test("a series' first sample, a column both fill differently and another sample time stay apart; an empty attribute joins", () => {
  const { summary, cadvisor } = decodePair('1.35');
  const sampleOf = (e: Entity, r: MetricRow) => `${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`;
  const partnered = (e: Entity) => {
    const keys = new Set(summary[e].map((r) => sampleOf(e, r)));
    return cadvisor[e].filter((r) => keys.has(sampleOf(e, r)));
  };
  const partneredBefore = ENTITIES.reduce((n, e) => n + partnered(e).length, 0);
  const [first, conflicting, later, blank] = partnered('container');
  assert.ok(blank, 'four container rows with a summary partner');
  const partnerOf = (r: MetricRow) => summary.container.find((s) => entityKeyOf('container', s) === entityKeyOf('container', r))!;
  first[FIRST_SAMPLE] = 1;
  const namespace = partnerOf(conflicting).namespace;
  conflicting.namespace = `${String(namespace)}-other`;
  later.ts = new Date((later.ts as Date).getTime() + 15_000);
  const blankNamespace = partnerOf(blank).namespace;
  blank.namespace = ''; // an attribute cAdvisor could not know: no value, not a conflict
  const j = joinSampleRows(summary, cadvisor);
  assert.equal(j.conflicts, 1);
  assert.equal(j.joined, partneredBefore - 3, 'every other partnered row joined');
  for (const apart of [first, conflicting, later]) assert.ok(j.rows.container.includes(apart), 'left as its own row');
  assert.equal(partnerOf(first).threads ?? null, null, 'the first sample did not join');
  assert.equal(partnerOf(conflicting).threads ?? null, null, 'the conflicting row changed nothing');
  assert.equal(partnerOf(conflicting).namespace, namespace);
  assert.ok(!j.rows.container.includes(blank), 'a row with an unknown attribute joins');
  assert.equal(partnerOf(blank).namespace, blankNamespace, "the summary's attribute stays");
  assert.equal(partnerOf(blank).threads, blank.threads);
});

interface Twin {
  now: () => number;
  set(ms: number): void;
  nodes: string[];
  kubelets: SimKubelet[];
  dispose(): void;
}

function simulatedNodes(nodes: number, startMs: number): Twin {
  let nowMs = startMs;
  const now = () => nowMs;
  const world = new World({ name: 'join', seed: 7, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 100, eventCapacity: 10, now });
  seedWorld(world, { nodes, podsPerNode: 3, nodeAddress: (i) => `127.0.2.${i + 1}`, kubeletPort: () => 10250 });
  const names = [...world.nodes.keys()];
  const kubelets = names.map((name) => createKubelet(() => world.nodeView(name)!, {
    containerRestarted: (uid, container, reason, at) => world.containerRestarted(uid, container, reason, at),
  }, { now }));
  return { now, set: (ms) => (nowMs = ms), nodes: names, kubelets, dispose: () => kubelets.forEach((k) => k.dispose()) };
}

function capturingPipeline(now: () => number): { pipeline: KubeletPipeline; written: Record<Entity, MetricRow[]> } {
  const written = Object.fromEntries(ENTITIES.map((e) => [e, []])) as unknown as Record<Entity, MetricRow[]>;
  const fakeDb = { pool: {}, partitions: null, state: 'connected', noteWrite: () => undefined } as unknown as Database;
  const pipeline = new KubeletPipeline(fakeDb, null, {
    now,
    write: async (_pool, entity, rows) => {
      written[entity].push(...rows);
      return { inserted: rows.length, duplicates: 0 };
    },
  });
  return { pipeline, written };
}

const PATHS: Record<'summary' | 'cadvisor', string> = { summary: '/stats/summary', cadvisor: '/metrics/cadvisor' };

function payload(k: SimKubelet, source: 'summary' | 'cadvisor'): Buffer {
  const res = k.serveBytes(PATHS[source]);
  const body = Buffer.from(res.body);
  res.release();
  return body;
}

for (const order of [['summary', 'cadvisor'], ['cadvisor', 'summary']] as const) {
  test(`pipeline: both sources of a node scraped in one instant are stored as one row per sample (${order[0]} first)`, async () => {
    const t0 = Date.parse('2026-12-07T10:00:00Z');
    const twin = simulatedNodes(2, t0);
    const { pipeline, written } = capturingPipeline(twin.now);
    try {
      for (let step = 0; step < 4; step++) {
        twin.set(t0 + step * 15_000);
        for (let n = 0; n < twin.nodes.length; n++) {
          for (const [i, source] of order.entries()) {
            await pipeline.ingest({ clusterId: 1, cluster: 'join', node: twin.nodes[n], source, body: payload(twin.kubelets[n], source), scrapedAt: new Date(twin.now()), intervalMs: 15_000, summaryCollected: true, partnerInFlight: i === 0 });
          }
        }
      }
      await pipeline.flush();
    } finally {
      twin.dispose();
    }
    const c = pipeline.counters();
    // The first sample of each series (step 0) is written apart; every later one is joined.
    const firstTs = t0;
    for (const e of ['node', 'pod', 'container'] as const) {
      const later = written[e].filter((r) => (r.ts as Date).getTime() > firstTs + 1_000);
      assert.ok(later.length > 0, `${e}: later samples written`);
      const perSample = new Map<string, number>();
      for (const r of later) perSample.set(`${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`, (perSample.get(`${entityKeyOf(e, r)}@${(r.ts as Date).getTime()}`) ?? 0) + 1);
      assert.deepEqual([...new Set(perSample.values())], [1], `${e}: one row per sample after the first`);
      assert.ok(later.every((r) => r.source === 's'), `${e}: the joined row keeps the summary's source`);
    }
    const container = written.container.filter((r) => (r.ts as Date).getTime() > firstTs + 1_000);
    assert.ok(container.every((r) => r.cpu_usage_nanocores != null && r.threads != null), 'every later container row has both halves');
    assert.ok(c.joinedRows > 0 && c.joinConflicts === 0, JSON.stringify(c));
    assert.equal(c.heldNodes, 0);
    assert.equal(c.heldRowsLost, 0);
    assert.equal(c.rowsQueued, ENTITIES.reduce((n, e) => n + written[e].length, 0), 'rows taken in are the rows written');
  });
}

test('pipeline: held rows go in alone when the partner ends without rows, after the hold limit, when the node leaves, and at flush', async () => {
  const t0 = Date.parse('2026-12-07T11:00:00Z');
  const twin = simulatedNodes(4, t0);
  const { pipeline, written } = capturingPipeline(twin.now);
  const nodeRows = (node: string) => written.node.filter((r) => r.node === node).length;
  const held = (n: number) => pipeline.ingest({ clusterId: 1, cluster: 'join', node: twin.nodes[n], source: 'summary', body: payload(twin.kubelets[n], 'summary'), scrapedAt: new Date(twin.now()), intervalMs: 15_000, summaryCollected: true, partnerInFlight: true });
  try {
    for (let n = 0; n < 3; n++) await held(n);
    await pipeline.writer.flush();
    assert.equal(pipeline.counters().heldNodes, 3, 'each node holds its summary rows');
    assert.equal(written.node.length, 0);
    // Node 0: its cAdvisor scrape failed. Node 1: the node left the cluster. Same-source end: still held.
    pipeline.scrapeEnded(1, twin.nodes[0], 'cadvisor');
    pipeline.scrapeEnded(1, twin.nodes[2], 'summary');
    pipeline.forgetNode(1, twin.nodes[1]);
    await pipeline.writer.flush();
    assert.equal(nodeRows(twin.nodes[0]), 1);
    assert.equal(nodeRows(twin.nodes[1]), 1);
    assert.equal(nodeRows(twin.nodes[2]), 0, 'its own scrape ending does not release it');
    // Node 2: nothing comes; the hold's limit (2 s) writes it.
    await new Promise((r) => setTimeout(r, 2_300));
    await pipeline.writer.flush();
    assert.equal(nodeRows(twin.nodes[2]), 1);
    await held(3);
    await pipeline.writer.flush();
    assert.equal(nodeRows(twin.nodes[3]), 0);
  } finally {
    twin.dispose();
  }
  // Node 3: shutdown writes what is held before the writer closes.
  await pipeline.flush();
  assert.equal(nodeRows(twin.nodes[3]), 1);
  const c = pipeline.counters();
  assert.equal(c.heldPayloadsWrittenAlone, 4);
  assert.equal(c.heldNodes, 0);
  assert.equal(c.heldRowsLost, 0);
  assert.equal(c.joinedRows, 0);
});

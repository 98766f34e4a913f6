// A frozen kubelet answers every scrape with the same sample: its rows are dropped as already seen, and the
// node must not count as ok. The freshness rule on a clock of our own, then end to end: the simulator
// freezes one node's kubelet, the status and /metrics show it stale with the age of its newest sample, and
// ok again once it thaws.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type SimCluster } from '@kubepulse/sim';
import { NodeFreshness } from '../../src/health/node-freshness.js';
import { Collector } from '../../src/collector/collector.js';
import type { ClusterStatus } from '../../src/collector/cluster-collector.js';
import type pg from 'pg';
import { startSimCollector, type SimCollector } from '../helpers/sim-collector.js';
import { waitFor } from '../helpers/wait.js';

test('freshness: stale after three usual sample spacings without a new sample, fresh again with the next one', () => {
  let now = 1_000_000;
  const f = new NodeFreshness(() => now);
  const sample = (ms: number) => new Date(ms);
  // A kubelet sampling every 10 s, scraped every 1 s: most scrapes bring nothing new, which is normal.
  for (let t = 0; t <= 60_000; t += 1000) {
    now = 1_000_000 + t;
    f.note('n1', 'summary', t % 10_000 === 0 ? sample(900_000 + t) : null, 1000);
    assert.equal(f.staleness('n1', 'summary'), null, `fresh at ${t} ms`);
  }
  // Frozen from here: 30 s (3 × 10 s) without a new sample is allowed, not more.
  const frozenAt = now;
  for (let t = 1000; t <= 30_000; t += 1000) {
    now = frozenAt + t;
    f.note('n1', 'summary', null, 1000);
    assert.equal(f.staleness('n1', 'summary'), null, `still within three spacings at ${t} ms`);
  }
  now = frozenAt + 31_000;
  f.note('n1', 'summary', null, 1000);
  const st = f.staleness('n1', 'summary');
  assert.ok(st);
  assert.equal(st.newestSampleAt?.getTime(), 960_000);
  assert.equal(st.newestSampleAgeMs, now - 960_000);
  assert.equal(st.staleForMs, 31_000);
  assert.equal(f.staleness('n1', 'cadvisor'), null, 'per source');
  f.note('n1', 'summary', sample(970_000), 1000);
  assert.equal(f.staleness('n1', 'summary'), null, 'a new sample ends it');
  // A node first seen frozen: no spacing known, the kubelet's 15 s maximum stands in.
  f.note('n2', 'summary', sample(1), 1000);
  now += 45_000;
  assert.equal(f.staleness('n2', 'summary'), null);
  now += 1000;
  assert.ok(f.staleness('n2', 'summary'));
  f.forget('n2');
  assert.equal(f.staleness('n2', 'summary'), null, 'a node gone is forgotten');
});

let h: SimCollector;
let sim: SimCluster;
let collector: Collector;
let pool: pg.Pool;

before(async () => {
  // Housekeeping every 500 ms: each 1 s scrape brings a new sample, and a freeze shows within seconds.
  h = await startSimCollector({ name: 'frozen-it', nodes: 3, podsPerNode: 3, seed: 7, podChurnIntervalMs: 0, housekeepingMs: 500 });
  ({ sim, collector, pool } = h);
});

after(() => h?.stop());

async function cluster(): Promise<ClusterStatus> {
  const st = await collector!.refreshStatus();
  return st.clusters[0];
}

test('a frozen kubelet: its node counts as stale, not ok, in the status and in /metrics, with the age of its newest sample', async () => {
  const [frozen, ...healthy] = sim.nodes().map((n) => n.name) as [string, ...string[]];
  await waitFor(async () => {
    const c = await cluster();
    return ['summary', 'cadvisor'].every((s) => c.scrapes[s]?.ok === 3);
  }, 'every node ok from both sources');
  // A few samples first, so the collector knows how often this kubelet samples (else it assumes 15 s).
  await waitFor(
    // Each source's half of a sample, whether stored joined into one row or apart: the summary's working
    // set, cAdvisor's page cache.
    async () => (await pool.query(`SELECT 1 FROM kubepulse.node_metric WHERE node = $1
      HAVING count(DISTINCT ts) FILTER (WHERE memory_working_set_bytes IS NOT NULL) >= 3 AND count(DISTINCT ts) FILTER (WHERE memory_cache_bytes IS NOT NULL) >= 3`, [frozen])).rowCount === 1,
    'three samples of the node from each source',
  );
  sim.setFaults({ nodes: { [frozen]: { frozenSummary: true } } });
  let seen: unknown = null;
  await waitFor(async () => {
    const c = await cluster();
    seen = c.scrapes;
    return ['summary', 'cadvisor'].every((s) => c.scrapes[s]?.stale === 1 && c.scrapes[s]?.ok === 2 && c.scrapes[s]?.failing === 0);
  }, () => `the frozen node stale from both sources, the others ok (last: ${JSON.stringify(seen)})`);
  const c = await cluster();
  const stale = c.nodesNotReporting.filter((n) => n.state === 'stale');
  assert.deepEqual(stale.map((n) => [n.node, n.source]).sort(), [[frozen, 'cadvisor'], [frozen, 'summary']]);
  for (const n of stale) {
    assert.ok(n.newestSampleAt && n.newestSampleAgeS != null && n.newestSampleAgeS >= 2, `${n.source}: newest sample and its age (${n.newestSampleAgeS} s)`);
    assert.match(n.lastError ?? '', /serves no new sample/);
  }
  assert.ok(!c.nodesNotReporting.some((n) => healthy.includes(n.node)), 'healthy nodes are not listed');

  const text = await (await fetch(`http://${collector!.httpAddress}/metrics`)).text();
  assert.match(text, new RegExp(`^kubepulse_node_sample_stale\\{cluster="${sim.name}",node="${frozen}",source="summary"\\} 1$`, 'm'));
  const age = new RegExp(`^kubepulse_node_newest_sample_age_seconds\\{cluster="${sim.name}",node="${frozen}",source="summary"\\} (\\d+)$`, 'm').exec(text);
  assert.ok(age && Number(age[1]) >= 2, 'the age of the newest sample in /metrics');
  assert.match(text, new RegExp(`^kubepulse_cluster_scrape_nodes\\{cluster="${sim.name}",source="summary",outcome="stale"\\} 1$`, 'm'));
  assert.match(text, new RegExp(`^kubepulse_cluster_scrape_nodes\\{cluster="${sim.name}",source="summary",outcome="ok"\\} 2$`, 'm'));
  assert.doesNotMatch(text, new RegExp(`kubepulse_node_sample_stale\\{[^}]*node="${healthy[0]}"`));

  sim.setFaults({ nodes: {} });
  await waitFor(async () => {
    const c2 = await cluster();
    return ['summary', 'cadvisor'].every((s) => c2.scrapes[s]?.ok === 3 && c2.scrapes[s]?.stale === 0) && c2.nodesNotReporting.length === 0;
  }, 'ok again once the kubelet thaws');
});

// Windows nodes: their kubelets serve no cAdvisor endpoint (404) and a summary without what Windows cannot
// measure. The collector scrapes them for the summary only, stores what they have, and neither fails nor
// logs a failure per cycle for the endpoint they lack.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Agent, request } from 'undici';
import { type SimCluster } from '@kubepulse/sim';
import { Collector } from '../../src/collector/collector.js';
import type { ClusterStatus } from '../../src/collector/cluster-collector.js';
import { startSimCollector, type SimCollector } from '../helpers/sim-collector.js';
import { waitFor } from '../helpers/wait.js';

let h: SimCollector;
let sim: SimCluster;
let collector: Collector;
let pool: pg.Pool;

before(async () => {
  h = await startSimCollector({ name: 'win-it', nodes: 3, podsPerNode: 4, seed: 9, podChurnIntervalMs: 0, windowsNodes: 1 });
  ({ sim, collector, pool } = h);
});

after(() => h?.stop());

async function kubelet(node: { address: string; kubeletPort: number }, path: string): Promise<{ status: number; text: string }> {
  const res = await request(`https://${node.address}:${node.kubeletPort}${path}`, {
    headers: { authorization: `Bearer ${sim.token}` }, dispatcher: new Agent({ connect: { ca: sim.caPem } }),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

test('simulator: a Windows node\'s kubelet has no cAdvisor and a summary without system containers, rlimit, RSS or page faults', async () => {
  const win = sim.nodes().at(-1)!;
  const linux = sim.nodes()[0];
  assert.equal((await kubelet(win, '/metrics/cadvisor')).status, 404);
  assert.equal((await kubelet(linux, '/metrics/cadvisor')).status, 200);
  const summary = JSON.parse((await kubelet(win, '/stats/summary')).text) as { node: Record<string, unknown> & { memory: Record<string, unknown> }; pods: Array<{ podRef: { name: string }; memory: Record<string, unknown> }> };
  assert.equal(summary.node.systemContainers, undefined);
  assert.equal(summary.node.rlimit, undefined);
  assert.equal(summary.node.memory.rssBytes, undefined);
  assert.ok(typeof summary.node.memory.workingSetBytes === 'number');
  assert.ok(summary.pods.length > 0 && summary.pods.every((p) => p.podRef.name.startsWith('iis-') && p.memory.pageFaults === undefined), 'Windows pods only, without page faults');
});

test('collector: Windows nodes are scraped for the summary only, their rows stored, no node failing', async () => {
  const win = sim.nodes().at(-1)!.name;
  let last: ClusterStatus | null = null;
  await waitFor(async () => {
    last = (await collector!.refreshStatus()).clusters[0];
    return last.scrapes.summary?.ok === 3 && last.scrapes.cadvisor?.ok === 2;
  }, () => `summary from 3 nodes, cAdvisor from the 2 Linux ones (last: ${JSON.stringify(last?.scrapes)})`);
  await waitFor(
    async () => (await pool.query(`SELECT 1 FROM kubepulse.pod_metric WHERE node = $1 AND pod LIKE 'iis-%' AND cpu_usage_nanocores IS NOT NULL`, [win])).rowCount! > 0,
    'the Windows pods\' samples stored',
  );
  const nodeRows = await pool.query<{ source: string; rss: string | null; ws: string | null }>(
    `SELECT source, memory_rss_bytes AS rss, memory_working_set_bytes AS ws FROM kubepulse.node_metric WHERE node = $1`, [win],
  );
  assert.ok(nodeRows.rows.length > 0);
  assert.deepEqual([...new Set(nodeRows.rows.map((r) => r.source))], ['s'], 'summary rows only');
  assert.ok(nodeRows.rows.every((r) => r.rss === null && r.ws !== null), 'working set stored, RSS absent');
  const c = (await collector!.refreshStatus()).clusters[0];
  assert.equal(c.scrapes.cadvisor.nodes, 2, 'the Windows node is not in the cAdvisor schedule');
  assert.equal(c.scrapes.cadvisor.failing, 0);
  assert.deepEqual(c.nodesNotReporting, []);
});

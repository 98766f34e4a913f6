// The overview over time in Chromium (issue 18): each cluster's CPU and memory used against requests,
// limits and allocatable over the picked range, the busiest pods, nodes and namespaces, every
// namespace's figures, the range's inventory changes, warnings, OOM kills and restarts. Figures are
// checked against the database and the simulated cluster, not against fixed numbers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import { startBrowserEnv, type BrowserEnv } from './browser-env.js';
import { waitFor } from '../helpers/wait.js';

let env: BrowserEnv;

before(async () => {
  env = await startBrowserEnv([{ name: 'east', nodes: 2, podsPerNode: 6 }]);
});

after(async () => {
  await env?.stop();
});

interface Usage {
  ts: number[]; bucketS: number; from: string; to: string;
  clusters: Array<{ name: string; cpuUsed: Array<number | null>; memoryUsed: Array<number | null>; nodesReporting: number[]; cpuRequests: number[]; cpuLimits: number[]; memoryRequests: number[]; cpuAllocatable: number[]; memoryAllocatable: number[] }>;
}
interface PodAnswer { uid: string; namespace: string; name: string; phase: string; cpuRequestMillicores: number | null; memoryRequestBytes: number | null }
interface NodeAnswer { name: string; cpuAllocatableMillicores: number; memoryAllocatableBytes: number }
interface TopAnswer {
  pods: Record<'cpu' | 'memory' | 'restarts' | 'throttling', Array<{ namespace: string; name: string; uid: string; value: number }>>;
  nodes: Record<'cpu' | 'memory', Array<{ name: string; value: number; percent: number | null }>>;
  namespaces: Record<'cpu' | 'memory' | 'restarts' | 'throttling', Array<{ namespace: string; value: number }>>;
}
interface NamespaceAnswer { namespace: string; pods: number; cpuMillicores: number | null; restarts: number; cpuRequestsMillicores: number | null }
interface Incidents { clusters: Array<{ cluster: string; warnings: number; oomKills: number; restarts: number; podsRestarted: number }> }
interface Changes { counts: Array<{ kind: string; op: string; count: number }>; rows: Array<{ kind: string; name: string; op: string; at: string }> }

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: env.db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

test('usage over time: used from the nodes\' samples, requests and limits from the running pods, allocatable from the nodes', async () => {
  let u: Usage | null = null;
  await waitFor(async () => {
    u = await env.api<Usage>('/api/overview/usage?range=15m&cluster=east');
    return u.clusters[0].cpuUsed.filter((v) => v !== null).length >= 2 && u.clusters[0].nodesReporting.some((n) => n === 2);
  }, () => `two buckets of CPU used, one with both nodes reporting (${JSON.stringify(u?.clusters[0].nodesReporting)})`, 90_000);
  const c = u!.clusters[0];
  assert.equal(c.name, 'east');
  assert.equal(u!.ts.length, c.cpuUsed.length);
  assert.ok(u!.ts.every((t, i) => i === 0 || t - u!.ts[i - 1] === u!.bucketS), 'an even grid');
  const pods = (await env.api<{ rows: PodAnswer[] }>('/api/pods?cluster=east&limit=1000')).rows.filter((p) => p.phase === 'Running' || p.phase === 'Pending');
  const nodes = (await env.api<{ rows: NodeAnswer[] }>('/api/nodes?cluster=east')).rows;
  const last = c.cpuRequests.length - 1;
  assert.equal(c.cpuRequests[last], pods.reduce((n, p) => n + (p.cpuRequestMillicores ?? 0), 0), 'requests now: the running pods\' sum');
  assert.equal(c.memoryRequests[last], pods.reduce((n, p) => n + (p.memoryRequestBytes ?? 0), 0));
  assert.equal(c.cpuAllocatable[last], nodes.reduce((n, x) => n + x.cpuAllocatableMillicores, 0), 'allocatable: the nodes\' sum');
  assert.equal(c.memoryAllocatable[last], nodes.reduce((n, x) => n + x.memoryAllocatableBytes, 0));
  // A bucket where both nodes reported: the sum of the nodes' own averages in it, from the samples.
  const i = c.nodesReporting.lastIndexOf(2);
  const t = u!.ts[i];
  const direct = await sql<{ cpu: number }>(
    `SELECT sum(cpu) AS cpu FROM (SELECT node, avg(coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores)) AS cpu FROM kubepulse.node_metric
      WHERE ts >= to_timestamp($1) AND ts < to_timestamp($2) GROUP BY node) x`, [t, t + u!.bucketS]);
  assert.ok(Math.abs(c.cpuUsed[i]! - Number(direct[0].cpu)) <= 0.01 * Number(direct[0].cpu), `CPU used ${c.cpuUsed[i]} = the nodes' samples ${direct[0].cpu}`);
});

test('top lists, namespaces, restarts, OOM kills and changes over a range', async () => {
  const { sims } = env;
  const pods = (await env.api<{ rows: PodAnswer[] }>('/api/pods?cluster=east&limit=1000')).rows;
  // A restart as the inventory logs it (the pod's restart count rising), and an OOM kill of a container.
  const restarted = pods.find((p) => p.phase === 'Running')!;
  await sql(`INSERT INTO kubepulse.change_log (cluster_id, kind, uid, namespace, name, op, at, changed, state)
             SELECT cluster_id, kind, uid, namespace, name, 'update', now() - interval '5 seconds', '{}'::jsonb, state || '{"restart_count": 3}'::jsonb
               FROM kubepulse.change_log WHERE kind = 'pod' AND uid = $1 ORDER BY id DESC LIMIT 1`, [restarted.uid]);
  const oomed = pods.find((p) => p.phase === 'Running' && p.uid !== restarted.uid)!;
  sims[0].setPodStrings(oomed.namespace, oomed.name, { terminationReason: 'OOMKilled' });

  let inc: Incidents['clusters'][number] | undefined;
  await waitFor(async () => {
    inc = (await env.api<Incidents>('/api/overview/incidents?range=15m')).clusters.find((x) => x.cluster === 'east');
    return inc !== undefined && inc.oomKills >= 1 && inc.restarts >= 3;
  }, () => `an OOM kill and 3 restarts counted (${JSON.stringify(inc)})`, 20_000);
  // The simulator's own pods may restart meanwhile too (its containers can crash): ours is among them.
  assert.ok(inc!.podsRestarted >= 1);

  const top = await env.api<TopAnswer>('/api/overview/top?cluster=east&range=15m&limit=5');
  for (const list of [top.pods.cpu, top.pods.memory, top.nodes.cpu, top.namespaces.cpu]) {
    assert.ok(list.length > 0 && list.length <= 5, 'a list of at most 5');
    assert.ok(list.every((x, i) => i === 0 || list[i - 1].value >= x.value), 'busiest first');
  }
  assert.ok(top.pods.restarts.some((p) => p.uid === restarted.uid && p.value === 3), `${restarted.uid} with 3 restarts in ${JSON.stringify(top.pods.restarts)}`);
  assert.ok(top.namespaces.restarts.some((n) => n.namespace === restarted.namespace && n.value >= 3));
  // The top pod's CPU: its samples' average over the range (minute bins weighted equally).
  const best = top.pods.cpu[0];
  const own = await sql<{ cpu: number }>(
    `SELECT avg(cpu) AS cpu FROM (SELECT date_bin('1 minute', ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') b, avg(coalesce(cpu_usage_nanocores / 1e6, cpu_rate_millicores)) AS cpu
       FROM kubepulse.pod_metric WHERE pod_uid = $1 AND ts > now() - interval '15 minutes' GROUP BY 1) x`, [best.uid]);
  assert.ok(Math.abs(best.value - Number(own[0].cpu)) <= 0.1 * Number(own[0].cpu), `top pod CPU ${best.value} ≈ ${own[0].cpu}`);

  const ns = (await env.api<{ rows: NamespaceAnswer[] }>('/api/overview/namespaces?cluster=east&range=15m')).rows;
  const live = new Map<string, number>();
  for (const p of pods.filter((x) => x.phase === 'Running' || x.phase === 'Pending')) live.set(p.namespace, (live.get(p.namespace) ?? 0) + 1);
  assert.deepEqual(new Map(ns.filter((n) => n.pods > 0).map((n) => [n.namespace, n.pods])), live, 'every namespace with its live pods');
  assert.ok(ns.every((n, i) => i === 0 || (ns[i - 1].cpuMillicores ?? -1) >= (n.cpuMillicores ?? -1)), 'busiest first');
  assert.ok(ns.find((n) => n.namespace === restarted.namespace)!.restarts >= 3);

  const victim = pods.find((p) => p.phase === 'Running' && p.uid !== restarted.uid && p.uid !== oomed.uid)!;
  sims[0].deletePod(victim.namespace, victim.name);
  let changes: Changes | null = null;
  await waitFor(async () => {
    changes = await env.api<Changes>('/api/overview/changes?cluster=east&range=15m&limit=20');
    return changes.rows.some((r) => r.kind === 'pod' && r.op === 'delete' && r.name === victim.name);
  }, 'the deleted pod among the changes', 20_000);
  assert.ok(changes!.rows.every((r, i) => i === 0 || r.at <= changes!.rows[i - 1].at), 'newest first');
  assert.ok(changes!.counts.some((x) => x.kind === 'pod' && x.op === 'add' && x.count >= pods.length), 'pod adds counted');
  assert.ok(!changes!.rows.some((r) => r.kind === 'event'), 'events are not inventory changes here');
});

test('the overview page: charts over the picked range, top lists, namespaces, changes and incident counts', async () => {
  const { page, base } = env;
  await page.goto(`${base}/#/overview?range=15m`);
  const cpuChart = page.locator('.chart[data-title="east · CPU"]');
  await waitFor(async () => Number(await cpuChart.getAttribute('data-points')) > 1, 'the cluster CPU chart has points', 30_000);
  await page.locator('.top-list[data-list="Pods by CPU"] li').first().waitFor({ timeout: 10_000 });
  assert.ok(await page.locator('.ns-table tr[data-namespace]').count() > 1, 'namespace rows');
  assert.ok(await page.locator('.changes .change').count() > 0, 'changes listed');
  assert.match((await page.locator('.incidents[data-cluster="east"]').textContent())!, /\d+ warnings.*\d+ OOM kills.*\d+ restarts/);
  const from15 = Date.parse((await cpuChart.getAttribute('data-from'))!);
  await page.screenshot({ path: join(env.shots, 'overview-time.png'), fullPage: true });
  // The range picker applies here too: 1 h widens every chart of the page.
  await page.locator('.range-btn[data-range="1h"]').click();
  await waitFor(async () => {
    const spans = await page.evaluate<number[]>(`[...document.querySelectorAll('.page.overview .chart')].map((e) => Date.parse(e.dataset.to) - Date.parse(e.dataset.from))`);
    return spans.length === 2 && spans.every((s) => Math.abs(s - 3_600_000) < 5000);
  }, 'both charts span an hour');
  assert.ok(Date.parse((await cpuChart.getAttribute('data-from'))!) < from15 - 40 * 60_000);
});

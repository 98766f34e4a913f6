// End to end over real HTTPS and a real PostgreSQL: two simulated clusters collected at once; inventory
// and metric rows match what the simulators serve; deletes arrive; one cluster down leaves the other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestDatabase, type TestDatabase } from '../helpers/pg.js';
import { startSim, writeKubeconfig, type SimCluster } from '@kubepulse/sim';
import { buildConfig } from '../../src/config/load.js';
import { Collector } from '../../src/collector/collector.js';
import { ClusterConnection } from '../../src/cluster/connection.js';
import { configureLogging } from '../../src/log.js';
import { waitFor } from '../helpers/wait.js';
import { EXAMPLE_QUERIES } from '../../src/cli/example-queries.js';
import { readFileSync } from 'node:fs';
import { REPO_ROOT } from '../helpers/paths.js';
import type { SummaryDoc } from '../helpers/summary-doc.js';
import type { StatusReport } from '../../src/health/status.js';
import type { WireObject } from '../../src/inventory/kind.js';
import type { V1Pod } from '@kubernetes/client-node';

let db: TestDatabase;
let sims: SimCluster[] = [];
let collector: Collector;
let client: pg.Client;
let kubeconfig: string;

before(async () => {
  configureLogging({ level: 'warn', console: 'off' });
  db = await startTestDatabase();
  sims = [
    await startSim({ name: 'east', nodes: 2, podsPerNode: 4, seed: 11, podChurnIntervalMs: 0 }),
    await startSim({ name: 'west', nodes: 3, podsPerNode: 3, seed: 12, podChurnIntervalMs: 0 }),
  ];
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'kp-it-')), 'kubeconfig');
  await writeKubeconfig(kubeconfig, sims);
  const cfg = buildConfig(
    {
      server: { listen: '127.0.0.1:0' },
      // Rows written 250 ms after their scrape, not up to 5 s (the default): the frozen-kubelet test counts
      // rows 2.5 s into the freeze, and a sample scraped just before it was still waiting for its flush.
      database: { url: db.url, flush_interval: '250ms' },
      collection: { summary_interval: '1s', cadvisor_interval: '0s', health_interval: '1s', scrape_timeout: '3s' },
      clusters: sims.map((s) => ({ name: s.name, kubeconfig, context: s.name })),
    },
    'test',
    {},
  );
  collector = await Collector.start(cfg);
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});

after(async () => {
  await client?.end();
  await collector?.stop();
  await Promise.all(sims.map((s) => s.stop()));
  await db?.stop();
});

async function q<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await client.query<T>(sql, params)).rows;
}

async function clusterId(name: string): Promise<number> {
  return (await q<{ id: number }>('SELECT id FROM kubepulse.cluster WHERE name = $1', [name]))[0].id;
}

/** Pods as the simulator's API server lists them (the source of truth the rows must match). */
async function apiPods(sim: SimCluster): Promise<Array<{ uid: string; namespace: string; name: string; node: string | null; phase: string }>> {
  const conn = await ClusterConnection.open({ name: sim.name, kubeconfig, context: sim.name });
  try {
    const list = await conn.getJson<{ items: Array<WireObject<V1Pod>> }>('/api/v1/pods');
    return list.items.map((p) => {
      assert.ok(p.metadata.namespace && p.spec && p.status?.phase, `pod ${p.metadata.name} has a namespace, a spec and a phase`);
      return { uid: p.metadata.uid, namespace: p.metadata.namespace, name: p.metadata.name, node: p.spec.nodeName ?? null, phase: p.status.phase };
    });
  } finally {
    await conn.close();
  }
}

test('inventory rows of both clusters match what the simulators serve', async () => {
  for (const sim of sims) {
    const id = await clusterId(sim.name);
    const want = (await apiPods(sim)).sort((a, b) => a.uid.localeCompare(b.uid));
    await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL', [id])).length === want.length, `${sim.name}: ${want.length} pods stored`);
    const got = await q<{ uid: string; namespace: string; name: string; node: string; phase: string }>(
      'SELECT uid, namespace, name, node, phase FROM kubepulse.pod WHERE cluster_id = $1 AND deleted_at IS NULL ORDER BY uid',
      [id],
    );
    assert.deepEqual(got, want);
    // Each kind is listed and stored on its own: pods being in says nothing of nodes or namespaces.
    await waitFor(async () => (await q('SELECT 1 FROM kubepulse.node WHERE cluster_id = $1', [id])).length === sim.nodes().length, `${sim.name}: nodes stored`);
    await waitFor(async () => (await q("SELECT 1 FROM kubepulse.namespace WHERE cluster_id = $1 AND name = 'kube-system'", [id])).length === 1, `${sim.name}: namespaces stored`);
    const nodes = await q<{ name: string; ready: boolean; kubelet_port: number }>('SELECT name, ready, kubelet_port FROM kubepulse.node WHERE cluster_id = $1 ORDER BY name', [id]);
    assert.deepEqual(nodes.map((n) => n.name), sim.nodes().map((n) => n.name).sort());
    assert.ok(nodes.every((n) => n.ready === true));
    const containers = await q<{ n: string }>('SELECT count(*) AS n FROM kubepulse.container WHERE cluster_id = $1', [id]);
    assert.ok(Number(containers[0].n) >= want.length, 'every pod has at least one container row');
    const ns = await q<{ name: string }>('SELECT name FROM kubepulse.namespace WHERE cluster_id = $1', [id]);
    assert.ok(ns.some((n) => n.name === 'kube-system'));
  }
});

test('metric rows carry the kubelet sample time and values served by the simulator', async () => {
  const sim = sims[1];
  const id = await clusterId(sim.name);
  const node = sim.nodes()[0].name;
  const conn = await ClusterConnection.open({ name: sim.name, kubeconfig, context: sim.name });
  try {
    // The kubelet caches a sample between housekeeping ticks, so what we fetch is (or will be) stored.
    const summary = await conn.getJson<SummaryDoc>(`/api/v1/nodes/${node}/proxy/stats/summary`);
    const ts = new Date(summary.node.cpu.time);
    await waitFor(async () => (await q('SELECT 1 FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2 AND ts = $3', [id, node, ts])).length === 1, 'node sample stored');
    const [row] = await q<{ cpu_usage_nanocores: string; memory_working_set_bytes: string }>(
      'SELECT cpu_usage_nanocores, memory_working_set_bytes FROM kubepulse.node_metric WHERE cluster_id = $1 AND node = $2 AND ts = $3',
      [id, node, ts],
    );
    assert.equal(Number(row.cpu_usage_nanocores), summary.node.cpu.usageNanoCores);
    assert.equal(Number(row.memory_working_set_bytes), summary.node.memory?.workingSetBytes);
    const pod = summary.pods[0];
    const c = pod.containers[0];
    await waitFor(async () => (await q('SELECT 1 FROM kubepulse.container_metric WHERE cluster_id = $1 AND pod_uid = $2 AND container = $3 AND ts = $4', [id, pod.podRef.uid, c.name, new Date(c.cpu!.time)])).length === 1, 'container sample stored');
    const [cr] = await q<{ cpu_usage_core_nanoseconds: string; pod: string; namespace: string }>(
      'SELECT cpu_usage_core_nanoseconds, pod, namespace FROM kubepulse.container_metric WHERE cluster_id = $1 AND pod_uid = $2 AND container = $3 AND ts = $4',
      [id, pod.podRef.uid, c.name, new Date(c.cpu!.time)],
    );
    assert.equal(Number(cr.cpu_usage_core_nanoseconds), c.cpu!.usageCoreNanoSeconds);
    assert.equal(cr.pod, pod.podRef.name);
    assert.equal(cr.namespace, pod.podRef.namespace);
  } finally {
    await conn.close();
  }
  // The same sample is never stored twice: one row per node and kubelet time.
  const dup = await q('SELECT node, ts FROM kubepulse.node_metric GROUP BY cluster_id, node, ts HAVING count(*) > 1');
  assert.deepEqual(dup, []);
});

test('a frozen kubelet (same sample time) adds no rows', async () => {
  const sim = sims[0];
  const id = await clusterId(sim.name);
  const frozen = Object.fromEntries(sim.nodes().map((n) => [n.name, { frozenSummary: true }]));
  sim.setFaults({ ...sim.faults(), nodes: frozen });
  try {
    // Let a frozen sample be stored, then watch several scrape intervals go by.
    await new Promise((r) => setTimeout(r, 2500));
    const before = await q<{ n: string }>('SELECT count(*) AS n FROM kubepulse.node_metric WHERE cluster_id = $1', [id]);
    const skippedBefore = collector.status()!.collector.ingest.staleSkipped ?? 0;
    await new Promise((r) => setTimeout(r, 3000));
    const afterRows = await q<{ n: string }>('SELECT count(*) AS n FROM kubepulse.node_metric WHERE cluster_id = $1', [id]);
    assert.equal(afterRows[0].n, before[0].n);
    await collector.refreshStatus();
    assert.ok((collector.status()!.collector.ingest.staleSkipped ?? 0) > skippedBefore, 'stale samples were skipped, not written');
  } finally {
    sim.setFaults({ ...sim.faults(), nodes: {} });
  }
});

test('a pod deleted in the simulator gets deleted_at, and its replacement appears', async () => {
  const sim = sims[0];
  const id = await clusterId(sim.name);
  const pods = await apiPods(sim);
  const victim = pods.find((p) => p.namespace !== 'kube-system' && /-[a-z0-9]{5}$/.test(p.name)) ?? pods[0];
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod WHERE uid = $1 AND deleted_at IS NULL', [victim.uid])).length === 1, 'victim stored');
  sim.deletePod(victim.namespace, victim.name);
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod WHERE uid = $1 AND deleted_at IS NOT NULL', [victim.uid])).length === 1, 'deleted_at set');
  let replacement: { uid: string; namespace: string; name: string } | undefined;
  await waitFor(async () => {
    replacement = (await apiPods(sim)).find((p) => !pods.some((o) => o.uid === p.uid));
    return replacement !== undefined;
  }, 'the simulated controller replaced the pod');
  // The replacement comes from the victim's ReplicaSet: same namespace, same name but the random suffix.
  assert.equal(replacement!.namespace, victim.namespace);
  assert.equal(replacement!.name.slice(0, -5), victim.name.slice(0, -5));
  assert.notEqual(replacement!.name, victim.name);
  await waitFor(async () => (await q('SELECT 1 FROM kubepulse.pod WHERE cluster_id = $1 AND uid = $2 AND deleted_at IS NULL', [id, replacement!.uid])).length === 1, 'replacement stored');
  const log = await q<{ op: string }>('SELECT op FROM kubepulse.change_log WHERE uid = $1 ORDER BY at', [victim.uid]);
  assert.equal(log[0].op, 'add');
  assert.equal(log[log.length - 1].op, 'delete');
});

test('one cluster going down does not stop the other, and the status says which is down', async () => {
  const [down, up] = sims;
  const upId = await clusterId(up.name);
  down.setApiDown(true);
  try {
    const since = new Date();
    await waitFor(async () => (await q('SELECT 1 FROM kubepulse.node_metric WHERE cluster_id = $1 AND ts > $2', [upId, since])).length >= up.nodes().length, 'the healthy cluster keeps storing samples', 15_000);
    await waitFor(async () => (await collector.refreshStatus()).clusters.find((c) => c.name === down.name)?.api === 'unreachable', 'status shows the cluster unreachable', 15_000);
    const res = await fetch(`http://${collector.httpAddress}/api/status`);
    const st = (await res.json()) as StatusReport;
    const byName = Object.fromEntries(st.clusters.map((c) => [c.name, c]));
    assert.equal(byName[down.name].api, 'unreachable');
    assert.equal(byName[up.name].api, 'healthy');
    assert.equal(byName[up.name].nodes, up.nodes().length);
    assert.equal(byName[up.name].pods, up.stats().pods);
    assert.ok(Date.parse(byName[up.name].lastSampleAt ?? '') >= since.getTime() - 2000);
    assert.equal(st.database.state, 'connected');
    assert.ok(st.database.rows.node_metric > 0 && st.database.rows.pod > 0);
    const health = await fetch(`http://${collector.httpAddress}/healthz`);
    assert.equal(await health.text(), 'ok');
  } finally {
    down.setApiDown(false);
  }
});

test('the example queries the demo prints and the README shows run and return rows', async () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const ex of EXAMPLE_QUERIES) {
    assert.ok(readme.includes(ex.sql), `README.md shows the query "${ex.title}" as the demo prints it`);
    const rows = await q(ex.sql);
    assert.ok(rows.length > 0, `"${ex.title}" returns rows`);
  }
});

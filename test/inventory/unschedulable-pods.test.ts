// Pods no node has room for (Pending, no node, PodScheduled=False / Unschedulable) through the whole
// collector: stored in the inventory without a node, listed by the viewer with the scheduler's reason,
// counted as pending in the overview, and updated once a node joins and takes them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { podsTable } from '../../src/viewer/object-queries.js';
import { overview } from '../../src/viewer/queries.js';
import { startSimCollector, type SimCollector } from '../helpers/sim-collector.js';
import { waitFor } from '../helpers/wait.js';

let env: SimCollector;
let agent: Agent;

before(async () => {
  env = await startSimCollector({ name: 'unsched-it', nodes: 2, podsPerNode: 8, seed: 17, podChurnIntervalMs: 0 });
  agent = new Agent({ connect: { ca: env.sim.caPem } });
});

after(async () => {
  await agent?.close();
  await env?.stop();
});

async function simApi<T>(method: 'GET' | 'PATCH' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await request(`${env.sim.url}${path}`, {
    method, dispatcher: agent, body: body === undefined ? undefined : JSON.stringify(body),
    headers: { authorization: `Bearer ${env.sim.token}`, 'content-type': 'application/merge-patch+json' },
  });
  const text = await res.body.text();
  assert.ok(res.statusCode < 300, `${method} ${path}: ${res.statusCode} ${text}`);
  return JSON.parse(text) as T;
}

interface ApiPod { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase: string } }
interface PodRow { uid: string; name: string; node: string | null; phase: string; reason: string | null; containers: number; containersReady: number }

test('unscheduled pods: stored without a node, listed as Unschedulable, counted pending, then placed', async () => {
  const deps = await simApi<{ items: Array<{ metadata: { name: string; namespace: string } }> }>('GET', '/apis/apps/v1/deployments');
  const dep = deps.items.find((d) => d.metadata.namespace !== 'kube-system')!;
  const ns = dep.metadata.namespace;
  await simApi('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${dep.metadata.name}/scale`, { spec: { replicas: 300 } });
  let unscheduled: ApiPod[] = [];
  await waitFor(async () => {
    const pods = await simApi<{ items: ApiPod[] }>('GET', `/api/v1/namespaces/${ns}/pods`);
    unscheduled = pods.items.filter((p) => !p.spec.nodeName);
    return unscheduled.length > 0;
  }, 'the simulator leaves pods unscheduled');
  const uids = unscheduled.map((p) => p.metadata.uid);
  await waitFor(async () => (await env.pool.query('SELECT 1 FROM kubepulse.pod WHERE uid = ANY($1) AND deleted_at IS NULL', [uids])).rowCount === uids.length, 'the unscheduled pods in the inventory');

  const stored = await env.pool.query<{ node: string | null; phase: string; pod_ip: string | null; host_ip: string | null; start_time: Date | null; ready: boolean; cpu_request_millicores: string | null }>(
    'SELECT node, phase, pod_ip, host_ip, start_time, ready, cpu_request_millicores FROM kubepulse.pod WHERE uid = ANY($1)', [uids]);
  for (const r of stored.rows) {
    assert.deepEqual([r.node, r.phase, r.pod_ip, r.host_ip, r.start_time, r.ready], [null, 'Pending', null, null, null, false]);
    assert.ok(r.cpu_request_millicores !== null, 'its requests are known: what it waits for');
  }
  const containers = await env.pool.query<{ state: string | null; container_id: string | null }>('SELECT state, container_id FROM kubepulse.container WHERE pod_uid = ANY($1)', [uids]);
  assert.ok(containers.rowCount! >= uids.length, 'its containers are listed from the spec');
  assert.deepEqual(new Set(containers.rows.map((c) => `${c.state}/${c.container_id}`)), new Set(['null/null']), 'no container state before a node takes it');

  const page = await podsTable(env.pool, { phase: 'Pending', namespace: [ns], sort: 'name', offset: 0, limit: 1000 });
  const rows = (page.rows as PodRow[]).filter((r) => uids.includes(r.uid));
  assert.equal(rows.length, uids.length, 'the viewer lists every unscheduled pod');
  for (const r of rows) {
    assert.equal(r.node, null);
    assert.equal(r.reason, 'Unschedulable', `${r.name}: the scheduler's reason is the status the viewer shows`);
    assert.equal(r.containersReady, 0);
  }
  const cluster = (await overview(env.pool)).find((c) => c.name === env.sim.name);
  assert.ok(cluster && cluster.pods.pending >= uids.length, `pending pods counted in the overview (${cluster?.pods.pending})`);

  const joined = await simApi<{ name: string }>('POST', '/_sim/nodes');
  await waitFor(async () => (await env.pool.query(`SELECT 1 FROM kubepulse.pod WHERE uid = ANY($1) AND node = $2 AND phase = 'Running'`, [uids, joined.name])).rowCount! > 0,
    'pods placed on the joined node, updated in the inventory');
  const placed = await podsTable(env.pool, { node: joined.name, namespace: [ns], sort: 'name', offset: 0, limit: 1000 });
  for (const r of (placed.rows as PodRow[]).filter((x) => uids.includes(x.uid))) assert.notEqual(r.reason, 'Unschedulable', `${r.name}: placed, no longer unschedulable`);
});

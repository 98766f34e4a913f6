// Writes, controllers, errors and fault injection of the simulated apiserver and kubelets, over HTTPS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, writeKubeconfig, type SimCluster } from '../src/index.js';
import { call, get, watch } from './api-helpers.js';
import type { SimAdminError, SimJoinedNode, Summary, WatchEvent, WireEndpointSlice, WireEvent, WireList, WireNode, WirePod, WireScale, WireStatus, WireVersion, WireWorkload } from './wire.js';

let sim: SimCluster;

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  sim = await startSim({ name: 'api-writes', nodes: 4, podsPerNode: 15, seed: 21, podChurnIntervalMs: 0 });
});
after(async () => {
  await sim.stop();
});

test('the deployment scale subresource: GET shape, merge PATCH scales, a stale PUT gets 409 Conflict', async () => {
  const d = (await get<WireList<WireWorkload>>(sim, '/apis/apps/v1/namespaces/shop/deployments')).json.items[0];
  const path = `/apis/apps/v1/namespaces/shop/deployments/${d.metadata.name}/scale`;
  const scale = (await get<WireScale>(sim, path)).json;
  assert.equal(scale.kind, 'Scale');
  assert.equal(scale.apiVersion, 'autoscaling/v1');
  assert.equal(scale.spec.replicas, d.spec.replicas);
  assert.equal(scale.status.selector, `app=${d.metadata.name}`);
  const patched = await call<WireScale>(sim, 'PATCH', path, { body: { spec: { replicas: d.spec.replicas + 3 } }, contentType: 'application/merge-patch+json' });
  assert.equal(patched.status, 200);
  assert.equal(patched.json.spec.replicas, d.spec.replicas + 3);
  await until('the new pods', async () => {
    const pods = (await get<WireList<WirePod>>(sim, `/api/v1/namespaces/shop/pods?labelSelector=app%3D${d.metadata.name}`)).json.items;
    return pods.length === d.spec.replicas + 3 ? pods : undefined;
  });
  const slices = (await get<WireList<WireEndpointSlice>>(sim, `/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${d.metadata.name}`)).json.items;
  assert.equal(slices.length, 1);
  assert.equal(slices[0].endpoints.length, d.spec.replicas + 3, 'the endpointslice follows the pods');
  const stale = await call<WireStatus>(sim, 'PUT', path, { body: { ...scale, spec: { replicas: 1 } } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.reason, 'Conflict');
  const fresh = (await get<WireScale>(sim, path)).json;
  const put = await call(sim, 'PUT', path, { body: { ...fresh, spec: { replicas: 1 } } });
  assert.equal(put.status, 200);
  await until('scale down to 1', async () => ((await get<WireList<WirePod>>(sim, `/api/v1/namespaces/shop/pods?labelSelector=app%3D${d.metadata.name}`)).json.items.length === 1 ? true : undefined));
  const events = (await get<WireList<WireEvent>>(sim, '/api/v1/namespaces/shop/events?fieldSelector=reason%3DScalingReplicaSet')).json.items;
  assert.ok(events.some((e) => e.involvedObject.name === d.metadata.name), 'the deployment controller recorded the scaling');
});

test('patching a statefulset\'s replicas creates the next ordinals', async () => {
  const sts = (await get<WireList<WireWorkload>>(sim, '/apis/apps/v1/statefulsets')).json.items[0];
  const path = `/apis/apps/v1/namespaces/${sts.metadata.namespace}/statefulsets/${sts.metadata.name}`;
  const r = await call<WireWorkload>(sim, 'PATCH', path, { body: [{ op: 'replace', path: '/spec/replicas', value: 5 }], contentType: 'application/json-patch+json' });
  assert.equal(r.status, 200);
  const names = await until('ordinals 0..4', async () => {
    const pods = (await get<WireList<WirePod>>(sim, `/api/v1/namespaces/${sts.metadata.namespace}/pods?labelSelector=app%3D${sts.metadata.name}`)).json.items.map((p) => p.metadata.name).sort();
    return pods.length === 5 ? pods : undefined;
  });
  assert.deepEqual(names, [0, 1, 2, 3, 4].map((i) => `${sts.metadata.name}-${i}`));
});

test('deleting a node removes its pods; controllers recreate them on the other nodes', async () => {
  const node = sim.nodes()[2].name;
  const onNode = (await get<WireList<WirePod>>(sim, `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json.items;
  const rsPods = onNode.filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet').length;
  assert.ok(onNode.length > 0);
  const before = sim.stats().pods;
  const del = await call(sim, 'DELETE', `/api/v1/nodes/${node}`);
  assert.equal(del.status, 200);
  assert.equal((await get(sim, `/api/v1/nodes/${node}`)).status, 404);
  assert.equal((await get<WireList<WirePod>>(sim, `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json.items.length, 0);
  // Daemonset and job pods are not rescheduled; replicaset and statefulset pods are.
  await until('rescheduled pods', () => (sim.stats().pods >= before - onNode.length + rsPods ? true : undefined));
});

test('errors are Status objects: 404 with details, 403 from simulated RBAC, 405, 415', async () => {
  const missing = await get<WireStatus>(sim, '/api/v1/namespaces/default/pods/nope');
  assert.equal(missing.status, 404);
  assert.deepEqual([missing.json.kind, missing.json.reason, missing.json.message, missing.json.details!.kind], ['Status', 'NotFound', 'pods "nope" not found', 'pods']);
  sim.setFaults({ forbid: [{ resource: 'pods', verb: 'list', namespace: 'payments' }] });
  const denied = await get<WireStatus>(sim, '/api/v1/namespaces/payments/pods');
  assert.equal(denied.status, 403);
  assert.equal(denied.json.reason, 'Forbidden');
  assert.match(denied.json.message, /cannot list resource "pods" in API group "" in the namespace "payments"/);
  assert.equal((await get(sim, '/api/v1/namespaces/shop/pods')).status, 200);
  sim.setFaults({});
  const pod = (await get<WireList<WirePod>>(sim, '/api/v1/pods?limit=1')).json.items[0];
  const put = await call(sim, 'PUT', `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { body: pod });
  assert.equal(put.status, 405);
  const node = sim.nodes()[0].name;
  const badType = await call(sim, 'PATCH', `/api/v1/nodes/${node}`, { body: { spec: {} }, contentType: 'application/yaml' });
  assert.equal(badType.status, 415);
});

test('fault injection: 429 with Retry-After, 500, API outage 503, truncated and malformed bodies', async () => {
  sim.setFaults({ api: { errorRate: 1, errorCodes: [429] } });
  const limited = await get<WireStatus>(sim, '/api/v1/nodes');
  assert.equal(limited.status, 429);
  assert.equal(limited.headers['retry-after'], '1');
  assert.equal(limited.json.details!.retryAfterSeconds, 1);
  sim.setFaults({ api: { errorRate: 1, errorCodes: [500] } });
  const failed = await get<WireStatus>(sim, '/api/v1/nodes');
  assert.deepEqual([failed.status, failed.json.reason], [500, 'InternalError']);
  sim.setFaults({});
  const open = watch(sim, '/api/v1/nodes?watch=true', () => false, 10_000);
  await new Promise((r) => setTimeout(r, 200));
  const downAt = Date.now();
  sim.setApiDown(true);
  await open.done;
  assert.ok(Date.now() - downAt < 9000, 'the outage ended the open watch');
  const down = await get<WireStatus>(sim, '/api/v1/nodes');
  assert.deepEqual([down.status, down.json.reason], [503, 'ServiceUnavailable']);
  assert.equal((await call(sim, 'GET', '/healthz', { token: null })).status, 503);
  sim.setApiDown(false);
  assert.equal((await get(sim, '/api/v1/nodes')).status, 200);
  sim.setFaults({ api: { malformedRate: 1 } });
  const malformed = await get(sim, '/api/v1/pods');
  assert.equal(malformed.status, 200);
  assert.equal(malformed.json, undefined, 'the body does not parse');
  sim.setFaults({ api: { truncateRate: 1 } });
  const truncated = await get(sim, '/api/v1/pods').then((r) => r, (e: Error) => e);
  assert.ok(truncated instanceof Error || truncated.json === undefined, 'the body is cut short');
  sim.setFaults({ api: { resetRate: 1 } });
  await assert.rejects(get(sim, '/api/v1/nodes'), /ECONNRESET|socket hang up/);
  sim.setFaults({ api: { latencyMs: 300 } });
  const t0 = Date.now();
  assert.equal((await get(sim, '/version')).status, 200);
  assert.ok(Date.now() - t0 >= 290, 'the latency fault delays the answer');
  sim.setFaults({});
});

test('the admin endpoint validates faults and names the bad key', async () => {
  const bad = await call<SimAdminError>(sim, 'PUT', '/_sim/faults', { body: { api: { errorRatio: 0.5 } } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /faults\.api\.errorRatio: unknown fault key/);
  const range = await call<SimAdminError>(sim, 'PATCH', '/_sim/faults', { body: { kubelets: { errorRate: 2 } } });
  assert.equal(range.status, 400);
  assert.match(range.json.error, /faults\.kubelets\.errorRate: expected a number between 0 and 1/);
  const ok = await call(sim, 'PATCH', '/_sim/faults', { body: { watchCutAfterMs: 300 } });
  assert.equal(ok.status, 200);
  const w = watch(sim, '/api/v1/nodes?watch=true', () => false, 10_000);
  const t0 = Date.now();
  await w.done;
  assert.ok(Date.now() - t0 < 9000, 'the watch was cut by the fault, not by the test timeout');
  await call(sim, 'PUT', '/_sim/faults', { body: {} });
});

test('per-node kubelet faults hit only that node, through the proxy', async () => {
  const [a, b] = sim.nodes();
  sim.setFaults({ nodes: { [a.name]: { errorRate: 1, errorCodes: [503] } } });
  assert.equal((await get(sim, `/api/v1/nodes/${a.name}/proxy/healthz`)).status, 503);
  const okay = await get(sim, `/api/v1/nodes/${b.name}/proxy/healthz`);
  assert.deepEqual([okay.status, okay.text], [200, 'ok']);
  sim.setFaults({});
});

function direct(address: string, port: number, path: string, token: string | null): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, ca: sim.caPem, agent: false, headers: token ? { Authorization: `Bearer ${token}` } : {} }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('each node\'s kubelet answers directly over HTTPS at its own address and port, verified by the CA', async () => {
  const nodes = sim.nodes();
  const n = nodes[1];
  const obj = (await get<WireNode>(sim, `/api/v1/nodes/${n.name}`)).json;
  assert.equal(obj.status.addresses[0].address, n.address);
  assert.equal(obj.status.daemonEndpoints.kubeletEndpoint.Port, n.kubeletPort);
  const summary = await direct(n.address, n.kubeletPort, '/stats/summary', sim.token);
  assert.equal(summary.status, 200);
  assert.equal((JSON.parse(summary.text) as Summary).node.nodeName, n.name);
  const other = nodes[0];
  const otherSummary = await direct(other.address, other.kubeletPort, '/stats/summary', sim.token);
  assert.equal((JSON.parse(otherSummary.text) as Summary).node.nodeName, other.name, 'the address selects the node');
  assert.equal((await direct(n.address, n.kubeletPort, '/healthz', null)).status, 401);
});

test('nodes go NotReady and back, and joining nodes get their daemonset pods', async () => {
  const n = sim.nodes()[0];
  const r = await call(sim, 'POST', `/_sim/nodes/${n.name}/ready?value=false`);
  assert.equal(r.status, 200);
  const obj = (await get<WireNode>(sim, `/api/v1/nodes/${n.name}`)).json;
  const ready = obj.status.conditions.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason], ['Unknown', 'NodeStatusUnknown']);
  assert.ok(obj.spec.taints!.some((t) => t.key === 'node.kubernetes.io/unreachable'));
  sim.setNodeReady(n.name, true);
  assert.equal((await get<WireNode>(sim, `/api/v1/nodes/${n.name}`)).json.status.conditions.find((c) => c.type === 'Ready')!.status, 'True');
  const joined = await call<SimJoinedNode>(sim, 'POST', '/_sim/nodes');
  assert.equal(joined.status, 200);
  const name = joined.json.name;
  assert.equal((await get(sim, `/api/v1/nodes/${name}`)).status, 200);
  await until('daemonset pods on the new node', async () => {
    const pods = (await get<WireList<WirePod>>(sim, `/api/v1/pods?fieldSelector=spec.nodeName%3D${name}`)).json.items;
    return pods.some((p) => p.metadata.ownerReferences?.[0]?.kind === 'DaemonSet') ? true : undefined;
  });
});

test('writeKubeconfig writes one context per simulated cluster with CA data and token', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubepulse-kc-'));
  try {
    const other = await startSim({ name: 'api-writes-b', nodes: 1, podsPerNode: 3, podChurnIntervalMs: 0, directKubelets: false });
    try {
      await writeKubeconfig(join(dir, 'config'), [sim, other]);
      const text = readFileSync(join(dir, 'config'), 'utf8');
      for (const s of [sim, other]) {
        assert.ok(text.includes(`- name: "${s.name}"`));
        assert.ok(text.includes(`server: "${s.url}"`));
        assert.ok(text.includes(`token: "${s.token}"`));
        assert.ok(text.includes(Buffer.from(s.caPem).toString('base64')));
      }
      assert.ok(text.includes(`current-context: "${sim.name}"`));
    } finally {
      await other.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same seed gives the same world; the Kubernetes version changes the shapes', async () => {
  const opts = { nodes: 2, podsPerNode: 8, podChurnIntervalMs: 0, directKubelets: false };
  const a = await startSim({ ...opts, name: 'seed-a', seed: 7 });
  const b = await startSim({ ...opts, name: 'seed-b', seed: 7 });
  const c = await startSim({ ...opts, name: 'seed-c', seed: 8, kubernetesVersion: '1.24' });
  try {
    const pods = async (s: SimCluster): Promise<string[]> => (await get<WireList<WirePod>>(s, '/api/v1/pods')).json.items.map((p) => `${p.metadata.name}@${p.spec.nodeName}/${p.metadata.uid}`);
    assert.deepEqual(await pods(a), await pods(b));
    assert.notDeepEqual(await pods(a), await pods(c));
    assert.equal((await get<WireVersion>(c, '/version')).json.gitVersion, 'v1.24.17');
    const newPod = (await get<WireList<WirePod>>(a, '/api/v1/pods?limit=1')).json.items[0];
    const oldPod = (await get<WireList<WirePod>>(c, '/api/v1/pods?limit=1')).json.items[0];
    assert.ok(newPod.status.hostIPs, '1.28+ pods list hostIPs');
    assert.equal(oldPod.status.hostIPs, undefined, '1.24 pods have no hostIPs');
    assert.ok(!oldPod.status.conditions.some((x) => x.type === 'PodReadyToStartContainers'));
    const oldNode = (await get<WireList<WireNode>>(c, '/api/v1/nodes')).json.items[0];
    assert.equal(oldNode.status.nodeInfo.kubeletVersion, 'v1.24.17');
    assert.equal(oldNode.status.nodeInfo.kubeProxyVersion, 'v1.24.17');
  } finally {
    await Promise.all([a.stop(), b.stop(), c.stop()]);
  }
});

test('node dynamics: a node goes NotReady, a node joins and a joined node leaves, seen by a watch', async () => {
  const d = await startSim({ name: 'api-dynamics', nodes: 3, podsPerNode: 5, seed: 8, podChurnIntervalMs: 0, nodeEventIntervalMs: 150 });
  try {
    const list = (await get<WireList<WireNode>>(d, '/api/v1/nodes')).json;
    const w = watch<WatchEvent<WireNode>>(d, `/api/v1/nodes?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (evs) =>
      evs.some((e) => e.type === 'MODIFIED' && e.object.status.conditions.find((c) => c.type === 'Ready')!.status === 'Unknown') &&
      evs.some((e) => e.type === 'ADDED') && evs.some((e) => e.type === 'DELETED'));
    await w.done;
    const added = w.events.find((e) => e.type === 'ADDED');
    const deleted = w.events.find((e) => e.type === 'DELETED');
    assert.ok(added && deleted, 'a node joined and a node left');
    // Several nodes may join before one leaves (the event timer keeps running): the one leaving is one of them.
    const joined = w.events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name);
    assert.ok(joined.includes(deleted.object.metadata.name), `the node that leaves (${deleted.object.metadata.name}) is one that joined (${joined.join(', ')})`);
    assert.ok(!list.items.some((n) => n.metadata.name === added.object.metadata.name));
  } finally {
    await d.stop();
  }
});

// The simulated apiserver over real HTTPS: auth, discovery, chunked lists with continue tokens and their
// expiry, selectors, and watch semantics (replay, bookmarks, timeout, 410 after compaction).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type SimCluster } from '../src/index.js';
import { call, get, watch } from './api-helpers.js';
import type { WatchErrorEvent, WatchEvent, WireGroupList, WireList, WireNode, WirePod, WireResourceList, WireStatus, WireVersion, WireWorkload } from './wire.js';

let sim: SimCluster;

/** Churn from an earlier step is replaced by a controller shortly after: wait until the pod count is back. */
async function settled(podCount: number): Promise<void> {
  for (let i = 0; i < 100 && sim.stats().pods !== podCount; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(sim.stats().pods, podCount, 'the replicaset controller replaced the churned pod');
}

before(async () => {
  sim = await startSim({ name: 'api-list', nodes: 4, podsPerNode: 12, seed: 11, podChurnIntervalMs: 0, bookmarkIntervalMs: 200 });
});
after(async () => {
  await sim.stop();
});

test('requests without a valid bearer token get a 401 Status; /healthz stays public', async () => {
  const none = await call<WireStatus>(sim, 'GET', '/api/v1/pods', { token: null });
  assert.equal(none.status, 401);
  assert.equal(none.json.kind, 'Status');
  assert.equal(none.json.reason, 'Unauthorized');
  const wrong = await call(sim, 'GET', '/api/v1/pods', { token: 'not-the-token' });
  assert.equal(wrong.status, 401);
  const health = await call(sim, 'GET', '/healthz', { token: null });
  assert.equal(health.status, 200);
  assert.equal(health.text, 'ok');
});

test('discovery lists core and group resources with the scale subresource kubectl needs', async () => {
  const version = await get<WireVersion>(sim, '/version');
  assert.equal(version.json.gitVersion, 'v1.35.0');
  const core = await get<WireResourceList>(sim, '/api/v1');
  const names = core.json.resources.map((r) => r.name);
  for (const n of ['pods', 'nodes', 'namespaces', 'services', 'events', 'nodes/proxy']) assert.ok(names.includes(n), n);
  const groups = await get<WireGroupList>(sim, '/apis');
  const groupNames = groups.json.groups.map((g) => g.name);
  for (const g of ['apps', 'batch', 'autoscaling', 'discovery.k8s.io', 'networking.k8s.io', 'storage.k8s.io']) assert.ok(groupNames.includes(g), g);
  const apps = await get<WireResourceList>(sim, '/apis/apps/v1');
  const scale = apps.json.resources.find((r) => r.name === 'deployments/scale')!;
  assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
});

test('every kind issue 4 names has objects with metadata a real cluster returns', async () => {
  const paths = ['/api/v1/namespaces', '/api/v1/nodes', '/api/v1/pods', '/api/v1/services', '/api/v1/events', '/api/v1/persistentvolumes', '/api/v1/persistentvolumeclaims', '/api/v1/resourcequotas',
    '/apis/apps/v1/deployments', '/apis/apps/v1/replicasets', '/apis/apps/v1/statefulsets', '/apis/apps/v1/daemonsets', '/apis/batch/v1/jobs', '/apis/batch/v1/cronjobs',
    '/apis/autoscaling/v2/horizontalpodautoscalers', '/apis/discovery.k8s.io/v1/endpointslices', '/apis/networking.k8s.io/v1/ingresses', '/apis/storage.k8s.io/v1/storageclasses'];
  // Events are recorded as things happen: make one happen first.
  const pods0 = sim.stats().pods;
  await call(sim, 'POST', '/_sim/churn');
  await settled(pods0);
  for (const p of paths) {
    const r = await get<WireList>(sim, p);
    assert.equal(r.status, 200, p);
    assert.ok(r.json.items.length > 0, `${p} has objects`);
    const m = r.json.items[0].metadata;
    assert.match(m.uid, /^[0-9a-f-]{36}$/, p);
    assert.match(m.resourceVersion, /^\d+$/, p);
    assert.match(m.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, p);
  }
  const pods = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items;
  const rsPod = pods.find((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')!;
  assert.ok(rsPod.status.containerStatuses[0].containerID.startsWith('containerd://'));
  assert.ok(['Guaranteed', 'Burstable', 'BestEffort'].includes(rsPod.status.qosClass));
  const qos = new Set(pods.map((p) => p.status.qosClass));
  assert.ok(qos.size >= 2, 'several QoS classes are present');
  const node = (await get<WireList<WireNode>>(sim, '/api/v1/nodes')).json.items[1];
  const internal = node.status.addresses.find((a) => a.type === 'InternalIP')!.address;
  assert.match(internal, /^127\.0\.\d+\.\d+$/);
  assert.ok(node.status.daemonEndpoints.kubeletEndpoint.Port > 0);
});

test('limit + continue pages through a consistent list; every page shares the first resourceVersion', async () => {
  const full = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json;
  const names: string[] = [];
  let cont = '';
  let rv: string | undefined;
  let pages = 0;
  do {
    const r = await get<WireList<WirePod>>(sim, `/api/v1/pods?limit=7${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    assert.equal(r.status, 200);
    assert.ok(r.json.items.length <= 7);
    rv ??= r.json.metadata.resourceVersion;
    assert.equal(r.json.metadata.resourceVersion, rv);
    if (r.json.metadata.continue) assert.equal(r.json.metadata.remainingItemCount, full.items.length - names.length - r.json.items.length);
    names.push(...r.json.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
    cont = r.json.metadata.continue ?? '';
    pages++;
  } while (cont);
  assert.equal(pages, Math.ceil(full.items.length / 7));
  assert.deepEqual(names, full.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
  assert.equal(new Set(names).size, names.length);
});

test('a continue token older than the compaction floor gets 410 Expired', async () => {
  const pods = sim.stats().pods;
  const first = await get<WireList<WirePod>>(sim, '/api/v1/pods?limit=5');
  const admin = await call(sim, 'POST', '/_sim/compact');
  assert.equal(admin.status, 200);
  // Any write after compaction moves the store past the token's revision.
  await call(sim, 'POST', '/_sim/churn');
  const next = await get<WireStatus>(sim, `/api/v1/pods?limit=5&continue=${encodeURIComponent(first.json.metadata.continue!)}`);
  assert.equal(next.status, 410);
  assert.equal(next.json.reason, 'Expired');
  assert.match(next.json.message, /continue parameter is too old/);
  await settled(pods);
  const bad = await get(sim, '/api/v1/pods?limit=5&continue=garbage!!');
  assert.equal(bad.status, 400);
});

test('label and field selectors filter lists; unsupported fields are rejected with 400', async () => {
  const all = (await get<WireList<WirePod>>(sim, '/api/v1/pods')).json.items;
  const app = all.find((p) => p.metadata.labels?.app)?.metadata.labels!.app;
  const byLabel = (await get<WireList<WirePod>>(sim, `/api/v1/pods?labelSelector=${encodeURIComponent(`app=${app}`)}`)).json.items;
  assert.ok(byLabel.length > 0);
  assert.equal(byLabel.length, all.filter((p) => p.metadata.labels?.app === app).length);
  const notIn = (await get<WireList<WirePod>>(sim, `/api/v1/pods?labelSelector=${encodeURIComponent(`app notin (${app}),!job-name`)}`)).json.items;
  assert.equal(notIn.length, all.filter((p) => p.metadata.labels?.app !== app && !p.metadata.labels?.['job-name']).length);
  const node = all[0].spec.nodeName;
  const onNode = (await get<WireList<WirePod>>(sim, `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json.items;
  assert.equal(onNode.length, all.filter((p) => p.spec.nodeName === node).length);
  const succeeded = (await get<WireList<WirePod>>(sim, '/api/v1/pods?fieldSelector=status.phase%3DSucceeded')).json.items;
  assert.ok(succeeded.length > 0 && succeeded.every((p) => p.status.phase === 'Succeeded'));
  const ns = (await get<WireList<WirePod>>(sim, '/api/v1/namespaces/kube-system/pods')).json.items;
  assert.ok(ns.length > 0 && ns.every((p) => p.metadata.namespace === 'kube-system'));
  const byName = (await get<WireList<WirePod>>(sim, `/api/v1/pods?fieldSelector=metadata.name%3D${all[3].metadata.name},metadata.namespace%3D${all[3].metadata.namespace}`)).json.items;
  assert.equal(byName.length, 1);
  const unsupported = await get<WireStatus>(sim, '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
  assert.equal(unsupported.status, 400);
  assert.match(unsupported.json.message, /field label not supported: spec.bogus/);
  const badLabel = await get(sim, `/api/v1/pods?labelSelector=${encodeURIComponent('a=b=c=')}`);
  assert.equal(badLabel.status, 400);
});

test('a watch from a list resourceVersion sees DELETED then the replacement ADDED, plus bookmarks', async () => {
  const list = (await get<WireList<WireWorkload>>(sim, '/apis/apps/v1/replicasets')).json;
  const rs = list.items.find((r) => r.spec.replicas > 0)!;
  const pods = (await get<WireList<WirePod>>(sim, `/api/v1/namespaces/${rs.metadata.namespace}/pods?labelSelector=pod-template-hash%3D${rs.metadata.labels!['pod-template-hash']}`)).json;
  const victim = pods.items[0].metadata.name;
  const replacement = (e: WatchEvent<WirePod>): boolean => e.type === 'ADDED' && e.object.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid;
  const w = watch<WatchEvent<WirePod>>(sim, `/api/v1/namespaces/${rs.metadata.namespace}/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${pods.metadata.resourceVersion}`,
    (evs) => evs.some((e) => e.type === 'DELETED') && evs.some((e) => replacement(e)) && evs.some((e) => e.type === 'BOOKMARK'));
  const del = await call<WirePod>(sim, 'DELETE', `/api/v1/namespaces/${rs.metadata.namespace}/pods/${victim}`, { body: { kind: 'DeleteOptions', apiVersion: 'v1' } });
  assert.equal(del.status, 200);
  assert.ok(del.json.metadata.deletionTimestamp, 'graceful delete marks the pod first');
  await w.done;
  const types = w.events.map((e) => e.type);
  assert.ok(types.includes('MODIFIED'), 'deletionTimestamp set');
  const deleted = w.events.find((e) => e.type === 'DELETED')!;
  assert.equal(deleted.object.metadata.name, victim);
  assert.equal(deleted.object.kind, 'Pod');
  const added = w.events.find(replacement);
  assert.ok(added, 'the replicaset controller created a replacement');
  assert.notEqual(added.object.metadata.name, victim);
  const bookmark = w.events.find((e) => e.type === 'BOOKMARK')!;
  assert.deepEqual(Object.keys(bookmark.object.metadata), ['resourceVersion']);
  const rvs = w.events.filter((e) => e.type !== 'BOOKMARK').map((e) => Number(e.object.metadata.resourceVersion));
  assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'events arrive in resourceVersion order');
});

test('a watch without resourceVersion starts with ADDED for every matching object; timeoutSeconds ends it', async () => {
  const nodes = (await get<WireList<WireNode>>(sim, '/api/v1/nodes')).json.items;
  const started = Date.now();
  const w = watch<WatchEvent<WireNode>>(sim, '/api/v1/nodes?watch=1&timeoutSeconds=1', () => false, 10_000);
  await w.done;
  assert.ok(Date.now() - started < 9000, 'the server ended the stream on timeoutSeconds');
  assert.deepEqual(w.events.map((e) => e.object.metadata.name), nodes.map((n) => n.metadata.name));
  assert.ok(w.events.every((e) => e.type === 'ADDED'));
});

test('a watch from a compacted resourceVersion gets one ERROR event with a 410 Expired Status', async () => {
  const pods = sim.stats().pods;
  const old = (await get<WireList<WirePod>>(sim, '/api/v1/pods?limit=1')).json.metadata.resourceVersion;
  await call(sim, 'POST', '/_sim/churn');
  await call(sim, 'POST', '/_sim/compact');
  const w = watch<WatchErrorEvent>(sim, `/api/v1/pods?watch=true&resourceVersion=${old}`, (evs) => evs.length > 0);
  await w.done;
  assert.equal(w.events.length, 1);
  assert.equal(w.events[0].type, 'ERROR');
  assert.equal(w.events[0].object.code, 410);
  assert.equal(w.events[0].object.reason, 'Expired');
  assert.match(w.events[0].object.message, /too old resource version/);
  await settled(pods);
});

test('periodic compaction expires resourceVersions older than the previous run', async () => {
  const c = await startSim({ name: 'api-compaction', nodes: 1, podsPerNode: 6, seed: 2, podChurnIntervalMs: 0, compactionIntervalMs: 200, directKubelets: false });
  try {
    const rv = (await get<WireList<WirePod>>(c, '/api/v1/pods?limit=1')).json.metadata.resourceVersion;
    // A write, then two compaction runs: the first marks the revision, the second expires what came before.
    await call(c, 'POST', '/_sim/churn');
    for (let i = 0; i < 50; i++) {
      const w = watch<WatchEvent<WirePod> | WatchErrorEvent>(c, `/api/v1/pods?watch=true&resourceVersion=${rv}`, (evs) => evs.length > 0, 2000);
      await w.done;
      if (w.events[0]?.type === 'ERROR') {
        assert.equal(w.events[0].object.code, 410);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('the old resourceVersion never expired');
  } finally {
    await c.stop();
  }
});

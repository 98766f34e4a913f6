// Static pods: the kubelet reports them under their config hash, the API server holds mirror pods with
// other UIDs (linked by the kubernetes.io/config.mirror annotation). Their samples must be stored under the
// mirror pod's UID, so they join the inventory like any pod's: checked on the real 1.35 kubelet payloads
// (kubeadm's control plane as minikube runs it) and end to end against the simulator's control plane.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Agent, request } from 'undici';
import { type SimCluster } from '@kubepulse/sim';
import { PodIndex, followPods } from '../../src/collector/pod-index.js';
import { decodePayload } from '../../src/scrape/decode.js';
import type { IngestInput } from '../../src/scrape/pipeline.js';
import { ENTITIES } from '../../src/metrics/definitions.js';
import { podsTable } from '../../src/viewer/object-queries.js';
import { startSimCollector, type SimCollector } from '../helpers/sim-collector.js';
import { waitFor } from '../helpers/wait.js';
import { readFixture } from '../metrics/fixtures.js';

interface KubeletPod { metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> } }

/** The 1.35 kubelet's static pods (config.source "file") with a mirror pod UID made up for each. */
function fixtureStaticPods(): Array<{ hash: string; mirrorUid: string; namespace: string; name: string }> {
  const list = JSON.parse(readFixture('pods-nri-1.35.json').toString()) as { items: KubeletPod[] };
  return list.items
    .filter((p) => p.metadata.annotations?.['kubernetes.io/config.source'] === 'file')
    .map((p) => ({ hash: p.metadata.uid, mirrorUid: randomUUID(), namespace: p.metadata.namespace, name: p.metadata.name }));
}

function indexWithMirrors(statics: ReturnType<typeof fixtureStaticPods>): PodIndex {
  const index = new PodIndex();
  const follow = followPods(index, { forgetPods: () => {} }, 1);
  for (const s of statics) {
    follow.onChange({ op: 'upsert', obj: { metadata: { uid: s.mirrorUid, namespace: s.namespace, name: s.name, annotations: { 'kubernetes.io/config.mirror': s.hash } } } });
  }
  return index;
}

function decode(source: IngestInput['source'], body: Buffer, index: PodIndex) {
  return decodePayload({
    clusterId: 1, cluster: 'c', node: 'datagen-1-35', source, body, scrapedAt: new Date('2026-06-26T10:20:00Z'), intervalMs: 10_000,
    resolvePodUid: (ns, pod) => index.uidOf(ns, pod),
    apiPodUid: (uid) => index.apiUidOf(uid),
  });
}

test('1.35 fixtures: the control plane\'s static pods are stored under their mirror pods\' UIDs, from the summary and from cAdvisor', () => {
  const statics = fixtureStaticPods();
  assert.deepEqual(statics.map((s) => s.name.replace(/-datagen-1-35$/, '')).sort(), ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']);
  const index = indexWithMirrors(statics);
  const hashes = new Set(statics.map((s) => s.hash));
  for (const [source, file] of [['summary', 'summary-nri-1.35.json'], ['cadvisor', 'cadvisor-nri-1.35.txt']] as const) {
    const d = decode(source, readFixture(file), index);
    const podUids = new Set<string>();
    for (const entity of ENTITIES) for (const row of d.rows[entity]) if (typeof row.pod_uid === 'string' && row.pod_uid) podUids.add(row.pod_uid);
    for (const s of statics) assert.ok(podUids.has(s.mirrorUid), `${source}: ${s.name} has rows under its mirror pod's UID`);
    assert.deepEqual([...podUids].filter((u) => hashes.has(u)), [], `${source}: no row keeps a config hash`);
    // The counters' start times follow the rows, or the rates of static pods would never start.
    assert.deepEqual([...d.startTimes.pods.keys()].filter((u) => hashes.has(u)), [], `${source}: start times re-keyed`);
    assert.deepEqual([...d.startTimes.containers.keys()].filter((k) => hashes.has(k.split('/')[0])), [], `${source}: container start times re-keyed`);
    if (source === 'summary') for (const s of statics) assert.ok(d.startTimes.pods.has(s.mirrorUid), `summary: ${s.name}'s start time under its mirror UID`);
  }
});

test('pod index: a deleted mirror pod (the kubelet makes a new one) hands the static pod over to its successor', () => {
  const index = new PodIndex();
  const forgotten: string[] = [];
  const follow = followPods(index, { forgetPods: (_c, uids) => forgotten.push(...uids) }, 1);
  const mirror = (uid: string) => ({ metadata: { uid, namespace: 'kube-system', name: 'etcd-n1', annotations: { 'kubernetes.io/config.mirror': 'f'.repeat(32) } } });
  follow.onChange({ op: 'upsert', obj: mirror('m-1') });
  assert.equal(index.apiUidOf('f'.repeat(32)), 'm-1');
  follow.onChange({ op: 'upsert', obj: mirror('m-2') }); // the new mirror can arrive before the old one's delete
  follow.onChange({ op: 'delete', obj: mirror('m-1') });
  assert.equal(index.apiUidOf('f'.repeat(32)), 'm-2');
  assert.deepEqual(forgotten, ['m-1']);
  follow.onGone(['m-2']);
  assert.equal(index.apiUidOf('f'.repeat(32)), undefined);
  assert.deepEqual(index.size, { uids: 0, names: 0, mirrors: 0 });
});

let h: SimCollector;
let sim: SimCluster;
let pool: pg.Pool;

before(async () => {
  h = await startSimCollector({ name: 'static-it', nodes: 2, podsPerNode: 10, seed: 16, podChurnIntervalMs: 0 }, { resource_interval: '1s' });
  ({ sim, pool } = h);
});

after(() => h?.stop());

test('simulator: static pods are served by the kubelet under their config hash and by the API as mirror pods', async () => {
  const node = sim.nodes()[0].name;
  const headers = { authorization: `Bearer ${sim.token}` };
  const api = await fetchJson(`${sim.url}/api/v1/namespaces/kube-system/pods`, headers) as { items: Array<{ metadata: KubeletPod['metadata'] & { ownerReferences?: Array<{ kind: string; name: string }> } }> };
  const mirrors = api.items.filter((p) => p.metadata.annotations?.['kubernetes.io/config.mirror']);
  assert.equal(mirrors.length, 4, 'kubeadm\'s four control-plane pods');
  const summary = await fetchJson(`${sim.url}/api/v1/nodes/${node}/proxy/stats/summary`, headers) as { pods: Array<{ podRef: { name: string; uid: string } }> };
  for (const m of mirrors) {
    const hash = m.metadata.annotations!['kubernetes.io/config.mirror'];
    assert.match(hash, /^[0-9a-f]{32}$/);
    assert.equal(m.metadata.annotations!['kubernetes.io/config.hash'], hash);
    assert.equal(m.metadata.annotations!['kubernetes.io/config.source'], 'file');
    assert.deepEqual(m.metadata.ownerReferences?.map((o) => [o.kind, o.name]), [['Node', node]]);
    const reported = summary.pods.find((p) => p.podRef.name === m.metadata.name);
    assert.equal(reported?.podRef.uid, hash, `${m.metadata.name}: the kubelet reports the config hash`);
    assert.notEqual(m.metadata.uid, hash);
  }
});

test('collector: every pod with a sample joins its API object, static pods included, from every source', async () => {
  await waitFor(async () => (await pool.query('SELECT 1 FROM kubepulse.cluster')).rowCount === 1, 'cluster registered');
  await waitFor(
    async () => (await pool.query(`SELECT 1 FROM kubepulse.pod WHERE deleted_at IS NULL AND annotations ? 'kubernetes.io/config.mirror'`)).rowCount === 4,
    'the four mirror pods in the inventory',
  );
  // Samples from here on: the collector knew the mirror pods when it took them.
  const since = new Date();
  const mirrorUids = (await pool.query<{ uid: string }>(`SELECT uid FROM kubepulse.pod WHERE annotations ? 'kubernetes.io/config.mirror'`)).rows.map((r) => r.uid);
  // Each source's values: the resource rows by their source, the summary's and cAdvisor's by a column only
  // each fills (their halves of a sample are joined into one row when both payloads hold it).
  const halves = { s: `source = 's'`, c: 'memory_cache_bytes IS NOT NULL', r: `source = 'r'` };
  for (const [table, source] of [['pod_metric', 's'], ['pod_metric', 'c'], ['pod_metric', 'r'], ['container_metric', 's'], ['container_metric', 'c']] as const) {
    await waitFor(
      async () => (await pool.query(`SELECT DISTINCT pod_uid FROM kubepulse.${table} WHERE pod_uid = ANY($1) AND ts > $2 AND ${halves[source]}`, [mirrorUids, since])).rowCount === 4,
      `${table} values of source ${source} for the four static pods under their mirror UIDs`,
    );
  }
  const unjoined = await pool.query<{ pod_uid: string }>(
    `SELECT DISTINCT m.pod_uid FROM kubepulse.pod_metric m WHERE m.ts > $1
        AND NOT EXISTS (SELECT 1 FROM kubepulse.pod p WHERE p.cluster_id = m.cluster_id AND p.uid = m.pod_uid)`,
    [since],
  );
  assert.deepEqual(unjoined.rows, [], 'pod samples without an API object');
  const page = await podsTable(pool, { namespace: ['kube-system'], sort: 'name', offset: 0, limit: 100 });
  const controlPlane = (page.rows as Array<{ name: string; cpuMillicores: number | null; memoryBytes: number | null }>).filter((r) => /^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)-/.test(r.name));
  assert.equal(controlPlane.length, 4);
  for (const r of controlPlane) assert.ok(r.cpuMillicores !== null && r.memoryBytes !== null, `${r.name}: the viewer shows its usage`);
});

async function fetchJson(url: string, headers: Record<string, string>): Promise<unknown> {
  // The simulator's CA is its own: trust it for this request only.
  const res = await request(url, { headers, dispatcher: new Agent({ connect: { ca: sim.caPem } }) });
  assert.equal(res.statusCode, 200, url);
  return res.body.json();
}

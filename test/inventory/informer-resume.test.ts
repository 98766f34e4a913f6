// Informer semantics as client-go has them, against the simulator over real HTTPS: a 429 in the middle of
// a paged list retries that page with its continue token; an API-server restart, a throttled or failing
// API lead to re-watches from the last resourceVersion (changes made meanwhile arrive), never to a
// relist; only 410 Gone relists. Failures are logged once when they start and once when they end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useInformerHarness } from './informer-harness.js';
import { podKind } from '../../src/inventory/kinds/pod.js';
import { nodeKind } from '../../src/inventory/kinds/node.js';
import { applyInventory } from '../../src/store/inventory-writer.js';
import type { KubeObject } from '../../src/inventory/kind.js';
import type { ClusterConnection } from '../../src/cluster/connection.js';
import type { Informer } from '../../src/inventory/informer.js';
import { waitFor } from '../helpers/wait.js';

const h = useInformerHarness({ nodes: 2, podsPerNode: 5, seed: 11, faults: { throttleListPages: { count: 2, retryAfterSeconds: 1 } } }, { keepLogs: true });

/** Short backoff steps, so that a test sees several retries; Retry-After still raises them. */
const FAST_RETRY = { baseMs: 100, capMs: 1000 };

let informer: Informer;
/** Paths of the list requests the informer made. */
const listPaths: string[] = [];

async function apiPods(): Promise<KubeObject[]> {
  return (await h.conn.getJson<{ items: KubeObject[] }>('/api/v1/pods')).items;
}

/** Whether the store holds exactly the pods the API serves, each at its resourceVersion. */
async function inSync(): Promise<boolean> {
  const [pods, rows] = await Promise.all([apiPods(), h.rows(podKind)]);
  return pods.length === rows.size && pods.every((p) => rows.get(p.metadata.uid)?.resource_version === p.metadata.resourceVersion);
}

function failureLines(): { failing: number; recovered: Array<Record<string, unknown>> } {
  const lines = h.logLines().filter((l) => l.kind === 'pod');
  return {
    failing: lines.filter((l) => String(l.msg).startsWith('list/watch failing')).length,
    recovered: lines.filter((l) => l.msg === 'list/watch recovered'),
  };
}

async function cutWatches(): Promise<void> {
  const res = await h.conn.raw('/_sim/watches/cut', { method: 'POST' });
  assert.equal(res.status, 200, await res.body.text());
}

test('a 429 in the middle of a paged list retries that page with its continue token, not the list from page 1', async () => {
  // The informer's connection records the list requests it makes.
  const counting = Object.create(h.conn) as ClusterConnection;
  counting.getJson = <T>(path: string, o?: { timeoutMs?: number; signal?: AbortSignal }): Promise<T> => {
    listPaths.push(path);
    return h.conn.getJson<T>(path, o);
  };
  informer = h.informer(podKind, { pageSize: 3, retry: FAST_RETRY }, counting);
  await waitFor(inSync, 'every pod stored', 30_000);
  await waitFor(() => informer.status.state === 'watching', 'watching');
  const firstPages = listPaths.filter((p) => !p.includes('continue='));
  assert.equal(firstPages.length, 1, `one list, started once: ${JSON.stringify(listPaths)}`);
  const pages = listPaths.length - 2; // the two throttled requests were asked again
  assert.ok(pages >= 4, `a list of several pages: ${listPaths.length} requests`);
  assert.deepEqual([informer.status.retries, informer.status.relists], [2, 0], JSON.stringify(informer.status));
  assert.equal(h.sim.faults().throttleListPages.count, 0, 'both throttles were served');
  await waitFor(() => failureLines().recovered.length === 1, 'the throttled list logged its recovery');
  assert.equal(failureLines().failing, 1, 'one warning for the two throttled pages');
  assert.equal(failureLines().recovered[0].failures, 2);
});

test('an API-server restart (watches dropped, connections refused) is resumed from the last resourceVersion without a relist', async () => {
  const before = { ...informer.status };
  const reconciled = h.sinkCalls.reconciled;
  const pods = (await apiPods()).filter((p) => p.metadata.namespace !== 'kube-system');
  const [victim, changed] = [pods[0], pods[1]];
  const restarted = h.sim.restartApiServer(1500);
  // Changes while the API server is away: the resumed watch must bring them (from the watch history).
  h.sim.deletePod(victim.metadata.namespace!, victim.metadata.name);
  h.sim.setPodStrings(changed.metadata.namespace!, changed.metadata.name, { annotations: { 'example.com/while-down': 'yes' } });
  await restarted;
  await waitFor(inSync, 'the store caught up with the changes made during the restart', 30_000);
  const [row] = (await h.store.pool.query<{ deleted_at: Date | null }>(`SELECT deleted_at FROM kubepulse.pod WHERE cluster_id = $1 AND uid = $2`, [h.store.clusterId, victim.metadata.uid])).rows;
  assert.notEqual(row.deleted_at, null, 'the pod deleted during the restart is marked deleted');
  assert.equal(informer.status.relists, 0, 'no relist');
  assert.equal(h.sinkCalls.reconciled, reconciled, 'no list reconcile');
  assert.ok(informer.status.rewatches > before.rewatches, JSON.stringify(informer.status));
  assert.ok(informer.status.retries > before.retries, 'the refused connections were retried with backoff');
  await waitFor(() => failureLines().recovered.length === 2, 'the end of the outage is logged');
  assert.equal(failureLines().failing, 2, 'one warning for the whole outage');
});

test('a throttled API (429 on every request, Retry-After: 1) gets re-watches at most once a second, then no relist', async () => {
  const before = { ...informer.status };
  h.sim.setFaults({ api: { errorRate: 1, errorCodes: [429] } });
  const started = Date.now();
  await cutWatches(); // the open watch ends cleanly; every re-watch is throttled from now on
  await waitFor(() => informer.status.retries >= before.retries + 3, 'three throttled attempts', 30_000);
  h.sim.setFaults({});
  const throttledMs = Date.now() - started;
  await waitFor(() => informer.status.state === 'watching', 'watching again');
  // Counted once watching: a throttled answer still on its way when the faults were lifted is in too.
  const retries = informer.status.retries - before.retries;
  // Retry-After raises the 100 ms backoff to a second: the throttled span bounds the attempts.
  assert.ok(retries <= Math.floor(throttledMs / 1000) + 1, `${retries} retries in ${throttledMs} ms`);
  h.sim.setPodStrings(...(await someAppPod()), { annotations: { 'example.com/after-throttle': 'yes' } });
  await waitFor(inSync, 'changes flow again', 30_000);
  assert.equal(informer.status.relists, 0, 'no relist');
  assert.ok(informer.status.rewatches >= before.rewatches + retries, JSON.stringify(informer.status));
  await waitFor(() => failureLines().recovered.length === 3, 'the end of the throttling is logged');
  assert.equal(failureLines().failing, 3, 'one warning for the whole throttled span');
  assert.equal(failureLines().recovered[2].failures, retries);
});

test('a watch that cannot resume (its resourceVersion compacted: 410 Gone) relists, once', async () => {
  const reconciled = h.sinkCalls.reconciled;
  h.sim.compact();
  await cutWatches();
  await waitFor(() => informer.status.relists === 1, 'one relist after the 410', 30_000);
  assert.equal(h.sinkCalls.reconciled, reconciled + 1, 'the relist reconciled the store');
  await waitFor(() => informer.status.state === 'watching', 'watching again');
  h.sim.setPodStrings(...(await someAppPod()), { annotations: { 'example.com/after-410': 'yes' } });
  await waitFor(inSync, 'changes flow again', 30_000);
  assert.equal(informer.status.relists, 1);
});

async function someAppPod(): Promise<[string, string]> {
  const p = (await apiPods()).find((x) => x.metadata.namespace !== 'kube-system')!;
  return [p.metadata.namespace!, p.metadata.name];
}

test('the periodic resync compares the store with the informer\'s cache: no list, and a stray row is marked deleted', async () => {
  const nodeLists: string[] = [];
  const counting = Object.create(h.conn) as ClusterConnection;
  counting.getJson = <T>(path: string, o?: { timeoutMs?: number; signal?: AbortSignal }): Promise<T> => {
    nodeLists.push(path);
    return h.conn.getJson<T>(path, o);
  };
  const nodes = h.informer(nodeKind, { resyncMs: 1000, retry: FAST_RETRY }, counting);
  await waitFor(() => nodes.status.state === 'watching' && nodes.status.objects === h.sim.nodes().length, 'nodes listed');
  // A row the informer knows nothing of (a deletion that never reached the store).
  const stray = { kind: 'Node', apiVersion: 'v1', metadata: { uid: 'stray-node-uid', name: 'gone-node', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' } };
  await applyInventory(h.store.pool, nodeKind, h.store.clusterId, [{ op: 'upsert', obj: stray }]);
  await waitFor(async () => !(await h.rows(nodeKind)).has('stray-node-uid'), 'the stray row marked deleted by a resync', 30_000);
  assert.equal((await h.rows(nodeKind)).size, h.sim.nodes().length, 'the real nodes stay');
  assert.equal(nodeLists.length, 1, `the resync read nothing from the API: ${JSON.stringify(nodeLists)}`);
  assert.equal(nodes.status.relists, 0);
});

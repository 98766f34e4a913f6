// Informer.relistNow, what the collector calls for a kind whose changes a full spool dropped: the open
// watch ends at once, the kind is listed again and every object written whatever the informer's cache
// says was already written (a plain relist would skip those it knows), and the list's reconcile marks
// deleted what vanished meanwhile. Against the simulator over real HTTPS and a real PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useInformerHarness } from './informer-harness.js';
import { podKind } from '../../src/inventory/kinds/pod.js';
import { applyInventory, databaseNow, reconcile } from '../../src/store/inventory-writer.js';
import { Informer, type InventorySink } from '../../src/inventory/informer.js';
import type { KubeObject } from '../../src/inventory/kind.js';
import { waitFor } from '../helpers/wait.js';

const h = useInformerHarness({ nodes: 2, podsPerNode: 6, seed: 5 });

async function apiPods(): Promise<KubeObject[]> {
  return (await h.conn.getJson<{ items: KubeObject[] }>('/api/v1/pods')).items;
}

async function inSync(): Promise<boolean> {
  const [pods, rows] = await Promise.all([apiPods(), h.rows(podKind)]);
  return pods.length === rows.size && pods.every((p) => rows.get(p.metadata.uid)?.resource_version === p.metadata.resourceVersion);
}

test('relistNow rewrites every object of the kind and marks deleted what the store holds but the API does not', async () => {
  // A sink that drops what it is given while `dropping` (what a full spool does), else stores it.
  let dropping = false;
  const sink: InventorySink = {
    apply: async (kind, changes) => {
      if (!dropping) await applyInventory(h.store.pool, kind, h.store.clusterId, changes);
    },
    now: () => databaseNow(h.store.pool),
    reconcile: async (kind, present, at) => (dropping ? 0 : (await reconcile(h.store.pool, kind, h.store.clusterId, present, at)).length),
  };
  // A long resync: only relistNow can bring the store back within the test.
  const informer = new Informer(h.conn, podKind, sink, { resyncMs: 3_600_000, retry: { baseMs: 100, capMs: 1000 } });
  informer.start();
  try {
    await waitFor(inSync, 'first list stored', 30_000);
    await waitFor(() => informer.status.state === 'watching', 'watching');

    // Changes the store never sees: three pods changed, two deleted.
    dropping = true;
    const pods = (await apiPods()).filter((p) => p.metadata.namespace !== 'kube-system');
    for (const p of pods.slice(0, 3)) h.sim.setPodStrings(p.metadata.namespace!, p.metadata.name, { annotations: { 'example.com/dropped': 'yes' } });
    for (const p of pods.slice(3, 5)) h.sim.deletePod(p.metadata.namespace!, p.metadata.name);
    await waitFor(async () => informer.status.objects === (await apiPods()).length, 'the informer saw the deletions');
    dropping = false;
    assert.equal(await inSync(), false, 'the store missed them');

    const retries = informer.status.retries;
    informer.relistNow();
    await waitFor(inSync, 'the store equals the API again', 30_000);
    assert.equal(informer.status.relists, 1, 'one relist');
    assert.equal(informer.status.retries, retries, 'ending the watch for it is not a failure');
    await waitFor(() => informer.status.state === 'watching', 'watching again');

    // The watch goes on after it: a new change arrives.
    h.sim.setPodStrings(pods[6].metadata.namespace!, pods[6].metadata.name, { annotations: { 'example.com/after-relist': 'yes' } });
    await waitFor(inSync, 'changes flow again', 30_000);
  } finally {
    await informer.stop();
  }
});

// The database follower of a member without a cluster's lease (src/collector/inventory-follower.ts) on a
// real PostgreSQL, fed by the inventory writer the lease holder uses: the first read of the live nodes and
// pods (what the collector knew and the tables no longer hold is dropped), the change_log tail (adds,
// deletes, a node's kubelet address and a mirror pod's config hash), and a change committed after a change
// with a larger id was already read (concurrent node and pod batches) still applied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { useMigratedStore } from '../helpers/store.js';
import { waitFor } from '../helpers/wait.js';
import { applyInventory } from '../../src/store/inventory-writer.js';
import { nodeKind } from '../../src/inventory/kinds/node.js';
import { podKind } from '../../src/inventory/kinds/pod.js';
import { PodIndex, followPods } from '../../src/collector/pod-index.js';
import { InventoryFollower, type TargetSink } from '../../src/collector/inventory-follower.js';
import type { KubeObject } from '../../src/inventory/kind.js';

const store = useMigratedStore('follow-one');

const node = (name: string, ip: string, port: number, os = 'linux'): KubeObject => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { uid: `uid-${name}`, name, resourceVersion: '1', labels: { 'kubernetes.io/os': os } },
  status: { addresses: [{ type: 'InternalIP', address: ip }], daemonEndpoints: { kubeletEndpoint: { Port: port } }, nodeInfo: { operatingSystem: os } },
});

const pod = (name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { uid: randomUUID(), namespace: 'ns', name, resourceVersion: '1', ...(annotations ? { annotations } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c' }] },
  status: { phase: 'Running' },
});

/** What the collector keeps from the follower: the nodes with their kubelet endpoints, the pod index. */
function recordingSink() {
  const nodes = new Map<string, { uid: string; address: string | null; port: number | null; windows: boolean }>();
  const forgotten: string[] = [];
  const index = new PodIndex();
  const pods = followPods(index, { forgetPods: (_c, uids) => void forgotten.push(...uids) }, 1);
  const sink: TargetSink = {
    nodeChanged: (c) => {
      const o = c.obj as { metadata: { uid: string; name: string; labels?: Record<string, string> } };
      if (c.op === 'delete') {
        nodes.delete(o.metadata.name);
        return;
      }
      const st = c.obj.status as { addresses: Array<{ type: string; address: string }>; daemonEndpoints?: { kubeletEndpoint: { Port: number } }; nodeInfo?: { operatingSystem: string } };
      nodes.set(o.metadata.name, {
        uid: o.metadata.uid,
        address: st.addresses.find((a) => a.type === 'InternalIP')?.address ?? null,
        port: st.daemonEndpoints?.kubeletEndpoint.Port ?? null,
        windows: st.nodeInfo?.operatingSystem === 'windows' || o.metadata.labels?.['kubernetes.io/os'] === 'windows',
      });
    },
    nodesGone: (uids) => {
      for (const [name, n] of nodes) if (uids.includes(n.uid)) nodes.delete(name);
    },
    podChanged: pods.onChange,
    podsGone: pods.onGone,
    knownNodeUids: () => [...nodes.values()].map((n) => n.uid),
    knownPodUids: () => index.uids(),
  };
  return { sink, nodes, index, forgotten };
}

test('the first read takes the live nodes and pods and drops what the tables no longer hold; the tail follows adds and deletes', async () => {
  const c = store.clusterId;
  const kept = pod('web-1');
  const deleted = pod('web-2');
  const mirror = pod('etcd-n1', { 'kubernetes.io/config.mirror': 'hash-etcd' });
  await applyInventory(store.pool, nodeKind, c, [{ op: 'upsert', obj: node('n1', '10.0.0.1', 10250) }, { op: 'upsert', obj: node('w1', '10.0.0.2', 10251, 'windows') }]);
  await applyInventory(store.pool, podKind, c, [kept, deleted, mirror].map((obj) => ({ op: 'upsert' as const, obj })));
  await applyInventory(store.pool, podKind, c, [{ op: 'delete', obj: deleted }]);

  const r = recordingSink();
  // Known before the read, gone from the tables (e.g. deleted while this member held the lease and stopped).
  r.index.set('stale-pod-uid', 'ns', 'old-pod');
  r.sink.nodeChanged({ op: 'upsert', obj: node('gone-node', '10.0.0.9', 10250) });
  const f = new InventoryFollower(store.pool, r.sink, { clusterId: c, cluster: 'follow-one', intervalMs: 50 });
  f.start();
  try {
    await waitFor(() => f.status.resyncs === 1, 'the first read');
    assert.deepEqual([...r.nodes.keys()].sort(), ['n1', 'w1']);
    assert.deepEqual(r.nodes.get('n1'), { uid: 'uid-n1', address: '10.0.0.1', port: 10250, windows: false });
    assert.equal(r.nodes.get('w1')?.windows, true);
    assert.equal(r.index.uidOf('ns', 'web-1'), kept.metadata.uid);
    assert.equal(r.index.uidOf('ns', 'web-2'), undefined, 'a deleted pod is not read');
    assert.equal(r.index.apiUidOf('hash-etcd'), mirror.metadata.uid);
    assert.equal(r.index.uidOf('ns', 'old-pod'), undefined);
    assert.deepEqual(r.forgotten, ['stale-pod-uid'], 'the rate state of a pod gone meanwhile is dropped');

    // The tail: a pod added, one deleted (its rate state dropped), a node deleted, one joining.
    const added = pod('web-3');
    await applyInventory(store.pool, podKind, c, [{ op: 'upsert', obj: added }]);
    await applyInventory(store.pool, podKind, c, [{ op: 'delete', obj: kept }, { op: 'delete', obj: mirror }]);
    await applyInventory(store.pool, nodeKind, c, [{ op: 'delete', obj: node('w1', '10.0.0.2', 10251, 'windows') }, { op: 'upsert', obj: node('n2', '10.0.0.3', 10255) }]);
    await waitFor(() => r.nodes.has('n2') && !r.nodes.has('w1') && r.index.uidOf('ns', 'web-1') === undefined, 'the tail applied');
    assert.equal(r.index.uidOf('ns', 'web-3'), added.metadata.uid);
    assert.equal(r.nodes.get('n2')?.port, 10255);
    assert.equal(r.index.apiUidOf('hash-etcd'), undefined, 'a deleted mirror pod leaves the static pod map');
    assert.deepEqual(r.forgotten.slice(1).sort(), [kept.metadata.uid, mirror.metadata.uid].sort());
    assert.equal(f.status.resyncs, 1, 'no second read while the tail keeps up');
  } finally {
    await f.stop();
  }
});

test('a change committed after a change with a larger id was read is still applied', async () => {
  const c = store.clusterId;
  const r = recordingSink();
  const f = new InventoryFollower(store.pool, r.sink, { clusterId: c, cluster: 'follow-one', intervalMs: 50 });
  f.start();
  const slow = await store.pool.connect();
  try {
    await waitFor(() => f.status.resyncs === 1, 'the first read');
    // A pod batch takes its change_log id, then a node batch commits with a larger one before it does.
    const late = pod('late-1');
    await slow.query('BEGIN');
    await slow.query(
      `INSERT INTO kubepulse.change_log (cluster_id, kind, uid, namespace, name, op, at, changed, state)
       VALUES ($1, 'pod', $2, 'ns', 'late-1', 'add', now(), $3::jsonb, '{}'::jsonb)`, [c, late.metadata.uid, JSON.stringify(late)]);
    await applyInventory(store.pool, nodeKind, c, [{ op: 'upsert', obj: node('n9', '10.0.0.99', 10250) }]);
    await waitFor(() => r.nodes.has('n9'), 'the node batch read');
    const polls = f.status.polls;
    await waitFor(() => f.status.polls >= polls + 2, 'two more polls');
    assert.equal(r.index.uidOf('ns', 'late-1'), undefined, 'not committed yet');
    await slow.query('COMMIT');
    await waitFor(() => r.index.uidOf('ns', 'late-1') === late.metadata.uid, 'the late pod applied');
    assert.ok(f.status.lateRows >= 1, `counted as late (${f.status.lateRows})`);
    const rows = f.status.rows;
    await waitFor(() => f.status.polls >= polls + 6, 'more polls');
    assert.equal(f.status.rows, rows, 'a late row is applied once, not again at each poll of its window');
  } finally {
    slow.release();
    await f.stop();
  }
});

test('a follower stopped hands nothing on, and a bad interval is refused', async () => {
  const r = recordingSink();
  const f = new InventoryFollower(store.pool, r.sink, { clusterId: store.clusterId, cluster: 'follow-one', intervalMs: 50 });
  f.start();
  await f.stop();
  await applyInventory(store.pool, nodeKind, store.clusterId, [{ op: 'upsert', obj: node('after-stop', '10.0.0.50', 10250) }]);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal(r.nodes.has('after-stop'), false);
  assert.throws(() => new InventoryFollower(store.pool, r.sink, { clusterId: 1, cluster: 'x', intervalMs: 0 }), /intervalMs must be positive, got 0/);
});

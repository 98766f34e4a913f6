// Pods no node has room for stay Pending, unscheduled, as on a real cluster: no spec.nodeName, a
// PodScheduled=False / Unschedulable condition with the scheduler's message, a FailedScheduling event;
// placed (Scheduled) once room appears.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, type SimCluster } from '../src/index.js';
import { failedSchedulingMessage } from '../src/model/unschedulable.js';
import { call, get } from './api-helpers.js';
import type { SimJoinedNode, WireEvent, WireList, WirePod } from './wire.js';

let sim: SimCluster;

type PodWithConditions = WirePod & { spec: { nodeName?: string }; status: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>; podIP?: string; hostIP?: string; startTime?: string } };

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  sim = await startSim({ name: 'unsched', nodes: 2, podsPerNode: 8, seed: 17, podChurnIntervalMs: 0 });
});
after(async () => {
  await sim.stop();
});

test('the scheduler\'s message counts each node by the first filter it fails', () => {
  const room = { cordoned: false, notReady: false, osMismatch: false, podsFull: false, cpuShort: false, memoryShort: false };
  assert.equal(
    failedSchedulingMessage([{ ...room, cpuShort: true }, { ...room, cpuShort: true, memoryShort: true }, { ...room, cordoned: true, cpuShort: true }]),
    '0/3 nodes are available: 2 Insufficient cpu, 1 Insufficient memory, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 2 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
  );
  assert.equal(failedSchedulingMessage([]), 'no nodes available to schedule pods');
});

test('a deployment scaled past the cluster\'s room: the extra pods stay Pending, then go to a node that joins', async () => {
  const dep = (await get<WireList<{ metadata: { name: string; namespace: string } }>>(sim, '/apis/apps/v1/deployments')).json.items.find((d) => d.metadata.namespace !== 'kube-system')!;
  const ns = dep.metadata.namespace;
  const r = await call(sim, 'PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/${dep.metadata.name}/scale`, { body: { spec: { replicas: 300 } }, contentType: 'application/merge-patch+json' });
  assert.equal(r.status, 200, r.text);
  const pending = await until('unscheduled pods', async () => {
    const pods = (await get<WireList<PodWithConditions>>(sim, `/api/v1/namespaces/${ns}/pods?fieldSelector=status.phase%3DPending`)).json.items;
    const unscheduled = pods.filter((p) => p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False'));
    return unscheduled.length > 0 ? unscheduled : undefined;
  });
  for (const p of pending) {
    assert.equal(p.spec.nodeName, undefined, `${p.metadata.name}: no node`);
    assert.equal(p.status.podIP, undefined);
    assert.equal(p.status.hostIP, undefined);
    assert.equal(p.status.startTime, undefined);
    assert.equal(p.status.containerStatuses, undefined, 'no container has been created');
    const [cond] = p.status.conditions;
    assert.equal(p.status.conditions.length, 1);
    assert.equal(cond.reason, 'Unschedulable');
    assert.match(cond.message ?? '', /^0\/2 nodes are available: .*(Insufficient cpu|Insufficient memory|Too many pods).*\. preemption: 0\/2 nodes are available: 2 No preemption victims found for incoming pod\.$/);
  }
  const one = pending[0];
  const events = (await get<WireList<WireEvent & { involvedObject: { name: string } }>>(sim, `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${one.metadata.name}`)).json.items;
  const failed = events.find((e) => e.reason === 'FailedScheduling');
  assert.ok(failed, 'a FailedScheduling event');
  assert.equal(failed.type, 'Warning');
  assert.equal(failed.message, one.status.conditions[0].message);

  const joined = await call(sim, 'POST', '/_sim/nodes');
  assert.equal(joined.status, 200, joined.text);
  const waiting = new Set(pending.map((p) => p.metadata.name));
  const placed = await until('pending pods scheduled on the new node', async () => {
    const pods = (await get<WireList<PodWithConditions>>(sim, `/api/v1/namespaces/${ns}/pods`)).json.items;
    return pods.find((p) => waiting.has(p.metadata.name) && p.spec.nodeName);
  });
  assert.equal(placed.spec.nodeName, (joined.json as SimJoinedNode).name);
  assert.equal(placed.status.phase, 'Running');
  assert.ok(placed.status.podIP, 'an address once placed');
  assert.ok(placed.status.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True'));
  const scheduled = (await get<WireList<WireEvent>>(sim, `/api/v1/namespaces/${ns}/events?fieldSelector=involvedObject.name%3D${placed.metadata.name}`)).json.items.find((e) => e.reason === 'Scheduled');
  assert.match(scheduled?.message ?? '', new RegExp(`to ${placed.spec.nodeName}$`));
});

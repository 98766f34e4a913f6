// Pod names are unique per namespace, as the apiserver enforces: a generated name that collides with a
// live pod gets a new suffix (5,000 daemonset pods drawing 5 characters collide about once per daemonset,
// which once made the world count two pods the API never served).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World, type Owner } from '../src/model/world.js';
import { seedWorld } from '../src/model/seed.js';

test('a generated pod name that is already taken is drawn again; every pod of the world is served', () => {
  const w = new World({ name: 'names', seed: 3, minor: 35, gitVersion: 'v1.35.0', historyCapacity: 1000, eventCapacity: 100, now: Date.now });
  seedWorld(w, { nodes: 3, podsPerNode: 10, nodeAddress: (i) => `127.0.1.${i + 1}`, kubeletPort: () => 10250 });
  const taken = [...w.podsByUid.values()].find((p) => (p.owner as Owner | undefined)?.kind === 'ReplicaSet')!;
  const owner = taken.owner as Owner;
  const before = w.podsByUid.size;
  const again = w.createPod(owner, taken.metadata.name, undefined, new Date())!;
  assert.ok(again, 'the pod was created');
  assert.notEqual(again.metadata.name, taken.metadata.name);
  assert.ok(again.metadata.name.startsWith(owner.podPrefix), 'the new name keeps the generateName prefix');
  assert.equal(w.podsByUid.size, before + 1);
  const served = w.store.count(`v1/pods`);
  assert.equal(served, w.podsByUid.size, 'the store serves every pod the world holds');
  w.stop();
});

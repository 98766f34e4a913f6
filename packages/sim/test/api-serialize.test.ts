// The fast pod serialiser must write exactly what toJSON describes, for every state a pod can be in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../src/model/world.js';
import { seedWorld } from '../src/model/seed.js';

for (const minor of [24, 28, 35]) {
  test(`pod serialize() equals JSON.stringify(toJSON()) on 1.${minor}, across running, completed, deleting and restarted pods`, () => {
    const w = new World({ name: 'ser', seed: 9, minor, gitVersion: `v1.${minor}.0`, historyCapacity: 1000, eventCapacity: 100, now: Date.now });
    seedWorld(w, { nodes: 3, podsPerNode: 20, nodeAddress: (i) => `127.0.1.${i + 1}`, kubeletPort: () => 10250 });
    const pods = [...w.podsByUid.values()];
    pods[0].deletionTimestamp = '2026-01-01T00:00:00Z';
    const restarted = pods.find((p) => p.phase === 'Running')!;
    w.containerRestarted(restarted.metadata.uid, restarted.template.containers[0].name, 'OOMKilled', new Date());
    assert.ok(pods.some((p) => p.phase === 'Succeeded'), 'job pods are present');
    for (const p of pods) assert.equal(p.serialize(), JSON.stringify(p), `${p.metadata.namespace}/${p.metadata.name}`);
    const json = JSON.parse(restarted.serialize()) as { status: { containerStatuses: Array<{ restartCount: number; lastState: { terminated: { reason: string } } }> } };
    assert.equal(json.status.containerStatuses[0].restartCount, 1);
    assert.equal(json.status.containerStatuses[0].lastState.terminated.reason, 'OOMKilled');
    w.stop();
  });
}

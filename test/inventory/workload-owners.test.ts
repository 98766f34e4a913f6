// Which objects of a batch can change a pod's resolved workload: only those are sent to the database,
// so a 150,000-pod list does not rewrite every pod for a resolution most of them already have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uidsNeedingResolution } from '../../src/inventory/workload-owners.js';
import type { KubeObject } from '../../src/inventory/kind.js';

function obj(uid: string, owner?: { kind: string; name: string }, labels?: Record<string, string>): KubeObject {
  return {
    metadata: {
      uid, name: uid, namespace: 'team-a', labels,
      ownerReferences: owner ? [{ apiVersion: 'v1', kind: owner.kind, name: owner.name, uid: `${owner.name}-uid`, controller: true }] : undefined,
    },
  };
}

test('pods: only those whose workload is still a Job or an unconventionally named ReplicaSet', () => {
  const pods = [
    obj('by-hash', { kind: 'ReplicaSet', name: 'web-7d4b9c' }, { 'pod-template-hash': '7d4b9c' }),
    obj('odd-rs', { kind: 'ReplicaSet', name: 'legacy-rs' }, { 'pod-template-hash': '7d4b9c' }),
    obj('job-pod', { kind: 'Job', name: 'backup-28000' }),
    obj('sts-pod', { kind: 'StatefulSet', name: 'db' }),
    obj('bare'),
  ];
  assert.deepEqual(uidsNeedingResolution('pod', pods), ['odd-rs', 'job-pod']);
});

test('jobs owned by a CronJob and replicasets owned by a Deployment; other kinds never', () => {
  assert.deepEqual(uidsNeedingResolution('job', [obj('j1', { kind: 'CronJob', name: 'backup' }), obj('j2')]), ['j1']);
  assert.deepEqual(uidsNeedingResolution('replicaset', [obj('r1', { kind: 'Deployment', name: 'web' }), obj('r2', { kind: 'Foo', name: 'x' })]), ['r1']);
  assert.deepEqual(uidsNeedingResolution('service', [obj('s1', { kind: 'Deployment', name: 'web' })]), []);
});

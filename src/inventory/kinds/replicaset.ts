import type { V1ReplicaSet } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { replicaColumns, scaledReplicaReaders } from '../workload-columns.js';

type ReplicaSet = WireObject<V1ReplicaSet>;

export const replicaSetKind = defineKind<ReplicaSet>({
  name: 'replicaset', listPath: '/apis/apps/v1/replicasets', kind: 'ReplicaSet', namespaced: true, table: 'replicaset',
  description: 'ReplicaSets (owner_kind/owner_name point at their Deployment).',
  // ReplicaSetStatus has no updated count (a rollout is a Deployment's): always 0.
  columns: replicaColumns({ ...scaledReplicaReaders<ReplicaSet>(), updated: () => undefined }),
  sanitize: stripTemplate,
});

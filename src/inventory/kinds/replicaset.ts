import type { V1ReplicaSet } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { replicaColumns } from '../workload-columns.js';

type ReplicaSet = WireObject<V1ReplicaSet>;

export const replicaSetKind = defineKind<ReplicaSet>({
  name: 'replicaset', listPath: '/apis/apps/v1/replicasets', kind: 'ReplicaSet', namespaced: true, table: 'replicaset',
  description: 'ReplicaSets (owner_kind/owner_name point at their Deployment).',
  columns: replicaColumns<ReplicaSet>({
    desired: (o) => o.spec?.replicas ?? 1,
    current: (o) => o.status?.replicas,
    ready: (o) => o.status?.readyReplicas,
    available: (o) => o.status?.availableReplicas,
    // ReplicaSetStatus has no updated count (a rollout is a Deployment's): always 0.
    updated: () => undefined,
    observedGeneration: (o) => o.status?.observedGeneration,
    selector: (o) => o.spec?.selector,
    podSpec: (o) => o.spec?.template?.spec,
  }),
  sanitize: stripTemplate,
});

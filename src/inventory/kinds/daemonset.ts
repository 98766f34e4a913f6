import type { V1DaemonSet } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { replicaColumns } from '../workload-columns.js';

type DaemonSet = WireObject<V1DaemonSet>;

export const daemonSetKind = defineKind<DaemonSet>({
  name: 'daemonset', listPath: '/apis/apps/v1/daemonsets', kind: 'DaemonSet', namespaced: true, table: 'daemonset',
  description: 'DaemonSets: desired = nodes that should run the pod.',
  columns: [
    ...replicaColumns<DaemonSet>({
      desired: (o) => o.status?.desiredNumberScheduled ?? null,
      current: (o) => o.status?.currentNumberScheduled,
      ready: (o) => o.status?.numberReady,
      available: (o) => o.status?.numberAvailable,
      updated: (o) => o.status?.updatedNumberScheduled,
      observedGeneration: (o) => o.status?.observedGeneration,
      selector: (o) => o.spec?.selector,
      podSpec: (o) => o.spec?.template?.spec,
    }),
    { column: 'misscheduled', sqlType: 'integer', description: 'status.numberMisscheduled.', value: (o) => o.status?.numberMisscheduled ?? 0 },
  ],
  sanitize: stripTemplate,
});

import type { V1StatefulSet } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { replicaColumns, scaledReplicaReaders } from '../workload-columns.js';

type StatefulSet = WireObject<V1StatefulSet>;

export const statefulSetKind = defineKind<StatefulSet>({
  name: 'statefulset', listPath: '/apis/apps/v1/statefulsets', kind: 'StatefulSet', namespaced: true, table: 'statefulset',
  description: 'StatefulSets with desired / ready / available replicas.',
  columns: [
    ...replicaColumns(scaledReplicaReaders<StatefulSet>()),
    { column: 'service_name', sqlType: 'text', description: 'spec.serviceName.', value: (o) => o.spec?.serviceName ?? null },
  ],
  sanitize: stripTemplate,
});

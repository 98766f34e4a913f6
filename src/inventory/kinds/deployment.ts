import type { V1Deployment } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { replicaColumns, scaledReplicaReaders } from '../workload-columns.js';

type Deployment = WireObject<V1Deployment>;

export const deploymentKind = defineKind<Deployment>({
  name: 'deployment', listPath: '/apis/apps/v1/deployments', kind: 'Deployment', namespaced: true, table: 'deployment',
  description: 'Deployments with desired / ready / available replicas.',
  columns: [
    ...replicaColumns(scaledReplicaReaders<Deployment>()),
    { column: 'strategy', sqlType: 'text', description: 'spec.strategy.type.', value: (o) => o.spec?.strategy?.type ?? null },
    { column: 'paused', sqlType: 'boolean', description: 'spec.paused.', value: (o) => o.spec?.paused === true },
  ],
  sanitize: stripTemplate,
});

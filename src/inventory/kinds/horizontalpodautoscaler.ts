import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';

type HorizontalPodAutoscaler = WireObject<V2HorizontalPodAutoscaler>;

export const hpaKind = defineKind<HorizontalPodAutoscaler>({
  name: 'horizontalpodautoscaler', listPath: '/apis/autoscaling/v2/horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true, table: 'horizontalpodautoscaler',
  description: 'HorizontalPodAutoscalers (autoscaling/v2).',
  columns: [
    { column: 'target_kind', sqlType: 'text', description: 'spec.scaleTargetRef.kind.', value: (o) => o.spec?.scaleTargetRef?.kind ?? null },
    { column: 'target_name', sqlType: 'text', description: 'spec.scaleTargetRef.name.', value: (o) => o.spec?.scaleTargetRef?.name ?? null },
    { column: 'min_replicas', sqlType: 'integer', description: 'spec.minReplicas.', value: (o) => o.spec?.minReplicas ?? 1 },
    { column: 'max_replicas', sqlType: 'integer', description: 'spec.maxReplicas.', value: (o) => o.spec?.maxReplicas ?? null },
    { column: 'current_replicas', sqlType: 'integer', description: 'status.currentReplicas.', value: (o) => o.status?.currentReplicas ?? null },
    { column: 'desired_replicas', sqlType: 'integer', description: 'status.desiredReplicas.', value: (o) => o.status?.desiredReplicas ?? null },
    { column: 'metrics', sqlType: 'jsonb', description: 'spec.metrics (targets).', value: (o) => o.spec?.metrics ?? [] },
    { column: 'current_metrics', sqlType: 'jsonb', description: 'status.currentMetrics.', value: (o) => o.status?.currentMetrics ?? [] },
  ],
});

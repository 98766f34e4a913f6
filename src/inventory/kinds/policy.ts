// Autoscaling and quotas: HorizontalPodAutoscalers and ResourceQuotas.
import type { KindDef } from '../kind.js';
import { quantityOrNull } from '../quantity.js';

export const hpaKind: KindDef = {
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
};

/** Quota figures as numbers: cpu in millicores, memory/storage in bytes, counts as counts. */
function quotaNumbers(list: Record<string, string> | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(list ?? {})) {
    const n = quantityOrNull(v);
    out[k] = n === null ? null : /(^|\.)cpu$/.test(k) ? Math.round(n * 1000) : n;
  }
  return out;
}

export const resourceQuotaKind: KindDef = {
  name: 'resourcequota', listPath: '/api/v1/resourcequotas', kind: 'ResourceQuota', namespaced: true, table: 'resourcequota',
  description: 'ResourceQuotas: hard limits and current use (cpu in millicores, memory in bytes).',
  columns: [
    { column: 'hard', sqlType: 'jsonb', description: 'status.hard (or spec.hard) as numbers.', value: (o) => quotaNumbers(o.status?.hard ?? o.spec?.hard) },
    { column: 'used', sqlType: 'jsonb', description: 'status.used as numbers.', value: (o) => quotaNumbers(o.status?.used) },
  ],
};

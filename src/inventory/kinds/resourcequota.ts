import type { V1ResourceQuota } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { quantityOrNull } from '../quantity.js';

type ResourceQuota = WireObject<V1ResourceQuota>;

/** Quota figures as numbers: cpu in millicores, memory/storage in bytes, counts as counts. */
function quotaNumbers(list: Record<string, string> | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(list ?? {})) {
    const n = quantityOrNull(v);
    out[k] = n === null ? null : /(^|\.)cpu$/.test(k) ? Math.round(n * 1000) : n;
  }
  return out;
}

export const resourceQuotaKind = defineKind<ResourceQuota>({
  name: 'resourcequota', listPath: '/api/v1/resourcequotas', kind: 'ResourceQuota', namespaced: true, table: 'resourcequota',
  description: 'ResourceQuotas: hard limits and current use (cpu in millicores, memory in bytes).',
  columns: [
    { column: 'hard', sqlType: 'jsonb', description: 'status.hard (or spec.hard) as numbers.', value: (o) => quotaNumbers(o.status?.hard ?? o.spec?.hard) },
    { column: 'used', sqlType: 'jsonb', description: 'status.used as numbers.', value: (o) => quotaNumbers(o.status?.used) },
  ],
});

import type { V1Job } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { templateColumns } from '../workload-columns.js';

type Job = WireObject<V1Job>;

function outcome(o: Job): string | null {
  const c = (o.status?.conditions ?? []).find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c ? c.type : null;
}

export const jobKind = defineKind<Job>({
  name: 'job', listPath: '/apis/batch/v1/jobs', kind: 'Job', namespaced: true, table: 'job',
  description: 'Jobs with their progress (owner_kind/owner_name point at a CronJob when it made them).',
  columns: [
    { column: 'completions', sqlType: 'integer', description: 'spec.completions.', value: (o) => o.spec?.completions ?? null },
    { column: 'parallelism', sqlType: 'integer', description: 'spec.parallelism.', value: (o) => o.spec?.parallelism ?? null },
    { column: 'active', sqlType: 'integer', description: 'status.active.', value: (o) => o.status?.active ?? 0 },
    { column: 'succeeded', sqlType: 'integer', description: 'status.succeeded.', value: (o) => o.status?.succeeded ?? 0 },
    { column: 'failed', sqlType: 'integer', description: 'status.failed.', value: (o) => o.status?.failed ?? 0 },
    { column: 'outcome', sqlType: 'text', description: 'Complete or Failed once finished, else null.', value: outcome },
    { column: 'start_time', sqlType: 'timestamptz', description: 'status.startTime.', value: (o) => o.status?.startTime ?? null },
    { column: 'completion_time', sqlType: 'timestamptz', description: 'status.completionTime.', value: (o) => o.status?.completionTime ?? null },
    ...templateColumns<Job>({ selector: (o) => o.spec?.selector, podSpec: (o) => o.spec?.template?.spec }),
  ],
  sanitize: stripTemplate,
});

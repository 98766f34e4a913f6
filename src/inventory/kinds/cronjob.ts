import type { V1CronJob } from '@kubernetes/client-node';
import { defineKind, type WireObject } from '../kind.js';
import { baseSanitize, stripTemplateSpec } from '../sanitize.js';
import { templateColumns } from '../workload-columns.js';

type CronJob = WireObject<V1CronJob>;

/** The pod template sits one level deeper than in other workloads: spec.jobTemplate.spec.template. */
function sanitize(obj: CronJob): CronJob {
  const out = baseSanitize(obj);
  const jobTemplate = out.spec?.jobTemplate;
  const tpl = jobTemplate?.spec?.template;
  if (!out.spec || !jobTemplate?.spec || !tpl) return out;
  return { ...out, spec: { ...out.spec, jobTemplate: { ...jobTemplate, spec: { ...jobTemplate.spec, template: stripTemplateSpec(tpl) } } } };
}

export const cronJobKind = defineKind<CronJob>({
  name: 'cronjob', listPath: '/apis/batch/v1/cronjobs', kind: 'CronJob', namespaced: true, table: 'cronjob',
  description: 'CronJobs with their schedule and last runs.',
  columns: [
    { column: 'schedule', sqlType: 'text', description: 'spec.schedule.', value: (o) => o.spec?.schedule ?? null },
    { column: 'suspend', sqlType: 'boolean', description: 'spec.suspend.', value: (o) => o.spec?.suspend === true },
    { column: 'active_jobs', sqlType: 'integer', description: 'Number of running jobs (status.active).', value: (o) => (o.status?.active ?? []).length },
    { column: 'last_schedule_time', sqlType: 'timestamptz', description: 'status.lastScheduleTime.', value: (o) => o.status?.lastScheduleTime ?? null },
    { column: 'last_successful_time', sqlType: 'timestamptz', description: 'status.lastSuccessfulTime.', value: (o) => o.status?.lastSuccessfulTime ?? null },
    // A CronJob has no selector of its own (its Jobs get one when made): the column stays null.
    ...templateColumns<CronJob>({ selector: () => null, podSpec: (o) => o.spec?.jobTemplate?.spec?.template?.spec }),
  ],
  sanitize,
});

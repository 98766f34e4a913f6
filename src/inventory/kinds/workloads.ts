// Workload kinds: desired / ready / available replicas, the pod template's resources, and for jobs
// their progress. Pod templates are stripped of env values like pods are.
import type { KindColumn, KindDef, KubeObject } from '../kind.js';
import { stripTemplate } from '../sanitize.js';
import { bytesOrNull, milliCpuOrNull } from '../quantity.js';

function templateSum(o: KubeObject, kind: 'requests' | 'limits', res: 'cpu' | 'memory'): number | null {
  const spec = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
  const read = res === 'cpu' ? milliCpuOrNull : bytesOrNull;
  let sum: number | null = null;
  for (const c of spec?.containers ?? []) {
    const v = read(c.resources?.[kind]?.[res]);
    if (v !== null) sum = (sum ?? 0) + v;
  }
  return sum;
}

const selector = (o: KubeObject) => o.spec?.selector ?? null;

/** Columns every replicated workload has. */
function replicaColumns(desired: (o: KubeObject) => number | null): KindColumn[] {
  return [
    { column: 'replicas_desired', sqlType: 'integer', description: 'Desired replicas (spec.replicas; for DaemonSets desiredNumberScheduled).', value: desired },
    { column: 'replicas_current', sqlType: 'integer', description: 'status.replicas (DaemonSet: currentNumberScheduled).', value: (o) => o.status?.replicas ?? o.status?.currentNumberScheduled ?? 0 },
    { column: 'replicas_ready', sqlType: 'integer', description: 'status.readyReplicas (DaemonSet: numberReady).', value: (o) => o.status?.readyReplicas ?? o.status?.numberReady ?? 0 },
    { column: 'replicas_available', sqlType: 'integer', description: 'status.availableReplicas (DaemonSet: numberAvailable).', value: (o) => o.status?.availableReplicas ?? o.status?.numberAvailable ?? 0 },
    { column: 'replicas_updated', sqlType: 'integer', description: 'status.updatedReplicas (DaemonSet: updatedNumberScheduled).', value: (o) => o.status?.updatedReplicas ?? o.status?.updatedNumberScheduled ?? 0 },
    { column: 'generation', sqlType: 'bigint', description: 'metadata.generation.', value: (o) => (o.metadata.generation as number | undefined) ?? null },
    { column: 'observed_generation', sqlType: 'bigint', description: 'status.observedGeneration (behind generation = rollout not yet seen).', value: (o) => o.status?.observedGeneration ?? null },
    ...templateColumns(),
  ];
}

function templateColumns(): KindColumn[] {
  return [
    { column: 'selector', sqlType: 'jsonb', description: 'spec.selector.', value: selector },
    { column: 'cpu_request_millicores', sqlType: 'bigint', description: 'Sum of the pod template containers\' CPU requests (per replica).', value: (o) => templateSum(o, 'requests', 'cpu') },
    { column: 'cpu_limit_millicores', sqlType: 'bigint', description: 'Sum of the pod template containers\' CPU limits (per replica).', value: (o) => templateSum(o, 'limits', 'cpu') },
    { column: 'memory_request_bytes', sqlType: 'bigint', description: 'Sum of the pod template containers\' memory requests (per replica).', value: (o) => templateSum(o, 'requests', 'memory') },
    { column: 'memory_limit_bytes', sqlType: 'bigint', description: 'Sum of the pod template containers\' memory limits (per replica).', value: (o) => templateSum(o, 'limits', 'memory') },
  ];
}

export const deploymentKind: KindDef = {
  name: 'deployment', listPath: '/apis/apps/v1/deployments', kind: 'Deployment', namespaced: true, table: 'deployment',
  description: 'Deployments with desired / ready / available replicas.',
  columns: [
    ...replicaColumns((o) => o.spec?.replicas ?? 1),
    { column: 'strategy', sqlType: 'text', description: 'spec.strategy.type.', value: (o) => o.spec?.strategy?.type ?? null },
    { column: 'paused', sqlType: 'boolean', description: 'spec.paused.', value: (o) => o.spec?.paused === true },
  ],
  sanitize: stripTemplate,
};

export const replicaSetKind: KindDef = {
  name: 'replicaset', listPath: '/apis/apps/v1/replicasets', kind: 'ReplicaSet', namespaced: true, table: 'replicaset',
  description: 'ReplicaSets (owner_kind/owner_name point at their Deployment).',
  columns: replicaColumns((o) => o.spec?.replicas ?? 1),
  sanitize: stripTemplate,
};

export const statefulSetKind: KindDef = {
  name: 'statefulset', listPath: '/apis/apps/v1/statefulsets', kind: 'StatefulSet', namespaced: true, table: 'statefulset',
  description: 'StatefulSets with desired / ready / available replicas.',
  columns: [
    ...replicaColumns((o) => o.spec?.replicas ?? 1),
    { column: 'service_name', sqlType: 'text', description: 'spec.serviceName.', value: (o) => o.spec?.serviceName ?? null },
  ],
  sanitize: stripTemplate,
};

export const daemonSetKind: KindDef = {
  name: 'daemonset', listPath: '/apis/apps/v1/daemonsets', kind: 'DaemonSet', namespaced: true, table: 'daemonset',
  description: 'DaemonSets: desired = nodes that should run the pod.',
  columns: [
    ...replicaColumns((o) => o.status?.desiredNumberScheduled ?? null),
    { column: 'misscheduled', sqlType: 'integer', description: 'status.numberMisscheduled.', value: (o) => o.status?.numberMisscheduled ?? 0 },
  ],
  sanitize: stripTemplate,
};

function jobCondition(o: KubeObject): string | null {
  const c = (o.status?.conditions ?? []).find((x: any) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c ? c.type : null;
}

export const jobKind: KindDef = {
  name: 'job', listPath: '/apis/batch/v1/jobs', kind: 'Job', namespaced: true, table: 'job',
  description: 'Jobs with their progress (owner_kind/owner_name point at a CronJob when it made them).',
  columns: [
    { column: 'completions', sqlType: 'integer', description: 'spec.completions.', value: (o) => o.spec?.completions ?? null },
    { column: 'parallelism', sqlType: 'integer', description: 'spec.parallelism.', value: (o) => o.spec?.parallelism ?? null },
    { column: 'active', sqlType: 'integer', description: 'status.active.', value: (o) => o.status?.active ?? 0 },
    { column: 'succeeded', sqlType: 'integer', description: 'status.succeeded.', value: (o) => o.status?.succeeded ?? 0 },
    { column: 'failed', sqlType: 'integer', description: 'status.failed.', value: (o) => o.status?.failed ?? 0 },
    { column: 'outcome', sqlType: 'text', description: 'Complete or Failed once finished, else null.', value: jobCondition },
    { column: 'start_time', sqlType: 'timestamptz', description: 'status.startTime.', value: (o) => o.status?.startTime ?? null },
    { column: 'completion_time', sqlType: 'timestamptz', description: 'status.completionTime.', value: (o) => o.status?.completionTime ?? null },
    ...templateColumns(),
  ],
  sanitize: stripTemplate,
};

export const cronJobKind: KindDef = {
  name: 'cronjob', listPath: '/apis/batch/v1/cronjobs', kind: 'CronJob', namespaced: true, table: 'cronjob',
  description: 'CronJobs with their schedule and last runs.',
  columns: [
    { column: 'schedule', sqlType: 'text', description: 'spec.schedule.', value: (o) => o.spec?.schedule ?? null },
    { column: 'suspend', sqlType: 'boolean', description: 'spec.suspend.', value: (o) => o.spec?.suspend === true },
    { column: 'active_jobs', sqlType: 'integer', description: 'Number of running jobs (status.active).', value: (o) => (o.status?.active ?? []).length },
    { column: 'last_schedule_time', sqlType: 'timestamptz', description: 'status.lastScheduleTime.', value: (o) => o.status?.lastScheduleTime ?? null },
    { column: 'last_successful_time', sqlType: 'timestamptz', description: 'status.lastSuccessfulTime.', value: (o) => o.status?.lastSuccessfulTime ?? null },
    ...templateColumns(),
  ],
  sanitize: stripTemplate,
};

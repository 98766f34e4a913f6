// Columns the workload kinds share (deployment, replicaset, statefulset, daemonset, job, cronjob): replica
// counts and the pod template's summed resources. Each kind file says where its object keeps them.
import type { V1PodSpec } from '@kubernetes/client-node';
import type { ColumnValue, KindColumn, KubeObject, Wire } from './kind.js';
import { bytesOrNull, milliCpuOrNull } from './quantity.js';

type PodSpec = Wire<V1PodSpec>;

/** Where a workload kind keeps its pod template and selector. */
export interface TemplateReaders<T> {
  podSpec: (o: T) => PodSpec | undefined;
  selector: (o: T) => ColumnValue | undefined;
}

/** Where a replicated workload kind keeps its counts (a DaemonSet names them differently from the rest). */
export interface ReplicaReaders<T> extends TemplateReaders<T> {
  desired: (o: T) => number | null;
  current: (o: T) => number | undefined;
  ready: (o: T) => number | undefined;
  available: (o: T) => number | undefined;
  updated: (o: T) => number | undefined;
  observedGeneration: (o: T) => number | undefined;
}

/** The shape the apps/v1 kinds with a replica count share (Deployment, ReplicaSet, StatefulSet). */
type ScaledWorkload = KubeObject & {
  spec?: { replicas?: number; selector?: ColumnValue; template?: { spec?: PodSpec } };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number; observedGeneration?: number };
};

/** Readers of a kind whose counts sit in spec.replicas and status.*Replicas (an unset spec.replicas means 1). */
export function scaledReplicaReaders<T extends ScaledWorkload>(): ReplicaReaders<T> {
  return {
    desired: (o) => o.spec?.replicas ?? 1,
    current: (o) => o.status?.replicas,
    ready: (o) => o.status?.readyReplicas,
    available: (o) => o.status?.availableReplicas,
    updated: (o) => o.status?.updatedReplicas,
    observedGeneration: (o) => o.status?.observedGeneration,
    selector: (o) => o.spec?.selector,
    podSpec: (o) => o.spec?.template?.spec,
  };
}

function templateSum(spec: PodSpec | undefined, kind: 'requests' | 'limits', res: 'cpu' | 'memory'): number | null {
  const read = res === 'cpu' ? milliCpuOrNull : bytesOrNull;
  let sum: number | null = null;
  for (const c of spec?.containers ?? []) {
    const v = read(c.resources?.[kind]?.[res]);
    if (v !== null) sum = (sum ?? 0) + v;
  }
  return sum;
}

/** Columns every replicated workload has. */
export function replicaColumns<T extends KubeObject>(r: ReplicaReaders<T>): Array<KindColumn<T>> {
  return [
    { column: 'replicas_desired', sqlType: 'integer', description: 'Desired replicas (spec.replicas; for DaemonSets desiredNumberScheduled).', value: r.desired },
    { column: 'replicas_current', sqlType: 'integer', description: 'status.replicas (DaemonSet: currentNumberScheduled).', value: (o) => r.current(o) ?? 0 },
    { column: 'replicas_ready', sqlType: 'integer', description: 'status.readyReplicas (DaemonSet: numberReady).', value: (o) => r.ready(o) ?? 0 },
    { column: 'replicas_available', sqlType: 'integer', description: 'status.availableReplicas (DaemonSet: numberAvailable).', value: (o) => r.available(o) ?? 0 },
    { column: 'replicas_updated', sqlType: 'integer', description: 'status.updatedReplicas (DaemonSet: updatedNumberScheduled).', value: (o) => r.updated(o) ?? 0 },
    { column: 'generation', sqlType: 'bigint', description: 'metadata.generation.', value: (o) => o.metadata.generation ?? null },
    { column: 'observed_generation', sqlType: 'bigint', description: 'status.observedGeneration (behind generation = rollout not yet seen).', value: (o) => r.observedGeneration(o) ?? null },
    ...templateColumns(r),
  ];
}

/** The pod template's selector and summed resources (per replica). */
export function templateColumns<T extends KubeObject>(t: TemplateReaders<T>): Array<KindColumn<T>> {
  return [
    { column: 'selector', sqlType: 'jsonb', description: 'spec.selector.', value: (o) => t.selector(o) ?? null },
    { column: 'cpu_request_millicores', sqlType: 'bigint', description: 'Sum of the pod template containers\' CPU requests (per replica).', value: (o) => templateSum(t.podSpec(o), 'requests', 'cpu') },
    { column: 'cpu_limit_millicores', sqlType: 'bigint', description: 'Sum of the pod template containers\' CPU limits (per replica).', value: (o) => templateSum(t.podSpec(o), 'limits', 'cpu') },
    { column: 'memory_request_bytes', sqlType: 'bigint', description: 'Sum of the pod template containers\' memory requests (per replica).', value: (o) => templateSum(t.podSpec(o), 'requests', 'memory') },
    { column: 'memory_limit_bytes', sqlType: 'bigint', description: 'Sum of the pod template containers\' memory limits (per replica).', value: (o) => templateSum(t.podSpec(o), 'limits', 'memory') },
  ];
}

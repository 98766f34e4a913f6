import type { V1Container, V1ContainerStatus, V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { defineKind, type ChildTable, type KubeObject, type Wire, type WireObject } from '../kind.js';
import { bytesOrNull, milliCpuOrNull } from '../quantity.js';
import { baseSanitize, stripPodSpec } from '../sanitize.js';

/** A Pod as the informer holds it. */
export type PodObject = WireObject<V1Pod>;

type ContainerType = 'init' | 'app' | 'ephemeral';
type ContainerSpec = Wire<V1Container> | Wire<V1EphemeralContainer>;
type ContainerStatus = Wire<V1ContainerStatus>;

interface ContainerEntry {
  type: ContainerType;
  spec: ContainerSpec;
  status: ContainerStatus | null;
}

/** Every container of the pod (init, app, ephemeral) paired with its status. */
export function podContainers(o: PodObject): ContainerEntry[] {
  const pair = (type: ContainerType, specs: ContainerSpec[] | undefined, statuses: ContainerStatus[] | undefined): ContainerEntry[] =>
    (specs ?? []).map((spec) => ({ type, spec, status: (statuses ?? []).find((s) => s.name === spec.name) ?? null }));
  return [
    ...pair('init', o.spec?.initContainers, o.status?.initContainerStatuses),
    ...pair('app', o.spec?.containers, o.status?.containerStatuses),
    ...pair('ephemeral', o.spec?.ephemeralContainers, o.status?.ephemeralContainerStatuses),
  ];
}

function stateOf(status: ContainerStatus | null): { state: string | null; reason: string | null; since: string | null } {
  const s = status?.state;
  if (!s) return { state: null, reason: null, since: null };
  if (s.running) return { state: 'running', reason: null, since: s.running.startedAt ?? null };
  if (s.waiting) return { state: 'waiting', reason: s.waiting.reason ?? null, since: null };
  if (s.terminated) return { state: 'terminated', reason: s.terminated.reason ?? null, since: s.terminated.finishedAt ?? null };
  return { state: null, reason: null, since: null };
}

/**
 * Sum of a resource over app containers. Init containers run before them, so the effective pod request
 * is max(sum(app), max(init)) — the scheduler's rule — plus spec.overhead when set.
 */
function podResource(o: PodObject, kind: 'requests' | 'limits', res: 'cpu' | 'memory'): number | null {
  const read = res === 'cpu' ? milliCpuOrNull : bytesOrNull;
  let sum: number | null = null;
  for (const c of o.spec?.containers ?? []) {
    const v = read(c.resources?.[kind]?.[res]);
    if (v !== null) sum = (sum ?? 0) + v;
    else if (kind === 'limits') return null; // one unlimited container makes the pod unlimited
  }
  let initMax: number | null = null;
  for (const c of o.spec?.initContainers ?? []) {
    if (c.restartPolicy === 'Always') continue; // sidecars are counted like app containers below
    const v = read(c.resources?.[kind]?.[res]);
    if (v !== null) initMax = Math.max(initMax ?? 0, v);
  }
  for (const c of o.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    const v = read(c.resources?.[kind]?.[res]);
    if (v !== null) sum = (sum ?? 0) + v;
  }
  const overhead = read(o.spec?.overhead?.[res]);
  const base = sum === null && initMax === null ? null : Math.max(sum ?? 0, initMax ?? 0);
  return base === null ? null : base + (overhead ?? 0);
}

/**
 * The workload that owns the pod, resolved through the ReplicaSet a Deployment creates: a ReplicaSet
 * named `<deployment>-<pod-template-hash>` belongs to that Deployment. (Job → CronJob needs the Job
 * object; the inventory resolves it with the job table.)
 */
export function podWorkload(o: KubeObject): { kind: string | null; name: string | null } {
  const owner = (o.metadata.ownerReferences ?? []).find((r) => r.controller) ?? o.metadata.ownerReferences?.[0];
  if (!owner) return { kind: null, name: null };
  const hash = o.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
  }
  return { kind: owner.kind, name: owner.name };
}

function restartCount(o: PodObject): number {
  return podContainers(o).reduce((n, c) => n + (c.status?.restartCount ?? 0), 0);
}

const containerTable: ChildTable<PodObject> = {
  table: 'container',
  keys: ['container'],
  description: 'Containers of each pod (init, app and ephemeral) with their resources and state.',
  columns: [
    { column: 'container', sqlType: 'text', description: 'Container name.' },
    { column: 'type', sqlType: 'text', description: 'init, app or ephemeral.' },
    { column: 'image', sqlType: 'text', description: 'Image as in the spec.' },
    { column: 'image_id', sqlType: 'text', description: 'Resolved image ID from the status.' },
    { column: 'container_id', sqlType: 'text', description: 'Runtime container ID (e.g. containerd://…).' },
    { column: 'cpu_request_millicores', sqlType: 'bigint', description: 'resources.requests.cpu.' },
    { column: 'cpu_limit_millicores', sqlType: 'bigint', description: 'resources.limits.cpu.' },
    { column: 'memory_request_bytes', sqlType: 'bigint', description: 'resources.requests.memory.' },
    { column: 'memory_limit_bytes', sqlType: 'bigint', description: 'resources.limits.memory.' },
    { column: 'ready', sqlType: 'boolean', description: 'Status ready.' },
    { column: 'restart_count', sqlType: 'integer', description: 'Status restartCount.' },
    { column: 'state', sqlType: 'text', description: 'running, waiting or terminated.' },
    { column: 'state_reason', sqlType: 'text', description: 'Reason of a waiting or terminated state (e.g. CrashLoopBackOff).' },
    { column: 'state_since', sqlType: 'timestamptz', description: 'startedAt when running, finishedAt when terminated.' },
    { column: 'last_termination_reason', sqlType: 'text', description: 'lastState.terminated.reason (e.g. OOMKilled).' },
    { column: 'last_termination_exit_code', sqlType: 'integer', description: 'lastState.terminated.exitCode.' },
    { column: 'last_terminated_at', sqlType: 'timestamptz', description: 'lastState.terminated.finishedAt.' },
  ],
  rows: (o) =>
    podContainers(o).map(({ type, spec, status }) => {
      const st = stateOf(status);
      const last = status?.lastState?.terminated;
      return {
        container: spec.name,
        type,
        image: spec.image ?? null,
        image_id: status?.imageID ?? null,
        container_id: status?.containerID ?? null,
        cpu_request_millicores: milliCpuOrNull(spec.resources?.requests?.cpu),
        cpu_limit_millicores: milliCpuOrNull(spec.resources?.limits?.cpu),
        memory_request_bytes: bytesOrNull(spec.resources?.requests?.memory),
        memory_limit_bytes: bytesOrNull(spec.resources?.limits?.memory),
        ready: status?.ready ?? null,
        restart_count: status?.restartCount ?? null,
        state: st.state,
        state_reason: st.reason,
        state_since: st.since,
        last_termination_reason: last?.reason ?? null,
        last_termination_exit_code: last?.exitCode ?? null,
        last_terminated_at: last?.finishedAt ?? null,
      };
    }),
};

export const podKind = defineKind<PodObject>({
  name: 'pod',
  listPath: '/api/v1/pods',
  kind: 'Pod',
  namespaced: true,
  table: 'pod',
  description: 'Pods with placement, phase, QoS, owning workload, summed resources and restarts.',
  columns: [
    { column: 'node', sqlType: 'text', description: 'spec.nodeName (null while unscheduled).', value: (o) => o.spec?.nodeName ?? null },
    { column: 'phase', sqlType: 'text', description: 'status.phase.', value: (o) => o.status?.phase ?? null },
    { column: 'qos_class', sqlType: 'text', description: 'status.qosClass: Guaranteed, Burstable, BestEffort.', value: (o) => o.status?.qosClass ?? null },
    { column: 'workload_kind', sqlType: 'text', description: 'Top owning workload kind (ReplicaSet resolved to Deployment).', value: (o) => podWorkload(o).kind },
    { column: 'workload_name', sqlType: 'text', description: 'Top owning workload name.', value: (o) => podWorkload(o).name },
    { column: 'pod_ip', sqlType: 'text', description: 'status.podIP.', value: (o) => o.status?.podIP ?? null },
    { column: 'host_ip', sqlType: 'text', description: 'status.hostIP.', value: (o) => o.status?.hostIP ?? null },
    { column: 'start_time', sqlType: 'timestamptz', description: 'status.startTime.', value: (o) => o.status?.startTime ?? null },
    { column: 'ready', sqlType: 'boolean', description: 'Ready condition is True.', value: (o) => (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True') },
    { column: 'restart_count', sqlType: 'integer', description: 'Sum of restartCount over all containers.', value: restartCount },
    { column: 'cpu_request_millicores', sqlType: 'bigint', description: 'Effective pod CPU request (app sum vs init max, plus overhead).', value: (o) => podResource(o, 'requests', 'cpu') },
    { column: 'cpu_limit_millicores', sqlType: 'bigint', description: 'Pod CPU limit (null if any app container is unlimited).', value: (o) => podResource(o, 'limits', 'cpu') },
    { column: 'memory_request_bytes', sqlType: 'bigint', description: 'Effective pod memory request.', value: (o) => podResource(o, 'requests', 'memory') },
    { column: 'memory_limit_bytes', sqlType: 'bigint', description: 'Pod memory limit (null if any app container is unlimited).', value: (o) => podResource(o, 'limits', 'memory') },
    { column: 'priority_class', sqlType: 'text', description: 'spec.priorityClassName.', value: (o) => o.spec?.priorityClassName ?? null },
    { column: 'service_account', sqlType: 'text', description: 'spec.serviceAccountName.', value: (o) => o.spec?.serviceAccountName ?? null },
  ],
  children: [containerTable],
  sanitize: (o) => {
    const b = baseSanitize(o);
    return { ...b, spec: stripPodSpec(b.spec) };
  },
});

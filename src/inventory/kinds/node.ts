import type { V1Node } from '@kubernetes/client-node';
import { defineKind, type KubeObject, type WireObject } from '../kind.js';
import { bytesOrNull, milliCpuOrNull, quantityOrNull } from '../quantity.js';
import { baseSanitize } from '../sanitize.js';

/** A Node as the informer holds it (the collector follows nodes' addresses through it too). */
export type NodeObject = WireObject<V1Node>;

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** Roles from the node-role.kubernetes.io/<role> labels, comma-separated ('' when none). */
function nodeRoles(o: KubeObject): string {
  const labels = o.metadata.labels ?? {};
  const roles = Object.keys(labels).filter((k) => k.startsWith(ROLE_PREFIX)).map((k) => k.slice(ROLE_PREFIX.length));
  if (labels['kubernetes.io/role']) roles.push(labels['kubernetes.io/role']);
  return [...new Set(roles)].sort().join(',');
}

function condition(o: NodeObject, type: string): string | null {
  const c = (o.status?.conditions ?? []).find((x) => x.type === type);
  return c ? c.status : null;
}

function address(o: NodeObject, type: string): string | null {
  const a = (o.status?.addresses ?? []).find((x) => x.type === type);
  return a ? a.address : null;
}

/** Conditions without their heartbeat times, so a heartbeat alone does not look like a change. */
function conditionsSummary(o: NodeObject): object {
  return (o.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? null, since: c.lastTransitionTime ?? null }));
}

export const nodeKind = defineKind<NodeObject>({
  name: 'node',
  listPath: '/api/v1/nodes',
  kind: 'Node',
  namespaced: false,
  table: 'node',
  description: 'Nodes with capacity, allocatable, conditions and versions.',
  columns: [
    { column: 'roles', sqlType: 'text', description: 'Comma-separated node roles from node-role.kubernetes.io/* labels.', value: nodeRoles },
    { column: 'ready', sqlType: 'boolean', description: 'Ready condition is True.', value: (o) => condition(o, 'Ready') === 'True' },
    { column: 'unschedulable', sqlType: 'boolean', description: 'Cordoned.', value: (o) => o.spec?.unschedulable === true },
    { column: 'internal_ip', sqlType: 'text', description: 'InternalIP address.', value: (o) => address(o, 'InternalIP') },
    { column: 'kubelet_port', sqlType: 'integer', description: 'status.daemonEndpoints.kubeletEndpoint.Port.', value: (o) => o.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? null },
    { column: 'zone', sqlType: 'text', description: 'topology.kubernetes.io/zone label.', value: (o) => o.metadata.labels?.['topology.kubernetes.io/zone'] ?? null },
    { column: 'kubelet_version', sqlType: 'text', description: 'status.nodeInfo.kubeletVersion.', value: (o) => o.status?.nodeInfo?.kubeletVersion ?? null },
    { column: 'container_runtime', sqlType: 'text', description: 'status.nodeInfo.containerRuntimeVersion.', value: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? null },
    { column: 'os_image', sqlType: 'text', description: 'status.nodeInfo.osImage.', value: (o) => o.status?.nodeInfo?.osImage ?? null },
    { column: 'kernel_version', sqlType: 'text', description: 'status.nodeInfo.kernelVersion.', value: (o) => o.status?.nodeInfo?.kernelVersion ?? null },
    { column: 'operating_system', sqlType: 'text', description: 'status.nodeInfo.operatingSystem (linux, windows).', value: (o) => o.status?.nodeInfo?.operatingSystem ?? null },
    { column: 'architecture', sqlType: 'text', description: 'status.nodeInfo.architecture.', value: (o) => o.status?.nodeInfo?.architecture ?? null },
    { column: 'capacity_cpu_millicores', sqlType: 'bigint', description: 'status.capacity.cpu in millicores.', value: (o) => milliCpuOrNull(o.status?.capacity?.cpu) },
    { column: 'capacity_memory_bytes', sqlType: 'bigint', description: 'status.capacity.memory in bytes.', value: (o) => bytesOrNull(o.status?.capacity?.memory) },
    { column: 'capacity_pods', sqlType: 'integer', description: 'status.capacity.pods.', value: (o) => quantityOrNull(o.status?.capacity?.pods) },
    { column: 'capacity_ephemeral_storage_bytes', sqlType: 'bigint', description: 'status.capacity["ephemeral-storage"] in bytes.', value: (o) => bytesOrNull(o.status?.capacity?.['ephemeral-storage']) },
    { column: 'allocatable_cpu_millicores', sqlType: 'bigint', description: 'status.allocatable.cpu in millicores.', value: (o) => milliCpuOrNull(o.status?.allocatable?.cpu) },
    { column: 'allocatable_memory_bytes', sqlType: 'bigint', description: 'status.allocatable.memory in bytes.', value: (o) => bytesOrNull(o.status?.allocatable?.memory) },
    { column: 'allocatable_pods', sqlType: 'integer', description: 'status.allocatable.pods.', value: (o) => quantityOrNull(o.status?.allocatable?.pods) },
    { column: 'allocatable_ephemeral_storage_bytes', sqlType: 'bigint', description: 'status.allocatable["ephemeral-storage"] in bytes.', value: (o) => bytesOrNull(o.status?.allocatable?.['ephemeral-storage']) },
    { column: 'conditions', sqlType: 'jsonb', description: 'Conditions: type, status, reason, since (no heartbeat times).', value: conditionsSummary },
    { column: 'addresses', sqlType: 'jsonb', description: 'status.addresses.', value: (o) => o.status?.addresses ?? [] },
    { column: 'taints', sqlType: 'jsonb', description: 'spec.taints.', value: (o) => o.spec?.taints ?? [] },
  ],
  sanitize: (o) => {
    // Heartbeat times change every ~10 s on every node; they are not history worth keeping.
    const b = baseSanitize(o);
    const conditions = (b.status?.conditions ?? []).map(({ lastHeartbeatTime: _h, ...c }) => c);
    return { ...b, status: b.status ? { ...b.status, conditions } : b.status };
  },
});

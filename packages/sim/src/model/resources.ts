// The resource types the simulated apiserver serves: one declaration drives discovery, routing, list kinds
// and field-selector support. Verbs, short names and categories follow a real 1.2x–1.3x apiserver.

export interface ResourceDef {
  group: string; // '' = core
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Field selectors this resource accepts beyond metadata.name / metadata.namespace. */
  fields?: string[];
  /** Has a /scale subresource (autoscaling/v1 Scale). */
  scalable?: boolean;
  /** Writable in the simulator (delete / patch). */
  writable?: boolean;
}

const ALL = ['all'];

export const RESOURCES: ResourceDef[] = [
  { group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], fields: ['status.phase'] },
  { group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], fields: ['spec.unschedulable'], writable: true },
  {
    group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ALL, writable: true,
    fields: ['spec.nodeName', 'status.phase', 'spec.schedulerName', 'spec.serviceAccountName', 'status.podIP', 'status.nominatedNodeName', 'spec.restartPolicy'],
  },
  { group: '', version: 'v1', plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ALL },
  { group: '', version: 'v1', plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'],
    fields: ['involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'type', 'source'] },
  { group: '', version: 'v1', plural: 'persistentvolumes', singular: 'persistentvolume', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'] },
  { group: '', version: 'v1', plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'] },
  { group: '', version: 'v1', plural: 'resourcequotas', singular: 'resourcequota', kind: 'ResourceQuota', namespaced: true, shortNames: ['quota'] },
  { group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ALL, scalable: true, writable: true },
  { group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ALL, scalable: true },
  { group: 'apps', version: 'v1', plural: 'statefulsets', singular: 'statefulset', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ALL, scalable: true, writable: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ALL },
  { group: 'batch', version: 'v1', plural: 'jobs', singular: 'job', kind: 'Job', namespaced: true, categories: ALL },
  { group: 'batch', version: 'v1', plural: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ALL },
  { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers', singular: 'horizontalpodautoscaler', kind: 'HorizontalPodAutoscaler', namespaced: true, shortNames: ['hpa'], categories: ALL },
  { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', singular: 'endpointslice', kind: 'EndpointSlice', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', singular: 'ingress', kind: 'Ingress', namespaced: true, shortNames: ['ing'] },
  { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses', singular: 'storageclass', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] },
];

export function groupVersion(r: ResourceDef): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function apiVersionOf(r: ResourceDef): string {
  return groupVersion(r);
}

const byPath = new Map<string, ResourceDef>(RESOURCES.map((r) => [`${groupVersion(r)}/${r.plural}`, r]));
const byKind = new Map<string, ResourceDef>(RESOURCES.map((r) => [r.kind, r]));

export function resourceByPath(groupVersionText: string, plural: string): ResourceDef | undefined {
  return byPath.get(`${groupVersionText}/${plural}`);
}

export function resourceByKind(kind: string): ResourceDef {
  const r = byKind.get(kind);
  if (!r) throw new Error(`sim: unknown kind ${kind}`);
  return r;
}

/** Group → versions served, in the order /apis lists them. */
export function apiGroups(): Array<{ name: string; versions: string[] }> {
  const groups = new Map<string, Set<string>>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    if (!groups.has(r.group)) groups.set(r.group, new Set());
    groups.get(r.group)!.add(r.version);
  }
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }));
}

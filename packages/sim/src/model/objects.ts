// Factories for the simulated objects, shaped as a real apiserver returns them (fields checked against
// the real pod lists in test/fixtures and the Kubernetes API types). Pure: every value comes from the arguments.
import type { SimObject } from './store.js';
import type { OwnerReference } from './fields.js';
import { containerSpec, cpuQuantity, memoryQuantity, type PodTemplate } from './pod.js';

export const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function meta(name: string, namespace: string | undefined, uid: string, created: Date, extra: Record<string, unknown> = {}): SimObject['metadata'] {
  // name/namespace first, as the apiserver orders them (cosmetic, helps diffing against fixtures).
  const m: SimObject['metadata'] = namespace ? { name, namespace, uid, resourceVersion: '0', creationTimestamp: '' } : { name, uid, resourceVersion: '0', creationTimestamp: '' };
  m.creationTimestamp = iso(created);
  return { ...m, ...extra };
}

export function ownerRef(apiVersion: string, kind: string, name: string, uid: string): OwnerReference {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

export interface NodeSpecInput {
  name: string;
  uid: string;
  created: Date;
  address: string;
  kubeletPort: number;
  cpuCores: number;
  memoryBytes: number;
  podCidr: string;
  zone: string;
  role: 'control-plane' | 'worker';
  maxPods: number;
  kubeletVersion: string;
  minor: number;
  bootId: string;
  machineId: string;
  /** Windows Server worker (kubelet without cAdvisor; the summary has what Windows can measure). */
  os?: 'linux' | 'windows';
}

export function runtimeVersion(minor: number): string {
  return minor >= 32 ? 'containerd://2.1.4' : minor >= 28 ? 'containerd://1.7.22' : 'containerd://1.6.20';
}

export function nodeReadyConditions(ready: boolean, since: Date, now: Date): Record<string, unknown>[] {
  const t = iso(since);
  const hb = iso(now);
  const ok = (type: string, reason: string, message: string): Record<string, unknown> => ({ type, status: ready ? 'False' : 'Unknown', lastHeartbeatTime: hb, lastTransitionTime: t, reason: ready ? reason : 'NodeStatusUnknown', message: ready ? message : 'Kubelet stopped posting node status.' });
  return [
    ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    { type: 'Ready', status: ready ? 'True' : 'Unknown', lastHeartbeatTime: hb, lastTransitionTime: t, reason: ready ? 'KubeletReady' : 'NodeStatusUnknown', message: ready ? 'kubelet is posting ready status' : 'Kubelet stopped posting node status.' },
  ];
}

export function nodeObject(n: NodeSpecInput): SimObject {
  const ephemeralBytes = 100 * 1024 * 1024 * 1024;
  const os = n.os ?? 'linux';
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': os,
    ...(os === 'windows' ? { 'node.kubernetes.io/windows-build': '10.0.20348' } : {}),
    'topology.kubernetes.io/zone': n.zone,
    'topology.kubernetes.io/region': 'sim-region-1',
    'node.kubernetes.io/instance-type': `sim.${n.cpuCores}x${Math.round(n.memoryBytes / 2 ** 30)}`,
  };
  if (n.role === 'control-plane') labels['node-role.kubernetes.io/control-plane'] = '';
  const capacity = { cpu: String(n.cpuCores), 'ephemeral-storage': `${ephemeralBytes / 1024}Ki`, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${n.memoryBytes / 1024}Ki`, pods: String(n.maxPods) };
  const allocatable = { ...capacity, cpu: cpuQuantity(n.cpuCores * 1000 - 100), memory: `${(n.memoryBytes - 256 * 2 ** 20) / 1024}Ki` };
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: meta(n.name, undefined, n.uid, n.created, {
      labels,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    }),
    spec: { podCIDR: n.podCidr, podCIDRs: [n.podCidr], providerID: `sim://${n.name}` },
    status: {
      capacity,
      allocatable,
      conditions: nodeReadyConditions(true, n.created, n.created),
      addresses: [{ type: 'InternalIP', address: n.address }, { type: 'Hostname', address: n.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: n.kubeletPort } },
      nodeInfo: {
        machineID: n.machineId,
        systemUUID: n.machineId.slice(0, 8) + '-' + n.machineId.slice(8, 12) + '-' + n.machineId.slice(12, 16) + '-' + n.machineId.slice(16, 20) + '-' + n.machineId.slice(20, 32),
        bootID: n.bootId,
        kernelVersion: os === 'windows' ? '10.0.20348.2762' : n.minor >= 30 ? '6.8.0-45-generic' : '5.15.0-91-generic',
        osImage: os === 'windows' ? 'Windows Server 2022 Datacenter' : n.minor >= 30 ? 'Debian GNU/Linux 12 (bookworm)' : 'Ubuntu 22.04.3 LTS',
        containerRuntimeVersion: runtimeVersion(n.minor),
        kubeletVersion: n.kubeletVersion,
        // Deprecated (KEP-4004): kubelets stop setting it from 1.31, but the field has no omitempty, so the
        // API still sends it, empty; clients generated from older APIs (the Python client) require it.
        kubeProxyVersion: n.minor >= 31 ? '' : n.kubeletVersion,
        operatingSystem: os,
        architecture: 'amd64',
      },
      images: [],
    },
  };
}

export function namespaceObject(name: string, uid: string, created: Date): SimObject {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: meta(name, undefined, uid, created, { labels: { 'kubernetes.io/metadata.name': name } }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** The pod template as a workload's spec.template shows it. */
export function podTemplateSpec(t: PodTemplate): Record<string, unknown> {
  return {
    metadata: { labels: t.labels },
    spec: {
      containers: t.containers.map((c) => {
        // A template shows resources as written (no request defaulted from the limit).
        const res: Record<string, Record<string, string>> = {};
        if (c.cpuLimitMilli != null || c.memoryLimitBytes != null) {
          res.limits = {};
          if (c.cpuLimitMilli != null) res.limits.cpu = cpuQuantity(c.cpuLimitMilli);
          if (c.memoryLimitBytes != null) res.limits.memory = memoryQuantity(c.memoryLimitBytes);
        }
        if (c.cpuRequestMilli != null || c.memoryRequestBytes != null) {
          res.requests = {};
          if (c.cpuRequestMilli != null) res.requests.cpu = cpuQuantity(c.cpuRequestMilli);
          if (c.memoryRequestBytes != null) res.requests.memory = memoryQuantity(c.memoryRequestBytes);
        }
        return containerSpec(c, res);
      }),
      restartPolicy: t.restartPolicy,
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: t.serviceAccountName,
      securityContext: {},
      schedulerName: 'default-scheduler',
      ...(t.priorityClassName ? { priorityClassName: t.priorityClassName } : {}),
    },
  };
}

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

export function eventObject(input: {
  namespace: string; name: string; uid: string; at: Date; type: 'Normal' | 'Warning'; reason: string; message: string;
  involved: { kind: string; name: string; namespace?: string; uid: string; apiVersion: string; resourceVersion?: string; fieldPath?: string };
  component: string; host?: string;
}): SimObject {
  const t = iso(input.at);
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: meta(input.name, input.namespace, input.uid, input.at),
    involvedObject: input.involved,
    reason: input.reason,
    message: input.message,
    source: input.host ? { component: input.component, host: input.host } : { component: input.component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    type: input.type,
    eventTime: null,
    reportingComponent: input.component,
    reportingInstance: input.host ?? '',
  };
}

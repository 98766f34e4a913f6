// The JSON the simulator serves, as the tests read it: kubelet Summary documents (stats/v1alpha1) and
// apiserver objects, lists, watch events, Status and Table responses. Fields are named as the tests use
// them; a field a response lacks fails the test where it is read.

export interface PsiStats { some: { total: number }; full: { total: number } }
export interface CpuStats { time: string; usageNanoCores: number; usageCoreNanoSeconds: number; psi: PsiStats }
export interface MemoryStats { time: string; workingSetBytes: number; usageBytes: number; pageFaults: number; majorPageFaults: number }
export interface FsStats { usedBytes: number }
export interface NetworkStats { rxBytes: number; txBytes: number }

export interface SummaryContainer { name: string; startTime: string; cpu: CpuStats; memory: MemoryStats; rootfs: FsStats; logs: FsStats }
export interface SummaryPod {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  cpu: CpuStats;
  memory: MemoryStats;
  network: NetworkStats;
  containers: SummaryContainer[];
  'ephemeral-storage': FsStats;
}
export interface SummaryNode {
  nodeName: string;
  startTime: string;
  cpu: CpuStats;
  memory: MemoryStats;
  network: NetworkStats;
  fs?: FsStats;
  systemContainers: SummaryContainer[];
}
export interface Summary { node: SummaryNode; pods: SummaryPod[] }

export interface WireMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
  ownerReferences?: Array<{ kind: string; name: string; uid: string }>;
}

/** Any stored object: spec and status differ per kind, read through the kind's own type below or indexed. */
export interface WireObject {
  kind: string;
  apiVersion: string;
  metadata: WireMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface WireContainerStatus { name: string; containerID: string; restartCount: number; ready: boolean }
export interface WirePod extends WireObject {
  spec: { nodeName: string; containers: Array<{ name: string; image: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> };
  status: { phase: string; qosClass: string; podIP: string; startTime: string; containerStatuses: WireContainerStatus[] };
}
export interface WireNode extends WireObject {
  spec: { unschedulable?: boolean; taints?: Array<{ key: string; effect: string }> };
  status: {
    addresses: Array<{ type: string; address: string }>;
    conditions: Array<{ type: string; status: string }>;
    daemonEndpoints: { kubeletEndpoint: { Port: number } };
    nodeInfo: { kubeletVersion: string };
  };
}
export interface WireWorkload extends WireObject {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> } };
  status: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface WireList<T = WireObject> {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface WatchEvent<T = WireObject> { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: T }

/** metav1.Status, as errors (and some deletes) answer. */
export interface WireStatus {
  kind: 'Status';
  status: string;
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; kind?: string; group?: string; retryAfterSeconds?: number };
}

export interface WireScale { kind: 'Scale'; metadata: WireMeta; spec: { replicas: number }; status: { replicas: number; selector: string } }

export interface WireTable {
  kind: 'Table';
  metadata: { resourceVersion: string };
  columnDefinitions: Array<{ name: string; type: string; priority: number }>;
  rows: Array<{ cells: unknown[]; object?: WireObject }>;
}

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
  annotations?: Record<string, string>;
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

export interface WireCondition { type: string; status: string; reason?: string }

export interface WireContainerStatus { name: string; containerID: string; restartCount: number; ready: boolean }
export interface WirePod extends WireObject {
  spec: { nodeName: string; containers: Array<{ name: string; image: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> };
  status: {
    phase: string;
    qosClass: string;
    podIP: string;
    startTime: string;
    containerStatuses: WireContainerStatus[];
    conditions: WireCondition[];
    /** Served from Kubernetes 1.28 on. */
    hostIPs?: Array<{ ip: string }>;
  };
}
export interface WireNode extends WireObject {
  spec: { unschedulable?: boolean; taints?: Array<{ key: string; effect: string }> };
  status: {
    addresses: Array<{ type: string; address: string }>;
    conditions: WireCondition[];
    daemonEndpoints: { kubeletEndpoint: { Port: number } };
    /** kubeProxyVersion is empty from Kubernetes 1.31 on (deprecated, still sent). */
    nodeInfo: { kubeletVersion: string; kubeProxyVersion: string };
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

export interface WireEvent extends WireObject {
  involvedObject: { kind: string; name: string; namespace?: string; uid: string };
  reason: string;
  message: string;
  type: string;
}
export interface WireEndpointSlice extends WireObject {
  addressType: string;
  endpoints: Array<{ addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; nodeName?: string }>;
}

/** An object event of a watch stream (a BOOKMARK's object carries only metadata.resourceVersion). */
export interface WatchEvent<T = WireObject> { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
/** The event a watch ends with when it cannot be served, e.g. 410 Expired for a compacted resourceVersion. */
export interface WatchErrorEvent { type: 'ERROR'; object: WireStatus }

/** metav1.Status, as errors (and some deletes) answer. */
export interface WireStatus {
  kind: 'Status';
  status: string;
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; kind?: string; group?: string; retryAfterSeconds?: number };
}

export interface WireScale { kind: 'Scale'; apiVersion: string; metadata: WireMeta; spec: { replicas: number }; status: { replicas: number; selector: string } }

export interface WireTable {
  kind: 'Table';
  metadata: { resourceVersion: string };
  columnDefinitions: Array<{ name: string; type: string; priority: number }>;
  rows: Array<{ cells: unknown[]; object?: WireObject }>;
}

/** Discovery documents: /version, /apis (APIGroupList), /api/v1 and /apis/{group}/{version} (APIResourceList). */
export interface WireVersion { major: string; minor: string; gitVersion: string; goVersion: string; platform: string }
export interface WireGroupList {
  kind: 'APIGroupList';
  groups: Array<{ name: string; versions: Array<{ groupVersion: string; version: string }>; preferredVersion: { groupVersion: string; version: string } }>;
}
export interface WireResourceList {
  kind: 'APIResourceList';
  groupVersion: string;
  /** group and version are set where they differ from the list's own, as on a scale subresource. */
  resources: Array<{ name: string; namespaced: boolean; kind: string; verbs: string[]; group?: string; version?: string }>;
}

/** The simulator's admin endpoint (/_sim/…) answers with its own small JSON documents, not Kubernetes objects. */
export interface SimAdminError { error: string }
export interface SimJoinedNode { name: string; address: string; kubeletPort: number }

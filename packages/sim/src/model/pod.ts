// A pod kept compact: 150,000 of them must fit in one process, so a pod holds its own metadata and
// per-container state, shares its spec template with its siblings, and renders the full v1 Pod JSON only
// when serialised (toJSON). Fields differ by simulated Kubernetes minor version, as on real clusters.
import type { SimObject, SimMetadata } from './store.js';

export interface ContainerTemplate {
  name: string;
  image: string;
  imageId: string;
  cpuRequestMilli: number | null;
  cpuLimitMilli: number | null;
  memoryRequestBytes: number | null;
  memoryLimitBytes: number | null;
  profile: 'steady' | 'bursty' | 'leaky' | 'idle';
  ports?: Array<{ containerPort: number; protocol: string; name?: string }>;
  args?: string[];
  /** Environment, some with literal values that look like secrets (kubepulse must never store them). */
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, unknown> }>;
  /** HTTP path for liveness/readiness probes on the first named port. */
  probePath?: string;
  securityContext?: { runAsUser: number; runAsNonRoot: boolean; readOnlyRootFilesystem: boolean };
  /** The entrypoint as a manifest gives it (control-plane static pods run their binary with flags). */
  command?: string[];
  /** Probes wait this long after the start (liveness and readiness); a startup probe guards slow starters. */
  probeDelaySeconds?: number;
  startupProbe?: boolean;
  /** Hardened containers: no privilege escalation, every capability dropped. */
  hardened?: boolean;
  /** POD_NAME / POD_NAMESPACE from the downward API, as many charts pass them. */
  downwardEnv?: boolean;
}

function probe(path: string, port: string, periodSeconds: number, delaySeconds = 0, failureThreshold = 3): Record<string, unknown> {
  const p: Record<string, unknown> = { httpGet: { path, port, scheme: 'HTTP' } };
  if (delaySeconds) p.initialDelaySeconds = delaySeconds;
  return { ...p, timeoutSeconds: 1, periodSeconds, successThreshold: 1, failureThreshold };
}

const DOWNWARD_ENV = [
  { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
  { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
];

/** The container spec fields a workload template and its pods share (as the apiserver defaults them). */
export function containerSpec(c: ContainerTemplate, resources: Record<string, unknown>, volumeMounts?: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = { name: c.name, image: c.image };
  if (c.command) out.command = c.command;
  if (c.args) out.args = c.args;
  if (c.ports) out.ports = c.ports;
  if (c.env || c.downwardEnv) out.env = [...(c.downwardEnv ? DOWNWARD_ENV : []), ...(c.env ?? [])];
  out.resources = resources;
  if (volumeMounts) out.volumeMounts = volumeMounts;
  if (c.probePath && c.ports?.[0]?.name) {
    out.livenessProbe = probe(c.probePath, c.ports[0].name, 10, c.probeDelaySeconds);
    out.readinessProbe = probe(c.probePath, c.ports[0].name, 5, c.probeDelaySeconds);
    if (c.startupProbe) out.startupProbe = probe(c.probePath, c.ports[0].name, 10, 0, 30);
  }
  out.terminationMessagePath = '/dev/termination-log';
  out.terminationMessagePolicy = 'File';
  out.imagePullPolicy = 'IfNotPresent';
  if (c.securityContext || c.hardened) {
    out.securityContext = {
      ...(c.hardened ? { capabilities: { drop: ['ALL'] } } : {}),
      ...c.securityContext,
      ...(c.hardened ? { allowPrivilegeEscalation: false } : {}),
    };
  }
  return out;
}

/** Shared by every pod of one owner (deployment revision, statefulset, daemonset …). */
export interface PodTemplate {
  labels: Record<string, string>;
  ownerReferences?: SimMetadata['ownerReferences'];
  containers: ContainerTemplate[];
  serviceAccountName: string;
  restartPolicy: 'Always' | 'OnFailure' | 'Never';
  /** PVC names mounted by the pod (statefulsets); the rest are the projected token volume. */
  pvcNames: string[];
  priorityClassName?: string;
  minor: number;
  /**
   * A static pod (a manifest file the kubelet runs itself, as kubeadm's control plane): host network,
   * hostPath volumes, no service account token, and the mirror pod's annotations.
   */
  staticPod?: { hostPaths: Array<{ name: string; path: string }> };
  /** StatefulSet pods: spec.hostname is the pod's name, spec.subdomain the governing service. */
  subdomain?: string;
  /** DaemonSet pods: pinned to their node by a node affinity, tolerating the node conditions. */
  daemon?: boolean;
  nodeSelector?: Record<string, string>;
  /** Pod-level securityContext (most pods have an empty one). */
  podSecurityContext?: Record<string, unknown>;
  /** A configMap and an emptyDir volume beside the token (name of the configMap). */
  configMap?: string;
  /** The field manager that created the pod (kube-controller-manager for controllers' pods). */
  manager?: string;
}

export interface ContainerState {
  id: string;
  restartCount: number;
  startedAt: Date;
  lastTerminated?: { reason: string; exitCode: number; startedAt: Date; finishedAt: Date; message?: string };
  /** For Succeeded pods (jobs): how the container ended. */
  terminated?: { reason: string; exitCode: number; finishedAt: Date };
}

export function qosClassOf(containers: ContainerTemplate[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const any = containers.some((c) => c.cpuRequestMilli != null || c.cpuLimitMilli != null || c.memoryRequestBytes != null || c.memoryLimitBytes != null);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every(
    (c) => c.cpuLimitMilli != null && c.memoryLimitBytes != null && (c.cpuRequestMilli ?? c.cpuLimitMilli) === c.cpuLimitMilli && (c.memoryRequestBytes ?? c.memoryLimitBytes) === c.memoryLimitBytes,
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function cpuQuantity(milli: number): string {
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

export function memoryQuantity(bytes: number): string {
  const Mi = 1024 * 1024;
  if (bytes % (1024 * Mi) === 0) return `${bytes / (1024 * Mi)}Gi`;
  if (bytes % Mi === 0) return `${bytes / Mi}Mi`;
  return String(bytes);
}

export function resourcesOf(c: ContainerTemplate): { limits?: Record<string, string>; requests?: Record<string, string> } {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (c.cpuLimitMilli != null) limits.cpu = cpuQuantity(c.cpuLimitMilli);
  if (c.memoryLimitBytes != null) limits.memory = memoryQuantity(c.memoryLimitBytes);
  // As the apiserver defaults them: a limit without a request sets the request to the limit.
  const cpuReq = c.cpuRequestMilli ?? c.cpuLimitMilli;
  const memReq = c.memoryRequestBytes ?? c.memoryLimitBytes;
  if (cpuReq != null) requests.cpu = cpuQuantity(cpuReq);
  if (memReq != null) requests.memory = memoryQuantity(memReq);
  const out: { limits?: Record<string, string>; requests?: Record<string, string> } = {};
  if (Object.keys(limits).length) out.limits = limits;
  if (Object.keys(requests).length) out.requests = requests;
  return out;
}

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class PodRecord implements SimObject {
  kind = 'Pod';
  apiVersion = 'v1';
  [k: string]: unknown;
  metadata: SimMetadata;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' = 'Running';
  deletionTimestamp?: string;
  /** The controller record that owns this pod (world.ts's Owner); never serialised. */
  owner: unknown;
  /** Annotations set by a test or the demo, on top of the ones derived from the record. */
  extraAnnotations?: Record<string, string>;
  /**
   * A static pod's config hash: the UID its kubelet reports (stats, /pods); metadata.uid is the mirror
   * pod's, which the API server gives out (the `kubernetes.io/config.mirror` annotation links the two).
   */
  kubeletUid?: string;
  /** No node had room: the scheduler's message and since when (the pod is Pending, with no node). */
  unschedulable?: { message: string; since: string };

  constructor(
    metadata: SimMetadata,
    public template: PodTemplate,
    public nodeName: string,
    public hostIp: string,
    public podIp: string,
    public startTime: Date,
    public containers: ContainerState[],
    /** Per-pod seed for the kubelet's series. */
    public seed: number,
    public tokenVolumeName: string,
  ) {
    this.metadata = metadata;
  }

  get qosClass(): 'Guaranteed' | 'Burstable' | 'BestEffort' {
    return qosClassOf(this.template.containers);
  }

  fieldValue(path: string): string | undefined {
    switch (path) {
      case 'metadata.name': return this.metadata.name;
      case 'metadata.namespace': return this.metadata.namespace;
      case 'spec.nodeName': return this.nodeName;
      case 'status.phase': return this.phase;
      case 'spec.schedulerName': return 'default-scheduler';
      case 'spec.serviceAccountName': return this.template.serviceAccountName;
      case 'status.podIP': return this.podIp;
      case 'status.nominatedNodeName': return '';
      case 'spec.restartPolicy': return this.template.restartPolicy;
      default: return undefined;
    }
  }

  private metadataAndStatus(): { metadata: Record<string, unknown>; status: Record<string, unknown> } {
    const t = this.template;
    const minor = t.minor;
    const running = this.phase === 'Running';
    const tokenMount = { name: this.tokenVolumeName, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    const m = this.metadata;
    // Key order as the apiserver writes it; annotations derive from the creation time (kept out of the record).
    const metadata: Record<string, unknown> = { name: m.name };
    if (m.generateName) metadata.generateName = m.generateName;
    metadata.namespace = m.namespace;
    metadata.uid = m.uid;
    metadata.resourceVersion = m.resourceVersion;
    metadata.creationTimestamp = m.creationTimestamp;
    metadata.labels = m.labels;
    const seen = this.startTime.toISOString().replace('Z', '000000Z');
    metadata.annotations = this.kubeletUid
      ? { 'kubernetes.io/config.hash': this.kubeletUid, 'kubernetes.io/config.mirror': this.kubeletUid, 'kubernetes.io/config.seen': seen, 'kubernetes.io/config.source': 'file', ...this.extraAnnotations }
      : { 'kubernetes.io/config.seen': seen, 'kubernetes.io/config.source': 'api', ...this.extraAnnotations };
    // Pods carry metadata.generation from 1.33 (PodObservedGenerationTracking); older pods have none.
    if (minor >= 33) metadata.generation = 1;
    if (m.ownerReferences) metadata.ownerReferences = m.ownerReferences;
    // The job controller tracks its pods with a finalizer (1.26+) until it has counted them.
    if (minor >= 26 && m.ownerReferences?.[0]?.kind === 'Job') metadata.finalizers = ['batch.kubernetes.io/job-tracking'];
    metadata.managedFields = managedFields(t, m.creationTimestamp, iso(new Date(this.startTime.getTime() + 9000)), this.kubeletUid !== undefined);
    if (this.deletionTimestamp) {
      metadata.deletionTimestamp = this.deletionTimestamp;
      metadata.deletionGracePeriodSeconds = 30;
    }
    if (this.unschedulable) return { metadata, status: this.unscheduledStatus(this.unschedulable, minor) };
    const start = iso(this.startTime);
    const conditionTimes = iso(new Date(this.startTime.getTime() + 9000));
    const cond = (type: string, status: string, at: string): Record<string, unknown> => {
      const c: Record<string, unknown> = { type };
      if (minor >= 34) c.observedGeneration = 1;
      c.status = status;
      c.lastProbeTime = null;
      c.lastTransitionTime = at;
      if (status === 'False' && type !== 'PodScheduled') {
        c.reason = this.phase === 'Succeeded' ? 'PodCompleted' : 'ContainersNotReady';
        if (c.reason === 'ContainersNotReady' && (type === 'Ready' || type === 'ContainersReady')) {
          c.message = `containers with unready status: [${t.containers.map((x) => x.name).join(' ')}]`;
        }
      }
      return c;
    };
    const ready = running ? 'True' : 'False';
    const conditions = [
      ...(minor >= 29 ? [cond('PodReadyToStartContainers', running ? 'True' : 'False', conditionTimes)] : []),
      cond('Initialized', 'True', start),
      cond('Ready', ready, conditionTimes),
      cond('ContainersReady', ready, conditionTimes),
      cond('PodScheduled', 'True', start),
    ];
    const containerStatuses = t.containers.map((c, i) => {
      const s = this.containers[i];
      const st: Record<string, unknown> = { name: c.name };
      if (s.terminated) {
        st.state = { terminated: { exitCode: s.terminated.exitCode, reason: s.terminated.reason, startedAt: iso(s.startedAt), finishedAt: iso(s.terminated.finishedAt), containerID: `containerd://${s.id}` } };
      } else if (this.phase === 'Pending') {
        st.state = { waiting: { reason: 'ContainerCreating' } };
      } else {
        st.state = { running: { startedAt: iso(s.startedAt) } };
      }
      const last = s.lastTerminated;
      st.lastState = last
        ? { terminated: { exitCode: last.exitCode, reason: last.reason, ...(last.message === undefined ? {} : { message: last.message }), startedAt: iso(last.startedAt), finishedAt: iso(last.finishedAt), containerID: `containerd://${s.id}` } }
        : {};
      st.ready = running;
      st.restartCount = s.restartCount;
      st.image = c.image;
      st.imageID = c.imageId;
      if (this.phase !== 'Pending') st.containerID = `containerd://${s.id}`;
      st.started = running;
      if (minor >= 33) {
        const res = resourcesOf(c);
        if (res.requests) st.allocatedResources = res.requests;
        st.resources = res;
        st.volumeMounts = t.staticPod
          ? t.staticPod.hostPaths.map((v) => ({ name: v.name, mountPath: v.path }))
          : [{ ...tokenMount, recursiveReadOnly: 'Disabled' }];
        st.user = { linux: { uid: 0, gid: 0, supplementalGroups: [0] } };
      }
      return st;
    });
    const status: Record<string, unknown> = {};
    if (minor >= 34) status.observedGeneration = 1;
    status.phase = this.phase;
    status.conditions = conditions;
    status.hostIP = this.hostIp;
    if (minor >= 28) status.hostIPs = [{ ip: this.hostIp }];
    if (this.phase !== 'Pending') {
      status.podIP = this.podIp;
      status.podIPs = [{ ip: this.podIp }];
    }
    status.startTime = start;
    status.containerStatuses = containerStatuses;
    status.qosClass = this.qosClass;
    return { metadata, status };
  }

  /** What the scheduler writes for a pod no node takes: PodScheduled=False, Unschedulable, nothing else. */
  private unscheduledStatus(u: { message: string; since: string }, minor: number): Record<string, unknown> {
    const c: Record<string, unknown> = { type: 'PodScheduled' };
    if (minor >= 34) c.observedGeneration = 1;
    Object.assign(c, { status: 'False', lastProbeTime: null, lastTransitionTime: u.since, reason: 'Unschedulable', message: u.message });
    const status: Record<string, unknown> = {};
    if (minor >= 34) status.observedGeneration = 1;
    return Object.assign(status, { phase: 'Pending', conditions: [c], qosClass: this.qosClass });
  }

  toJSON(): Record<string, unknown> {
    const { metadata, status } = this.metadataAndStatus();
    const spec = buildSpec(this.template, this.tokenVolumeName, this.metadata.name, this.nodeName);
    if (this.unschedulable) delete spec.nodeName;
    return { kind: 'Pod', apiVersion: 'v1', metadata, spec, status };
  }

  /** The same JSON as toJSON, faster: the spec comes from its owner's cached text (lists of 150,000 pods). */
  serialize(): string {
    const { metadata, status } = this.metadataAndStatus();
    // An unscheduled pod has no spec.nodeName at all (the template text names it "nodeName":"<NODE>").
    const text = this.unschedulable ? specText(this.template).replace(`"nodeName":"${NODE}",`, '') : specText(this.template);
    const spec = text.replaceAll(TOKEN, this.tokenVolumeName).replaceAll(POD, this.metadata.name).replaceAll(NODE, this.nodeName);
    return `{"kind":"Pod","apiVersion":"v1","metadata":${JSON.stringify(metadata)},"spec":${spec},"status":${JSON.stringify(status)}}`;
  }
}

/** The fields a template's creator owns (server-side apply bookkeeping), shared by its pods. */
const ownedFields = new WeakMap<PodTemplate, Record<string, unknown>>();

function fieldsOf(t: PodTemplate): Record<string, unknown> {
  let f = ownedFields.get(t);
  if (!f) {
    const keys = (o: Record<string, unknown> | undefined): Record<string, unknown> => ({ '.': {}, ...Object.fromEntries(Object.keys(o ?? {}).map((k) => [`f:${k}`, {}])) });
    const containers = Object.fromEntries(t.containers.map((c) => [`k:{"name":"${c.name}"}`, {
      '.': {}, ...(c.command ? { 'f:command': {} } : {}), ...(c.args ? { 'f:args': {} } : {}), 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {},
      'f:resources': {}, 'f:terminationMessagePath': {}, 'f:terminationMessagePolicy': {},
    }]));
    f = {
      'f:metadata': {
        ...(t.staticPod ? {} : { 'f:generateName': {} }), 'f:labels': keys(t.labels),
        ...(t.ownerReferences ? { 'f:ownerReferences': { '.': {}, ...Object.fromEntries(t.ownerReferences.map((o) => [`k:{"uid":"${o.uid}"}`, {}])) } } : {}),
      },
      'f:spec': { 'f:containers': containers, 'f:dnsPolicy': {}, 'f:enableServiceLinks': {}, 'f:restartPolicy': {}, 'f:schedulerName': {}, 'f:securityContext': {}, 'f:terminationGracePeriodSeconds': {}, 'f:volumes': {} },
    };
    ownedFields.set(t, f);
  }
  return f;
}

const KUBELET_STATUS_FIELDS = {
  'f:status': {
    'f:conditions': { 'k:{"type":"ContainersReady"}': {}, 'k:{"type":"Initialized"}': {}, 'k:{"type":"Ready"}': {} },
    'f:containerStatuses': {}, 'f:hostIP': {}, 'f:hostIPs': {}, 'f:phase': {}, 'f:podIP': {}, 'f:podIPs': {}, 'f:startTime': {},
  },
};

/** metadata.managedFields as the API server records them: the creator's Update, the kubelet's status one. */
function managedFields(t: PodTemplate, created: string, statusAt: string, mirror: boolean): unknown[] {
  return [
    { manager: mirror ? 'kubelet' : t.manager ?? 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: created, fieldsType: 'FieldsV1', fieldsV1: fieldsOf(t) },
    { manager: 'kubelet', operation: 'Update', apiVersion: 'v1', time: statusAt, fieldsType: 'FieldsV1', fieldsV1: KUBELET_STATUS_FIELDS, subresource: 'status' },
  ];
}

// Placeholders in a template's cached spec text; JSON.stringify writes \u0001 as the 6 characters below.
const TOKEN = '\\u0001T';
const POD = '\\u0001P';
const NODE = '\\u0001N';
const specTexts = new WeakMap<PodTemplate, string>();

function specText(t: PodTemplate): string {
  let text = specTexts.get(t);
  if (text === undefined) {
    text = JSON.stringify(buildSpec(t, '\u0001T', '\u0001P', '\u0001N'));
    specTexts.set(t, text);
  }
  return text;
}

/** A pod's spec: its template plus the three per-pod strings. */
function buildSpec(t: PodTemplate, tokenVolumeName: string, podName: string, nodeName: string): Record<string, unknown> {
  if (t.staticPod) return staticPodSpec(t, nodeName);
  const tokenMount = { name: tokenVolumeName, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  const volumes: unknown[] = t.pvcNames.map((claim) => ({ name: claim, persistentVolumeClaim: { claimName: `${claim}-${podName}` } }));
  const extraMounts: unknown[] = [];
  if (t.configMap) {
    volumes.push({ name: 'config', configMap: { name: t.configMap, defaultMode: 420 } }, { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    extraMounts.push({ name: 'config', readOnly: true, mountPath: '/etc/app' }, { name: 'tmp', mountPath: '/tmp' });
  }
  volumes.push({
    name: tokenVolumeName,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    },
  });
  const containers = t.containers.map((c) => containerSpec(c, resourcesOf(c), [...t.pvcNames.map((claim) => ({ name: claim, mountPath: `/data/${claim}` })), ...extraMounts, tokenMount]));
  const spec: Record<string, unknown> = {
    volumes,
    containers,
    restartPolicy: t.restartPolicy,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
  };
  if (t.nodeSelector) spec.nodeSelector = t.nodeSelector;
  Object.assign(spec, {
    serviceAccountName: t.serviceAccountName,
    serviceAccount: t.serviceAccountName,
    nodeName: nodeName,
    securityContext: t.podSecurityContext ?? {},
  });
  if (t.subdomain) Object.assign(spec, { hostname: podName, subdomain: t.subdomain });
  // The daemonset controller pins each pod to its node with a node affinity (not nodeName alone).
  if (t.daemon) spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } };
  Object.assign(spec, {
    schedulerName: 'default-scheduler',
    tolerations: t.daemon ? DAEMON_TOLERATIONS : [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    priority: t.priorityClassName === 'system-node-critical' ? 2000001000 : t.priorityClassName === 'system-cluster-critical' ? 2000000000 : 0,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  });
  if (t.priorityClassName) spec.priorityClassName = t.priorityClassName;
  return spec;
}

/** What the daemonset controller adds to its pods' tolerations (they run on nodes under pressure too). */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** A static pod's spec as the mirror pod shows it (kubeadm's manifests: host network, hostPath volumes). */
function staticPodSpec(t: PodTemplate, nodeName: string): Record<string, unknown> {
  const hostPaths = t.staticPod?.hostPaths ?? [];
  return {
    volumes: hostPaths.map((v) => ({ name: v.name, hostPath: { path: v.path, type: 'DirectoryOrCreate' } })),
    containers: t.containers.map((c) => containerSpec(c, resourcesOf(c), hostPaths.map((v) => ({ name: v.name, mountPath: v.path })))),
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    nodeName,
    hostNetwork: true,
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    schedulerName: 'default-scheduler',
    tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
    priorityClassName: 'system-node-critical',
    priority: 2000001000,
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
  };
}

// Builds the initial world from a seed: nodes, namespaces, daemonsets on every node, deployments and
// statefulsets filling the remaining pod slots, a cronjob with its jobs, services with endpointslices,
// ingresses, HPAs, PVCs/PVs, a storage class and quotas, so that every kind kubepulse reads has objects.
import { World, RES, type NodeState, type Owner } from './world.js';
import type { ContainerTemplate, PodTemplate } from './pod.js';
import { namespaceObject, nodeObject, ownerRef } from './objects.js';
import {
  cronJobObject, daemonSetObject, deploymentObject, endpointSliceObject, hpaObject, ingressObject, jobObject, pvcAndPv,
  replicaSetObject, resourceQuotaObject, serviceObject, statefulSetObject, storageClassObject,
} from './workloads.js';
import type { SimObject } from './store.js';
import type { WorkloadSpecFields } from './fields.js';

export interface SeedPlan {
  nodes: number;
  podsPerNode: number;
  nodeAddress: (index: number) => string;
  kubeletPort: (index: number) => number;
  /** The last this many nodes are Windows Server workers (default 0). */
  windowsNodes?: number;
}

const MiB = 1024 * 1024;
const APP_NAMESPACES = ['shop', 'payments', 'search', 'analytics', 'platform', 'web', 'data', 'ml'];
const APP_NAMES = ['api', 'web', 'worker', 'cache', 'gateway', 'auth', 'cart', 'checkout', 'catalog', 'indexer', 'ingest', 'report', 'notifier', 'scheduler', 'frontend', 'billing'];
const IMAGES: Array<[string, number]> = [
  ['docker.io/library/nginx:1.27.2', 80], ['registry.k8s.io/e2e-test-images/agnhost:2.52', 8080], ['docker.io/library/redis:7.4.1', 6379],
  ['quay.io/prometheus/node-exporter:v1.8.2', 9100], ['docker.io/library/python:3.12-slim', 8000], ['ghcr.io/example/app-server:4.2.0', 8080],
];

function imageId(image: string, hex: string): string {
  return `${image.split(':')[0]}@sha256:${hex}`;
}

/**
 * What one seeded container may request at most: the smallest node's allocatable shared by the pods a node
 * gets, with room to spare (clusters are seldom packed past ~60 % of their requests), so the scheduler
 * finds a place for every seeded pod however many pods per node are asked for.
 */
const requestBudgets = new WeakMap<World, { cpuMilli: number; memoryBytes: number }>();

function pickWithin<T extends number>(w: World, values: T[], max: number): T {
  const allowed = values.filter((v) => v <= max);
  return w.rng.pick(allowed.length ? allowed : [values[0]]);
}

/** One seeded container with a realistic request/limit mix (≈ ⅓ Guaranteed, ½ Burstable, rest BestEffort). */
function container(w: World, name: string, image: string, port: number | undefined): ContainerTemplate {
  const r = w.rng;
  const budget = requestBudgets.get(w) ?? { cpuMilli: Infinity, memoryBytes: Infinity };
  const cpu = pickWithin(w, [50, 100, 200, 250, 500, 1000], budget.cpuMilli);
  const mem = pickWithin(w, [64, 128, 256, 512, 1024], budget.memoryBytes / MiB) * MiB;
  const roll = r.next();
  const qos = roll < 0.33 ? 'guaranteed' : roll < 0.85 ? 'burstable' : 'besteffort';
  return {
    name, image, imageId: imageId(image, r.hex(64)),
    cpuRequestMilli: qos === 'besteffort' ? null : cpu,
    cpuLimitMilli: qos === 'guaranteed' ? cpu : qos === 'burstable' && r.chance(0.5) ? cpu * 2 : null,
    memoryRequestBytes: qos === 'besteffort' ? null : mem,
    memoryLimitBytes: qos === 'guaranteed' ? mem : qos === 'burstable' ? mem * 2 : null,
    profile: r.pick(['steady', 'steady', 'bursty', 'idle', 'leaky'] as const),
    ...(port ? { ports: [{ containerPort: port, protocol: 'TCP', name: 'http' }], probePath: r.pick(['/healthz', '/ready', '/']) } : {}),
    ...(r.chance(0.4) ? { args: [`--port=${port ?? 8080}`, `--log-level=${r.pick(['info', 'warn'])}`] } : {}),
    ...(r.chance(0.6)
      ? {
          env: [
            { name: 'LOG_LEVEL', value: r.pick(['info', 'debug', 'warn']) },
            { name: 'DATABASE_PASSWORD', value: `pw-${r.hex(20)}` },
            { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: 'token' } } },
          ],
        }
      : {}),
    ...(r.chance(0.5) ? { securityContext: { runAsUser: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true } } : {}),
    ...(image.includes('python') ? { command: ['python', '-m', 'app'] } : {}),
    ...(port && r.chance(0.5) ? { probeDelaySeconds: r.pick([5, 10, 15, 30]) } : {}),
    ...(port && r.chance(0.2) ? { startupProbe: true } : {}),
    ...(r.chance(0.3) ? { hardened: true } : {}),
    ...(r.chance(0.3) ? { downwardEnv: true } : {}),
  };
}

function template(w: World, labels: Record<string, string>, owner: SimObject | undefined, containerCount: number, extra: Partial<PodTemplate> = {}): PodTemplate {
  const [image, port] = w.rng.pick(IMAGES);
  const containers = [container(w, labels.app ?? labels['k8s-app'] ?? 'main', image, port)];
  if (containerCount > 1) containers.push(container(w, 'sidecar', 'docker.io/envoyproxy/envoy:v1.31.2', undefined));
  return {
    labels, ownerReferences: owner ? [ownerRef(owner.apiVersion, owner.kind, owner.metadata.name, owner.metadata.uid)] : undefined,
    containers, serviceAccountName: 'default', restartPolicy: 'Always', pvcNames: [], minor: w.options.minor,
    ...(w.rng.chance(0.4) ? { configMap: `${containers[0].name}-config` } : {}),
    ...(w.rng.chance(0.25) ? { podSecurityContext: { runAsNonRoot: true, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } } } : {}),
    ...extra,
  };
}

/** A Windows Server workload's pod template (IIS), selecting Windows nodes. */
function windowsTemplate(w: World, labels: Record<string, string>, owner: SimObject): PodTemplate {
  const image = 'mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022';
  return {
    labels, ownerReferences: [ownerRef(owner.apiVersion, owner.kind, owner.metadata.name, owner.metadata.uid)],
    containers: [{ name: 'iis', image, imageId: imageId(image, w.rng.hex(64)), cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestBytes: 256 * MiB, memoryLimitBytes: 512 * MiB, profile: 'steady', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }],
    serviceAccountName: 'default', restartPolicy: 'Always', pvcNames: [], minor: w.options.minor, nodeSelector: { 'kubernetes.io/os': 'windows' },
  };
}

function ownerStub(apiVersion: string, kind: string, name: string, uid: string): SimObject {
  return { kind, apiVersion, metadata: { name, uid, resourceVersion: '0', creationTimestamp: '' } };
}

function addOwner(w: World, owner: Owner): Owner {
  w.owners.set(owner.obj.metadata.uid, owner);
  w.store.put(w.resourceOf(owner.obj), owner.obj, true);
  return owner;
}

export function addNode(w: World, index: number, address: string, kubeletPort: number, created: Date, quiet: boolean, os: 'linux' | 'windows' = 'linux'): NodeState {
  const r = w.rng;
  const name = `node-${String(index).padStart(4, '0')}`;
  const cpuCores = r.pick([4, 8, 16, 32]);
  const memoryBytes = cpuCores * r.pick([2, 4, 8]) * 1024 * MiB;
  const zone = `sim-zone-${'abc'[index % 3]}`;
  const state: NodeState = { name, index, address, kubeletPort, cpuCores, memoryBytes, bootTime: new Date(created.getTime() + 60_000), ready: true, maxPods: 110, zone, pods: new Set(), seed: r.seed(), joined: quiet === false, requestedCpuMilli: 0, requestedMemoryBytes: 0, os };
  const obj = nodeObject({
    name, uid: r.uuid(), created, address, kubeletPort, cpuCores, memoryBytes, podCidr: `10.${64 + (index >> 8)}.${index & 255}.0/24`, zone,
    role: index === 0 ? 'control-plane' : 'worker', maxPods: 110, kubeletVersion: w.options.gitVersion, minor: w.options.minor,
    bootId: r.uuid(), machineId: r.hex(32), os,
  });
  w.nodes.set(name, state);
  w.store.put(RES.nodes, obj, quiet);
  return state;
}

export function seedWorld(w: World, plan: SeedPlan): void {
  w.store.beginBulk();
  w.seeding = true;
  try {
    fillWorld(w, plan);
  } finally {
    w.seeding = false;
    w.store.endBulk();
  }
}

function fillWorld(w: World, plan: SeedPlan): void {
  const r = w.rng;
  const now = w.now().getTime();
  const day = 86_400_000;
  const born = new Date(now - 30 * day);
  const nodes: NodeState[] = [];
  const windows = plan.windowsNodes ?? 0;
  if (windows > 0 && windows >= plan.nodes) throw new Error(`windowsNodes ${windows}: at least one Linux node must remain (of ${plan.nodes})`);
  for (let i = 0; i < plan.nodes; i++) {
    const os = i >= plan.nodes - windows ? 'windows' : 'linux';
    const state = addNode(w, i, plan.nodeAddress(i), plan.kubeletPort(i), new Date(born.getTime() + r.int(0, 20 * day)), true, os);
    state.maxPods = Math.max(110, plan.podsPerNode);
    nodes.push(state);
  }
  // Limits reach twice the request; a pod has up to two containers.
  const smallest = nodes.reduce((m, n) => Math.min(m, n.cpuCores), Infinity);
  const smallestMem = nodes.reduce((m, n) => Math.min(m, n.memoryBytes), Infinity);
  const share = 0.6 / Math.max(1, plan.podsPerNode) / 2;
  requestBudgets.set(w, { cpuMilli: (smallest * 1000 - 100) * share, memoryBytes: (smallestMem - 256 * MiB) * share });
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'monitoring', 'batch'];
  const totalPods = plan.nodes * plan.podsPerNode;
  const appNamespaces = APP_NAMESPACES.slice(0, Math.max(2, Math.min(APP_NAMESPACES.length, Math.ceil(totalPods / 50))));
  for (let i = 0; totalPods > 20_000 && i < Math.floor(totalPods / 5000); i++) appNamespaces.push(`team-${String(i).padStart(2, '0')}`);
  for (const ns of [...namespaces, ...appNamespaces]) w.store.put(RES.namespaces, namespaceObject(ns, r.uuid(), born), true);
  w.store.put(RES.storageclasses, storageClassObject('standard', r.uuid(), born), true);

  // kubeadm's control plane on the first node: static pods, there before anything is scheduled.
  const controlPlane = plan.podsPerNode >= 8 ? CONTROL_PLANE : [];
  for (const c of controlPlane) addControlPlanePod(w, nodes[0], c);

  // Daemonsets: kube-proxy everywhere, node-exporter when nodes have room for it.
  const daemons: Array<[string, string]> = [['kube-system', 'kube-proxy']];
  if (plan.podsPerNode >= 4) daemons.push(['monitoring', 'node-exporter']);
  for (const [ns, name] of daemons) {
    const uid = r.uuid();
    const t = template(w, { 'k8s-app': name, 'controller-revision-hash': r.suffix(10), 'pod-template-generation': '1' }, ownerStub('apps/v1', 'DaemonSet', name, uid), 1, { priorityClassName: 'system-node-critical', daemon: true, nodeSelector: { 'kubernetes.io/os': 'linux' } });
    const obj = daemonSetObject({ name, namespace: ns, uid, created: born, selector: { 'k8s-app': name }, template: t });
    const owner = addOwner(w, { kind: 'DaemonSet', obj, template: t, pods: new Set(), podPrefix: `${name}-` });
    for (const n of nodes) if (n.os === 'linux') w.createPod(owner, `${name}-${r.suffix(5)}`, n, new Date(n.bootTime.getTime() + 30_000), true);
    w.refreshStatus(owner, true);
  }

  // A cronjob with its last three jobs (one completed pod each); they fill slots like any pod.
  // Windows nodes run Windows pods only (IIS, two per node); the Linux daemonsets leave them out.
  const windowsPods = windows * Math.min(2, plan.podsPerNode);
  if (windowsPods > 0) addDeployment(w, 'web', 'iis', windowsPods, born, false, false, undefined, 'windows');
  let remaining = totalPods - daemons.length * (plan.nodes - windows) - controlPlane.length - windowsPods;
  if (remaining >= 8) {
    const cjTemplate = template(w, { app: 'nightly-report' }, undefined, 1, { restartPolicy: 'OnFailure' });
    const cj = cronJobObject({ name: 'nightly-report', namespace: 'batch', uid: r.uuid(), created: born, template: cjTemplate, schedule: '0 2 * * *', lastRun: new Date(now - (now % day) + 2 * 3_600_000 - day) });
    w.store.put(RES.cronjobs, cj, true);
    for (let k = 3; k >= 1 && remaining > 4; k--) {
      const runAt = new Date(now - (now % day) + 2 * 3_600_000 - k * day);
      const jobName = `nightly-report-${Math.floor(runAt.getTime() / 60_000)}`;
      const job = jobObject({ name: jobName, namespace: 'batch', uid: r.uuid(), created: runAt, template: cjTemplate, replicas: 1, selector: { 'batch.kubernetes.io/controller-uid': '' }, cronJob: cj, completedAt: new Date(runAt.getTime() + 90_000) });
      const labels = { 'batch.kubernetes.io/controller-uid': job.metadata.uid, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': job.metadata.uid, 'job-name': jobName };
      (job.spec as WorkloadSpecFields).selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid } };
      const t: PodTemplate = { ...cjTemplate, labels, ownerReferences: [ownerRef('batch/v1', 'Job', jobName, job.metadata.uid)] };
      const owner = addOwner(w, { kind: 'Job', obj: job, template: t, pods: new Set(), podPrefix: `${jobName}-` });
      w.createPod(owner, `${jobName}-${r.suffix(5)}`, undefined, runAt, true);
      remaining--;
    }
  }

  // Deployments and statefulsets fill the rest; replicas grow with the cluster so object counts stay bounded.
  const typical = Math.max(3, Math.ceil(remaining / 1500));
  const systemFirst: Array<[string, string, number]> = [['kube-system', 'coredns', 2], ['kube-system', 'metrics-server', 1], ['monitoring', 'kube-state-metrics', 1]];
  let k = 0;
  while (remaining > 0) {
    const sys = systemFirst[k];
    const ns = sys ? sys[0] : appNamespaces[k % appNamespaces.length];
    const base = sys ? sys[1] : `${APP_NAMES[k % APP_NAMES.length]}${k >= APP_NAMES.length ? `-${Math.floor(k / APP_NAMES.length)}` : ''}`;
    const stateful = !sys && k % 7 === 3;
    const replicas = Math.min(remaining, sys ? sys[2] : stateful ? 3 : r.int(Math.max(1, typical - 2), typical + 3));
    const created = new Date(born.getTime() + r.int(day, 25 * day));
    if (stateful) addStatefulSet(w, ns, `${base}-db`, replicas, created);
    else addDeployment(w, ns, base, replicas, created, !sys && k % 4 === 0, !sys && k % 5 === 1, sys ? 'system-cluster-critical' : undefined);
    remaining -= replicas;
    k++;
  }
  for (const ns of appNamespaces) {
    const used = [...w.owners.values()].filter((o) => o.obj.metadata.namespace === ns).reduce((s, o) => s + o.pods.size, 0);
    w.store.put(RES.resourcequotas, resourceQuotaObject({ namespace: ns, uid: r.uuid(), created: born, podsHard: Math.max(100, used * 2), podsUsed: used }), true);
  }
}

interface ControlPlaneComponent { name: string; image: string; cpuMilli: number; memoryMi: number | null; flags: string[]; hostPaths: Array<{ name: string; path: string }> }

const CERTS = { name: 'k8s-certs', path: '/etc/kubernetes/pki' };
const CONTROL_PLANE: ControlPlaneComponent[] = [
  { name: 'etcd', image: 'registry.k8s.io/etcd:3.6.6-0', cpuMilli: 100, memoryMi: 100, flags: ['--data-dir=/var/lib/etcd', '--listen-metrics-urls=http://127.0.0.1:2381'], hostPaths: [{ name: 'etcd-data', path: '/var/lib/etcd' }, { name: 'etcd-certs', path: '/etc/kubernetes/pki/etcd' }] },
  { name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.35.0', cpuMilli: 250, memoryMi: null, flags: ['--secure-port=6443', '--authorization-mode=Node,RBAC', '--etcd-servers=https://127.0.0.1:2379'], hostPaths: [CERTS] },
  { name: 'kube-controller-manager', image: 'registry.k8s.io/kube-controller-manager:v1.35.0', cpuMilli: 200, memoryMi: null, flags: ['--leader-elect=true', '--use-service-account-credentials=true'], hostPaths: [CERTS, { name: 'kubeconfig', path: '/etc/kubernetes/controller-manager.conf' }] },
  { name: 'kube-scheduler', image: 'registry.k8s.io/kube-scheduler:v1.35.0', cpuMilli: 100, memoryMi: null, flags: ['--leader-elect=true'], hostPaths: [{ name: 'kubeconfig', path: '/etc/kubernetes/scheduler.conf' }] },
];

/** One control-plane static pod (kube-system/<component>-<node>), its mirror pod in the API. */
function addControlPlanePod(w: World, node: NodeState, c: ControlPlaneComponent): void {
  const r = w.rng;
  const t: PodTemplate = {
    labels: { component: c.name, tier: 'control-plane' },
    containers: [{
      name: c.name, image: c.image, imageId: `sha256:${r.hex(64)}`, command: [c.name, ...c.flags],
      cpuRequestMilli: c.cpuMilli, cpuLimitMilli: null, memoryRequestBytes: c.memoryMi === null ? null : c.memoryMi * MiB, memoryLimitBytes: null,
      profile: 'steady',
    }],
    serviceAccountName: '', restartPolicy: 'Always', pvcNames: [], priorityClassName: 'system-node-critical', minor: w.options.minor,
    staticPod: { hostPaths: c.hostPaths },
  };
  w.createStaticPod(t, `${c.name}-${node.name}`, node, r.hex(32), new Date(node.bootTime.getTime() + 10_000), true);
}

function addService(w: World, ns: string, name: string, selector: Record<string, string>, owner: Owner, created: Date, port: number): SimObject {
  const r = w.rng;
  const svc = serviceObject({ name, namespace: ns, uid: r.uuid(), created, selector, clusterIp: `10.96.${r.int(0, 256)}.${r.int(1, 255)}`, port });
  w.store.put(RES.services, svc, true);
  const endpoints = [...owner.pods].map((p) => ({ ip: p.podIp, nodeName: p.nodeName, podName: p.metadata.name, podUid: p.metadata.uid, zone: w.nodes.get(p.nodeName)?.zone ?? '' }));
  owner.endpointSlice = endpointSliceObject({ service: svc, uid: r.uuid(), created, port, endpoints });
  w.store.put(RES.endpointslices, owner.endpointSlice, true);
  return svc;
}

function addDeployment(w: World, ns: string, name: string, replicas: number, created: Date, withHpa: boolean, withIngress: boolean, priorityClassName?: string, os?: 'windows'): void {
  const r = w.rng;
  const hash = r.suffix(10);
  const selector = { app: name };
  const depUid = r.uuid();
  const rsName = `${name}-${hash}`;
  const rsUid = r.uuid();
  const t = os === 'windows'
    ? windowsTemplate(w, { app: name, 'pod-template-hash': hash }, ownerStub('apps/v1', 'ReplicaSet', rsName, rsUid))
    : template(w, { app: name, 'pod-template-hash': hash }, ownerStub('apps/v1', 'ReplicaSet', rsName, rsUid), r.chance(0.3) ? 2 : 1, priorityClassName ? { priorityClassName, nodeSelector: { 'kubernetes.io/os': 'linux' } } : {});
  const dep = deploymentObject({ name, namespace: ns, uid: depUid, created, template: { ...t, labels: { app: name } }, replicas, selector });
  w.store.put(RES.deployments, dep, true);
  const rs = replicaSetObject({ name: rsName, namespace: ns, uid: rsUid, created, template: t, replicas, selector: { app: name, 'pod-template-hash': hash }, deployment: dep });
  const owner = addOwner(w, { kind: 'ReplicaSet', obj: rs, parent: dep, template: t, pods: new Set(), podPrefix: `${rsName}-` });
  for (let i = 0; i < replicas; i++) w.createPod(owner, `${rsName}-${r.suffix(5)}`, undefined, new Date(created.getTime() + r.int(0, 3 * 86_400_000)), true);
  w.refreshStatus(owner, true);
  const port = t.containers[0].ports?.[0]?.containerPort ?? 8080;
  const svc = addService(w, ns, name, selector, owner, created, port);
  if (withIngress) w.store.put(RES.ingresses, ingressObject({ service: svc, uid: r.uuid(), created, host: `${name}.${ns}.sim.example`, port }), true);
  if (withHpa) w.store.put(RES.horizontalpodautoscalers, hpaObject({ target: dep, uid: r.uuid(), created, min: replicas, max: replicas * 3, cpuPercent: r.int(20, 90) }), true);
}

function addStatefulSet(w: World, ns: string, name: string, replicas: number, created: Date): void {
  const r = w.rng;
  const selector = { app: name };
  const uid = r.uuid();
  const t = template(w, { app: name, 'controller-revision-hash': `${name}-${r.suffix(10)}` }, ownerStub('apps/v1', 'StatefulSet', name, uid), 1, { pvcNames: ['data'], subdomain: name });
  const sts = statefulSetObject({ name, namespace: ns, uid, created, template: t, replicas, selector, claim: 'data', storageClass: 'standard' });
  const owner = addOwner(w, { kind: 'StatefulSet', obj: sts, template: t, pods: new Set(), podPrefix: `${name}-` });
  for (let i = 0; i < replicas; i++) {
    const pod = w.createPod(owner, `${name}-${i}`, undefined, new Date(created.getTime() + i * 60_000), true);
    if (!pod) break;
    const [pvc, pv] = pvcAndPv({ claimName: `data-${name}-${i}`, namespace: ns, pvcUid: r.uuid(), pvUid: '', created, storageClass: 'standard', nodeName: pod.nodeName, sizeGi: 10 });
    pv.metadata.uid = r.uuid();
    w.store.put(RES.persistentvolumeclaims, pvc, true);
    w.store.put(RES.persistentvolumes, pv, true);
  }
  w.refreshStatus(owner, true);
  addService(w, ns, name, selector, owner, created, t.containers[0].ports?.[0]?.containerPort ?? 8080);
}

// The simulated cluster's state and its controllers: nodes, pods (compact records) and their owners, the
// replica/daemon controllers that keep owners at their desired size, the scheduler that places new pods,
// and the event recorder. The seed builder (seed.ts) fills it; the apiserver reads and writes it through
// the store; kubelets read per-node views.
import { SimStore, type SimObject } from './store.js';
import { createRng, type Rng } from './rand.js';
import { RESOURCES, groupVersion, resourceByKind } from './resources.js';
import { PodRecord, type PodTemplate, type ContainerState } from './pod.js';
import { eventObject, iso, nodeReadyConditions } from './objects.js';
import { failedSchedulingMessage } from './unschedulable.js';
import { allocatableOf, fits, podRequests, roomOf, type PodRequest } from './fit.js';
import type { SimNodeView, SimPodView } from '../kubelet/view.js';
import type { NodeSpecFields, NodeStatusFields, WorkloadSpecFields } from './fields.js';

export const RES = Object.fromEntries(RESOURCES.map((r) => [r.plural, `${groupVersion(r)}/${r.plural}`])) as Record<string, string>;

export interface WorldOptions {
  name: string;
  seed: number;
  /** Kubernetes minor version (24 … 35) and the full git version. */
  minor: number;
  gitVersion: string;
  historyCapacity: number;
  eventCapacity: number;
  now: () => number;
}

export interface NodeState {
  name: string;
  index: number;
  address: string;
  kubeletPort: number;
  cpuCores: number;
  memoryBytes: number;
  bootTime: Date;
  ready: boolean;
  maxPods: number;
  zone: string;
  pods: Set<PodRecord>;
  seed: number;
  /** Joined after the start (the dynamics may remove it again). */
  joined: boolean;
  /** Sum of the requests of the pods bound here (the scheduler keeps it within allocatable). */
  requestedCpuMilli: number;
  requestedMemoryBytes: number;
  os: 'linux' | 'windows';
}


export type OwnerKind = 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';

export interface Owner {
  kind: OwnerKind;
  obj: SimObject;
  /** The deployment above a replicaset. */
  parent?: SimObject;
  template: PodTemplate;
  pods: Set<PodRecord>;
  /** Pod name prefix: '<rs>-' for replicasets, '<sts>-' for statefulsets (ordinals). */
  podPrefix: string;
  /** The EndpointSlice of the service selecting these pods, kept in step by the endpointslice controller. */
  endpointSlice?: SimObject;
}

export class World {
  readonly store: SimStore;
  readonly rng: Rng;
  readonly nodes = new Map<string, NodeState>();
  readonly podsByUid = new Map<string, PodRecord>();
  /** Static pods by the UID their kubelet reports (the config hash), which outlives their mirror pods. */
  readonly staticPods = new Map<string, PodRecord>();
  readonly owners = new Map<string, Owner>();
  private reconcileQueue = new Set<Owner>();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private eventKeys: Array<[string, string]> = [];
  private nextPodIp = new Map<string, number>();
  /** Delay before the controllers react, as real controllers do (informer + work queue latency). */
  controllerDelayMs = 300;
  /** True while seed.ts builds the initial world (placement round-robin, no events). */
  seeding = false;
  private nodeList: NodeState[] | undefined;
  /** Pods no node had room for (PodScheduled=False), oldest first; retried when room may have freed. */
  readonly unscheduled = new Set<PodRecord>();
  private scheduleTimer: NodeJS.Timeout | undefined;
  onNodeAdded?: (n: NodeState) => void;
  onNodeRemoved?: (n: NodeState) => void;

  constructor(readonly options: WorldOptions) {
    this.rng = createRng(options.seed);
    const fields = new Map<string, string[]>(RESOURCES.map((r) => [`${groupVersion(r)}/${r.plural}`, ['metadata.name', 'metadata.namespace', ...(r.fields ?? [])]]));
    this.store = new SimStore({ historyCapacity: options.historyCapacity, fieldsOf: (res) => fields.get(res) ?? [] });
  }

  now(): Date {
    return new Date(this.options.now());
  }

  resourceOf(obj: SimObject): string {
    const r = resourceByKind(obj.kind);
    return `${groupVersion(r)}/${r.plural}`;
  }

  nodeObject(name: string): SimObject | undefined {
    return this.store.get(RES.nodes, undefined, name);
  }

  private schedulable(n: NodeState): boolean {
    const obj = this.nodeObject(n.name);
    return n.ready && !(obj?.spec as NodeSpecFields | undefined)?.unschedulable;
  }

  /** Binds a pod to its node: the node's pod set and requested resources. */
  private bind(n: NodeState, pod: PodRecord): void {
    n.pods.add(pod);
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return; // finished pods hold no resources
    const req = podRequests(pod.template);
    n.requestedCpuMilli += req.cpuMilli;
    n.requestedMemoryBytes += req.memoryBytes;
  }

  private unbind(pod: PodRecord): void {
    const n = this.nodes.get(pod.nodeName);
    if (!n?.pods.delete(pod) || pod.phase === 'Succeeded' || pod.phase === 'Failed') return;
    const req = podRequests(pod.template);
    n.requestedCpuMilli -= req.cpuMilli;
    n.requestedMemoryBytes -= req.memoryBytes;
  }

  private fillCursor = 0;

  /**
   * Where a new pod goes: a node whose allocatable CPU and memory hold its requests on top of those of
   * the pods already there (the scheduler's NodeResourcesFit), and with a pod slot free. While the world is
   * being seeded: the next such node, round-robin; afterwards: the least-loaded ready, schedulable one.
   * Undefined when no node has room (a real cluster leaves the pod Pending).
   */
  pickNode(req: { cpuMilli: number; memoryBytes: number; os?: string } = { cpuMilli: 0, memoryBytes: 0 }): NodeState | undefined {
    if (this.seeding) {
      const nodes = this.nodeList ??= [...this.nodes.values()];
      for (let tries = 0; tries < nodes.length; tries++) {
        const n = nodes[this.fillCursor++ % nodes.length];
        if (fits(n, req)) return n;
      }
      return undefined;
    }
    let best: NodeState | undefined;
    for (const n of this.nodes.values()) {
      if (!this.schedulable(n) || !fits(n, req)) continue;
      if (!best || n.requestedCpuMilli / allocatableOf(n).cpuMilli < best.requestedCpuMilli / allocatableOf(best).cpuMilli) best = n;
    }
    return best;
  }

  podIpFor(n: NodeState): string {
    const next = (this.nextPodIp.get(n.name) ?? 1) + 1;
    this.nextPodIp.set(n.name, next > 254 ? 2 : next);
    return `10.${64 + (n.index >> 8)}.${n.index & 255}.${next > 254 ? 2 : next}`;
  }

  private requestOf(t: PodTemplate): PodRequest {
    return { ...podRequests(t), os: t.nodeSelector?.['kubernetes.io/os'] };
  }

  /** The scheduler's words for a pod that fits nowhere. */
  private whyUnschedulable(req: PodRequest): string {
    return failedSchedulingMessage([...this.nodes.values()].map((n) => roomOf(n, req, Boolean((this.nodeObject(n.name)?.spec as NodeSpecFields | undefined)?.unschedulable))));
  }

  /**
   * Creates a pod for `owner` on `node` (or the scheduler's pick). quiet = initial world, no events. With
   * no room anywhere the pod stays Pending, unscheduled, as on a real cluster (while seeding, it is not
   * created: the seed sizes the workloads to fit).
   */
  createPod(owner: Owner, name: string, node: NodeState | undefined, created: Date, quiet = false): PodRecord | undefined {
    const req = this.requestOf(owner.template);
    const target = node ?? this.pickNode(req);
    if (!target && this.seeding) return undefined;
    const rng = this.rng;
    const ns = owner.obj.metadata.namespace!;
    // Generated names collide now and then (5,000 daemonset pods drawing 5 characters: about one pair per
    // daemonset); a real apiserver answers 409 AlreadyExists and the controller retries with a new suffix.
    if (owner.kind !== 'StatefulSet') {
      for (let tries = 0; this.store.get(RES.pods, ns, name) && tries < 100; tries++) name = `${owner.podPrefix}${rng.suffix(5)}`;
    }
    const uid = rng.uuid();
    const metadata: SimObject['metadata'] = { name, namespace: ns, uid, resourceVersion: '0', creationTimestamp: iso(created), labels: owner.template.labels, ownerReferences: owner.template.ownerReferences };
    if (owner.kind !== 'StatefulSet') metadata.generateName = owner.podPrefix;
    if (owner.kind === 'StatefulSet') metadata.labels = { ...owner.template.labels, 'apps.kubernetes.io/pod-index': name.slice(owner.podPrefix.length), 'statefulset.kubernetes.io/pod-name': name };
    const started = new Date(created.getTime() + 4000 + rng.int(0, 6000));
    const containers: ContainerState[] = owner.template.containers.map(() => ({ id: rng.hex(64), restartCount: 0, startedAt: started }));
    const pod = new PodRecord(metadata, owner.template, target?.name ?? '', target?.address ?? '', target ? this.podIpFor(target) : '', created, containers, rng.seed(), `kube-api-access-${rng.suffix(5)}`);
    if (!target) {
      pod.phase = 'Pending';
      pod.unschedulable = { message: this.whyUnschedulable(req), since: iso(created) };
      this.unscheduled.add(pod);
    } else if (owner.kind === 'Job') {
      pod.phase = 'Succeeded';
      for (const c of containers) c.terminated = { reason: 'Completed', exitCode: 0, finishedAt: new Date(started.getTime() + 20000 + rng.int(0, 60000)) };
    }
    if (target) this.bind(target, pod);
    owner.pods.add(pod);
    // A plain field, not a WeakMap: 150,000 weak entries made every garbage collection slow.
    pod.owner = owner;
    this.podsByUid.set(uid, pod);
    this.store.put(RES.pods, pod, quiet);
    if (!quiet) {
      this.syncEndpoints(owner);
      this.recordEvent(owner.obj, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, owner.kind === 'StatefulSet' ? 'statefulset-controller' : owner.kind === 'DaemonSet' ? 'daemonset-controller' : 'replicaset-controller');
      if (target) this.recordEvent(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${target.name}`, 'default-scheduler');
      else this.recordEvent(pod, 'Warning', 'FailedScheduling', pod.unschedulable!.message, 'default-scheduler');
    }
    return pod;
  }

  /** Retries the unscheduled pods a moment after room may have freed (a pod gone, a node ready or uncordoned). */
  requeueUnscheduled(): void {
    if (this.unscheduled.size === 0 || this.scheduleTimer) return;
    this.scheduleTimer = setTimeout(() => {
      this.scheduleTimer = undefined;
      this.scheduleUnscheduled();
    }, this.controllerDelayMs);
    this.scheduleTimer.unref?.();
  }

  private scheduleUnscheduled(): void {
    for (const pod of [...this.unscheduled]) {
      if (pod.deletionTimestamp) continue; // being deleted: the scheduler leaves it be
      const n = this.pickNode(this.requestOf(pod.template));
      if (!n) continue;
      this.unscheduled.delete(pod);
      const now = this.now();
      pod.unschedulable = undefined;
      pod.nodeName = n.name;
      pod.hostIp = n.address;
      pod.podIp = this.podIpFor(n);
      pod.startTime = now;
      for (const c of pod.containers) c.startedAt = new Date(now.getTime() + 2000);
      pod.phase = 'Running';
      this.bind(n, pod);
      this.store.touch(RES.pods, pod);
      this.recordEvent(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${n.name}`, 'default-scheduler');
      const owner = pod.owner as Owner | undefined;
      if (owner) {
        this.syncEndpoints(owner);
        this.refreshStatus(owner);
      }
    }
  }

  /**
   * A static pod on `node`: the kubelet runs it from a manifest (UID = config hash) and the API server
   * holds its mirror pod (own UID, owned by the Node, `kubernetes.io/config.mirror` = the hash).
   */
  createStaticPod(template: PodTemplate, name: string, node: NodeState, configHash: string, created: Date, quiet = false): PodRecord {
    const rng = this.rng;
    const nodeUid = this.nodeObject(node.name)?.metadata.uid ?? '';
    const metadata: SimObject['metadata'] = {
      name, namespace: 'kube-system', uid: rng.uuid(), resourceVersion: '0', creationTimestamp: iso(created), labels: template.labels,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: nodeUid, controller: true }],
    };
    const started = new Date(created.getTime() - 3000);
    const containers: ContainerState[] = template.containers.map(() => ({ id: rng.hex(64), restartCount: 0, startedAt: started }));
    const pod = new PodRecord(metadata, template, node.name, node.address, node.address, created, containers, rng.seed(), '');
    pod.kubeletUid = configHash;
    this.bind(node, pod);
    this.podsByUid.set(metadata.uid, pod);
    this.staticPods.set(configHash, pod);
    this.store.put(RES.pods, pod, quiet);
    return pod;
  }

  /** Removes a pod (API delete, node loss, scale down); its owner's controller reacts. */
  removePod(pod: PodRecord, reason = 'Killing'): void {
    if (!this.podsByUid.has(pod.metadata.uid)) return;
    this.podsByUid.delete(pod.metadata.uid);
    const wasScheduled = !this.unscheduled.delete(pod);
    this.unbind(pod);
    const owner = pod.owner as Owner | undefined;
    owner?.pods.delete(pod);
    this.store.remove(RES.pods, pod.metadata.namespace, pod.metadata.name);
    if (pod.kubeletUid) this.mirrorDeleted(pod);
    if (owner) this.syncEndpoints(owner);
    if (wasScheduled) this.requeueUnscheduled();
    if (reason && wasScheduled) this.recordEvent(pod, 'Normal', reason, `Stopping container ${pod.template.containers[0]?.name ?? ''}`, 'kubelet', pod.nodeName);
    if (owner) this.enqueueReconcile(owner);
  }

  /**
   * A mirror pod deleted through the API: its static pod runs on, and the kubelet creates a new mirror
   * (new UID, same config hash) a moment later, as a real kubelet does. Gone with its node, it stays gone.
   */
  private mirrorDeleted(pod: PodRecord): void {
    const hash = pod.kubeletUid!;
    if (this.staticPods.get(hash) === pod) this.staticPods.delete(hash);
    if (!this.nodes.has(pod.nodeName)) return;
    const t = setTimeout(() => {
      const n = this.nodes.get(pod.nodeName);
      if (n && !this.staticPods.has(hash)) this.createStaticPod(pod.template, pod.metadata.name, n, hash, this.now());
    }, this.controllerDelayMs);
    t.unref?.();
  }

  /** Rewrites the owner's EndpointSlice from its current pods (ready = running). */
  syncEndpoints(owner: Owner): void {
    const slice = owner.endpointSlice;
    if (!slice || !this.store.get(RES.endpointslices, slice.metadata.namespace, slice.metadata.name)) return;
    const ns = owner.obj.metadata.namespace;
    // Unscheduled pods have no address: not endpoints yet.
    slice.endpoints = [...owner.pods].filter((p) => p.podIp).map((p) => ({
      addresses: [p.podIp], conditions: { ready: p.phase === 'Running', serving: p.phase === 'Running', terminating: !!p.deletionTimestamp },
      targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid }, nodeName: p.nodeName, zone: this.nodes.get(p.nodeName)?.zone ?? '',
    }));
    this.store.touch(RES.endpointslices, slice);
  }

  enqueueReconcile(owner: Owner): void {
    this.reconcileQueue.add(owner);
    if (!this.reconcileTimer) {
      this.reconcileTimer = setTimeout(() => this.runReconciles(), this.controllerDelayMs);
      this.reconcileTimer.unref?.();
    }
  }

  private runReconciles(): void {
    this.reconcileTimer = undefined;
    const owners = [...this.reconcileQueue];
    this.reconcileQueue.clear();
    for (const o of owners) if (this.owners.has(o.obj.metadata.uid)) this.reconcile(o);
  }

  desiredReplicas(owner: Owner): number {
    if (owner.kind === 'DaemonSet') return [...this.nodes.values()].filter((n) => n.ready && daemonRunsOn(owner, n)).length;
    if (owner.kind === 'Job') return owner.pods.size;
    return Number((owner.obj.spec as WorkloadSpecFields | undefined)?.replicas ?? 0);
  }

  /** Brings an owner to its desired pod count, then refreshes its (and its deployment's) status. */
  reconcile(owner: Owner, quiet = false): void {
    const now = this.now();
    if (owner.kind === 'DaemonSet') {
      const covered = new Set([...owner.pods].map((p) => p.nodeName));
      for (const n of this.nodes.values()) {
        if (!covered.has(n.name) && n.ready && daemonRunsOn(owner, n)) this.createPod(owner, `${owner.podPrefix}${this.rng.suffix(5)}`, n, now, quiet);
      }
    } else if (owner.kind !== 'Job') {
      const desired = this.desiredReplicas(owner);
      let guard = 10_000;
      while (owner.pods.size < desired && guard-- > 0) {
        const name = owner.kind === 'StatefulSet' ? this.nextOrdinalName(owner) : `${owner.podPrefix}${this.rng.suffix(5)}`;
        if (!this.createPod(owner, name, undefined, now, quiet)) break;
      }
      if (owner.pods.size > desired) {
        const victims = [...owner.pods].sort((a, b) => (owner.kind === 'StatefulSet' ? ordinal(b.metadata.name) - ordinal(a.metadata.name) : b.startTime.getTime() - a.startTime.getTime()));
        for (const p of victims.slice(0, owner.pods.size - desired)) {
          this.removePod(p, '');
          if (!quiet) this.recordEvent(owner.obj, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, owner.kind === 'StatefulSet' ? 'statefulset-controller' : 'replicaset-controller');
        }
        this.reconcileQueue.delete(owner);
      }
    }
    this.refreshStatus(owner, quiet);
  }

  private nextOrdinalName(owner: Owner): string {
    const taken = new Set([...owner.pods].map((p) => ordinal(p.metadata.name)));
    let i = 0;
    while (taken.has(i)) i++;
    return `${owner.podPrefix}${i}`;
  }

  /** Writes status blocks as the controllers would (ready = running pods). */
  refreshStatus(owner: Owner, quiet = false): void {
    const total = owner.pods.size;
    const ready = [...owner.pods].filter((p) => p.phase === 'Running').length;
    const o = owner.obj;
    const gen = o.metadata.generation ?? 1;
    if (owner.kind === 'ReplicaSet') {
      o.status = { replicas: total, fullyLabeledReplicas: total, readyReplicas: ready, availableReplicas: ready, observedGeneration: gen };
    } else if (owner.kind === 'StatefulSet') {
      o.status = { observedGeneration: gen, replicas: total, readyReplicas: ready, currentReplicas: total, updatedReplicas: total, currentRevision: `${o.metadata.name}-${owner.podPrefix.length}`, updateRevision: `${o.metadata.name}-${owner.podPrefix.length}`, collisionCount: 0, availableReplicas: ready };
    } else if (owner.kind === 'DaemonSet') {
      const want = this.desiredReplicas(owner);
      o.status = { currentNumberScheduled: total, numberMisscheduled: 0, desiredNumberScheduled: want, numberReady: ready, observedGeneration: gen, updatedNumberScheduled: total, numberAvailable: ready, ...(ready < want ? { numberUnavailable: want - ready } : {}) };
    }
    if (owner.kind !== 'Job' && !quiet) this.store.touch(this.resourceOf(owner.obj), owner.obj);
    if (owner.parent) {
      const d = owner.parent;
      const replicas = (d.spec as { replicas: number }).replicas;
      const now = iso(this.now());
      const created = d.metadata.creationTimestamp;
      d.status = {
        observedGeneration: d.metadata.generation ?? 1, replicas: total, updatedReplicas: total, readyReplicas: ready, availableReplicas: ready,
        ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
        conditions: [
          { type: 'Available', status: ready >= replicas ? 'True' : 'False', lastUpdateTime: quiet ? created : now, lastTransitionTime: created, reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' },
          { type: 'Progressing', status: 'True', lastUpdateTime: created, lastTransitionTime: created, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${owner.obj.metadata.name}" has successfully progressed.` },
        ],
      };
      if (!quiet) this.store.touch(RES.deployments, owner.parent);
    }
  }

  /** Sets a deployment's / statefulset's / replicaset's desired replicas (scale subresource, patch). */
  scaleTo(obj: SimObject, replicas: number): void {
    const spec = obj.spec as WorkloadSpecFields;
    const before = Number(spec.replicas ?? 0);
    spec.replicas = replicas;
    obj.metadata.generation = Number(obj.metadata.generation ?? 1) + 1;
    this.store.touch(this.resourceOf(obj), obj);
    let owner: Owner | undefined;
    if (obj.kind === 'Deployment') {
      owner = [...this.owners.values()].find((o) => o.parent === obj);
      if (owner) {
        (owner.obj.spec as WorkloadSpecFields).replicas = replicas;
        this.recordEvent(obj, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas >= before ? 'up' : 'down'} replica set ${owner.obj.metadata.name} from ${before} to ${replicas}`, 'deployment-controller');
      }
    } else {
      owner = this.owners.get(obj.metadata.uid);
    }
    if (owner) this.enqueueReconcile(owner);
  }

  /** A container restarted (kubelet callback): new container id and start, restartCount + 1, lastState. */
  containerRestarted(podUid: string, container: string, reason: 'OOMKilled' | 'Error', at: Date): void {
    const pod = this.staticPods.get(podUid) ?? this.podsByUid.get(podUid);
    if (!pod) return;
    const i = pod.template.containers.findIndex((c) => c.name === container);
    const s = pod.containers[i];
    if (!s) return;
    s.lastTerminated = { reason, exitCode: reason === 'OOMKilled' ? 137 : 1, startedAt: s.startedAt, finishedAt: at };
    s.restartCount++;
    s.startedAt = new Date(at.getTime() + 1000);
    s.id = this.rng.hex(64);
    this.store.touch(RES.pods, pod);
    this.recordEvent(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${podUid})`, 'kubelet', pod.nodeName);
  }

  setNodeReady(n: NodeState, ready: boolean): void {
    if (n.ready === ready) return;
    n.ready = ready;
    const obj = this.nodeObject(n.name);
    if (!obj) return;
    const now = this.now();
    (obj.status as NodeStatusFields).conditions = nodeReadyConditions(ready, now, now);
    const spec = obj.spec as NodeSpecFields;
    const taints = (spec.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/unreachable');
    if (!ready) taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: iso(now) });
    if (taints.length) spec.taints = taints; else delete spec.taints;
    this.store.touch(RES.nodes, obj);
    if (ready) this.requeueUnscheduled();
    this.recordEvent(obj, 'Normal', ready ? 'NodeReady' : 'NodeNotReady', `Node ${n.name} status is now: ${ready ? 'NodeReady' : 'NodeNotReady'}`, ready ? 'kubelet' : 'node-controller', n.name);
  }

  /** Cordon state changed by a patch: keep the unschedulable taint in step, as the node controller does. */
  syncUnschedulableTaint(obj: SimObject): void {
    const spec = obj.spec as NodeSpecFields;
    const taints = (spec.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/unschedulable');
    if (spec.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: iso(this.now()) });
    if (taints.length) spec.taints = taints; else delete spec.taints;
    if (!spec.unschedulable) this.requeueUnscheduled();
  }

  /** Removes a node and its pods (pod GC); owners reschedule elsewhere. */
  removeNode(name: string): boolean {
    const n = this.nodes.get(name);
    if (!n) return false;
    for (const p of [...n.pods]) this.removePod(p, '');
    this.nodes.delete(name);
    this.store.remove(RES.nodes, undefined, name);
    this.onNodeRemoved?.(n);
    for (const o of this.owners.values()) if (o.kind === 'DaemonSet') this.enqueueReconcile(o);
    return true;
  }

  recordEvent(involved: SimObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void {
    const m = involved.metadata;
    const namespace = m.namespace ?? 'default';
    const at = this.now();
    const name = `${m.name}.${this.rng.hex(16)}`;
    const r = resourceByKind(involved.kind);
    const ev = eventObject({ namespace, name, uid: this.rng.uuid(), at, type, reason, message, component, host, involved: { kind: involved.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: groupVersion(r), resourceVersion: m.resourceVersion } });
    this.store.put(RES.events, ev);
    this.eventKeys.push([namespace, name]);
    while (this.eventKeys.length > this.options.eventCapacity) {
      const [ns, n] = this.eventKeys.shift()!;
      this.store.remove(RES.events, ns, n);
    }
  }

  nodeView(name: string): SimNodeView | undefined {
    const n = this.nodes.get(name);
    if (!n) return undefined;
    const pods: SimPodView[] = [];
    for (const p of n.pods) {
      pods.push({
        uid: p.kubeletUid ?? p.metadata.uid, name: p.metadata.name, namespace: p.metadata.namespace!, startTime: p.startTime, qosClass: p.qosClass, phase: p.phase, seed: p.seed,
        containers: p.template.containers.map((c, i) => ({
          name: c.name, containerId: `containerd://${p.containers[i].id}`, image: c.image, imageId: c.imageId,
          cpuRequestMilli: c.cpuRequestMilli ?? c.cpuLimitMilli, cpuLimitMilli: c.cpuLimitMilli, memoryRequestBytes: c.memoryRequestBytes ?? c.memoryLimitBytes, memoryLimitBytes: c.memoryLimitBytes,
          restartCount: p.containers[i].restartCount, startTime: p.containers[i].startedAt, profile: c.profile,
        })),
        volumes: p.template.staticPod
          ? p.template.staticPod.hostPaths.map((v) => ({ name: v.name, kind: 'hostPath' as const }))
          : [
              ...p.template.pvcNames.map((v) => ({ name: v, pvcName: `${v}-${p.metadata.name}`, kind: 'pvc' as const })),
              ...(p.template.configMap ? [{ name: 'config', kind: 'configMap' as const }, { name: 'tmp', kind: 'emptyDir' as const }] : []),
              { name: p.tokenVolumeName, kind: 'projected' as const },
            ],
      });
    }
    return { name: n.name, address: n.address, kubeletPort: n.kubeletPort, cpuCores: n.cpuCores, memoryBytes: n.memoryBytes, startTime: n.bootTime, kubernetesVersion: this.options.gitVersion, ready: n.ready, pods, seed: n.seed, os: n.os };
  }

  stop(): void {
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
    this.reconcileTimer = undefined;
    if (this.scheduleTimer) clearTimeout(this.scheduleTimer);
    this.scheduleTimer = undefined;
  }
}

/** A daemonset's pods run on the nodes its nodeSelector's OS names (every node without one). */
function daemonRunsOn(owner: Owner, n: NodeState): boolean {
  const os = owner.template.nodeSelector?.['kubernetes.io/os'];
  return !os || os === n.os;
}

function ordinal(name: string): number {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : -1;
}

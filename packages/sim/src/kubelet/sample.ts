// One housekeeping tick of a node: every number the kubelet endpoints render, computed once per tick and
// shared by /stats/summary, /metrics/cadvisor and /metrics/resource so that they agree with each other.
import type { SimNodeView, SimPodView, SimVolumeView } from './view.js';
import { MiB, GiB, type ContainerModel, type Counters, type MemoryGauges } from './container-model.js';
import { between, hash32, seedOf, SERIES_EPOCH_S, unit } from './series.js';
import type { KubeletFeatures } from './version.js';
import type { PodDynamics } from './tick.js';

export interface ContainerSample {
  model: ContainerModel;
  name: string;
  startMs: number;
  /** Counters since the container's current start, at this tick and at the previous one. */
  now: Counters;
  prev: Counters;
  usageNanoCores: number;
  mem: MemoryGauges;
  /** limit − workingSet, when the container has a memory limit. */
  memAvailableBytes: number | null;
  rootfsBytes: number;
  rootfsInodes: number;
  logsBytes: number;
}

export interface VolumeSample {
  name: string;
  pvcName: string | null;
  capacityBytes: number;
  usedBytes: number;
  inodes: number;
  inodesUsed: number;
  /** tmpfs-backed volumes (configMap, secret, projected) report their own small filesystem. */
  onNodeFs: boolean;
}

export interface PodSample {
  view: SimPodView;
  /** cgroup parent under /kubepods for the QoS class: '' (Guaranteed), 'burstable', 'besteffort'. */
  qosDir: '' | 'burstable' | 'besteffort';
  containers: ContainerSample[];
  /** Pod cgroup counters since pod start (containers since pod start + sandbox), now and previous tick. */
  now: Counters;
  prev: Counters;
  usageNanoCores: number;
  mem: MemoryGauges;
  memAvailableBytes: number | null;
  /** The sandbox (pause) container: its own tiny cpu counter and working set. */
  pauseCpuNs: number;
  pauseWorkingSetBytes: number;
  volumes: VolumeSample[];
  ephemeralUsedBytes: number;
  ephemeralInodesUsed: number;
  processCount: number;
  /** The pod's seeded network and sandbox parameters (reused by the next tick). */
  dynamics: PodDynamics;
}

export interface SystemSample {
  name: 'kubelet' | 'runtime' | 'pods';
  startMs: number;
  cpuNs: number;
  usageNanoCores: number;
  mem: MemoryGauges;
  pageFaults: number;
  majorPageFaults: number;
}

export interface NodeSample {
  k: number;
  tickMs: number;
  tickS: number;
  features: KubeletFeatures;
  view: SimNodeView;
  pods: PodSample[];
  /** Sum over all pod cgroups per QoS dir ('' | burstable | besteffort) and the kubepods total. */
  qos: { guaranteed: Float64Array; burstable: Float64Array; besteffort: Float64Array; kubepods: Float64Array; kubepodsPrev: Float64Array };
  kubelet: SystemSample;
  runtime: SystemSample;
  podsSystem: SystemSample;
  node: { cpuNs: number; usageNanoCores: number; mem: MemoryGauges; availableBytes: number; pageFaults: number; majorPageFaults: number; rxBytes: number; txBytes: number; rxPackets: number; txPackets: number; fsReadBytes: number; fsWriteBytes: number; psi: Float64Array };
  fs: { capacityBytes: number; usedBytes: number; inodes: number; inodesUsed: number };
  imageFs: { capacityBytes: number; usedBytes: number; inodes: number; inodesUsed: number };
  curproc: number;
  swapCapacityBytes: number;
}

/** State a kubelet keeps between ticks: QoS-group counter accumulators (survive pods coming and going). */
export interface AggregateState {
  k: number;
  /** Node boot the accumulators belong to: a reboot (new view.startTime) starts them from zero. */
  bootMs: number;
  /** [guaranteed | burstable | besteffort] × COUNTER_COUNT */
  acc: Float64Array;
}

/** Deterministic 64-hex id from a seed (container runtime ids, sandbox ids). */
export function hex64(seed: number): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += hash32(seed, i).toString(16).padStart(8, '0');
  return out;
}

export function volumeSample(pod: SimPodView, v: SimVolumeView, tS: number, nodeFsBytes: number, podMemLimit: number, nodeMem: number): VolumeSample | null {
  if (v.kind === 'hostPath') return null; // the kubelet does not measure hostPath volumes
  const s = hash32(pod.seed, seedOf(v.name));
  if (v.kind === 'configMap' || v.kind === 'secret' || v.kind === 'projected') {
    const capacityBytes = Math.floor((podMemLimit > 0 ? podMemLimit : nodeMem / 2) / 4096) * 4096;
    const used = (1 + Math.floor(unit(s, 1) * 6)) * 4096;
    const inodes = Math.floor(capacityBytes / 4096 / 8);
    return { name: v.name, pvcName: null, capacityBytes, usedBytes: used, inodes, inodesUsed: 3 + Math.floor(unit(s, 2) * 9), onNodeFs: false };
  }
  if (v.kind === 'pvc') {
    const sizes = [1, 5, 10, 20, 50, 100];
    const capacityBytes = sizes[Math.floor(unit(s, 3) * sizes.length)] * GiB;
    // Slow growth over days, capped well below full.
    const frac = Math.min(0.95, between(s, 4, 0.05, 0.6) + ((tS - SERIES_EPOCH_S) % (30 * 86_400)) / (30 * 86_400) * between(s, 5, 0, 0.3));
    const usedBytes = Math.floor((capacityBytes * frac) / 4096) * 4096;
    const inodes = Math.floor(capacityBytes / 16_384);
    return { name: v.name, pvcName: v.pvcName ?? v.name, capacityBytes, usedBytes, inodes, inodesUsed: 11 + Math.floor(usedBytes / 262_144), onNodeFs: false };
  }
  // emptyDir on the node filesystem: capacity is the node's.
  const usedBytes = Math.floor(between(s, 6, 1, 50_000) * (1 + 0.1 * Math.sin(tS / 3600 + s))) * 4096;
  return { name: v.name, pvcName: null, capacityBytes: nodeFsBytes, usedBytes, inodes: Math.floor(nodeFsBytes / 16_384), inodesUsed: 1 + Math.floor(usedBytes / 1_048_576), onNodeFs: true };
}

export interface SampleInputs {
  view: SimNodeView;
  features: KubeletFeatures;
  k: number;
  tickMs: number;
  housekeepingMs: number;
  /** Effective container start (ms) after restarts this kubelet performed itself (OOM kills). */
  containerStartMs(pod: SimPodView, containerIndex: number, model: ContainerModel): number;
  state: AggregateState | null;
  /** The sample of the kubelet's previous tick, if still cached: the next tick reuses its parameters and
   *  takes its counters as the previous values (the same numbers it would recompute). */
  previous?: NodeSample | null;
}

/** Node-level constants derived from the node seed (disk size, OS overhead, day phase). */
export function nodeConstants(view: SimNodeView) {
  const s = view.seed >>> 0;
  return {
    dayPhase: -Math.PI / 2 - (2 * Math.PI * between(s, 1, 6, 10)) / 24, // load peaks mid-afternoon
    fsCapacityBytes: Math.floor(between(s, 2, 100, 500)) * GiB,
    fsBaseUsedFraction: between(s, 3, 0.12, 0.35),
    imageBytes: Math.floor(between(s, 4, 2, 12) * GiB),
    pageCacheFraction: between(s, 5, 0.15, 0.35),
    osWorkingSetBytes: between(s, 6, 250, 600) * MiB,
    swapCapacityBytes: unit(s, 7) < 0.3 ? Math.floor(between(s, 8, 1, 4)) * GiB : 0,
    baseProcs: 150 + Math.floor(unit(s, 9) * 120),
  };
}

// One container's behaviour as pure functions of time: its seeded parameters (derived from the view on
// every tick rather than stored, so 300,000 containers cost no memory between scrapes) and its counters
// and gauges at a tick. Counters are evaluated from a given start, so the same model yields both the
// container's own counters (since its current incarnation) and its share of the pod cgroup (since pod start).
import type { SimContainerView } from './view.js';
import { between, counterAt, hash32, makeWave, seedOf, unit, W, waveAt, type RateWave } from './series.js';

/** Cumulative metrics kept per container, pod and QoS group (index into Counters and the QoS accumulators). */
export const C = {
  cpuNs: 0, pageFaults: 1, majorPageFaults: 2,
  rxBytes: 3, txBytes: 4, rxPackets: 5, txPackets: 6, rxErrors: 7, txErrors: 8, rxDropped: 9, txDropped: 10,
  fsReadBytes: 11, fsWriteBytes: 12, fsReads: 13, fsWrites: 14,
  psiCpuSomeUs: 15, psiCpuFullUs: 16, psiMemSomeUs: 17, psiMemFullUs: 18, psiIoSomeUs: 19, psiIoFullUs: 20,
  cfsPeriods: 21, cfsThrottledPeriods: 22, cfsThrottledNs: 23,
} as const;
export const COUNTER_COUNT = 24;

/** Counters of one container or pod. A plain array: V8 allocates typed arrays ~10× slower, and a tick
 *  makes two per container and per pod. */
export type Counters = number[];

export function zeroCounters(): Counters {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export interface ContainerModel {
  view: SimContainerView;
  /** Runtime id without the scheme (64 hex). */
  runtimeId: string;
  seed: number;
  cpu: RateWave;
  /** Bytes of working set at start; leaky containers grow from here. */
  memBaseBytes: number;
  /** Leak in bytes per second (0 unless profile is 'leaky'). */
  leakBytesPerS: number;
  /** Where a leaky container gets OOM-killed: its memory limit, or a cap when it has none. */
  oomAtBytes: number;
  pageFaultsPerCpuS: number;
  io: RateWave;
  readsPerWrite: number;
  /** Fraction of CFS periods that are throttled (only with a CPU limit). */
  throttleRatio: number;
  psiCpuFraction: number;
  rootfsBaseBytes: number;
  logBytesPerS: number;
  processes: number;
  threads: number;
  fds: number;
}

const SHAPES = {
  steady: { dAmp: 0.3, wAmp: 0.1, wPeriodS: [900, 2700] as [number, number], jitter: 0.5 },
  bursty: { dAmp: 0.25, wAmp: 0.6, wPeriodS: [120, 420] as [number, number], jitter: 0.85 },
  leaky: { dAmp: 0.2, wAmp: 0.1, wPeriodS: [600, 1800] as [number, number], jitter: 0.4 },
  idle: { dAmp: 0.1, wAmp: 0.05, wPeriodS: [600, 1800] as [number, number], jitter: 0.3 },
};

/** Seeded parameters of one container; dayPhase is the node's (all containers on a node share the day). */
export function containerModel(podSeed: number, c: SimContainerView, nodeMemoryBytes: number, dayPhase: number): ContainerModel {
  const seed = hash32(podSeed, seedOf(c.name));
  const shape = SHAPES[c.profile];
  const reqCores = (c.cpuRequestMilli ?? 100) / 1000;
  let baseCores = c.profile === 'idle' ? between(seed, 1, 0.0005, 0.003) : reqCores * between(seed, 1, 0.2, 0.9);
  const peak = 1 + shape.dAmp + shape.wAmp;
  // A container cannot use more than its limit on average: keep the peak at ~95% of the limit.
  if (c.cpuLimitMilli !== null && baseCores * peak > (c.cpuLimitMilli / 1000) * 0.95) baseCores = ((c.cpuLimitMilli / 1000) * 0.95) / peak;
  const memReq = c.memoryRequestBytes ?? c.memoryLimitBytes ?? 128 * MiB;
  const memBaseBytes = c.profile === 'idle' ? between(seed, 2, 2, 12) * MiB
    : c.profile === 'leaky' ? (c.memoryLimitBytes ?? memReq * 2) * between(seed, 2, 0.15, 0.3)
    : memReq * between(seed, 2, 0.3, 0.85);
  const oomAtBytes = c.memoryLimitBytes ?? Math.min(memBaseBytes * 4 + 256 * MiB, nodeMemoryBytes * 0.5);
  // A leak fills the headroom in 30 min to 2 h, so restarts show up in demos and long tests alike.
  const leakBytesPerS = c.profile === 'leaky' ? (oomAtBytes - memBaseBytes) / between(seed, 3, 1800, 7200) : 0;
  const throttleRatio = c.cpuLimitMilli === null ? 0
    : Math.max(0, Math.min(0.5, (baseCores * peak) / (c.cpuLimitMilli / 1000) - 0.5)) * (c.profile === 'bursty' ? 0.6 : 0.2);
  return {
    view: c,
    runtimeId: c.containerId.includes('://') ? c.containerId.slice(c.containerId.indexOf('://') + 3) : c.containerId,
    seed,
    cpu: makeWave(seed, 10, baseCores, shape, dayPhase),
    memBaseBytes,
    leakBytesPerS,
    oomAtBytes,
    pageFaultsPerCpuS: between(seed, 4, 500, 5000),
    io: makeWave(seed, 20, c.profile === 'idle' ? 200 : between(seed, 5, 2_000, 200_000), SHAPES.steady, dayPhase),
    readsPerWrite: between(seed, 6, 0.05, 0.6),
    throttleRatio,
    psiCpuFraction: 0.002 + throttleRatio * 0.2 + (c.profile === 'bursty' ? 0.02 : 0),
    rootfsBaseBytes: Math.floor(between(seed, 7, 8, 12_000)) * 4096,
    logBytesPerS: c.profile === 'idle' ? 0.5 : between(seed, 8, 5, 400),
    processes: 1 + Math.floor(unit(seed, 9) * 3),
    threads: 4 + Math.floor(unit(seed, 11) * 60),
    fds: 6 + Math.floor(unit(seed, 12) * 90),
  };
}

/** When the current incarnation (started at startS) reaches its OOM point; Infinity if it never does. */
export function oomTimeS(m: ContainerModel, startS: number): number {
  return m.leakBytesPerS > 0 ? startS + (m.oomAtBytes - m.memBaseBytes) / m.leakBytesPerS : Infinity;
}

/**
 * Adds this container's counters since fromS, at tick k (time tS), into out[offset..offset+COUNTER_COUNT).
 * Network counters are left alone: the pod's network namespace owns them.
 */
export function addContainerCounters(m: ContainerModel, fromS: number, tS: number, k: number, tickS: number, out: Counters, offset: number): void {
  if (tS <= fromS) return;
  const cpuS = counterAt(m.cpu, fromS, tS, k, tickS);
  const upS = tS - fromS;
  out[offset + C.cpuNs] += cpuS * 1e9;
  const pageFaults = Math.floor(cpuS * m.pageFaultsPerCpuS + upS * 0.3);
  out[offset + C.pageFaults] += pageFaults;
  out[offset + C.majorPageFaults] += Math.floor(pageFaults / 20_000);
  const writeBytes = counterAt(m.io, fromS, tS, k, tickS);
  out[offset + C.fsWriteBytes] += Math.floor(writeBytes / 512) * 512;
  out[offset + C.fsReadBytes] += Math.floor((writeBytes * m.readsPerWrite) / 512) * 512;
  out[offset + C.fsWrites] += Math.floor(writeBytes / 16_384);
  out[offset + C.fsReads] += Math.floor((writeBytes * m.readsPerWrite) / 32_768);
  const cpuUs = cpuS * 1e6;
  out[offset + C.psiCpuSomeUs] += Math.floor(cpuUs * m.psiCpuFraction);
  out[offset + C.psiCpuFullUs] += Math.floor(cpuUs * m.psiCpuFraction * 0.9);
  const memStall = m.leakBytesPerS > 0 ? 0.002 : 0.00001;
  out[offset + C.psiMemSomeUs] += Math.floor(upS * 1e6 * memStall);
  out[offset + C.psiMemFullUs] += Math.floor(upS * 1e6 * memStall * 0.5);
  out[offset + C.psiIoSomeUs] += Math.floor(writeBytes * 0.02);
  out[offset + C.psiIoFullUs] += Math.floor(writeBytes * 0.018);
  if (m.view.cpuLimitMilli !== null) {
    // CFS periods only elapse while the container has runnable tasks: ~ its busy share of 100 ms periods.
    const periods = Math.floor(upS * 10 * Math.min(1, 0.3 + m.cpu[W.base] * 2));
    const throttled = Math.floor(periods * m.throttleRatio);
    out[offset + C.cfsPeriods] += periods;
    out[offset + C.cfsThrottledPeriods] += throttled;
    out[offset + C.cfsThrottledNs] += throttled * 4_000_000;
  }
}

/** Memory gauges at tS for the incarnation started at startS. */
export interface MemoryGauges {
  workingSetBytes: number;
  usageBytes: number;
  rssBytes: number;
  cacheBytes: number;
  mappedFileBytes: number;
  kernelBytes: number;
}

export function containerMemory(m: ContainerModel, startS: number, tS: number, k: number): MemoryGauges {
  const load = waveAt(m.cpu, tS) / m.cpu[W.base]; // 1 ± amplitudes: memory breathes with load a little
  let ws = m.memBaseBytes * (0.92 + 0.08 * load) + m.leakBytesPerS * Math.max(0, tS - startS);
  ws += m.memBaseBytes * 0.02 * (unit(m.seed ^ 0x5151, k) - 0.5);
  ws = Math.min(ws, m.oomAtBytes);
  const workingSetBytes = Math.floor(ws / 4096) * 4096;
  const cacheBytes = Math.floor((m.memBaseBytes * 0.15) / 4096) * 4096;
  return {
    workingSetBytes,
    usageBytes: workingSetBytes + cacheBytes,
    rssBytes: Math.floor((workingSetBytes * 0.93) / 4096) * 4096,
    cacheBytes,
    mappedFileBytes: Math.floor((cacheBytes * 0.3) / 4096) * 4096,
    kernelBytes: Math.floor((workingSetBytes * 0.02) / 4096) * 4096,
  };
}

/** Writable layer and log sizes (gauges); logs rotate at 10 MiB as the kubelet's default containerLogMaxSize. */
export function containerFs(m: ContainerModel, startS: number, tS: number): { rootfsBytes: number; rootfsInodes: number; logsBytes: number } {
  const upS = Math.max(0, tS - startS);
  const logsBytes = 4096 + Math.floor(((m.logBytesPerS * upS) % (10 * MiB)) / 4096) * 4096;
  return { rootfsBytes: m.rootfsBaseBytes, rootfsInodes: 8 + Math.floor(m.rootfsBaseBytes / 65_536), logsBytes };
}

export { GiB, MiB };

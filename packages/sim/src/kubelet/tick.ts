// Computes a NodeSample for one housekeeping tick from the node view, the kubelet's aggregate state and
// the pure per-container models. Pods and containers are pure functions of time; the QoS-group and node
// totals are accumulated across ticks so they stay monotonic while pods come and go.
import type { SimContainerView, SimPodView } from './view.js';
import { addContainerCounters, C, containerFs, containerMemory, containerModel, COUNTER_COUNT, MiB, zeroCounters, type ContainerModel, type Counters, type MemoryGauges } from './container-model.js';
import { between, counterAt, hash32, makeWave, SERIES_EPOCH_S, unit, type RateWave } from './series.js';
import { nodeConstants, volumeSample, type AggregateState, type ContainerSample, type NodeSample, type PodSample, type SampleInputs, type SystemSample, type VolumeSample } from './sample.js';

const QOS_DIR = { Guaranteed: '', Burstable: 'burstable', BestEffort: 'besteffort' } as const;
const QOS_SLOT = { '': 0, burstable: 1, besteffort: 2 } as const;
const STEADY = { dAmp: 0.3, wAmp: 0.1, wPeriodS: [900, 2700] as [number, number], jitter: 0.5 };

function toS(ms: number): number {
  return ms / 1000 - SERIES_EPOCH_S;
}

function sumMem(into: MemoryGauges, m: MemoryGauges): void {
  into.workingSetBytes += m.workingSetBytes;
  into.usageBytes += m.usageBytes;
  into.rssBytes += m.rssBytes;
  into.cacheBytes += m.cacheBytes;
  into.mappedFileBytes += m.mappedFileBytes;
  into.kernelBytes += m.kernelBytes;
}

function zeroMem(): MemoryGauges {
  return { workingSetBytes: 0, usageBytes: 0, rssBytes: 0, cacheBytes: 0, mappedFileBytes: 0, kernelBytes: 0 };
}

/** Pod network namespace counters since pod start (the sandbox owns the netns; restarts do not reset it).
 *  Received and sent bytes are integrals of their own rate waves, so every tick adds at least the waves'
 *  minimum rate × the tick (a few hundred bytes for the quietest pod), so the rate over any two samples is positive. */
function addPodNetwork(d: PodDynamics, fromS: number, tS: number, k: number, tickS: number, out: Counters): void {
  if (tS <= fromS) return;
  const rxBytes = Math.floor(counterAt(d.rx, fromS, tS, k, tickS));
  const txBytes = Math.floor(counterAt(d.tx, fromS, tS, k, tickS));
  out[C.rxBytes] += rxBytes;
  out[C.txBytes] += txBytes;
  out[C.rxPackets] += Math.floor(rxBytes / d.rxPacketBytes);
  out[C.txPackets] += Math.floor(txBytes / d.txPacketBytes);
  out[C.rxDropped] += Math.floor(rxBytes / 4e9);
}

export interface PodDynamics {
  /** Bytes received and sent per second: the day's load plus the pod's own faster wave. */
  rx: RateWave;
  tx: RateWave;
  rxPacketBytes: number;
  txPacketBytes: number;
  pause: RateWave;
}

/** A fifth of the pods talk in bursts (batch clients, caches refilling), the others steadily. */
const NET_BURSTY = { dAmp: 0.25, wAmp: 0.5, wPeriodS: [60, 300] as [number, number], jitter: 0.8 };

function podDynamics(pod: SimPodView, dayPhase: number): PodDynamics {
  // Log-uniform from 500 B/s (a sidecar's health checks) to 2 MB/s (a busy frontend).
  const rxBytesPerS = 500 * 4000 ** unit(pod.seed, 41);
  const shape = unit(pod.seed, 45) < 0.2 ? NET_BURSTY : STEADY;
  return {
    rx: makeWave(pod.seed, 40, rxBytesPerS, shape, dayPhase),
    // Responses follow requests through the day, in a ratio of their own and with their own fast wave.
    tx: makeWave(pod.seed, 44, rxBytesPerS * between(pod.seed, 42, 0.2, 1.5), shape, dayPhase),
    rxPacketBytes: between(pod.seed, 43, 300, 1400),
    txPacketBytes: between(pod.seed, 48, 200, 1400),
    pause: makeWave(pod.seed, 50, 0.00002, { dAmp: 0, wAmp: 0.1, wPeriodS: [600, 1200], jitter: 0.2 }, 0),
  };
}

/** Pod cgroup counters since pod start at tick k (containers + sandbox + netns). */
function podCounters(models: ReturnType<typeof containerModel>[], dyn: PodDynamics, podStartS: number, tS: number, k: number, tickS: number): Counters {
  const out = zeroCounters();
  for (const m of models) addContainerCounters(m, podStartS, tS, k, tickS, out, 0);
  if (tS > podStartS) out[C.cpuNs] += counterAt(dyn.pause, podStartS, tS, k, tickS) * 1e9;
  addPodNetwork(dyn, podStartS, tS, k, tickS, out);
  return out;
}

function systemSample(name: SystemSample['name'], seed: number, startMs: number, tS: number, k: number, tickS: number, cores: number, wsBytes: number): SystemSample {
  const wave = makeWave(seed, 60, cores, STEADY, 0);
  const startS = toS(startMs);
  const cpuNs = counterAt(wave, startS, tS, k, tickS) * 1e9;
  const prevNs = counterAt(wave, startS, tS - tickS, k - 1, tickS) * 1e9;
  const ws = Math.floor((wsBytes * (0.95 + 0.1 * unit(seed, k))) / 4096) * 4096;
  const mem: MemoryGauges = { workingSetBytes: ws, usageBytes: ws + Math.floor(ws * 0.08 / 4096) * 4096, rssBytes: Math.floor(ws * 0.9 / 4096) * 4096, cacheBytes: Math.floor(ws * 0.08 / 4096) * 4096, mappedFileBytes: 0, kernelBytes: Math.floor(ws * 0.03 / 4096) * 4096 };
  const pageFaults = Math.floor((cpuNs / 1e9) * 800 + (tS - startS) * 0.5);
  return { name, startMs, cpuNs, usageNanoCores: Math.max(0, (cpuNs - prevNs) / Math.min(tickS, Math.max(1e-3, tS - startS))), mem, pageFaults, majorPageFaults: Math.floor(pageFaults / 50_000) };
}

/** The previous tick's sample when it is the tick right before this one of the same boot and node. */
function previousTick(inp: SampleInputs): NodeSample | null {
  const p = inp.previous;
  if (!p || p.k !== inp.k - 1 || p.tickMs !== inp.tickMs - inp.housekeepingMs) return null;
  const v = inp.view;
  if (p.view.startTime.getTime() !== v.startTime.getTime() || p.view.seed !== v.seed || p.view.memoryBytes !== v.memoryBytes) return null;
  return p;
}

/** Finds the previous tick's sample of a pod: usually the next one in order, else by uid. */
function lastPodFinder(last: NodeSample | null): (uid: string) => PodSample | undefined {
  if (!last) return () => undefined;
  const pods = last.pods;
  let next = 0;
  let byUid: Map<string, PodSample> | null = null;
  return (uid) => {
    if (next < pods.length && pods[next].view.uid === uid) return pods[next++];
    byUid ??= new Map(pods.map((p) => [p.view.uid, p]));
    return byUid.get(uid);
  };
}

/** Whether a model made from an earlier view of the container still holds (restarts change the id). */
function sameModelInputs(m: ContainerModel, c: SimContainerView): boolean {
  const o = m.view;
  return o === c || (o.name === c.name && o.containerId === c.containerId && o.image === c.image && o.imageId === c.imageId && o.profile === c.profile &&
    o.cpuRequestMilli === c.cpuRequestMilli && o.cpuLimitMilli === c.cpuLimitMilli && o.memoryRequestBytes === c.memoryRequestBytes && o.memoryLimitBytes === c.memoryLimitBytes);
}

function sameVolumes(a: SimPodView, b: SimPodView): boolean {
  if (a.volumes === b.volumes) return true;
  if (a.volumes.length !== b.volumes.length) return false;
  for (let i = 0; i < a.volumes.length; i++) {
    const x = a.volumes[i];
    const y = b.volumes[i];
    if (x.name !== y.name || x.kind !== y.kind || x.pvcName !== y.pvcName) return false;
  }
  return true;
}

export function computeTick(input: SampleInputs): { sample: NodeSample; state: AggregateState } {
  // After a reboot every cgroup is new: the accumulated totals of the previous boot do not carry over.
  const inp = input.state && input.state.bootMs !== input.view.startTime.getTime() ? { ...input, state: null } : input;
  const { view, features, k, tickMs } = inp;
  const tickS = inp.housekeepingMs / 1000;
  const nc = nodeConstants(view);
  const tS = toS(tickMs);
  // The previous tick's own time, computed as it was then: its counters can be reused bit for bit.
  const prevS = toS(tickMs - inp.housekeepingMs);
  const stateK = inp.state && inp.state.k < k ? inp.state.k : k;
  const stateS = tS - (k - stateK) * tickS;
  // The kubelet refreshes volume stats once a minute (volumeStatsAggPeriod), not every housekeeping tick.
  const volumeS = Math.floor(tickMs / 60_000) * 60 - SERIES_EPOCH_S;

  const pods: PodSample[] = [];
  const groupNow = new Float64Array(3 * COUNTER_COUNT);
  const groupPrev = new Float64Array(3 * COUNTER_COUNT);
  // The pods' counters at the accumulators' last tick: this tick's or the previous one's (the same arrays
  // as now or prev, so the sums are too), or, when ticks were skipped, summed on their own.
  const groupAtState = stateK === k ? groupNow : stateK === k - 1 ? groupPrev : new Float64Array(3 * COUNTER_COUNT);
  const sumAtState = groupAtState !== groupNow && groupAtState !== groupPrev;
  const podsMem = zeroMem();
  let nodeProcs = 0;
  let ephemeralTotal = 0;
  const last = previousTick(inp);
  const sameMinute = last !== null && Math.floor(last.tickMs / 60_000) === Math.floor(tickMs / 60_000);
  const lastPod = lastPodFinder(last);
  for (const pod of view.pods) {
    if (pod.phase !== 'Running') continue; // the kubelet reports stats for running sandboxes only
    const podStartS = toS(pod.startTime.getTime());
    // The same pod at the previous tick: its parameters and its counters (now = this tick's prev) carry over.
    let lp = lastPod(pod.uid);
    if (lp && (lp.view.startTime.getTime() !== pod.startTime.getTime() || lp.view.seed !== pod.seed || lp.containers.length !== pod.containers.length)) lp = undefined;
    let allReused = lp !== undefined;
    const models = pod.containers.map((c, i) => {
      const m = lp?.containers[i]!.model;
      if (m && sameModelInputs(m, c)) return m;
      allReused = false;
      return containerModel(pod.seed, c, view.memoryBytes, nc.dayPhase);
    });
    const dyn = lp ? lp.dynamics : podDynamics(pod, nc.dayPhase);
    const qosDir = QOS_DIR[pod.qosClass];
    const slot = QOS_SLOT[qosDir] * COUNTER_COUNT;
    const now = podCounters(models, dyn, podStartS, tS, k, tickS);
    const prev = allReused ? lp!.now : podCounters(models, dyn, podStartS, prevS, k - 1, tickS);
    const atState = stateK === k ? now : stateK === k - 1 ? prev : podCounters(models, dyn, podStartS, stateS, stateK, tickS);
    for (let i = 0; i < COUNTER_COUNT; i++) {
      groupNow[slot + i] += now[i];
      groupPrev[slot + i] += prev[i];
    }
    if (sumAtState) for (let i = 0; i < COUNTER_COUNT; i++) groupAtState[slot + i] += atState[i];
    const containers: ContainerSample[] = [];
    const mem = zeroMem();
    let limitSum = 0;
    let allLimited = models.length > 0;
    let processCount = 0;
    let ephemeralUsedBytes = 0;
    let ephemeralInodesUsed = 0;
    for (let i = 0; i < models.length; i++) {
      const m = models[i];
      const startMs = inp.containerStartMs(pod, i, m);
      const startS = toS(startMs);
      const lc = lp?.containers[i];
      const cNow = zeroCounters();
      addContainerCounters(m, startS, tS, k, tickS, cNow, 0);
      let cPrev: Counters;
      if (lc && lc.model === m && lc.startMs === startMs) cPrev = lc.now;
      else {
        cPrev = zeroCounters();
        addContainerCounters(m, startS, prevS, k - 1, tickS, cPrev, 0);
      }
      const windowS = Math.min(tickS, Math.max(1e-3, tS - startS));
      const cm = containerMemory(m, startS, tS, k);
      sumMem(mem, cm);
      const limit = m.view.memoryLimitBytes;
      if (limit === null) allLimited = false;
      else limitSum += limit;
      const fs = containerFs(m, startS, tS);
      ephemeralUsedBytes += fs.rootfsBytes + fs.logsBytes;
      ephemeralInodesUsed += fs.rootfsInodes + 1;
      processCount += m.processes;
      containers.push({
        model: m, name: m.view.name, startMs, now: cNow, prev: cPrev,
        usageNanoCores: Math.max(0, (cNow[C.cpuNs] - cPrev[C.cpuNs]) / windowS),
        mem: cm, memAvailableBytes: limit === null ? null : Math.max(0, limit - cm.workingSetBytes),
        rootfsBytes: fs.rootfsBytes, rootfsInodes: fs.rootfsInodes, logsBytes: fs.logsBytes,
      });
    }
    const pauseWs = Math.floor(between(pod.seed, 51, 160, 600)) * 1024;
    mem.workingSetBytes += pauseWs;
    mem.usageBytes += pauseWs;
    mem.rssBytes += Math.floor(pauseWs / 2);
    // Volume stats change once a minute: within the minute the previous tick's stand.
    const reuseVolumes = sameMinute && allReused && sameVolumes(lp!.view, pod);
    const volumes: VolumeSample[] = reuseVolumes ? lp!.volumes : [];
    if (!reuseVolumes) {
      for (const v of pod.volumes) {
        const vs = volumeSample(pod, v, volumeS, nc.fsCapacityBytes, allLimited ? limitSum : 0, view.memoryBytes);
        if (vs) volumes.push(vs);
      }
    }
    for (const vs of volumes) {
      if (vs.onNodeFs) {
        ephemeralUsedBytes += vs.usedBytes;
        ephemeralInodesUsed += vs.inodesUsed;
      }
    }
    sumMem(podsMem, mem);
    nodeProcs += processCount;
    ephemeralTotal += ephemeralUsedBytes;
    const podWindowS = Math.min(tickS, Math.max(1e-3, tS - podStartS));
    pods.push({
      view: pod, qosDir, containers, now, prev,
      usageNanoCores: Math.max(0, (now[C.cpuNs] - prev[C.cpuNs]) / podWindowS),
      mem, memAvailableBytes: allLimited ? Math.max(0, limitSum - mem.workingSetBytes) : null,
      pauseCpuNs: counterAt(dyn.pause, podStartS, tS, k, tickS) * 1e9, pauseWorkingSetBytes: pauseWs,
      volumes, ephemeralUsedBytes, ephemeralInodesUsed, processCount, dynamics: dyn,
    });
  }

  // QoS-group accumulators: advance by the pods' growth since the last computed tick. Pods that left keep
  // their past contribution (as cgroup v2 parents keep the usage of removed children).
  const acc = new Float64Array(3 * COUNTER_COUNT);
  for (let i = 0; i < acc.length; i++) {
    acc[i] = inp.state ? inp.state.acc[i] + Math.max(0, groupNow[i] - groupAtState[i]) : groupNow[i];
  }
  const accPrev = new Float64Array(3 * COUNTER_COUNT);
  for (let i = 0; i < acc.length; i++) accPrev[i] = Math.max(inp.state && stateK < k ? inp.state.acc[i] : 0, acc[i] - (groupNow[i] - groupPrev[i]));
  const guaranteed = acc.subarray(0, COUNTER_COUNT);
  const burstable = acc.subarray(COUNTER_COUNT, 2 * COUNTER_COUNT);
  const besteffort = acc.subarray(2 * COUNTER_COUNT);
  const kubepods = new Float64Array(COUNTER_COUNT);
  const kubepodsPrev = new Float64Array(COUNTER_COUNT);
  for (let i = 0; i < COUNTER_COUNT; i++) {
    kubepods[i] = guaranteed[i] + burstable[i] + besteffort[i];
    kubepodsPrev[i] = accPrev[i] + accPrev[COUNTER_COUNT + i] + accPrev[2 * COUNTER_COUNT + i];
  }

  const bootMs = view.startTime.getTime();
  const kubelet = systemSample('kubelet', hash32(view.seed, 101), bootMs + 21_000, tS, k, tickS, between(view.seed, 102, 0.015, 0.06), between(view.seed, 103, 45, 120) * MiB);
  const runtime = systemSample('runtime', hash32(view.seed, 104), bootMs + 12_000, tS, k, tickS, between(view.seed, 105, 0.005, 0.03), between(view.seed, 106, 30, 90) * MiB);
  const os = systemSample('runtime', hash32(view.seed, 107), bootMs, tS, k, tickS, view.cpuCores * 0.01, nc.osWorkingSetBytes);
  const podsCgroupWs = podsMem.workingSetBytes + 2 * MiB;
  const podsSystem: SystemSample = {
    name: 'pods', startMs: bootMs + 15_000, cpuNs: kubepods[C.cpuNs],
    usageNanoCores: Math.max(0, (kubepods[C.cpuNs] - kubepodsPrev[C.cpuNs]) / tickS),
    mem: { ...podsMem, workingSetBytes: podsCgroupWs, usageBytes: podsMem.usageBytes + 2 * MiB },
    pageFaults: kubepods[C.pageFaults], majorPageFaults: kubepods[C.majorPageFaults],
  };
  const nodeWs = podsCgroupWs + kubelet.mem.workingSetBytes + runtime.mem.workingSetBytes + os.mem.workingSetBytes;
  const pageCache = Math.floor((view.memoryBytes * nc.pageCacheFraction * (0.9 + 0.1 * Math.sin(tS / 7200))) / 4096) * 4096;
  const nodeMem: MemoryGauges = {
    workingSetBytes: nodeWs,
    usageBytes: Math.min(view.memoryBytes, nodeWs + pageCache),
    rssBytes: podsMem.rssBytes + kubelet.mem.rssBytes + runtime.mem.rssBytes + os.mem.rssBytes,
    cacheBytes: pageCache,
    mappedFileBytes: Math.floor(pageCache * 0.1 / 4096) * 4096,
    kernelBytes: Math.floor(nodeWs * 0.04 / 4096) * 4096,
  };
  // The host's own traffic (kubelet ↔ API server, image pulls, node exporters scraped): on top of the pods'.
  const hostRxWave = makeWave(view.seed, 110, between(view.seed, 111, 5_000, 200_000), STEADY, nc.dayPhase);
  const hostTxWave = makeWave(view.seed, 114, between(view.seed, 115, 3_000, 100_000), STEADY, nc.dayPhase);
  const bootS = toS(bootMs);
  const hostRx = Math.floor(counterAt(hostRxWave, bootS, tS, k, tickS));
  const hostTx = Math.floor(counterAt(hostTxWave, bootS, tS, k, tickS));
  const psi = new Float64Array(6);
  for (let i = 0; i < 6; i++) psi[i] = kubepods[C.psiCpuSomeUs + i] + Math.floor((tS - bootS) * 10 * (i + 1));
  const node = {
    cpuNs: kubepods[C.cpuNs] + kubelet.cpuNs + runtime.cpuNs + os.cpuNs,
    usageNanoCores: podsSystem.usageNanoCores + kubelet.usageNanoCores + runtime.usageNanoCores + os.usageNanoCores,
    mem: nodeMem,
    availableBytes: Math.max(0, view.memoryBytes - nodeWs),
    pageFaults: kubepods[C.pageFaults] + kubelet.pageFaults + runtime.pageFaults + os.pageFaults,
    majorPageFaults: kubepods[C.majorPageFaults] + kubelet.majorPageFaults + runtime.majorPageFaults + os.majorPageFaults,
    rxBytes: kubepods[C.rxBytes] + hostRx,
    txBytes: kubepods[C.txBytes] + hostTx,
    rxPackets: kubepods[C.rxPackets] + Math.floor(hostRx / 900),
    txPackets: kubepods[C.txPackets] + Math.floor(hostTx / 700),
    fsReadBytes: kubepods[C.fsReadBytes] + Math.floor((tS - bootS) * 2048),
    fsWriteBytes: kubepods[C.fsWriteBytes] + Math.floor((tS - bootS) * 16_384),
    psi,
  };
  const fsUsed = Math.floor((nc.fsCapacityBytes * nc.fsBaseUsedFraction + nc.imageBytes + ephemeralTotal) / 4096) * 4096;
  const inodes = Math.floor(nc.fsCapacityBytes / 16_384);
  const sample: NodeSample = {
    k, tickMs, tickS, features, view, pods,
    qos: { guaranteed, burstable, besteffort, kubepods, kubepodsPrev },
    kubelet, runtime, podsSystem, node,
    fs: { capacityBytes: nc.fsCapacityBytes, usedBytes: fsUsed, inodes, inodesUsed: Math.floor(inodes * 0.02) + Math.floor(ephemeralTotal / 65_536) },
    imageFs: { capacityBytes: nc.fsCapacityBytes, usedBytes: nc.imageBytes, inodes, inodesUsed: Math.floor(nc.imageBytes / 40_000) },
    curproc: nc.baseProcs + nodeProcs + pods.length,
    swapCapacityBytes: nc.swapCapacityBytes,
  };
  return { sample, state: { k, bootMs, acc } };
}

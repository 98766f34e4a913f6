// The cgroups a kubelet's cAdvisor reports, as rows of values taken from the same NodeSample as the
// summary: node root "/", system slices, /kubepods and its QoS children, one row per pod cgroup, one per
// app container and one per sandbox (pause) container. Label strings are cached per kubelet.
import { C, type MemoryGauges } from './container-model.js';
import type { NodeSample, PodSample } from './sample.js';
import { labelValue } from './promfmt.js';
import { hex64 } from './sample.js';
import { hash32 } from './series.js';

export type RowKind = 'root' | 'system' | 'qos' | 'pod' | 'app' | 'pause';

/** Label pieces of a row, pre-encoded: extra labels (cpu, device, interface …) sort between them. */
export interface RowLabels {
  /** container="…" */
  c: Buffer;
  /** id="…",image="…" */
  ii: Buffer;
  /** name="…",namespace="…" */
  nn: Buffer;
  /** pod="…" */
  p: Buffer;
  /** all six base labels in Go's sorted order */
  base: Buffer;
}

export interface Row {
  kind: RowKind;
  l: RowLabels;
  cpuNs: number;
  mem: MemoryGauges;
  pageFaults: number;
  majorPageFaults: number;
  oomEvents: number;
  /** [periods, throttledPeriods, throttledNs] when a CPU quota is set */
  cfs: [number, number, number] | null;
  quotaUs: number | null;
  shares: number;
  memLimitBytes: number;
  swapLimitBytes: number;
  startS: number;
  processes: number;
  threads: number;
  fds: number;
  sockets: number;
  /** [readBytes, writeBytes, reads, writes] on the node's block device */
  io: [number, number, number, number] | null;
  /** PSI totals in µs: cpuSome, cpuFull, memSome, memFull, ioSome, ioFull */
  psi: ArrayLike<number>;
  /** per interface: name, rxBytes, rxPackets, rxErrors, rxDropped, txBytes, txPackets, txErrors, txDropped */
  net: Array<[string, number, number, number, number, number, number, number, number]> | null;
}

export function rowLabels(container: string, id: string, image: string, name: string, namespace: string, pod: string): RowLabels {
  const c = `container="${labelValue(container)}"`;
  const ii = `id="${labelValue(id)}",image="${labelValue(image)}"`;
  const nn = `name="${labelValue(name)}",namespace="${labelValue(namespace)}"`;
  const p = `pod="${labelValue(pod)}"`;
  const enc = (x: string) => Buffer.from(x, 'latin1');
  return { c: enc(c), ii: enc(ii), nn: enc(nn), p: enc(p), base: enc(`${c},${ii},${nn},${p}`) };
}

function cgroupIds(driver: 'cgroupfs' | 'systemd') {
  if (driver === 'systemd') {
    return {
      kubepods: '/kubepods.slice',
      qos: (q: string) => (q ? `/kubepods.slice/kubepods-${q}.slice` : '/kubepods.slice'),
      pod: (q: string, uid: string) => (q ? `/kubepods.slice/kubepods-${q}.slice/kubepods-${q}-pod${uid.replace(/-/g, '_')}.slice` : `/kubepods.slice/kubepods-pod${uid.replace(/-/g, '_')}.slice`),
      container: (podId: string, id: string) => `${podId}/cri-containerd-${id}.scope`,
    };
  }
  return {
    kubepods: '/kubepods',
    qos: (q: string) => (q ? `/kubepods/${q}` : '/kubepods'),
    pod: (q: string, uid: string) => (q ? `/kubepods/${q}/pod${uid}` : `/kubepods/pod${uid}`),
    container: (podId: string, id: string) => `${podId}/${id}`,
  };
}

const NO_PSI = new Float64Array(6);

function sumMem(rows: MemoryGauges[]): MemoryGauges {
  const m = { workingSetBytes: 0, usageBytes: 0, rssBytes: 0, cacheBytes: 0, mappedFileBytes: 0, kernelBytes: 0 };
  for (const r of rows) {
    m.workingSetBytes += r.workingSetBytes;
    m.usageBytes += r.usageBytes;
    m.rssBytes += r.rssBytes;
    m.cacheBytes += r.cacheBytes;
    m.mappedFileBytes += r.mappedFileBytes;
    m.kernelBytes += r.kernelBytes;
  }
  return m;
}

function sharesOf(milli: number | null): number {
  return milli === null ? 2 : Math.max(2, Math.floor((milli * 1024) / 1000));
}

function ioOf(v: ArrayLike<number>): [number, number, number, number] {
  return [v[C.fsReadBytes], v[C.fsWriteBytes], v[C.fsReads], v[C.fsWrites]];
}

function psiOf(v: ArrayLike<number>): number[] {
  const b = C.psiCpuSomeUs;
  return [v[b], v[b + 1], v[b + 2], v[b + 3], v[b + 4], v[b + 5]];
}

/** Label cache of one kubelet: key → labels; rebuilt each render keeping only live keys. */
export type LabelCache = Map<string, RowLabels>;

export function buildRows(s: NodeSample, cache: LabelCache): { rows: Row[]; next: LabelCache } {
  const next: LabelCache = new Map();
  const lab = (key: string, make: () => RowLabels): RowLabels => {
    let l = cache.get(key);
    if (!l) l = make();
    next.set(key, l);
    return l;
  };
  const ids = cgroupIds(s.view.cgroupDriver ?? 'cgroupfs');
  const bootS = s.view.startTime.getTime() / 1000;
  const rows: Row[] = [];
  const n = s.node;
  const q = s.qos;
  const blank = { oomEvents: 0, cfs: null, quotaUs: null, swapLimitBytes: 0, sockets: 0 };
  rows.push({
    ...blank, kind: 'root', l: lab('/', () => rowLabels('', '/', '', '', '', '')),
    cpuNs: n.cpuNs, mem: n.mem, pageFaults: n.pageFaults, majorPageFaults: n.majorPageFaults,
    shares: 1024, memLimitBytes: s.view.memoryBytes, swapLimitBytes: s.swapCapacityBytes, startS: bootS,
    processes: s.curproc, threads: s.curproc * 4, fds: s.curproc * 12, sockets: s.curproc * 2,
    io: [n.fsReadBytes, n.fsWriteBytes, Math.floor(n.fsReadBytes / 32_768), Math.floor(n.fsWriteBytes / 16_384)], psi: n.psi,
    net: [['eth0', n.rxBytes, n.rxPackets, 0, 0, n.txBytes, n.txPackets, 0, 0], ['tunl0', 0, 0, 0, 0, 0, 0, 0, 0]],
  });
  for (const [sys, unit] of [[s.kubelet, 'kubelet.service'], [s.runtime, 'containerd.service']] as const) {
    rows.push({
      ...blank, kind: 'system', l: lab(unit, () => rowLabels('', `/system.slice/${unit}`, '', '', '', '')),
      cpuNs: sys.cpuNs, mem: sys.mem, pageFaults: sys.pageFaults, majorPageFaults: sys.majorPageFaults,
      shares: 1024, memLimitBytes: 0, startS: sys.startMs / 1000, processes: 1, threads: 20, fds: 40, sockets: 12,
      io: [Math.floor(sys.cpuNs / 1e4), Math.floor(sys.cpuNs / 2e3), Math.floor(sys.cpuNs / 3e8), Math.floor(sys.cpuNs / 6e7)], psi: NO_PSI, net: null,
    });
  }
  const byQos: Record<string, PodSample[]> = { '': [], burstable: [], besteffort: [] };
  for (const p of s.pods) byQos[p.qosDir].push(p);
  const qosRow = (dir: '' | 'burstable' | 'besteffort', v: ArrayLike<number>, pods: PodSample[]): Row => ({
    ...blank, kind: 'qos', l: lab(`qos:${dir}`, () => rowLabels('', ids.qos(dir), '', '', '', '')),
    cpuNs: v[C.cpuNs], mem: sumMem(pods.map((p) => p.mem)), pageFaults: v[C.pageFaults], majorPageFaults: v[C.majorPageFaults],
    shares: dir === 'besteffort' ? 2 : pods.reduce((a, p) => a + p.view.containers.reduce((b, c) => b + sharesOf(c.cpuRequestMilli), 0), 0) || 2,
    memLimitBytes: dir === '' ? Math.floor(s.view.memoryBytes * 0.9) : 0, startS: bootS + 15,
    processes: pods.reduce((a, p) => a + p.processCount, 0), threads: 0, fds: 0, io: ioOf(v), psi: psiOf(v), net: null,
  });
  const kubepodsRow = qosRow('', q.kubepods, s.pods);
  kubepodsRow.shares = s.view.cpuCores * 1024;
  rows.push(kubepodsRow);
  rows.push(qosRow('burstable', q.burstable, byQos.burstable));
  rows.push(qosRow('besteffort', q.besteffort, byQos.besteffort));
  const pauseImage = s.features.pauseImage;
  for (const p of s.pods) {
    const v = p.view;
    const podId = ids.pod(p.qosDir, v.uid);
    const podStartS = v.startTime.getTime() / 1000;
    let quotaUs: number | null = 0;
    let memLimit = 0;
    let shares = 2;
    for (const c of v.containers) {
      quotaUs = quotaUs !== null && c.cpuLimitMilli !== null ? quotaUs + c.cpuLimitMilli * 100 : null;
      memLimit = memLimit >= 0 && c.memoryLimitBytes !== null ? memLimit + c.memoryLimitBytes : -1;
      shares += sharesOf(c.cpuRequestMilli);
    }
    if (v.containers.length === 0) quotaUs = null;
    const oom = v.containers.reduce((a, c) => a + (c.profile === 'leaky' ? c.restartCount : 0), 0);
    const threads = p.containers.reduce((a, c) => a + c.model.threads, 1);
    const fds = p.containers.reduce((a, c) => a + c.model.fds, 3);
    rows.push({
      kind: 'pod', l: lab(`pod:${v.uid}`, () => rowLabels('', podId, '', '', v.namespace, v.name)),
      cpuNs: p.now[C.cpuNs], mem: p.mem, pageFaults: p.now[C.pageFaults], majorPageFaults: p.now[C.majorPageFaults], oomEvents: oom,
      cfs: quotaUs !== null ? [p.now[C.cfsPeriods], p.now[C.cfsThrottledPeriods], p.now[C.cfsThrottledNs]] : null, quotaUs,
      shares, memLimitBytes: Math.max(0, memLimit), swapLimitBytes: 0, startS: podStartS,
      processes: p.processCount + 1, threads, fds, sockets: Math.floor(fds / 4), io: ioOf(p.now), psi: psiOf(p.now), net: null,
    });
    rows.push({
      kind: 'pause', l: lab(`pause:${v.uid}`, () => {
        const sandboxId = hex64(hash32(v.seed, 77));
        return rowLabels('', ids.container(podId, sandboxId), pauseImage, sandboxId, v.namespace, v.name);
      }),
      cpuNs: p.pauseCpuNs, mem: { workingSetBytes: p.pauseWorkingSetBytes, usageBytes: p.pauseWorkingSetBytes + 8192, rssBytes: Math.floor(p.pauseWorkingSetBytes / 2), cacheBytes: 8192, mappedFileBytes: 0, kernelBytes: 0 },
      pageFaults: Math.floor(p.pauseCpuNs / 1e6) + 60, majorPageFaults: 0, oomEvents: 0, cfs: null, quotaUs: null,
      shares: 2, memLimitBytes: 0, swapLimitBytes: 0, startS: podStartS, processes: 1, threads: 1, fds: 3, sockets: 0, io: null, psi: NO_PSI,
      net: [['eth0', p.now[C.rxBytes], p.now[C.rxPackets], p.now[C.rxErrors], p.now[C.rxDropped], p.now[C.txBytes], p.now[C.txPackets], p.now[C.txErrors], p.now[C.txDropped]]],
    });
    for (const c of p.containers) {
      const cv = c.model.view;
      rows.push({
        kind: 'app', l: lab(`c:${v.uid}/${c.name}/${c.model.runtimeId}`, () => rowLabels(c.name, ids.container(podId, c.model.runtimeId), cv.image, c.model.runtimeId, v.namespace, v.name)),
        cpuNs: c.now[C.cpuNs], mem: c.mem, pageFaults: c.now[C.pageFaults], majorPageFaults: c.now[C.majorPageFaults], oomEvents: 0,
        cfs: cv.cpuLimitMilli !== null ? [c.now[C.cfsPeriods], c.now[C.cfsThrottledPeriods], c.now[C.cfsThrottledNs]] : null,
        quotaUs: cv.cpuLimitMilli !== null ? cv.cpuLimitMilli * 100 : null,
        shares: sharesOf(cv.cpuRequestMilli), memLimitBytes: cv.memoryLimitBytes ?? 0, swapLimitBytes: 0, startS: c.startMs / 1000,
        processes: c.model.processes, threads: c.model.threads, fds: c.model.fds, sockets: Math.floor(c.model.fds / 4),
        io: ioOf(c.now), psi: psiOf(c.now), net: null,
      });
    }
  }
  return { rows, next };
}

// Renders /stats/summary (kubelet stats/v1alpha1) from a NodeSample. The kubelet serves it through
// go-restful, which pretty-prints with a one-space indent, and Go marshals struct fields in declaration
// order; both are reproduced here with template strings (no intermediate objects, no JSON.stringify).
import { C } from './container-model.js';
import type { MemoryGauges } from './container-model.js';
import type { ContainerSample, NodeSample, PodSample } from './sample.js';

const IND: string[] = Array.from({ length: 16 }, (_, d) => '\n' + ' '.repeat(d));

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function int(n: number): string {
  return String(Math.max(0, Math.round(n)));
}

function jsonString(s: string): string {
  // Names, namespaces and uids are DNS labels/uuids; escape defensively anyway.
  return /^[A-Za-z0-9._:/@+-]*$/.test(s) ? `"${s}"` : JSON.stringify(s);
}

function obj(d: number, fields: string[]): string {
  return `{${IND[d + 1]}${fields.join(`,${IND[d + 1]}`)}${IND[d]}}`;
}

function psiJson(d: number, someUs: number, fullUs: number, avgPct: number): string {
  const a10 = Math.round(avgPct * 100) / 100;
  const a60 = Math.round(avgPct * 0.8 * 100) / 100;
  const a300 = Math.round(avgPct * 0.6 * 100) / 100;
  const part = (total: number, f: number) => obj(d + 1, [`"total": ${int(total)}`, `"avg10": ${Math.round(a10 * f * 100) / 100}`, `"avg60": ${Math.round(a60 * f * 100) / 100}`, `"avg300": ${Math.round(a300 * f * 100) / 100}`]);
  return obj(d, [`"full": ${part(fullUs, 0.9)}`, `"some": ${part(someUs, 1)}`]);
}

interface Psi {
  cpu: [number, number, number];
  mem: [number, number, number];
  io: [number, number, number];
}

/** PSI from counters now/prev: totals in µs and avg10 as the % of the last tick spent stalled. */
function psiOf(now: Float64Array | ArrayLike<number>, prev: Float64Array | ArrayLike<number>, base: number, tickS: number): Psi {
  const pct = (i: number) => Math.min(100, Math.max(0, ((now[base + i] - prev[base + i]) / (tickS * 1e6)) * 100));
  return {
    cpu: [now[base], now[base + 1], pct(0)],
    mem: [now[base + 2], now[base + 3], pct(2)],
    io: [now[base + 4], now[base + 5], pct(4)],
  };
}

function cpuJson(d: number, time: string, nanoCores: number, coreNs: number, psi: [number, number, number] | null): string {
  const f = [`"time": "${time}"`, `"usageNanoCores": ${int(nanoCores)}`, `"usageCoreNanoSeconds": ${int(coreNs)}`];
  if (psi) f.push(`"psi": ${psiJson(d + 1, psi[0], psi[1], psi[2])}`);
  return obj(d, f);
}

function memJson(d: number, time: string, m: MemoryGauges, availableBytes: number | null, pageFaults: number, majorPageFaults: number, psi: [number, number, number] | null): string {
  const f = [`"time": "${time}"`];
  if (availableBytes !== null) f.push(`"availableBytes": ${int(availableBytes)}`);
  f.push(`"usageBytes": ${int(m.usageBytes)}`, `"workingSetBytes": ${int(m.workingSetBytes)}`, `"rssBytes": ${int(m.rssBytes)}`, `"pageFaults": ${int(pageFaults)}`, `"majorPageFaults": ${int(majorPageFaults)}`);
  if (psi) f.push(`"psi": ${psiJson(d + 1, psi[0], psi[1], psi[2])}`);
  return obj(d, f);
}

function ioJson(d: number, time: string, psi: [number, number, number]): string {
  return obj(d, [`"time": "${time}"`, `"psi": ${psiJson(d + 1, psi[0], psi[1], psi[2])}`]);
}

function fsJson(d: number, time: string, availableBytes: number, capacityBytes: number, usedBytes: number, inodesFree: number, inodes: number, inodesUsed: number, extra?: string[]): string {
  const f = [`"time": "${time}"`, `"availableBytes": ${int(availableBytes)}`, `"capacityBytes": ${int(capacityBytes)}`, `"usedBytes": ${int(usedBytes)}`, `"inodesFree": ${int(inodesFree)}`, `"inodes": ${int(inodes)}`, `"inodesUsed": ${int(inodesUsed)}`];
  if (extra) f.push(...extra);
  return obj(d, f);
}

function netJson(d: number, time: string, ifaces: Array<[string, number, number, number, number]>): string {
  const def = ifaces[0];
  const list = ifaces.map((i) => obj(d + 2, [`"name": "${i[0]}"`, `"rxBytes": ${int(i[1])}`, `"rxErrors": ${int(i[2])}`, `"txBytes": ${int(i[3])}`, `"txErrors": ${int(i[4])}`]));
  return obj(d, [`"time": "${time}"`, `"name": "${def[0]}"`, `"rxBytes": ${int(def[1])}`, `"rxErrors": ${int(def[2])}`, `"txBytes": ${int(def[3])}`, `"txErrors": ${int(def[4])}`, `"interfaces": [${IND[d + 2]}${list.join(`,${IND[d + 2]}`)}${IND[d + 1]}]`]);
}

export interface SummaryOptions {
  onlyCpuAndMemory: boolean;
}

interface FsCtx {
  time: string;
  nodeAvail: number;
  nodeCap: number;
  inodes: number;
  inodesFree: number;
}

function containerJson(d: number, c: ContainerSample, s: NodeSample, time: string, fsCtx: FsCtx, only: boolean): string {
  const feat = s.features;
  const psi = feat.psi ? psiOf(c.now, c.prev, C.psiCpuSomeUs, s.tickS) : null;
  const f = [`"name": ${jsonString(c.name)}`, `"startTime": "${rfc3339(c.startMs)}"`,
    `"cpu": ${cpuJson(d + 1, time, c.usageNanoCores, c.now[C.cpuNs], psi ? psi.cpu : null)}`,
    `"memory": ${memJson(d + 1, time, c.mem, c.memAvailableBytes, c.now[C.pageFaults], c.now[C.majorPageFaults], psi ? psi.mem : null)}`];
  if (psi) f.push(`"io": ${ioJson(d + 1, time, psi.io)}`);
  if (!only) {
    f.push(`"rootfs": ${fsJson(d + 1, fsCtx.time, fsCtx.nodeAvail, fsCtx.nodeCap, c.rootfsBytes, fsCtx.inodesFree, fsCtx.inodes, c.rootfsInodes)}`);
    f.push(`"logs": ${fsJson(d + 1, fsCtx.time, fsCtx.nodeAvail, fsCtx.nodeCap, c.logsBytes, fsCtx.inodesFree, fsCtx.inodes, 1)}`);
  }
  if (feat.swap) f.push(`"swap": ${obj(d + 1, [`"time": "${time}"`, `"swapAvailableBytes": 0`, `"swapUsageBytes": 0`])}`);
  return obj(d, f);
}

function podJson(d: number, p: PodSample, s: NodeSample, time: string, volTime: string, fsCtx: FsCtx, only: boolean): string {
  const feat = s.features;
  const v = p.view;
  const psi = feat.psi ? psiOf(p.now, p.prev, C.psiCpuSomeUs, s.tickS) : null;
  const containers = p.containers.map((c) => containerJson(d + 2, c, s, time, fsCtx, only));
  const f = [
    `"podRef": ${obj(d + 1, [`"name": ${jsonString(v.name)}`, `"namespace": ${jsonString(v.namespace)}`, `"uid": ${jsonString(v.uid)}`])}`,
    `"startTime": "${rfc3339(v.startTime.getTime())}"`,
    `"containers": ${containers.length ? `[${IND[d + 2]}${containers.join(`,${IND[d + 2]}`)}${IND[d + 1]}]` : '[]'}`,
    `"cpu": ${cpuJson(d + 1, time, p.usageNanoCores, p.now[C.cpuNs], psi ? psi.cpu : null)}`,
    `"memory": ${memJson(d + 1, time, p.mem, p.memAvailableBytes, p.now[C.pageFaults], p.now[C.majorPageFaults], psi ? psi.mem : null)}`,
  ];
  if (psi) f.push(`"io": ${ioJson(d + 1, time, psi.io)}`);
  if (!only) {
    f.push(`"network": ${netJson(d + 1, time, [['eth0', p.now[C.rxBytes], p.now[C.rxErrors], p.now[C.txBytes], p.now[C.txErrors]]])}`);
    if (p.volumes.length) {
      const vols = p.volumes.map((vs) => {
        const extra = [`"name": ${jsonString(vs.name)}`];
        if (vs.pvcName !== null) extra.push(`"pvcRef": ${obj(d + 3, [`"name": ${jsonString(vs.pvcName)}`, `"namespace": ${jsonString(v.namespace)}`])}`);
        const avail = vs.onNodeFs ? fsCtx.nodeAvail : vs.capacityBytes - vs.usedBytes;
        return fsJson(d + 2, volTime, avail, vs.capacityBytes, vs.usedBytes, vs.inodes - vs.inodesUsed, vs.inodes, vs.inodesUsed, extra);
      });
      f.push(`"volume": [${IND[d + 2]}${vols.join(`,${IND[d + 2]}`)}${IND[d + 1]}]`);
    }
    f.push(`"ephemeral-storage": ${fsJson(d + 1, fsCtx.time, fsCtx.nodeAvail, fsCtx.nodeCap, p.ephemeralUsedBytes, fsCtx.inodesFree, fsCtx.inodes, p.ephemeralInodesUsed)}`);
    if (feat.processStats) f.push(`"process_stats": ${obj(d + 1, [`"process_count": ${p.processCount}`])}`);
  }
  if (feat.swap) f.push(`"swap": ${obj(d + 1, [`"time": "${time}"`, `"swapUsageBytes": 0`])}`);
  return obj(d, f);
}

/** The whole /stats/summary body for a tick. */
export function renderSummary(s: NodeSample, opts: SummaryOptions): string {
  const feat = s.features;
  const only = opts.onlyCpuAndMemory;
  const time = rfc3339(s.tickMs);
  const volTime = rfc3339(Math.floor(s.tickMs / 60_000) * 60_000);
  const nodeAvail = Math.max(0, Math.floor(s.fs.capacityBytes * 0.95) - s.fs.usedBytes);
  const fsCtx: FsCtx = { time, nodeAvail, nodeCap: s.fs.capacityBytes, inodes: s.fs.inodes, inodesFree: s.fs.inodes - s.fs.inodesUsed };
  const q = s.qos.kubepods;
  const qp = s.qos.kubepodsPrev;
  const podsPsi = feat.psi ? psiOf(q, qp, C.psiCpuSomeUs, s.tickS) : null;
  const d = 2;
  const sys = [s.kubelet, s.podsSystem].map((sc) => {
    const psi: [number, number, number] | null = podsPsi && sc.name === 'pods' ? podsPsi.cpu : podsPsi ? [sc.cpuNs / 2e4, sc.cpuNs / 2.2e4, 0] : null;
    const f = [`"name": "${sc.name}"`, `"startTime": "${rfc3339(sc.startMs)}"`,
      `"cpu": ${cpuJson(d + 2, time, sc.usageNanoCores, sc.cpuNs, psi)}`,
      `"memory": ${memJson(d + 2, time, sc.mem, sc.name === 'pods' ? Math.max(0, s.view.memoryBytes - sc.mem.workingSetBytes) : null, sc.pageFaults, sc.majorPageFaults, podsPsi ? (sc.name === 'pods' ? podsPsi.mem : [0, 0, 0]) : null)}`];
    if (podsPsi) f.push(`"io": ${ioJson(d + 2, time, sc.name === 'pods' ? podsPsi.io : [sc.cpuNs / 1e6, sc.cpuNs / 1.1e6, 0])}`);
    if (feat.swap) f.push(`"swap": ${obj(d + 2, [`"time": "${time}"`, `"swapUsageBytes": 0`])}`);
    return obj(d + 1, f);
  });
  const n = s.node;
  const nodePsi = feat.psi ? { cpu: [n.psi[0], n.psi[1], podsPsi!.cpu[2]] as [number, number, number], mem: [n.psi[2], n.psi[3], podsPsi!.mem[2]] as [number, number, number], io: [n.psi[4], n.psi[5], podsPsi!.io[2]] as [number, number, number] } : null;
  const nf = [`"nodeName": ${jsonString(s.view.name)}`, `"systemContainers": [${IND[d + 1]}${sys.join(`,${IND[d + 1]}`)}${IND[d]}]`, `"startTime": "${rfc3339(s.view.startTime.getTime())}"`,
    `"cpu": ${cpuJson(d, time, n.usageNanoCores, n.cpuNs, nodePsi ? nodePsi.cpu : null)}`,
    `"memory": ${memJson(d, time, n.mem, n.availableBytes, n.pageFaults, n.majorPageFaults, nodePsi ? nodePsi.mem : null)}`];
  if (nodePsi) nf.push(`"io": ${ioJson(d, time, nodePsi.io)}`);
  if (!only) {
    nf.push(`"network": ${netJson(d, time, [['eth0', n.rxBytes, 0, n.txBytes, 0], ['tunl0', 0, 0, 0, 0]])}`);
    nf.push(`"fs": ${fsJson(d, time, nodeAvail, s.fs.capacityBytes, s.fs.usedBytes, s.fs.inodes - s.fs.inodesUsed, s.fs.inodes, s.fs.inodesUsed)}`);
    const img = fsJson(d + 1, time, nodeAvail, s.imageFs.capacityBytes, s.imageFs.usedBytes, s.fs.inodes - s.fs.inodesUsed, s.imageFs.inodes, s.imageFs.inodesUsed);
    const rt = [`"imageFs": ${img}`];
    if (feat.containerFs) rt.push(`"containerFs": ${img}`);
    nf.push(`"runtime": ${obj(d, rt)}`);
    nf.push(`"rlimit": ${obj(d, [`"time": "${time}"`, `"maxpid": 4194304`, `"curproc": ${s.curproc}`])}`);
  }
  if (feat.swap) nf.push(`"swap": ${obj(d, [`"time": "${time}"`, `"swapAvailableBytes": ${s.swapCapacityBytes}`, `"swapUsageBytes": 0`])}`);
  const pods = s.pods.map((p) => podJson(2, p, s, time, volTime, fsCtx, only));
  return `{\n "node": ${obj(1, nf)},\n "pods": ${pods.length ? `[${IND[2]}${pods.join(`,${IND[2]}`)}\n ]` : '[]'}\n}`;
}

// Renders /stats/summary (kubelet stats/v1alpha1) from a NodeSample. The kubelet serves it through
// go-restful, which pretty-prints with a one-space indent, and Go marshals struct fields in declaration
// order (types.go); both are reproduced here, streamed into a byte buffer (no intermediate objects).
import { C, type MemoryGauges } from './container-model.js';
import type { ContainerSample, NodeSample, PodSample } from './sample.js';
import { MISMATCH, SlotJson } from './slot-json.js';
import { PrettyJson } from './json-writer.js';
import { scratch, TextWriter } from './text-writer.js';
import { rfc3339 } from './rfc3339.js';

/** What the summary is written with: the fast writer in production, the reference PrettyJson in tests. */
export interface JsonOut {
  object(): this;
  objectField(key: string): this;
  arrayField(key: string): this;
  end(): this;
  endArray(): this;
  uint(key: string, v: number): this;
  float(key: string, v: number): this;
  /** float(key, c / 100) for a percentage in hundredths. */
  cents(key: string, c: number): this;
  string(key: string, v: string): this;
  /** A time (ms since the epoch) as metav1.Time marshals it: rfc3339(ms) as a string. */
  time(key: string, ms: number): this;
  /** A value the same in every pod of a structure (templates fold it in; the reference writes it as usual). */
  fixedUint(key: string, v: number): this;
  fixedString(key: string, v: string): this;
  /** The sample time (0) or the volume stats time (1), repeated in every block. */
  stamp(key: string, v: string, which: 0 | 1): this;
  /** A node-wide number repeated in every container's filesystem blocks (NODE_AVAIL … NODE_INODES). */
  stampUint(key: string, v: number, which: number): this;
}

export interface SummaryOptions {
  onlyCpuAndMemory: boolean;
}

/** PSI totals (µs) and the share of the last tick spent stalled (%), for cpu, memory and io. */
type Psi3 = [number, number, number];

function psiPart(j: JsonOut, key: string, total: number, p: number): void {
  j.objectField(key).uint('total', total).cents('avg10', Math.round(p * 100)).cents('avg60', Math.round(p * 80)).cents('avg300', Math.round(p * 60)).end();
}

function psi(j: JsonOut, someUs: number, fullUs: number, pct: number): void {
  j.objectField('psi');
  psiPart(j, 'full', fullUs, Math.min(100, pct * 0.9));
  psiPart(j, 'some', someUs, Math.min(100, pct));
  j.end();
}

/** Share (%) of the last tick spent stalled, from the PSI totals (µs) at index i of two counter sets. */
function stalled(now: ArrayLike<number>, prev: ArrayLike<number>, i: number, tickS: number): number {
  return Math.min(100, Math.max(0, ((now[i] - prev[i]) / (tickS * 1e6)) * 100));
}

function psiFrom(now: ArrayLike<number>, prev: ArrayLike<number>, tickS: number): { cpu: Psi3; mem: Psi3; io: Psi3 } {
  const b = C.psiCpuSomeUs;
  return {
    cpu: [now[b], now[b + 1], stalled(now, prev, b, tickS)],
    mem: [now[b + 2], now[b + 3], stalled(now, prev, b + 2, tickS)],
    io: [now[b + 4], now[b + 5], stalled(now, prev, b + 4, tickS)],
  };
}

/** cpu, memory and (with PSI) io of a container or pod, from its counters (no intermediate arrays: this
 *  runs for every container and pod). */
function usage(j: JsonOut, x: Ctx, now: ArrayLike<number>, prev: ArrayLike<number>, nanoCores: number, m: MemoryGauges, availableBytes: number | null): void {
  const time = x.time;
  const psiOn = x.s.features.psi;
  const tickS = x.s.tickS;
  const b = C.psiCpuSomeUs;
  j.objectField('cpu').stamp('time', time, 0).uint('usageNanoCores', nanoCores).uint('usageCoreNanoSeconds', now[C.cpuNs]);
  if (psiOn) psi(j, now[b], now[b + 1], stalled(now, prev, b, tickS));
  j.end();
  j.objectField('memory').stamp('time', time, 0);
  if (availableBytes !== null) j.uint('availableBytes', availableBytes);
  j.uint('usageBytes', m.usageBytes).uint('workingSetBytes', m.workingSetBytes);
  if (!x.s.features.windows) j.uint('rssBytes', m.rssBytes).uint('pageFaults', now[C.pageFaults]).uint('majorPageFaults', now[C.majorPageFaults]);
  if (psiOn) psi(j, now[b + 2], now[b + 3], stalled(now, prev, b + 2, tickS));
  j.end();
  if (psiOn) {
    j.objectField('io').stamp('time', time, 0);
    psi(j, now[b + 4], now[b + 5], stalled(now, prev, b + 4, tickS));
    j.end();
  }
}

function cpu(j: JsonOut, time: string, nanoCores: number, coreNs: number, p: Psi3 | null): void {
  j.objectField('cpu').stamp('time', time, 0).uint('usageNanoCores', nanoCores).uint('usageCoreNanoSeconds', coreNs);
  if (p) psi(j, p[0], p[1], p[2]);
  j.end();
}

/** `pageFaults` null: a Windows kubelet, which reports neither RSS nor page faults. */
function memory(j: JsonOut, time: string, m: MemoryGauges, availableBytes: number | null, pageFaults: number | null, majorPageFaults: number, p: Psi3 | null): void {
  j.objectField('memory').stamp('time', time, 0);
  if (availableBytes !== null) j.uint('availableBytes', availableBytes);
  j.uint('usageBytes', m.usageBytes).uint('workingSetBytes', m.workingSetBytes);
  if (pageFaults !== null) j.uint('rssBytes', m.rssBytes).uint('pageFaults', pageFaults).uint('majorPageFaults', majorPageFaults);
  if (p) psi(j, p[0], p[1], p[2]);
  j.end();
}

function io(j: JsonOut, time: string, p: Psi3): void {
  j.objectField('io').stamp('time', time, 0);
  psi(j, p[0], p[1], p[2]);
  j.end();
}

/** FsStats members (the caller opens and closes the object; volumes append name and pvcRef). */
function fsMembers(j: JsonOut, time: string, availableBytes: number, capacityBytes: number, usedBytes: number, inodesFree: number, inodes: number, inodesUsed: number, stamp: 0 | 1 = 0): JsonOut {
  return j.stamp('time', time, stamp).uint('availableBytes', availableBytes).uint('capacityBytes', capacityBytes).uint('usedBytes', usedBytes).uint('inodesFree', inodesFree).uint('inodes', inodes).uint('inodesUsed', inodesUsed);
}

/** Numeric stamps of a summary (SlotJson.start): the node filesystem's free bytes, size, free inodes and
 *  inodes, the same in every block of the node's filesystem. */
const NODE_AVAIL = 2;
const NODE_CAP = 3;
const NODE_INODES_FREE = 4;
const NODE_INODES = 5;

/** FsStats members of a block on the node's own filesystem (rootfs, logs, ephemeral storage, the node's
 *  fs and image fs): the node-wide numbers are stamps, patched once per document instead of written per block. */
function nodeFsMembers(j: JsonOut, x: Ctx, usedBytes: number, inodesUsed: number, capacityBytes = x.nodeCap, inodes = x.inodes): JsonOut {
  return j.stamp('time', x.time, 0).stampUint('availableBytes', x.nodeAvail, NODE_AVAIL).stampUint('capacityBytes', capacityBytes, NODE_CAP).uint('usedBytes', usedBytes)
    .stampUint('inodesFree', x.inodesFree, NODE_INODES_FREE).stampUint('inodes', inodes, NODE_INODES).uint('inodesUsed', inodesUsed);
}

type Iface = [string, number, number, number, number];

function network(j: JsonOut, time: string, ifaces: Iface[]): void {
  const d = ifaces[0];
  j.objectField('network').stamp('time', time, 0).string('name', d[0]).uint('rxBytes', d[1]).uint('rxErrors', d[2]).uint('txBytes', d[3]).uint('txErrors', d[4]);
  j.arrayField('interfaces');
  for (const i of ifaces) j.object().string('name', i[0]).uint('rxBytes', i[1]).uint('rxErrors', i[2]).uint('txBytes', i[3]).uint('txErrors', i[4]).end();
  j.endArray().end();
}

interface Ctx {
  s: NodeSample;
  time: string;
  volTime: string;
  nodeAvail: number;
  nodeCap: number;
  inodes: number;
  inodesFree: number;
  only: boolean;
}

function container(j: JsonOut, x: Ctx, c: ContainerSample): void {
  const feat = x.s.features;
  j.object().string('name', c.name).time('startTime', c.startMs);
  usage(j, x, c.now, c.prev, c.usageNanoCores, c.mem, c.memAvailableBytes);
  if (!x.only) {
    nodeFsMembers(j.objectField('rootfs'), x, c.rootfsBytes, c.rootfsInodes).end();
    nodeFsMembers(j.objectField('logs'), x, c.logsBytes, 1).end(); // one inode: the log file
  }
  if (feat.swap) j.objectField('swap').stamp('time', x.time, 0).fixedUint('swapAvailableBytes', 0).fixedUint('swapUsageBytes', 0).end();
  j.end();
}

function pod(j: JsonOut, x: Ctx, p: PodSample): void {
  const feat = x.s.features;
  const v = p.view;
  j.object();
  j.objectField('podRef').string('name', v.name).string('namespace', v.namespace).string('uid', v.uid).end();
  j.time('startTime', v.startTime.getTime());
  j.arrayField('containers');
  for (const c of p.containers) container(j, x, c);
  j.endArray();
  usage(j, x, p.now, p.prev, p.usageNanoCores, p.mem, p.memAvailableBytes);
  if (!x.only) {
    const now = p.now;
    // Errors are 0 in this model: folded into the templates (a non-zero count would record a new one).
    j.objectField('network').stamp('time', x.time, 0).fixedString('name', 'eth0').uint('rxBytes', now[C.rxBytes]).fixedUint('rxErrors', now[C.rxErrors]).uint('txBytes', now[C.txBytes]).fixedUint('txErrors', now[C.txErrors]);
    j.arrayField('interfaces');
    j.object().fixedString('name', 'eth0').uint('rxBytes', now[C.rxBytes]).fixedUint('rxErrors', now[C.rxErrors]).uint('txBytes', now[C.txBytes]).fixedUint('txErrors', now[C.txErrors]).end();
    j.endArray().end();
    if (p.volumes.length) {
      j.arrayField('volume');
      for (const vs of p.volumes) {
        const avail = vs.onNodeFs ? x.nodeAvail : vs.capacityBytes - vs.usedBytes;
        fsMembers(j.object(), x.volTime, avail, vs.capacityBytes, vs.usedBytes, vs.inodes - vs.inodesUsed, vs.inodes, vs.inodesUsed, 1).string('name', vs.name);
        if (vs.pvcName !== null) j.objectField('pvcRef').string('name', vs.pvcName).string('namespace', v.namespace).end();
        j.end();
      }
      j.endArray();
    }
    nodeFsMembers(j.objectField('ephemeral-storage'), x, p.ephemeralUsedBytes, p.ephemeralInodesUsed).end();
    if (feat.processStats) j.objectField('process_stats').uint('process_count', p.processCount).end();
  }
  if (feat.swap) j.objectField('swap').stamp('time', x.time, 0).fixedUint('swapUsageBytes', 0).end();
  j.end();
}

function context(s: NodeSample, opts: SummaryOptions): Ctx {
  const nodeAvail = Math.max(0, Math.floor(s.fs.capacityBytes * 0.95) - s.fs.usedBytes);
  return {
    s, time: rfc3339(s.tickMs), volTime: rfc3339(Math.floor(s.tickMs / 60_000) * 60_000), nodeAvail, nodeCap: s.fs.capacityBytes,
    inodes: s.fs.inodes, inodesFree: s.fs.inodes - s.fs.inodesUsed, only: opts.onlyCpuAndMemory,
  };
}

/** The document from its opening brace to the end of `node` (the caller opens `pods`). */
function head(j: JsonOut, x: Ctx): void {
  const s = x.s;
  const feat = s.features;
  const time = x.time;
  const podsPsi = feat.psi ? psiFrom(s.qos.kubepods, s.qos.kubepodsPrev, s.tickS) : null;
  j.object().objectField('node').string('nodeName', s.view.name);
  // Windows kubelets have no cgroups to report system containers from: the key is left out.
  if (!feat.windows) j.arrayField('systemContainers');
  for (const sc of feat.windows ? [] : [s.kubelet, s.podsSystem]) {
    const isPods = sc.name === 'pods';
    // The kubelet's own cgroup stalls little; its PSI totals track its cpu time.
    const own: Psi3 = [sc.cpuNs / 2e4, sc.cpuNs / 2.2e4, 0];
    j.object().string('name', sc.name).time('startTime', sc.startMs);
    cpu(j, time, sc.usageNanoCores, sc.cpuNs, podsPsi && (isPods ? podsPsi.cpu : own));
    memory(j, time, sc.mem, isPods ? Math.max(0, s.view.memoryBytes - sc.mem.workingSetBytes) : null, sc.pageFaults, sc.majorPageFaults, podsPsi && (isPods ? podsPsi.mem : [0, 0, 0]));
    if (podsPsi) io(j, time, isPods ? podsPsi.io : [sc.cpuNs / 1e6, sc.cpuNs / 1.1e6, 0]);
    if (feat.swap) j.objectField('swap').stamp('time', time, 0).uint('swapUsageBytes', 0).end();
    j.end();
  }
  if (!feat.windows) j.endArray();
  j.time('startTime', s.view.startTime.getTime());
  const n = s.node;
  const np = podsPsi && { cpu: [n.psi[0], n.psi[1], podsPsi.cpu[2]] as Psi3, mem: [n.psi[2], n.psi[3], podsPsi.mem[2]] as Psi3, io: [n.psi[4], n.psi[5], podsPsi.io[2]] as Psi3 };
  cpu(j, time, n.usageNanoCores, n.cpuNs, np && np.cpu);
  memory(j, time, n.mem, n.availableBytes, feat.windows ? null : n.pageFaults, n.majorPageFaults, np && np.mem);
  if (np) io(j, time, np.io);
  if (!x.only) {
    network(j, time, [['eth0', n.rxBytes, 0, n.txBytes, 0], ['tunl0', 0, 0, 0, 0]]);
    nodeFsMembers(j.objectField('fs'), x, s.fs.usedBytes, s.fs.inodesUsed, s.fs.capacityBytes, s.fs.inodes).end();
    j.objectField('runtime');
    const img = (key: string) => nodeFsMembers(j.objectField(key), x, s.imageFs.usedBytes, s.imageFs.inodesUsed, s.imageFs.capacityBytes, s.imageFs.inodes).end();
    img('imageFs');
    if (feat.containerFs) img('containerFs');
    j.end();
    if (!feat.windows) j.objectField('rlimit').stamp('time', time, 0).uint('maxpid', 4194304).uint('curproc', s.curproc).end();
  }
  if (feat.swap) j.objectField('swap').stamp('time', time, 0).uint('swapAvailableBytes', s.swapCapacityBytes).uint('swapUsageBytes', 0).end();
  j.end();
}

/** The whole /stats/summary body for a tick, as a string. */
export function renderSummary(s: NodeSample, opts: SummaryOptions): string {
  return writeSummary(s, opts).toString();
}

/** The body written by the reference writer (PrettyJson, one call per byte run): what writeSummary must
 *  reproduce byte for byte (tests), and a readable statement of the document. */
export function writeSummaryReference(s: NodeSample, opts: SummaryOptions): Buffer {
  const x = context(s, opts);
  const w = new TextWriter(1 << 16);
  const j = new PrettyJson(w);
  head(j, x);
  j.arrayField('pods');
  for (const p of s.pods) pod(j, x, p);
  j.endArray().end();
  return w.toBuffer();
}

const slots = new SlotJson(new TextWriter(1 << 16));
/** What follows the last pod: PrettyJson closes a non-empty array on its own line, an empty one at once. */
const CLOSE_PODS = Buffer.from('\n ]\n}', 'latin1');
const CLOSE_NO_PODS = Buffer.from(']\n}', 'latin1');

/** Writes one fragment with `write`, replaying the template of `key` (or recording it); a fragment that
 *  departs from its template (a structure the key does not tell apart) is rewound and recorded afresh. */
function fragment<T>(key: string | number, resumeDepth: number, write: (j: JsonOut, x: Ctx, item: T) => void, x: Ctx, item: T): void {
  const mark = slots.begin(key, resumeDepth);
  try {
    write(slots, x, item);
    slots.finish();
  } catch (err) {
    if (err !== MISMATCH) throw err;
    slots.rerecord(mark, key, resumeDepth);
    write(slots, x, item);
    slots.finish();
  }
}

function headAndPods(j: JsonOut, x: Ctx): void {
  head(j, x);
  j.arrayField('pods');
}

/**
 * Everything that changes which calls a pod's fragment makes (the values are slots): the document's key
 * (features and the widths of its numeric stamps), and per container, pod and volume whether a memory
 * limit or a PVC is there. Packed into one number (cheaper to hash than a string): a 1 bit above each
 * list's bits keeps lists of different lengths apart; unusually long lists get a string key.
 */
function podKey(docKey: number, p: PodSample): number | string {
  const cs = p.containers;
  const vs = p.volumes;
  if (cs.length > 8 || vs.length > 16) {
    return `${docKey}|${cs.map((c) => (c.memAvailableBytes === null ? 'n' : 'l')).join('')}|${p.memAvailableBytes === null ? 'n' : 'l'}|${vs.map((v) => (v.pvcName === null ? 'v' : 'p')).join('')}`;
  }
  let c = 1;
  for (let i = 0; i < cs.length; i++) c = c * 2 + (cs[i].memAvailableBytes === null ? 0 : 1);
  let v = 1;
  for (let i = 0; i < vs.length; i++) v = v * 2 + (vs[i].pvcName === null ? 0 : 1);
  return ((docKey * 512 + c) * 131_072 + v) * 2 + (p.memAvailableBytes === null ? 0 : 1); // < 2^53: docKey < 2^23
}

/** Writes the /stats/summary body into `w` (by default the shared scratch writer, valid until the next
 *  render) and returns it. Same bytes as writeSummaryReference, from templates per pod structure (slot-json.ts). */
export function writeSummary(s: NodeSample, opts: SummaryOptions, w: TextWriter = scratch.reset()): TextWriter {
  const x = context(s, opts);
  const f = s.features;
  const docBits = (f.psi ? 1 : 0) | (f.swap ? 2 : 0) | (f.containerFs ? 4 : 0) | (f.processStats ? 8 : 0) | (x.only ? 16 : 0) | (f.windows ? 32 : 0);
  const nums = [x.nodeAvail, x.nodeCap, x.inodesFree, x.inodes];
  // The stamps' widths are part of the structure: a template's stamp text is patched in place only with
  // text of the same length, so nodes with other widths get templates of their own instead of re-recording.
  let widths = 0;
  for (const v of nums) widths = widths * 17 + Math.min(16, String(v).length);
  const docKey = docBits + 64 * widths;
  slots.start(w, x.time, x.volTime, nums);
  fragment(`doc${docKey}`, 0, headAndPods, x, null);
  const pods = s.pods;
  for (let i = 0; i < pods.length; i++) {
    if (i > 0) slots.byte(44); // ','
    fragment(podKey(docKey, pods[i]), 2, pod, x, pods[i]);
  }
  slots.bytes(pods.length ? CLOSE_PODS : CLOSE_NO_PODS);
  slots.done();
  return w;
}

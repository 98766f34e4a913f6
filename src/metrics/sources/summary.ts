// Kubelet Summary API (`/stats/summary`) → metric rows. Pure: bytes in, rows out.
//
// The mapping is METRIC_DEFS' `summary` paths, compiled once into plans (summary-plan.ts). Decoding is
// JSON.parse plus one walk per object; the same walk notices keys no plan knows (reported as `unmapped`).
// Every numeric field is optional (absent → null): the kubelet omits groups freely across versions and
// with PodAndContainerStatsFromCRI (K8S-REFERENCE §6.2).
import { emptyMetricRows, rowFactory, type Entity, type MetricRow, type MetricRows } from '../definitions.js';
import {
  FieldError, MetricDecodeError, TimeParser, prefixError, emptyStartTimes, typeName, type StartTimes,
} from './decode-util.js';
import { PLANS, checkKeys, fill, type Plan } from './summary-plan.js';
import { parseJsonBuffer } from './json-pieces.js';

export interface SummaryDecodeOptions {
  /** Sample time for objects that carry no `time` of their own (old kubelets omit it on FsStats). */
  scrapeTime?: Date;
  /** Look for fields no definition maps (default true). */
  checkUnmapped?: boolean;
  /** Keep interfaces whose counters are all zero (default false; see isIdleRow). */
  keepIdleInterfaces?: boolean;
}

export interface DecodedSummary {
  nodeName: string;
  rows: MetricRows;
  /** Node, system container, pod, container and interface start times, for counter-reset detection. */
  startTimes: StartTimes;
  /** Paths (e.g. `pods[].containers[].cpu.newField`) present in the payload that no column maps. */
  unmapped: string[];
  /** Interfaces left out because all their counters were zero. */
  idleInterfaces: number;
}

const NEW_ROW = Object.fromEntries(
  (['node', 'system_container', 'pod', 'container', 'volume', 'interface'] as const).map((e) => [e, rowFactory(e)]),
) as Record<Exclude<Entity, 'disk_io'>, () => MetricRow>;

type Obj = Record<string, unknown>;

function asObject(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FieldError(path, `expected an object, got ${typeName(v)}`);
  return v as Obj;
}

function asArray(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new FieldError(path, `expected an array, got ${typeName(v)}`);
  return v;
}

function asString(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new FieldError(path, `expected a non-empty string, got ${typeName(v)}`);
  return v;
}

/** The `time` of the first stats group that has one: all come from the same cAdvisor housekeeping pass. */
const TIME_GROUPS = ['cpu', 'memory', 'network', 'swap', 'io', 'fs', 'ephemeral-storage', 'rootfs', 'logs'];

function sampleTime(obj: Obj, times: TimeParser, fallback: Date | undefined): Date {
  for (const g of TIME_GROUPS) {
    const group = obj[g] as Obj | undefined;
    if (group && typeof group === 'object' && group.time !== undefined) {
      try {
        return times.parse(group.time);
      } catch (err) {
        throw prefixError(err, `${g}.time`);
      }
    }
  }
  if (fallback) return fallback;
  throw new FieldError('', 'no sample time: no stats group carries a `time` and no scrape time was given');
}

function startMs(v: unknown, times: TimeParser): number | null {
  if (v === undefined || v === null) return null;
  try {
    return times.parse(v).getTime();
  } catch (err) {
    throw prefixError(err, 'startTime');
  }
}

interface Ctx {
  rows: MetricRows;
  startTimes: StartTimes;
  unmapped: Set<string> | null;
  times: TimeParser;
  nodeName: string;
  keepIdleInterfaces: boolean;
  idleInterfaces: number;
}

export function decodeSummary(body: string | Buffer, opts: SummaryDecodeOptions = {}): DecodedSummary {
  let doc: unknown;
  try {
    doc = typeof body === 'string' ? JSON.parse(body) : parseJsonBuffer(body);
  } catch (err) {
    throw new MetricDecodeError('summary', '', `invalid JSON: ${(err as Error).message}`);
  }
  try {
    return decodeDocument(doc, opts);
  } catch (err) {
    if (err instanceof FieldError) throw new MetricDecodeError('summary', err.path, err.problem);
    throw err;
  }
}

function decodeDocument(doc: unknown, opts: SummaryDecodeOptions): DecodedSummary {
  const top = asObject(doc, '');
  const node = asObject(top.node, 'node');
  const ctx: Ctx = {
    rows: emptyMetricRows(),
    startTimes: emptyStartTimes(),
    unmapped: opts.checkUnmapped === false ? null : new Set(),
    times: new TimeParser(),
    nodeName: '',
    keepIdleInterfaces: opts.keepIdleInterfaces === true,
    idleInterfaces: 0,
  };
  if (ctx.unmapped) checkKeys(top, PLANS.top, ctx.unmapped);
  try {
    ctx.nodeName = asString(node.nodeName, 'nodeName');
    decodeNode(node, ctx, opts.scrapeTime);
  } catch (err) {
    throw prefixError(err, 'node');
  }
  const nodeTs = ctx.rows.node[0].ts as Date;
  const pods = asArray(top.pods, 'pods');
  for (let i = 0; i < pods.length; i++) {
    try {
      decodePod(asObject(pods[i], ''), ctx, opts.scrapeTime ?? nodeTs);
    } catch (err) {
      throw prefixError(err, `pods[${i}]`);
    }
  }
  return {
    nodeName: ctx.nodeName, rows: ctx.rows, startTimes: ctx.startTimes, unmapped: ctx.unmapped ? [...ctx.unmapped] : [],
    idleInterfaces: ctx.idleInterfaces,
  };
}

function decodeNode(node: Obj, ctx: Ctx, scrapeTime: Date | undefined): void {
  const row: MetricRow = NEW_ROW.node();
  row.node = ctx.nodeName;
  row.ts = sampleTime(node, ctx.times, scrapeTime);
  fill(node, PLANS.node, row, ctx.unmapped);
  ctx.rows.node.push(row);
  const nodeStart = startMs(node.startTime, ctx.times);
  ctx.startTimes.node = nodeStart;

  const system = asArray(node.systemContainers, 'systemContainers');
  for (let i = 0; i < system.length; i++) {
    try {
      const sc = asObject(system[i], '');
      const scRow: MetricRow = NEW_ROW.system_container();
      scRow.node = ctx.nodeName;
      scRow.name = asString(sc.name, 'name');
      scRow.ts = sampleTime(sc, ctx.times, row.ts);
      fill(sc, PLANS.system_container, scRow, ctx.unmapped);
      ctx.rows.system_container.push(scRow);
      const s = startMs(sc.startTime, ctx.times);
      if (s !== null) ctx.startTimes.systemContainers.set(scRow.name, s);
    } catch (err) {
      throw prefixError(err, `systemContainers[${i}]`);
    }
  }
  try {
    decodeInterfaces(node.network, '', row.ts, PLANS.nodeInterface, ctx);
  } catch (err) {
    throw prefixError(err, 'network');
  }
}

function decodePod(pod: Obj, ctx: Ctx, fallbackTs: Date): void {
  const ref = asObject(pod.podRef, 'podRef');
  const uid = asString(ref.uid, 'podRef.uid');
  const name = asString(ref.name, 'podRef.name');
  const namespace = asString(ref.namespace, 'podRef.namespace');
  const row: MetricRow = NEW_ROW.pod();
  row.pod_uid = uid;
  row.namespace = namespace;
  row.pod = name;
  row.node = ctx.nodeName;
  row.ts = sampleTime(pod, ctx.times, fallbackTs);
  fill(pod, PLANS.pod, row, ctx.unmapped);
  ctx.rows.pod.push(row);
  const podStart = startMs(pod.startTime, ctx.times);
  if (podStart !== null) ctx.startTimes.pods.set(uid, podStart);

  const containers = asArray(pod.containers, 'containers');
  for (let i = 0; i < containers.length; i++) {
    try {
      const c = asObject(containers[i], '');
      const cRow: MetricRow = NEW_ROW.container();
      cRow.pod_uid = uid;
      cRow.container = asString(c.name, 'name');
      cRow.namespace = namespace;
      cRow.pod = name;
      cRow.node = ctx.nodeName;
      cRow.ts = sampleTime(c, ctx.times, row.ts);
      fill(c, PLANS.container, cRow, ctx.unmapped);
      ctx.rows.container.push(cRow);
      const s = startMs(c.startTime, ctx.times);
      if (s !== null) ctx.startTimes.containers.set(`${uid}/${cRow.container}`, s);
    } catch (err) {
      throw prefixError(err, `containers[${i}]`);
    }
  }

  const volumes = asArray(pod.volume, 'volume');
  for (let i = 0; i < volumes.length; i++) {
    try {
      const v = asObject(volumes[i], '');
      const vRow: MetricRow = NEW_ROW.volume();
      vRow.pod_uid = uid;
      vRow.volume = asString(v.name, 'name');
      vRow.namespace = namespace;
      vRow.pod = name;
      vRow.node = ctx.nodeName;
      vRow.pvc = v.pvcRef == null ? null : asString(asObject(v.pvcRef, 'pvcRef').name, 'pvcRef.name');
      vRow.ts = v.time === undefined ? row.ts : parseTime(v.time, ctx.times);
      fill(v, PLANS.volume, vRow, ctx.unmapped);
      ctx.rows.volume.push(vRow);
    } catch (err) {
      throw prefixError(err, `volume[${i}]`);
    }
  }
  try {
    decodeInterfaces(pod.network, uid, row.ts, PLANS.podInterface, ctx);
  } catch (err) {
    throw prefixError(err, 'network');
  }
}

function parseTime(v: unknown, times: TimeParser): Date {
  try {
    return times.parse(v);
  } catch (err) {
    throw prefixError(err, 'time');
  }
}

/** One interface row per entry of `network.interfaces` (node: pod_uid ''), stamped with the network time. */
function decodeInterfaces(network: unknown, podUid: string, ownerTs: unknown,
  plan: Plan, ctx: Ctx): void {
  if (network === undefined || network === null) return;
  const net = network as Obj;
  const list = asArray(net.interfaces, 'interfaces');
  if (list.length === 0) return;
  const ts = net.time === undefined ? (ownerTs as Date) : parseTime(net.time, ctx.times);
  for (let i = 0; i < list.length; i++) {
    try {
      const iface = asObject(list[i], '');
      if (!ctx.keepIdleInterfaces && rawIdle(iface)) {
        // Same checks as a kept row (name, unknown keys), without building a row to throw away.
        asString(iface.name, 'name');
        if (ctx.unmapped) checkKeys(iface, plan, ctx.unmapped);
        ctx.idleInterfaces++;
        continue;
      }
      const r: MetricRow = NEW_ROW.interface();
      r.node = ctx.nodeName;
      r.pod_uid = podUid;
      r.interface = asString(iface.name, 'name');
      r.ts = ts;
      fill(iface, plan, r, ctx.unmapped);
      ctx.rows.interface.push(r);
    } catch (err) {
      throw prefixError(err, `interfaces[${i}]`);
    }
  }
}

/** An InterfaceStats whose four counters are exactly 0 or absent (anything else goes through the checks). */
function rawIdle(iface: Obj): boolean {
  return isZeroOrAbsent(iface.rxBytes) && isZeroOrAbsent(iface.txBytes)
    && isZeroOrAbsent(iface.rxErrors) && isZeroOrAbsent(iface.txErrors);
}

function isZeroOrAbsent(v: unknown): boolean {
  return v === 0 || v === undefined || v === null;
}

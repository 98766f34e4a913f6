// Small helpers shared by the decoders: the error type that names the offending field, number and time
// conversion with the bounds the store needs, and start-time bookkeeping for the rate stage.
import { METRIC_DEFS, type Entity, type MetricRow } from '../definitions.js';

/**
 * Largest piece Buffer#toString gets at once in the Prometheus text parser: on Node 20 one toString of a
 * 1.4 MB cAdvisor body took ~18 ms wall time against ~1.5 ms in 64 KiB pieces (strings above ~256 KB take
 * a slow allocation path); on 22.23 and 24.21 the pieces still take about half the time of one toString. Not used for the summary: JSON.parse needs one flat string, and joining pieces
 * measured slower in CPU time than a single toString.
 */
export const TEXT_PIECE_BYTES = 64 * 1024;

/** Bad kubelet input; `message` names the source, the field path and what was wrong. */
export class MetricDecodeError extends Error {
  constructor(readonly source: string, readonly path: string, readonly problem: string) {
    super(`${source}: ${path ? `${path}: ` : ''}${problem}`);
    this.name = 'MetricDecodeError';
  }
}

/** Thrown inside a decoder with a path relative to the current object; callers prepend their part. */
export class FieldError extends Error {
  constructor(public path: string, readonly problem: string) {
    super(problem);
  }
}

export function prefixError(err: unknown, prefix: string): unknown {
  if (err instanceof FieldError) err.path = err.path ? `${prefix}.${err.path}` : prefix;
  return err;
}

/**
 * 2^63: PostgreSQL's bigint cannot hold it. The kubelet's fields are uint64 and the kernel/cAdvisor use
 * 2^64−1 as "unknown" (the beats fixture's inodesFree = 18446744073709551615), so such a value becomes
 * null rather than a garbage number or a COPY failure that would lose the whole batch. Values between
 * 2^53 and 2^63 (e.g. a big node's usageCoreNanoSeconds after months) are kept as the nearest double:
 * the relative error is below 1.2e-16, far under any rate's meaning.
 */
export const INT64_LIMIT = 2 ** 63;

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** A JSON value for a numeric column: absent → null; integer columns rounded; beyond int64 → null. */
export function toColumnNumber(v: unknown, integer: boolean): number | null {
  if (typeof v === 'number') {
    if (!(v >= 0)) throw new FieldError('', `expected a non-negative number, got ${v}`);
    if (!integer) return v;
    if (v >= INT64_LIMIT) return null;
    return Number.isInteger(v) ? v : Math.round(v);
  }
  if (v === undefined || v === null) return null;
  throw new FieldError('', `expected a number, got ${typeName(v)}`);
}

/**
 * Parses RFC 3339 times for one payload, remembering each distinct text: the kubelet repeats the same
 * time across a pod's groups and containers, and Date.parse is the costliest step of the walk otherwise.
 * Bounded: the memo is cleared when it reaches 4,096 entries.
 */
export class TimeParser {
  private readonly memo = new Map<string, Date>();

  parse(v: unknown): Date {
    if (typeof v !== 'string') throw new FieldError('', `expected an RFC 3339 time string, got ${typeName(v)}`);
    const known = this.memo.get(v);
    if (known !== undefined) return known;
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) throw new FieldError('', `expected an RFC 3339 time, got ${JSON.stringify(v.slice(0, 40))}`);
    const date = new Date(ms);
    if (this.memo.size >= 4096) this.memo.clear();
    this.memo.set(v, date);
    return date;
  }
}

/**
 * Start times (epoch ms) of what counter rows measure: a changed start time means the counters restarted
 * from zero (container restart, pod re-creation, node reboot). Interfaces and disk rows inherit the start
 * time of the pod, container or node they belong to (see `startTimeOf`).
 */
export interface StartTimes {
  node: number | null;
  /** By system container name. */
  systemContainers: Map<string, number>;
  /** By pod UID. */
  pods: Map<string, number>;
  /** By `<pod uid>/<container name>` ('/' cannot occur in either). */
  containers: Map<string, number>;
}

export function emptyStartTimes(): StartTimes {
  return { node: null, systemContainers: new Map(), pods: new Map(), containers: new Map() };
}

/** The start time that governs a row's counters, or undefined when the decoder did not know it. */
export function startTimeOf(entity: Entity, row: MetricRow, st: StartTimes): number | undefined {
  switch (entity) {
    case 'node':
      return st.node ?? undefined;
    case 'system_container':
      return st.systemContainers.get(row.name as string);
    case 'pod':
      return st.pods.get(row.pod_uid as string);
    case 'container':
      return st.containers.get(`${row.pod_uid as string}/${row.container as string}`);
    case 'interface':
      return row.pod_uid ? st.pods.get(row.pod_uid as string) : st.node ?? undefined;
    case 'disk_io':
      if (row.container) return st.containers.get(`${row.pod_uid as string}/${row.container as string}`);
      return row.pod_uid ? st.pods.get(row.pod_uid as string) : st.node ?? undefined;
    default:
      return undefined;
  }
}

const COUNTER_COLUMNS = {
  interface: METRIC_DEFS.filter((d) => d.entity === 'interface' && d.kind === 'counter').map((d) => d.column),
  disk_io: METRIC_DEFS.filter((d) => d.entity === 'disk_io' && d.kind === 'counter').map((d) => d.column),
};

/**
 * True when every counter of an interface or disk row is 0 or absent: an interface that never carried a
 * packet (the tunnel devices tunl0, gre0, sit0, ip6tnl0 … every pod netns has on some kernels: 9 of the
 * 10 interfaces per pod in the 1.35 fixture), a device (tmpfs, /dev/shm …) that never did I/O. Decoders
 * leave these out by default because at 150,000 pods they would be most of the rows stored while saying
 * nothing; the pod's own row keeps its eth0 totals.
 */
export function isIdleRow(entity: 'interface' | 'disk_io', row: MetricRow): boolean {
  for (const c of COUNTER_COLUMNS[entity]) {
    const v = row[c];
    if (v !== null && v !== 0 && v !== undefined) return false;
  }
  return true;
}

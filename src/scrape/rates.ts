// Counters → per-second rates at ingest. For each entity (node, pod, container, interface, …) of each
// cluster, the last counter values and kubelet sample time are kept; a new sample gets
// rate = (value − previous) / elapsed kubelet seconds × the definition's scale, in the def's `rate` column.
//
// Rules (K8S-REFERENCE §6.3, issue 6):
// - first sample of an entity: no rate (null);
// - stale sample (kubelet time not after the last one: the kubelet had not refreshed its stats): the row
//   is dropped, so a frozen kubelet stores nothing twice;
// - counter reset (a value went down, or the start time of the pod/container/node changed): null rates
//   for that row, never a negative rate;
// - gap (elapsed > gapFactor × the source's interval, e.g. after an outage): null, since an average over
//   a long gap would hide what happened in it;
// - memory is bounded: `forget()` drops deleted pods and nodes (the inventory says when), `prune(olderThanMs)`
//   forgets entities not seen since then, and a hard cap evicts the entities seen longest ago beyond
//   `maxEntities`.
import { ENTITIES, FIRST_SAMPLE, entityKeyColumnsOf, METRIC_DEFS, type Entity, type MetricRow, type MetricRows } from '../metrics/definitions.js';
import { EntityStates, Interner, NO_ID } from './rate-state.js';
import { generated, prop } from '../util/generated-code.js';
import { startTimeOf, type StartTimes } from '../metrics/sources/decode-util.js';

export interface RateOptions {
  /** The source's scrape interval; elapsed kubelet time above gapFactor × this gives no rate. */
  intervalMs: number;
  /**
   * How long a forgotten pod's or node's state is kept before a sweep drops it (default 2 × intervalMs):
   * the kubelet keeps serving a deleted pod's last cached sample until its next housekeeping, and without
   * the state that sample would look new and be written a second time.
   */
  forgetGraceMs?: number;
  /** Default 3. */
  gapFactor?: number;
  /** Entities remembered at most (all clusters together). Default 1,000,000. */
  maxEntities?: number;
  /** Wall clock for `prune`; tests inject one. */
  now?: () => number;
  /** Track only the counters this source fills (less memory per entity). Default: every counter. */
  source?: RateSource;
}

export interface RateResult {
  /** Rows dropped because their sample time was not after the previous one. */
  stale: number;
  /** Rows whose counters restarted (start time changed or a value went down). */
  resets: number;
  /** Rows after a gap longer than gapFactor × interval. */
  gaps: number;
  /** Rows of entities seen for the first time. */
  first: number;
  /** Entities forgotten because of the maxEntities cap. */
  evicted: number;
}

interface Counter { column: string; rateColumn: string; scale: number }

/**
 * Per-entity state is a slot of numbers (see rate-state.ts for how it is stored compactly):
 * [sample time ms, start time ms (NaN unknown), wall time last seen ms, counter values… (NaN absent)],
 * found by a compact key built from the entity's key columns, with the pod UID and node name replaced by
 * per-cluster integer ids.
 */
const TS = 0;
const START = 1;
const SEEN = 2;
const VALUES = 3;

type RateSource = 'summary' | 'cadvisor' | 'resource';

/** Compact keys join an entity's key fields with this (it cannot occur in names or UIDs). */
const SEP = '\u001f';

/**
 * Where an entity's key columns (without cluster and time) hold the node name and the pod UID (-1: none),
 * and the row accessors the tracker needs: the UID and the node name ('' where the entity has none) and
 * the compact key, as straight-line code per entity (util/generated-code.ts).
 */
interface KeyPlan {
  node: number;
  pod: number;
  uidOf: (row: MetricRow) => string;
  nodeOf: (row: MetricRow) => string;
  /**
   * The compact key: the id alone when the pod UID or the node name is the only key column (a number: no
   * string per entity), else the fields joined by SEP with the ids in place of the UID and the node name.
   */
  compactKey: (row: MetricRow, podId: number, nodeId: number) => string | number;
}

function keyPlan(entity: Entity): KeyPlan {
  const columns = entityKeyColumnsOf(entity);
  const pod = columns.indexOf('pod_uid');
  const node = columns.indexOf('node');
  const text = (c: string) => `String(${prop('row', c)} ?? '')`;
  const parts = columns.map((c, i) => (i === pod ? 'podId' : i === node ? 'nodeId' : text(c)));
  const key = columns.length === 1 && (pod === 0 || node === 0) ? parts[0] : `'' + ${parts.join(` + ${JSON.stringify(SEP)} + `)}`;
  return {
    node, pod,
    uidOf: generated(`function uidOf(row) { return ${pod >= 0 ? text(columns[pod]) : "''"}; }`),
    nodeOf: generated(`function nodeOf(row) { return ${node >= 0 ? text(columns[node]) : "''"}; }`),
    compactKey: generated(`function compactKey(row, podId, nodeId) { return ${key}; }`),
  };
}

const KEY_PLAN = Object.fromEntries(ENTITIES.map((e) => [e, keyPlan(e)])) as Record<Entity, KeyPlan>;

/** One cluster's state: its pod UIDs and node names as ids, and one EntityStates per entity kind. */
interface ClusterState {
  pods: Interner;
  nodes: Interner;
  byEntity: Map<Entity, EntityStates>;
  /** Releases a removed slot's pod and node ids (bound once per entity kind). */
  release: Map<Entity, (slot: number) => void>;
}

/** Forgotten pods/nodes gather until they are this fraction (1/64) of the entities, or SWEEP_MIN, then one pass drops them. */
const SWEEP_RATIO = 64;
const SWEEP_MIN = 256;

/** Per cluster: the pod UIDs and node names forgotten. */
type Forgotten = Map<number | string, { pods: Set<string>; nodes: Set<string> }>;

function countOf(f: Forgotten): number {
  let n = 0;
  for (const g of f.values()) n += g.pods.size + g.nodes.size;
  return n;
}

function countersOf(entity: Entity, source: RateSource | undefined): Counter[] {
  return METRIC_DEFS.filter((d) => d.entity === entity && d.kind === 'counter' && d.rate && (!source || d[source]))
    .map((d) => ({ column: d.column, rateColumn: d.rate!.column, scale: d.rate!.scale }));
}

/**
 * A row's counter values into `values` (NaN where absent), and the rates from them and the previous
 * values (`data` from `at`) into the row's rate columns: straight-line code per entity over its counters
 * (util/generated-code.ts).
 */
interface CounterAccess {
  read: (row: MetricRow, values: Float64Array) => void;
  writeRates: (row: MetricRow, values: Float64Array, data: Float64Array, at: number, elapsedS: number) => void;
}

function counterAccess(counters: Counter[]): CounterAccess {
  const read = counters.map((c, i) => `{ const v = ${prop('row', c.column)}; values[${i}] = typeof v === 'number' ? v : NaN; }`);
  // v === v: not NaN. The scale is a declared number, written as its shortest round-trip text.
  const write = counters.map((c, i) => `{ const v = values[${i}]; const p = data[at + ${i}]; if (v === v && p === p) ${prop('row', c.rateColumn)} = ((v - p) / elapsedS) * ${String(c.scale)}; }`);
  return {
    read: generated(`function readCounters(row, values) {\n${read.join('\n')}\n}`),
    writeRates: generated(`function writeRates(row, values, data, at, elapsedS) {\n${write.join('\n')}\n}`),
  };
}

export class RateTracker {
  private readonly states = new Map<number | string, ClusterState>();
  private readonly intervalMs: number;
  private readonly gapFactor: number;
  private readonly maxEntities: number;
  private readonly now: () => number;
  private readonly counters: Record<Entity, Counter[]>;
  private readonly access: Record<Entity, CounterAccess>;
  /** One row's counter values, read once per row. */
  private scratch = new Float64Array(16);
  // Pods (by UID) and nodes (by name) per cluster that went away, waiting for a sweep: one pass over the
  // states per batch keeps a delete O(1) amortised where a scan per delete would be O(entities). Two
  // generations: a sweep drops the older one, forgotten at least forgetGraceMs ago, and the younger one
  // becomes the older.
  private young: Forgotten = new Map();
  private old: Forgotten = new Map();
  private youngSince: number;
  private readonly forgetGraceMs: number;

  constructor(opts: RateOptions) {
    if (!(opts.intervalMs > 0)) throw new Error(`rates: intervalMs must be > 0, got ${opts.intervalMs}`);
    this.intervalMs = opts.intervalMs;
    this.gapFactor = opts.gapFactor ?? 3;
    if (!(this.gapFactor >= 1)) throw new Error(`rates: gapFactor must be >= 1, got ${this.gapFactor}`);
    this.maxEntities = opts.maxEntities ?? 1_000_000;
    if (!(this.maxEntities >= 1)) throw new Error(`rates: maxEntities must be >= 1, got ${this.maxEntities}`);
    this.now = opts.now ?? Date.now;
    this.forgetGraceMs = opts.forgetGraceMs ?? 2 * this.intervalMs;
    this.youngSince = this.now();
    this.counters = Object.fromEntries(ENTITIES.map((e) => [e, countersOf(e, opts.source)])) as Record<Entity, Counter[]>;
    this.access = Object.fromEntries(ENTITIES.map((e) => [e, counterAccess(this.counters[e])])) as Record<Entity, CounterAccess>;
    const most = Math.max(...Object.values(this.counters).map((c) => c.length));
    if (most > this.scratch.length) this.scratch = new Float64Array(most);
  }

  get size(): number {
    let n = 0;
    for (const cs of this.states.values()) for (const st of cs.byEntity.values()) n += st.size;
    return n;
  }

  /** Pod UIDs and node names held as ids (all clusters): each at most once per cluster, live ones only. */
  get interned(): { pods: number; nodes: number } {
    let pods = 0;
    let nodes = 0;
    for (const cs of this.states.values()) {
      pods += cs.pods.size;
      nodes += cs.nodes.size;
    }
    return { pods, nodes };
  }

  private clusterOf(clusterId: number | string): ClusterState {
    let cs = this.states.get(clusterId);
    if (!cs) this.states.set(clusterId, (cs = { pods: new Interner(), nodes: new Interner(), byEntity: new Map(), release: new Map() }));
    return cs;
  }

  private statesOf(cs: ClusterState, entity: Entity): EntityStates {
    let st = cs.byEntity.get(entity);
    if (!st) {
      const states = (st = new EntityStates(VALUES + this.counters[entity].length));
      cs.byEntity.set(entity, st);
      cs.release.set(entity, (slot) => {
        cs.pods.release(states.podIdOf(slot));
        cs.nodes.release(states.nodeIdOf(slot));
      });
    }
    return st;
  }

  /**
   * Fills the rate columns of `rows` in place and removes stale rows from it. Use one tracker per source
   * (summary and cAdvisor samples of the same container are separate series with separate times).
   */
  apply(clusterId: number | string, rows: MetricRows, startTimes?: StartTimes): RateResult {
    const result: RateResult = { stale: 0, resets: 0, gaps: 0, first: 0, evicted: 0 };
    const seenMs = this.now();
    const cs = this.clusterOf(clusterId);
    for (const entity of ENTITIES) {
      const list = rows[entity];
      if (list.length === 0) continue;
      const st = this.statesOf(cs, entity);
      const plan = KEY_PLAN[entity];
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const row = list[i];
        if (this.applyRow(cs, st, plan, entity, row, startTimes, seenMs, result)) {
          list[kept++] = row;
        }
      }
      list.length = kept;
    }
    result.evicted = this.enforceCap();
    return result;
  }

  /**
   * Forgets the state of deleted pods (by UID: the pod, its containers, volumes, interfaces, disks) and
   * deleted nodes (by name: everything keyed by the node), at least forgetGraceMs later: at a sweep once
   * the forgotten ones reach 1/64 of the entities (at least 256), at `prune()`, or at `sweepForgotten()`.
   */
  forget(clusterId: number | string, gone: { pods?: Iterable<string>; nodes?: Iterable<string> }): void {
    let g = this.young.get(clusterId);
    if (!g) this.young.set(clusterId, (g = { pods: new Set(), nodes: new Set() }));
    for (const uid of gone.pods ?? []) g.pods.add(uid);
    for (const node of gone.nodes ?? []) g.nodes.add(node);
    if (this.pendingForgotten >= Math.max(SWEEP_MIN, this.size / SWEEP_RATIO)) this.sweepRipe();
  }

  /** Pods and nodes forgotten but not swept yet. */
  get pendingForgotten(): number {
    return countOf(this.young) + countOf(this.old);
  }

  /** Drops the state of everything forgotten, grace or not (tests, and a cluster going away). */
  sweepForgotten(): number {
    const removed = this.sweep(this.old) + this.sweep(this.young);
    this.old = new Map();
    this.young = new Map();
    this.youngSince = this.now();
    return removed;
  }

  /** Drops the older generation once the younger one is older than the grace; the younger becomes the older. */
  private sweepRipe(): number {
    if (this.forgetGraceMs <= 0) return this.sweepForgotten();
    const now = this.now();
    if (now - this.youngSince < this.forgetGraceMs) return 0;
    const removed = this.sweep(this.old);
    this.old = this.young;
    this.young = new Map();
    this.youngSince = now;
    return removed;
  }

  private sweep(forgotten: Forgotten): number {
    let removed = 0;
    for (const [clusterId, g] of forgotten) {
      const cs = this.states.get(clusterId);
      if (!cs) continue;
      // A UID or name no entity uses any more has no id: nothing of it is left to drop.
      const podIds = idsOf(cs.pods, g.pods);
      const nodeIds = idsOf(cs.nodes, g.nodes);
      if (podIds.size === 0 && nodeIds.size === 0) continue;
      for (const [entity, st] of cs.byEntity) {
        const plan = KEY_PLAN[entity];
        const pods = plan.pod >= 0 && podIds.size > 0;
        const nodes = plan.node >= 0 && nodeIds.size > 0;
        if (!pods && !nodes) continue;
        removed += st.removeWhere((slot) => (pods && podIds.has(st.podIdOf(slot))) || (nodes && nodeIds.has(st.nodeIdOf(slot))), cs.release.get(entity)!);
      }
    }
    return removed;
  }

  /** Forgets entities last seen (wall clock) before `olderThanMs`, and sweeps forgotten ones past their grace. */
  prune(olderThanMs: number): number {
    let removed = this.sweepRipe();
    for (const cs of this.states.values()) {
      for (const [entity, st] of cs.byEntity) removed += st.removeWhere((slot) => st.get(slot, SEEN) < olderThanMs, cs.release.get(entity)!);
    }
    return removed;
  }

  /** Returns false when the row is stale and must be dropped. */
  private applyRow(cs: ClusterState, st: EntityStates, plan: KeyPlan, entity: Entity, row: MetricRow, startTimes: StartTimes | undefined,
    seenMs: number, result: RateResult): boolean {
    const ts = row.ts;
    if (!(ts instanceof Date)) throw new Error(`rates: ${entity} row without a Date ts`);
    const tsMs = ts.getTime();
    const startMs = (startTimes && startTimeOf(entity, row, startTimes)) ?? NaN;
    const n = this.counters[entity].length;
    const access = this.access[entity];
    const values = this.scratch;
    access.read(row, values);
    // '' (a node's own interface has no pod) is no id; ids are looked up before any is taken, so a
    // known entity costs no reference counting.
    const uid = plan.uidOf(row);
    const node = plan.nodeOf(row);
    const knownPod = uid ? cs.pods.peek(uid) : NO_ID;
    const knownNode = node ? cs.nodes.peek(node) : NO_ID;
    let slot = knownPod === undefined || knownNode === undefined ? undefined : st.slotOf.get(plan.compactKey(row, knownPod, knownNode));
    if (slot === undefined) {
      const podId = uid ? cs.pods.acquire(uid) : NO_ID;
      const nodeId = node ? cs.nodes.acquire(node) : NO_ID;
      slot = st.add(plan.compactKey(row, podId, nodeId), podId, nodeId);
      this.store(st, slot, tsMs, startMs, seenMs, values, n);
      result.first++;
      row[FIRST_SAMPLE] = 1;
      return true;
    }
    const { data, at } = st.ref(slot);
    const prevTs = data[at + TS];
    if (tsMs <= prevTs) {
      result.stale++;
      return false;
    }
    const elapsedS = (tsMs - prevTs) / 1000;
    const prevStart = data[at + START];
    const restarted = !Number.isNaN(startMs) && !Number.isNaN(prevStart) && startMs !== prevStart;
    const gap = tsMs - prevTs > this.gapFactor * this.intervalMs;
    if (restarted) result.resets++;
    else if (gap) result.gaps++;
    else {
      // Any counter going down means the entity restarted without us seeing a new start time (a container
      // restart between scrapes, a runtime without start times): then no counter of the row is trusted
      // for this sample, since one that already grew past its old value would give a wrong rate.
      let wentDown = false;
      for (let i = 0; i < n; i++) if (values[i] < data[at + VALUES + i]) wentDown = true; // false when either is NaN
      if (wentDown) result.resets++;
      else access.writeRates(row, values, data, at + VALUES, elapsedS);
    }
    this.store(st, slot, tsMs, Number.isNaN(startMs) ? prevStart : startMs, seenMs, values, n);
    return true;
  }

  private store(st: EntityStates, slot: number, tsMs: number, startMs: number, seenMs: number, values: Float64Array, n: number): void {
    const { data, at } = st.ref(slot);
    data[at + TS] = tsMs;
    data[at + START] = startMs;
    data[at + SEEN] = seenMs;
    for (let i = 0; i < n; i++) data[at + VALUES + i] = values[i]!;
  }

  /** Over the cap, forgets the entities seen longest ago (whole scrapes at a time). Rare: prune is the norm. */
  private enforceCap(): number {
    let evicted = 0;
    for (let size = this.size; size > this.maxEntities; size = this.size) {
      let oldest = Infinity;
      for (const cs of this.states.values()) for (const st of cs.byEntity.values()) oldest = Math.min(oldest, st.min(SEEN));
      let over = size - this.maxEntities;
      for (const cs of this.states.values()) {
        for (const [entity, st] of cs.byEntity) {
          if (over <= 0) break;
          const removed = st.removeWhere((slot) => st.get(slot, SEEN) === oldest, cs.release.get(entity)!, over);
          over -= removed;
          evicted += removed;
        }
      }
    }
    return evicted;
  }
}

/** The ids of those of `values` that the interner holds. */
function idsOf(interner: Interner, values: Set<string>): Set<number> {
  const ids = new Set<number>();
  for (const v of values) {
    const id = interner.peek(v);
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

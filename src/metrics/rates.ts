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
import { ENTITIES, ENTITY_TABLES, METRIC_DEFS, entityKeyOf, type Entity, type MetricRow, type MetricRows } from './definitions.js';
import { startTimeOf, type StartTimes } from './sources/decode-util.js';

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
 * Per-entity state lives in one Float64Array per (cluster, entity), a slot of `stride` numbers each:
 * [sample time ms, start time ms (NaN unknown), wall time last seen ms, counter values… (NaN absent)],
 * found by a Map from the entity's key (pod UID, UID + container name, …) to its slot. At 5,000 nodes
 * that is ~750,000 entities: a number[] per entity and a cluster/entity prefix in every key cost about
 * twice the memory (an array object and a backing store per entity, and ~15 more characters per key).
 */
const TS = 0;
const START = 1;
const SEEN = 2;
const VALUES = 3;

export type RateSource = 'summary' | 'cadvisor' | 'resource';

/** entityKeyOf joins an entity's key columns with this. */
const SEP = '\u001f';

/** Where the node name and the pod UID sit among an entity key's fields; -1 when the entity has none. */
const KEY_FIELD: Record<Entity, { node: number; pod: number }> = Object.fromEntries(
  ENTITIES.map((e) => {
    const cols = ENTITY_TABLES[e].keys.map((k) => k.column).filter((c) => c !== 'cluster_id' && c !== 'ts');
    return [e, { node: cols.indexOf('node'), pod: cols.indexOf('pod_uid') }];
  }),
) as Record<Entity, { node: number; pod: number }>;

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

/** The `index`-th field of a key whose fields are joined by SEP. */
function keyField(key: string, index: number): string {
  let from = 0;
  for (let i = 0; i < index; i++) {
    from = key.indexOf(SEP, from) + 1;
    if (from === 0) return '';
  }
  const to = key.indexOf(SEP, from);
  return to < 0 ? key.slice(from) : key.slice(from, to);
}

function countersOf(entity: Entity, source: RateSource | undefined): Counter[] {
  return METRIC_DEFS.filter((d) => d.entity === entity && d.kind === 'counter' && d.rate && (!source || d[source]))
    .map((d) => ({ column: d.column, rateColumn: d.rate!.column, scale: d.rate!.scale }));
}

/** The state of one entity kind of one cluster. Freed slots are reused; the array grows by doubling. */
class EntityStates {
  readonly slotOf = new Map<string, number>();
  /** Slot → key (undefined when the slot is free), to delete from slotOf when pruning. */
  private keyOf: Array<string | undefined> = [];
  private free: number[] = [];
  data: Float64Array;
  readonly stride: number;

  constructor(readonly counters: Counter[]) {
    this.stride = VALUES + counters.length;
    this.data = new Float64Array(this.stride * 64);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** A new slot for `key` (its numbers are the caller's to set). */
  add(key: string): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.keyOf.length;
      this.keyOf.push(undefined);
      if ((slot + 1) * this.stride > this.data.length) {
        const grown = new Float64Array(this.data.length * 2);
        grown.set(this.data);
        this.data = grown;
      }
    }
    this.keyOf[slot] = key;
    this.slotOf.set(key, slot);
    return slot;
  }

  /** Forgets the entities whose key `gone` names. */
  removeWhere(gone: (key: string) => boolean): number {
    let removed = 0;
    for (const [key, slot] of this.slotOf) {
      if (!gone(key)) continue;
      this.slotOf.delete(key);
      this.keyOf[slot] = undefined;
      this.free.push(slot);
      removed++;
    }
    return removed;
  }

  /** Forgets entities last seen before `olderThanMs` (or exactly at `onlyAt`, when given, up to `limit`). */
  remove(olderThanMs: number, onlyAt?: number, limit = Infinity): number {
    let removed = 0;
    // In key insertion order, so the cap evicts the entities inserted first among the oldest.
    for (const [key, slot] of this.slotOf) {
      if (removed >= limit) break;
      const seen = this.data[slot * this.stride + SEEN]!;
      if (onlyAt === undefined ? seen < olderThanMs : seen === onlyAt) {
        this.slotOf.delete(key);
        this.keyOf[slot] = undefined;
        this.free.push(slot);
        removed++;
      }
    }
    return removed;
  }

  oldestSeen(): number {
    let oldest = Infinity;
    for (const slot of this.slotOf.values()) oldest = Math.min(oldest, this.data[slot * this.stride + SEEN]!);
    return oldest;
  }
}

export class RateTracker {
  private readonly states = new Map<number | string, Map<Entity, EntityStates>>();
  private readonly intervalMs: number;
  private readonly gapFactor: number;
  private readonly maxEntities: number;
  private readonly now: () => number;
  private readonly counters: Record<Entity, Counter[]>;
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
    const most = Math.max(...Object.values(this.counters).map((c) => c.length));
    if (most > this.scratch.length) this.scratch = new Float64Array(most);
  }

  get size(): number {
    let n = 0;
    for (const byEntity of this.states.values()) for (const st of byEntity.values()) n += st.size;
    return n;
  }

  private statesOf(clusterId: number | string, entity: Entity): EntityStates {
    let byEntity = this.states.get(clusterId);
    if (!byEntity) this.states.set(clusterId, (byEntity = new Map()));
    let st = byEntity.get(entity);
    if (!st) byEntity.set(entity, (st = new EntityStates(this.counters[entity])));
    return st;
  }

  /**
   * Fills the rate columns of `rows` in place and removes stale rows from it. Use one tracker per source
   * (summary and cAdvisor samples of the same container are separate series with separate times).
   */
  apply(clusterId: number | string, rows: MetricRows, startTimes?: StartTimes): RateResult {
    const result: RateResult = { stale: 0, resets: 0, gaps: 0, first: 0, evicted: 0 };
    const seenMs = this.now();
    for (const entity of ENTITIES) {
      const list = rows[entity];
      if (list.length === 0) continue;
      const st = this.statesOf(clusterId, entity);
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const row = list[i]!;
        if (this.applyRow(st, entityKeyOf(entity, row), entity, row, startTimes, seenMs, result)) {
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
      const byEntity = this.states.get(clusterId);
      if (!byEntity) continue;
      for (const [entity, st] of byEntity) {
        const f = KEY_FIELD[entity];
        const pods = f.pod >= 0 && g.pods.size > 0;
        const nodes = f.node >= 0 && g.nodes.size > 0;
        if (!pods && !nodes) continue;
        removed += st.removeWhere((key) => (pods && g.pods.has(keyField(key, f.pod))) || (nodes && g.nodes.has(keyField(key, f.node))));
      }
    }
    return removed;
  }

  /** Forgets entities last seen (wall clock) before `olderThanMs`, and sweeps forgotten ones past their grace. */
  prune(olderThanMs: number): number {
    let removed = this.sweepRipe();
    for (const byEntity of this.states.values()) for (const st of byEntity.values()) removed += st.remove(olderThanMs);
    return removed;
  }

  /** Returns false when the row is stale and must be dropped. */
  private applyRow(st: EntityStates, key: string, entity: Entity, row: MetricRow, startTimes: StartTimes | undefined,
    seenMs: number, result: RateResult): boolean {
    const ts = row.ts;
    if (!(ts instanceof Date)) throw new Error(`rates: ${entity} row without a Date ts`);
    const tsMs = ts.getTime();
    const startMs = (startTimes && startTimeOf(entity, row, startTimes)) ?? NaN;
    const counters = st.counters;
    const n = counters.length;
    const values = this.scratch;
    for (let i = 0; i < n; i++) values[i] = numberOrNaN(row[counters[i]!.column]);
    let slot = st.slotOf.get(key);
    if (slot === undefined) {
      slot = st.add(key);
      this.store(st, slot, tsMs, startMs, seenMs, values);
      result.first++;
      return true;
    }
    const data = st.data;
    const at = slot * st.stride;
    const prevTs = data[at + TS]!;
    if (tsMs <= prevTs) {
      result.stale++;
      return false;
    }
    const elapsedS = (tsMs - prevTs) / 1000;
    const prevStart = data[at + START]!;
    const restarted = !Number.isNaN(startMs) && !Number.isNaN(prevStart) && startMs !== prevStart;
    const gap = tsMs - prevTs > this.gapFactor * this.intervalMs;
    if (restarted) result.resets++;
    else if (gap) result.gaps++;
    else {
      // Any counter going down means the entity restarted without us seeing a new start time (a container
      // restart between scrapes, a runtime without start times): then no counter of the row is trusted
      // for this sample, since one that already grew past its old value would give a wrong rate.
      let wentDown = false;
      for (let i = 0; i < n; i++) if (values[i]! < data[at + VALUES + i]!) wentDown = true; // false when either is NaN
      if (wentDown) result.resets++;
      else {
        for (let i = 0; i < n; i++) {
          const v = values[i]!;
          const p = data[at + VALUES + i]!;
          if (!Number.isNaN(v) && !Number.isNaN(p)) row[counters[i]!.rateColumn] = ((v - p) / elapsedS) * counters[i]!.scale;
        }
      }
    }
    this.store(st, slot, tsMs, Number.isNaN(startMs) ? prevStart : startMs, seenMs, values);
    return true;
  }

  private store(st: EntityStates, slot: number, tsMs: number, startMs: number, seenMs: number, values: Float64Array): void {
    const data = st.data;
    const at = slot * st.stride;
    data[at + TS] = tsMs;
    data[at + START] = startMs;
    data[at + SEEN] = seenMs;
    for (let i = 0; i < st.counters.length; i++) data[at + VALUES + i] = values[i]!;
  }

  /** Over the cap, forgets the entities seen longest ago (whole scrapes at a time). Rare: prune is the norm. */
  private enforceCap(): number {
    let evicted = 0;
    for (let size = this.size; size > this.maxEntities; size = this.size) {
      let oldest = Infinity;
      for (const byEntity of this.states.values()) for (const st of byEntity.values()) oldest = Math.min(oldest, st.oldestSeen());
      let over = size - this.maxEntities;
      for (const byEntity of this.states.values()) {
        for (const st of byEntity.values()) {
          if (over <= 0) break;
          const removed = st.remove(-Infinity, oldest, over);
          over -= removed;
          evicted += removed;
        }
      }
    }
    return evicted;
  }
}

function numberOrNaN(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

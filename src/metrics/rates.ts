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
// - memory is bounded: `forget()` drops the state of pods and nodes that were deleted (the collector's
//   informers say so), `prune(olderThanMs)` forgets entities not seen since then (a pod whose delete was
//   missed, a last sample arriving after the delete), and a hard cap evicts the entities seen longest ago
//   beyond `maxEntities`.
import { ENTITIES, ENTITY_TABLES, METRIC_DEFS, entityKeyOf, type Entity, type MetricRow, type MetricRows } from './definitions.js';
import { startTimeOf, type StartTimes } from './sources/decode-util.js';

export interface RateOptions {
  /** The source's scrape interval; elapsed kubelet time above gapFactor × this gives no rate. */
  intervalMs: number;
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
 * Per-entity state, packed into one array to keep ~500k entities (5,000 nodes) small: [sample time ms,
 * start time ms (NaN unknown), wall time last seen ms, counter values… (NaN absent)].
 */
type State = number[];
const TS = 0;
const START = 1;
const SEEN = 2;
const VALUES = 3;

export type RateSource = 'summary' | 'cadvisor' | 'resource';

const SEP = '\u001f';
/**
 * Where the node name and the pod UID sit among a state key's fields (cluster, entity, then the entity's
 * key columns as entityKeyOf joins them); -1 when the entity has none.
 */
const KEY_FIELD: Record<Entity, { node: number; pod: number }> = Object.fromEntries(
  ENTITIES.map((e) => {
    const cols = ENTITY_TABLES[e].keys.map((k) => k.column).filter((c) => c !== 'cluster_id' && c !== 'ts');
    const at = (c: string) => (cols.includes(c) ? 2 + cols.indexOf(c) : -1);
    return [e, { node: at('node'), pod: at('pod_uid') }];
  }),
) as Record<Entity, { node: number; pod: number }>;
/** Forgotten pods/nodes gather until they are this fraction (1/64) of the entities, or SWEEP_MIN, then one pass drops them. */
const SWEEP_RATIO = 64;
const SWEEP_MIN = 256;

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

export class RateTracker {
  private readonly state = new Map<string, State>();
  private readonly intervalMs: number;
  private readonly gapFactor: number;
  private readonly maxEntities: number;
  private readonly now: () => number;
  private readonly counters: Record<Entity, Counter[]>;
  // Pods (cluster SEP uid) and nodes (cluster SEP name) that went away, waiting for the next sweep: one
  // pass over the map per batch keeps a delete O(1) amortised where a scan per delete would be O(entities).
  private readonly gonePods = new Set<string>();
  private readonly goneNodes = new Set<string>();

  constructor(opts: RateOptions) {
    if (!(opts.intervalMs > 0)) throw new Error(`rates: intervalMs must be > 0, got ${opts.intervalMs}`);
    this.intervalMs = opts.intervalMs;
    this.gapFactor = opts.gapFactor ?? 3;
    if (!(this.gapFactor >= 1)) throw new Error(`rates: gapFactor must be >= 1, got ${this.gapFactor}`);
    this.maxEntities = opts.maxEntities ?? 1_000_000;
    if (!(this.maxEntities >= 1)) throw new Error(`rates: maxEntities must be >= 1, got ${this.maxEntities}`);
    this.now = opts.now ?? Date.now;
    this.counters = Object.fromEntries(ENTITIES.map((e) => [e, countersOf(e, opts.source)])) as Record<Entity, Counter[]>;
  }

  get size(): number {
    return this.state.size;
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
      const counters = this.counters[entity];
      const prefix = `${clusterId}\u001f${entity}\u001f`;
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const row = list[i]!;
        if (this.applyRow(prefix + entityKeyOf(entity, row), entity, row, counters, startTimes, seenMs, result)) {
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
   * deleted nodes (by name: everything keyed by the node). Dropped at the next sweep, which runs once the
   * forgotten ones reach 1/64 of the entities (at least 256) or on `sweepForgotten()` / `prune()`.
   */
  forget(clusterId: number | string, gone: { pods?: Iterable<string>; nodes?: Iterable<string> }): void {
    for (const uid of gone.pods ?? []) this.gonePods.add(`${clusterId}${SEP}${uid}`);
    for (const node of gone.nodes ?? []) this.goneNodes.add(`${clusterId}${SEP}${node}`);
    if (this.gonePods.size + this.goneNodes.size >= Math.max(SWEEP_MIN, this.state.size / SWEEP_RATIO)) this.sweepForgotten();
  }

  /** Pods and nodes forgotten but not swept yet. */
  get pendingForgotten(): number {
    return this.gonePods.size + this.goneNodes.size;
  }

  /** Drops the state of everything `forget()` named since the last sweep. Returns how many entities. */
  sweepForgotten(): number {
    if (this.gonePods.size === 0 && this.goneNodes.size === 0) return 0;
    let removed = 0;
    for (const key of this.state.keys()) {
      const c = key.indexOf(SEP);
      const field = KEY_FIELD[key.slice(c + 1, key.indexOf(SEP, c + 1)) as Entity];
      if (!field) continue;
      const cluster = key.slice(0, c + 1);
      if ((field.pod >= 0 && this.gonePods.size > 0 && this.gonePods.has(cluster + keyField(key, field.pod)))
        || (field.node >= 0 && this.goneNodes.size > 0 && this.goneNodes.has(cluster + keyField(key, field.node)))) {
        this.state.delete(key);
        removed++;
      }
    }
    this.gonePods.clear();
    this.goneNodes.clear();
    return removed;
  }

  /** Forgets entities last seen (wall clock) before `olderThanMs`, and sweeps forgotten ones. Returns how many. */
  prune(olderThanMs: number): number {
    let removed = this.sweepForgotten();
    for (const [key, s] of this.state) {
      if (s[SEEN]! < olderThanMs) {
        this.state.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Returns false when the row is stale and must be dropped. */
  private applyRow(key: string, entity: Entity, row: MetricRow, counters: Counter[], startTimes: StartTimes | undefined,
    seenMs: number, result: RateResult): boolean {
    const ts = row.ts;
    if (!(ts instanceof Date)) throw new Error(`rates: ${entity} row without a Date ts`);
    const tsMs = ts.getTime();
    const startMs = (startTimes && startTimeOf(entity, row, startTimes)) ?? NaN;
    const prev = this.state.get(key);
    if (prev === undefined) {
      const fresh: State = new Array<number>(VALUES + counters.length);
      fresh[TS] = tsMs;
      fresh[START] = startMs;
      fresh[SEEN] = seenMs;
      for (let i = 0; i < counters.length; i++) fresh[VALUES + i] = numberOrNaN(row[counters[i]!.column]);
      this.state.set(key, fresh);
      result.first++;
      return true;
    }
    if (tsMs <= prev[TS]!) {
      result.stale++;
      return false;
    }
    const elapsedS = (tsMs - prev[TS]!) / 1000;
    const prevStart = prev[START]!;
    const restarted = !Number.isNaN(startMs) && !Number.isNaN(prevStart) && startMs !== prevStart;
    const gap = tsMs - prev[TS]! > this.gapFactor * this.intervalMs;
    if (restarted) result.resets++;
    else if (gap) result.gaps++;
    else {
      // Any counter going down means the entity restarted without us seeing a new start time (a container
      // restart between scrapes, a runtime without start times): then no counter of the row is trusted
      // for this sample, since one that already grew past its old value would give a wrong rate.
      let wentDown = false;
      for (let i = 0; i < counters.length; i++) {
        const v = numberOrNaN(row[counters[i]!.column]);
        if (v < prev[VALUES + i]!) wentDown = true; // false when either is NaN
      }
      if (wentDown) result.resets++;
      else {
        for (let i = 0; i < counters.length; i++) {
          const c = counters[i]!;
          const v = numberOrNaN(row[c.column]);
          const p = prev[VALUES + i]!;
          if (!Number.isNaN(v) && !Number.isNaN(p)) row[c.rateColumn] = ((v - p) / elapsedS) * c.scale;
        }
      }
    }
    prev[TS] = tsMs;
    if (!Number.isNaN(startMs)) prev[START] = startMs;
    prev[SEEN] = seenMs;
    for (let i = 0; i < counters.length; i++) prev[VALUES + i] = numberOrNaN(row[counters[i]!.column]);
    return true;
  }

  /** Over the cap, forgets the entities seen longest ago (whole scrapes at a time). Rare: prune is the norm. */
  private enforceCap(): number {
    let evicted = 0;
    while (this.state.size > this.maxEntities) {
      let oldest = Infinity;
      for (const s of this.state.values()) if (s[SEEN]! < oldest) oldest = s[SEEN]!;
      const before = this.state.size;
      // Evict in insertion order among the oldest, stopping at the cap.
      for (const [key, s] of this.state) {
        if (this.state.size <= this.maxEntities) break;
        if (s[SEEN] === oldest) this.state.delete(key);
      }
      evicted += before - this.state.size;
    }
    return evicted;
  }
}

function numberOrNaN(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

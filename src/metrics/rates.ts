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
// - memory is bounded: `prune(olderThanMs)` forgets entities not seen since then (pod churn), and a hard
//   cap evicts the entities seen longest ago beyond `maxEntities`.
import { ENTITIES, METRIC_DEFS, entityKeyOf, type Entity, type MetricRow, type MetricRows } from './definitions.js';
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

  /** Forgets entities last seen (wall clock) before `olderThanMs`. Returns how many. */
  prune(olderThanMs: number): number {
    let removed = 0;
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

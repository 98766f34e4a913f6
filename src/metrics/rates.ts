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
//   cap evicts the least recently seen entities beyond `maxEntities`.
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
interface State { tsMs: number; startMs: number; seenMs: number; values: number[] }

const COUNTERS = Object.fromEntries(
  ENTITIES.map((e) => [
    e,
    METRIC_DEFS.filter((d) => d.entity === e && d.kind === 'counter' && d.rate)
      .map((d) => ({ column: d.column, rateColumn: d.rate!.column, scale: d.rate!.scale })),
  ]),
) as Record<Entity, Counter[]>;

export class RateTracker {
  private readonly state = new Map<string, State>();
  private readonly intervalMs: number;
  private readonly gapFactor: number;
  private readonly maxEntities: number;
  private readonly now: () => number;

  constructor(opts: RateOptions) {
    if (!(opts.intervalMs > 0)) throw new Error(`rates: intervalMs must be > 0, got ${opts.intervalMs}`);
    this.intervalMs = opts.intervalMs;
    this.gapFactor = opts.gapFactor ?? 3;
    if (!(this.gapFactor >= 1)) throw new Error(`rates: gapFactor must be >= 1, got ${this.gapFactor}`);
    this.maxEntities = opts.maxEntities ?? 1_000_000;
    if (!(this.maxEntities >= 1)) throw new Error(`rates: maxEntities must be >= 1, got ${this.maxEntities}`);
    this.now = opts.now ?? Date.now;
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
      const counters = COUNTERS[entity];
      let kept = 0;
      for (let i = 0; i < list.length; i++) {
        const row = list[i]!;
        if (this.applyRow(`${clusterId}\u001f${entity}\u001f${entityKeyOf(entity, row)}`, entity, row, counters,
          startTimes, seenMs, result)) {
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
      if (s.seenMs < olderThanMs) {
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
    if (prev && tsMs <= prev.tsMs) {
      result.stale++;
      return false;
    }
    const values = new Array<number>(counters.length);
    for (let i = 0; i < counters.length; i++) {
      const v = row[counters[i]!.column];
      values[i] = typeof v === 'number' ? v : NaN;
    }
    if (!prev) {
      result.first++;
    } else {
      const elapsedS = (tsMs - prev.tsMs) / 1000;
      const restarted = !Number.isNaN(startMs) && !Number.isNaN(prev.startMs) && startMs !== prev.startMs;
      const gap = tsMs - prev.tsMs > this.gapFactor * this.intervalMs;
      if (restarted) result.resets++;
      else if (gap) result.gaps++;
      else {
        // Any counter going down means the entity restarted without us seeing a new start time (a
        // container restart between scrapes, a runtime without start times): then no counter of the row is
        // trusted for this sample, since one that already grew past its old value would give a wrong rate.
        let wentDown = false;
        for (let i = 0; i < counters.length; i++) {
          const v = values[i]!;
          const p = prev.values[i]!;
          if (!Number.isNaN(v) && !Number.isNaN(p) && v < p) wentDown = true;
        }
        if (wentDown) result.resets++;
        else {
          for (let i = 0; i < counters.length; i++) {
            const v = values[i]!;
            const p = prev.values[i]!;
            if (Number.isNaN(v) || Number.isNaN(p)) continue;
            row[counters[i]!.rateColumn] = ((v - p) / elapsedS) * counters[i]!.scale;
          }
        }
      }
      // Re-inserted below so the Map's order is least recently seen first (for the cap).
      this.state.delete(key);
    }
    this.state.set(key, { tsMs, startMs: Number.isNaN(startMs) && prev ? prev.startMs : startMs, seenMs, values });
    return true;
  }

  private enforceCap(): number {
    let evicted = 0;
    if (this.state.size <= this.maxEntities) return 0;
    for (const key of this.state.keys()) {
      if (this.state.size <= this.maxEntities) break;
      this.state.delete(key);
      evicted++;
    }
    return evicted;
  }
}

// The ingest half of a scrape: decode a kubelet payload (decode.ts, pure decoders), turn counters into
// rates and drop samples already seen (one RateTracker per cluster and source), stamp the cluster id, and
// queue the rows on the store's bounded MetricWriter — whose enqueue waits when the database falls
// behind, which is how scraping slows down instead of memory growing.
import { ENTITIES, FIRST_SAMPLE, SOURCE_CODE, type Entity, type MetricRow, type MetricRows } from '../metrics/definitions.js';
import { generated, prop } from '../util/generated-code.js';
import { decodePayload, type Decoded } from './decode.js';
import { RateTracker } from './rates.js';
import { UnmappedFields } from './unmapped.js';
import { PARTNER_SOURCE, PartnerHolds } from './partner-hold.js';
import { joinSampleRows } from './sample-join.js';
import type { KubeletSource } from './kubelet-fetch.js';
import { log } from '../log.js';
import type { IngestInput, MetricPipeline } from './pipeline.js';
import { kubeletBodies } from '../metrics/body-pool.js';
import { MetricWriter, type MetricWriterOptions } from '../store/metric-writer.js';
import type { Spool } from '../store/spool.js';
import type { Database } from '../store/database.js';

/**
 * The kubelet's stats come from cAdvisor housekeeping, every 10 s and up to 15 s with dynamic housekeeping
 * (the kubelet's maximum). A scrape interval shorter than that sees each sample once per housekeeping, so
 * the rate tracker's gap rule works on whichever is longer; otherwise a 1 s interval would call every new
 * sample a gap and never give a rate.
 */
const KUBELET_MAX_HOUSEKEEPING_MS = 15_000;

/**
 * The longest a payload waits for room in the write queue before its rows are spooled: long enough for a
 * burst to pass, short enough that a slow database never holds a scrape past its interval.
 */
const MAX_WAIT_BEFORE_SPOOL_MS = 5_000;

/**
 * The longest a payload's rows wait for the other source's payload of the node (both are fetched in the
 * same instant; a kubelet answers in tens of ms). Past it they go in alone, and the sample is two rows.
 */
const MAX_PARTNER_HOLD_MS = 2_000;

/** Rate state of entities not seen for this many intervals is dropped (pods that went away). */
const FORGET_AFTER_INTERVALS = 10;

type Stamp = (rows: MetricRow[], clusterId: number, source: string, absentOnly: boolean) => number;

/**
 * Sets each row's cluster id and source (and FIRST_SAMPLE for an absent-only payload); returns the newest
 * sample time in ms (-Infinity: none). One copy per entity, so each copy's stores see one row shape
 * (util/generated-code.ts).
 */
const STAMP = Object.fromEntries(ENTITIES.map((e) => [e, generated<Stamp>(`function stamp(rows, clusterId, source, absentOnly) {
  let newest = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    row.cluster_id = clusterId;
    row.source = source;
    if (absentOnly) ${prop('row', FIRST_SAMPLE)} = 1;
    const t = row.ts.getTime();
    if (t > newest) newest = t;
  }
  return newest;
}`)])) as Record<Entity, Stamp>;

export class KubeletPipeline implements MetricPipeline {
  readonly writer: MetricWriter;
  private readonly unmapped = new UnmappedFields();
  private readonly trackers = new Map<string, { tracker: RateTracker; intervalMs: number }>();
  private readonly count = { payloads: 0, staleSkipped: 0, counterResets: 0, rowsQueued: 0, decodeErrors: 0, rowsSpooled: 0, spoolDroppedRows: 0, joinedRows: 0, joinConflicts: 0, heldRowsLost: 0 };
  /** A node's summary or cAdvisor rows waiting for the other's, to be joined into one row per sample. */
  private readonly holds = new PartnerHolds({ maxHoldMs: MAX_PARTNER_HOLD_MS, release: (rows, intervalMs) => this.releaseHeld(rows, intervalMs) });
  private readonly releasing = new Set<Promise<void>>();
  private readonly pruneTimer: NodeJS.Timeout;
  /** The rate trackers' clock and the age prune's: one clock, so grace and prune agree. */
  private readonly now: () => number;

  /**
   * With a spool, rows the database refused (or would have to wait for) go to disk and are replayed
   * later; without one they stay queued and the writer retries them.
   */
  constructor(
    private readonly db: Database,
    private readonly spool: Spool | null = null,
    /**
     * The writer's flush interval ([database] flush_interval). Benchmarks and tests: the writer's write
     * function (the in-process soak stores nothing), and how long
     * a deleted pod's rate state is kept (default: two sample intervals; see RateOptions.forgetGraceMs),
     * and the clock of that grace and of the age prune (default Date.now; the in-process soak runs
     * simulated kubelet time thousands of times faster than the wall clock).
     */
    private readonly hooks: Pick<MetricWriterOptions, 'write' | 'flushIntervalMs'> & { forgetGraceMs?: number; now?: () => number } = {},
  ) {
    this.now = hooks.now ?? Date.now;
    this.writer = new MetricWriter(db.pool, {
      write: hooks.write,
      flushIntervalMs: hooks.flushIntervalMs,
      partitions: db.partitions ?? undefined,
      onWriteFailed: (entity, rows, err, batchId) => {
        db.noteWrite(false, 0, err.message);
        if (!this.spool) return false; // keep the rows queued and retry
        this.toSpool(entity, rows, batchId);
        return true;
      },
    });
    this.pruneTimer = setInterval(() => this.prune(), 60_000);
    this.pruneTimer.unref();
  }

  private trackerFor(input: IngestInput): RateTracker {
    const key = `${input.clusterId}/${input.source}`;
    let t = this.trackers.get(key);
    if (!t || t.intervalMs !== input.intervalMs) {
      const sampleIntervalMs = Math.max(input.intervalMs, KUBELET_MAX_HOUSEKEEPING_MS);
      // Only the counters this source fills: fewer values kept per entity (memory at 5,000 nodes).
      t = { tracker: new RateTracker({ intervalMs: sampleIntervalMs, source: input.source, forgetGraceMs: this.hooks.forgetGraceMs, now: this.now }), intervalMs: input.intervalMs };
      this.trackers.set(key, t);
    }
    return t.tracker;
  }

  async ingest(input: IngestInput): Promise<Date | null> {
    let d: Decoded;
    try {
      d = decodePayload(input);
    } catch (e) {
      this.count.decodeErrors++;
      throw e;
    } finally {
      // Decoded rows hold copies (strings, numbers), never views of the body: its memory can serve the next.
      kubeletBodies.giveBack(input.body);
    }
    this.count.payloads++;
    if (d.unmapped.length) this.unmapped.record(input.source, d.unmapped);
    const r = this.trackerFor(input).apply(input.clusterId, d.rows, d.startTimes);
    this.count.staleSkipped += r.stale;
    this.count.counterResets += r.resets;
    let newestMs = -Infinity;
    let rowCount = 0;
    const source = SOURCE_CODE[input.source];
    for (const entity of ENTITIES) {
      rowCount += d.rows[entity].length;
      newestMs = Math.max(newestMs, STAMP[entity](d.rows[entity], input.clusterId, source, input.absentOnly === true));
    }
    const newest = newestMs === -Infinity ? null : new Date(newestMs);
    const holdKey = `${input.clusterId}/${input.node}`;
    // An absent-only payload (a node just taken over) is written as it is: none of its rows may join.
    const joins = PARTNER_SOURCE[input.source] !== undefined && !input.absentOnly;
    const held = joins ? this.holds.take(holdKey, input.source) : undefined;
    if (held) {
      const j = input.source === 'summary' ? joinSampleRows(d.rows, held) : joinSampleRows(held, d.rows);
      this.count.joinedRows += j.joined;
      this.count.joinConflicts += j.conflicts;
      await this.queueRows(j.rows, input.intervalMs);
    } else if (joins && input.partnerInFlight && rowCount > 0) {
      this.holds.hold(holdKey, input.source, d.rows, input.intervalMs);
    } else {
      await this.queueRows(d.rows, input.intervalMs);
    }
    const st = this.writer.stats();
    // Only a write that succeeded after the last failure says the database is back (see noteWrite's `at`).
    if (st.lastWriteLatencyMs !== null && st.lastError === null && st.lastWriteAt) this.db.noteWrite(true, st.lastWriteLatencyMs, undefined, st.lastWriteAt.getTime());
    return newest;
  }

  /**
   * Queues a payload's rows entity by entity. Database away, or the queue still full after a wait of up
   * to half an interval (database slow): to disk, so a crash during an outage loses nothing and scraping
   * keeps its pace. Without a spool the queue's backpressure slows scraping.
   */
  private async queueRows(rows: MetricRows, intervalMs: number): Promise<void> {
    for (const entity of ENTITIES) {
      const list = rows[entity];
      if (!list.length) continue;
      this.count.rowsQueued += list.length;
      if (!this.spool) await this.writer.enqueue(entity, list);
      else if (this.db.state === 'unreachable' || !(await this.writer.enqueueWithin(entity, list, this.spoolAfterMs(intervalMs)))) this.toSpool(entity, list);
    }
  }

  /** Rows whose partner did not come: written alone, on the same path as any payload's. */
  private releaseHeld(rows: MetricRows, intervalMs: number): void {
    const p = this.queueRows(rows, intervalMs)
      .catch((err: Error) => {
        // Only a writer closed under it gets here (flush releases every hold before it closes the writer).
        let lost = 0;
        for (const entity of ENTITIES) lost += rows[entity].length;
        this.count.heldRowsLost += lost;
        log('scrape').error({ err: err.message, rows: lost }, 'held metric rows could not be queued');
      })
      .finally(() => this.releasing.delete(p));
    this.releasing.add(p);
  }

  /** A scrape of one node and source ended: rows held for its rows, if it brought none, go in alone. */
  scrapeEnded(clusterId: number, node: string, source: KubeletSource): void {
    this.holds.scrapeEnded(`${clusterId}/${node}`, source);
  }

  /** How long a payload's rows wait for room in the queue before they go to the spool. */
  private spoolAfterMs(intervalMs: number): number {
    return Math.min(intervalMs / 2, MAX_WAIT_BEFORE_SPOOL_MS);
  }

  private toSpool(entity: (typeof ENTITIES)[number], rows: MetricRow[], id?: string): void {
    if (this.spool!.append({ t: 'metric', entity, id, rows })) this.count.rowsSpooled += rows.length;
    else this.count.spoolDroppedRows += rows.length;
  }

  /** Drops the rate state keyed by a node that left the cluster (its pods go through forgetPods). */
  forgetNode(clusterId: number, node: string): void {
    const key = `${clusterId}/${node}`;
    this.holds.releaseAll((k) => k === key);
    for (const t of this.trackersOf(clusterId)) t.forget(clusterId, { nodes: [node] });
  }

  /** Drops the rate state of deleted pods, so pod churn cannot grow memory (issue 7). */
  forgetPods(clusterId: number, podUids: string[]): void {
    for (const t of this.trackersOf(clusterId)) t.forget(clusterId, { pods: podUids });
  }

  /** Drops all state of a cluster that was removed from the configuration. */
  forgetCluster(clusterId: number): void {
    this.holds.releaseAll((k) => k.startsWith(`${clusterId}/`));
    for (const key of [...this.trackers.keys()]) if (key.startsWith(`${clusterId}/`)) this.trackers.delete(key);
  }

  private *trackersOf(clusterId: number): Iterable<RateTracker> {
    for (const [key, t] of this.trackers) if (key.startsWith(`${clusterId}/`)) yield t.tracker;
  }

  private prune(): void {
    const now = this.now();
    for (const { tracker, intervalMs } of this.trackers.values()) tracker.prune(now - FORGET_AFTER_INTERVALS * Math.max(intervalMs, KUBELET_MAX_HOUSEKEEPING_MS));
  }

  async flush(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.holds.releaseAll();
    await Promise.allSettled([...this.releasing]);
    await this.writer.close();
  }

  counters(): Record<string, number> {
    const st = this.writer.stats();
    let rateEntities = 0;
    for (const t of this.trackers.values()) rateEntities += t.tracker.size;
    return { ...this.count, heldPayloadsWrittenAlone: this.holds.releasedAlone, heldNodes: this.holds.size, rateEntities, queuedRows: st.queuedRows, inserted: st.inserted, duplicates: st.duplicates, failedWrites: st.failedWrites, waitingProducers: st.waitingProducers };
  }
}

// Holds a node's summary (or cAdvisor) rows while the other source's scrape of the same node runs, so the
// two halves of each sample can be joined into one row (sample-join.ts). The schedulers start both
// sources of a node in the same instant (scheduler.ts, offsetKey), so the partner's payload is usually
// milliseconds away; whatever happens to it, the held rows are written on their own: when the partner's
// scrape ends without taking them (failed, timed out, no new sample), when a newer payload of the same
// source comes first, when the node or the cluster leaves, at shutdown, and at the latest after
// maxHoldMs. A hold never drops rows: release() hands them to the pipeline's normal write path.
import type { MetricRows } from '../metrics/definitions.js';
import type { KubeletSource } from './kubelet-fetch.js';

/** The source whose rows join a payload's, for the two that report the same cgroup samples. */
export const PARTNER_SOURCE: Partial<Record<KubeletSource, KubeletSource>> = { summary: 'cadvisor', cadvisor: 'summary' };

interface Held {
  source: KubeletSource;
  rows: MetricRows;
  intervalMs: number;
  timer: NodeJS.Timeout;
}

export interface PartnerHoldOptions {
  /** The longest rows wait for their partner (a slow partner's rows then go in apart). */
  maxHoldMs: number;
  /** Writes rows that leave the hold without a partner. */
  release: (rows: MetricRows, intervalMs: number) => void;
}

/** One hold per node (keyed by the caller, e.g. cluster id and node name). */
export class PartnerHolds {
  private readonly held = new Map<string, Held>();
  /** Holds that ended without a partner: the rows went in on their own. */
  releasedAlone = 0;

  constructor(private readonly o: PartnerHoldOptions) {}

  get size(): number {
    return this.held.size;
  }

  /** Holds a payload's rows for its partner; an older hold of the node goes out first. */
  hold(key: string, source: KubeletSource, rows: MetricRows, intervalMs: number): void {
    this.release(key);
    const timer = setTimeout(() => this.release(key), this.o.maxHoldMs);
    timer.unref();
    this.held.set(key, { source, rows, intervalMs, timer });
  }

  /** The rows held for a payload of `source` (its partner's), taken out of the hold; undefined if none. */
  take(key: string, source: KubeletSource): MetricRows | undefined {
    const h = this.held.get(key);
    if (!h || h.source === source) return undefined;
    clearTimeout(h.timer);
    this.held.delete(key);
    return h.rows;
  }

  /** A scrape of `source` ended: rows waiting for it did not get their partner, so they go in alone. */
  scrapeEnded(key: string, source: KubeletSource): void {
    const h = this.held.get(key);
    if (h && h.source !== source) this.release(key);
  }

  /** Releases the holds whose key passes `which` (a node or cluster that left), or every hold. */
  releaseAll(which: (key: string) => boolean = () => true): void {
    for (const key of [...this.held.keys()]) if (which(key)) this.release(key);
  }

  private release(key: string): void {
    const h = this.held.get(key);
    if (!h) return;
    clearTimeout(h.timer);
    this.held.delete(key);
    this.releasedAlone++;
    this.o.release(h.rows, h.intervalMs);
  }
}

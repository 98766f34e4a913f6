// Whether each node's kubelet still produces new samples. A frozen kubelet (stuck housekeeping, a hung
// cAdvisor) keeps answering with the same sample time: every scrape succeeds, the rate stage drops the
// repeated samples, and without this the node would count as ok. A node is stale once no new sample has
// come for three times its usual spacing (the kubelet's housekeeping, 10–15 s, or the scrape interval if
// longer), measured from the collector's clock when the last new sample arrived.

/** The kubelet's longest housekeeping period, assumed until a node's own spacing has been seen. */
const DEFAULT_SPACING_MS = 15_000;
/** Samples missed in a row before a node counts as stale. */
const MISSED_SAMPLES = 3;

interface Freshness {
  /** Kubelet time of the newest sample taken (ms), null before the first. */
  newestSampleAt: number | null;
  /** Collector time when a new sample last arrived (or when the node was first scraped). */
  lastNewAt: number;
  /** Usual kubelet time between two samples (ms); decays slowly so one long gap is remembered a while. */
  spacingMs: number | null;
  intervalMs: number;
}

export interface StaleNode {
  node: string;
  source: string;
  newestSampleAt: Date | null;
  /** Collector time minus the newest sample's kubelet time. */
  newestSampleAgeMs: number | null;
  /** How long no new sample has come. */
  staleForMs: number;
}

export class NodeFreshness {
  private readonly bySource = new Map<string, Map<string, Freshness>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A successful scrape of `node`'s `source`: `newest` is the newest new sample it held (null: none new). */
  note(node: string, source: string, newest: Date | null, intervalMs: number): void {
    let nodes = this.bySource.get(source);
    if (!nodes) this.bySource.set(source, (nodes = new Map<string, Freshness>()));
    const now = this.now();
    const f = nodes.get(node);
    if (!f) {
      nodes.set(node, { newestSampleAt: newest?.getTime() ?? null, lastNewAt: now, spacingMs: null, intervalMs });
      return;
    }
    f.intervalMs = intervalMs;
    if (newest === null) return;
    const at = newest.getTime();
    if (f.newestSampleAt !== null && at > f.newestSampleAt) {
      const gap = at - f.newestSampleAt;
      f.spacingMs = f.spacingMs === null ? gap : Math.max(gap, f.spacingMs * 0.75);
    }
    if (f.newestSampleAt === null || at > f.newestSampleAt) f.newestSampleAt = at;
    f.lastNewAt = now;
  }

  /** A node that left the cluster. */
  forget(node: string): void {
    for (const nodes of this.bySource.values()) nodes.delete(node);
  }

  /** The stale state of one node and source, or null when it is fresh (or never scraped). */
  staleness(node: string, source: string): StaleNode | null {
    const f = this.bySource.get(source)?.get(node);
    if (!f) return null;
    const now = this.now();
    const limit = MISSED_SAMPLES * Math.max(f.intervalMs, f.spacingMs ?? DEFAULT_SPACING_MS);
    const staleForMs = now - f.lastNewAt;
    if (staleForMs <= limit) return null;
    return {
      node, source,
      newestSampleAt: f.newestSampleAt === null ? null : new Date(f.newestSampleAt),
      newestSampleAgeMs: f.newestSampleAt === null ? null : now - f.newestSampleAt,
      staleForMs,
    };
  }
}

/** The line a stale node shows in the status (its scrapes succeed, so there is no error of its own). */
export function staleMessage(s: StaleNode): string {
  const newest = s.newestSampleAt ? `newest sample ${s.newestSampleAt.toISOString()}, ${Math.round((s.newestSampleAgeMs ?? 0) / 1000)} s old` : 'no sample yet';
  return `stale: the kubelet answers but serves no new sample (frozen?) for ${Math.round(s.staleForMs / 1000)} s; ${newest}`;
}

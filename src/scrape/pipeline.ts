// From one kubelet response to stored rows: decode (pure), counters → rates (stateful per entity),
// stamp the cluster id, and hand the rows to the store's bounded writer (which applies backpressure).
import type { KubeletSource } from './kubelet-fetch.js';

export interface IngestInput {
  clusterId: number;
  cluster: string;
  node: string;
  source: KubeletSource;
  body: Buffer;
  scrapedAt: Date;
  /** The source's scrape interval in this cluster (rates treat longer gaps as gaps). */
  intervalMs: number;
  /**
   * The cluster also collects the Summary API: cAdvisor rows then leave out the columns the summary fills
   * (CPU, memory, …: the same cgroup counters from the same housekeeping sample), so each value is stored
   * once and a metric's series has one source. Without the summary, cAdvisor keeps them.
   */
  summaryCollected?: boolean;
  /** Pod UID by namespace/name, for /metrics/resource (its series name pods, not UIDs). */
  resolvePodUid?: (namespace: string, pod: string) => string | undefined;
  /**
   * The API UID of a pod the kubelet reports under another one (a static pod's config hash → its mirror
   * pod's UID); absent, or undefined for a UID, keeps the kubelet's.
   */
  apiPodUid?: (kubeletUid: string) => string | undefined;
  /**
   * Store the rows only where absent (as a series' first sample is): a node this collector group member
   * just took over from another, which may have stored samples of the same kubelet timestamp (src/group/).
   */
  absentOnly?: boolean;
  /**
   * The other source of the same cgroup samples (summary ↔ cAdvisor) is being scraped on this node now:
   * the rows wait (briefly) for its rows, and each sample's two halves are written as one row.
   */
  partnerInFlight?: boolean;
}

export interface MetricPipeline {
  /** Decodes and queues one payload; resolves with the newest sample time it held (null if none new). */
  ingest(input: IngestInput): Promise<Date | null>;
  /** Drops per-node state (rates) of a node that left the cluster, so churn cannot grow memory. */
  forgetNode(clusterId: number, node: string): void;
  /** Drops per-pod state (rates) of pods that were deleted. */
  forgetPods(clusterId: number, podUids: string[]): void;
  /** A scrape of the node and source ended (after its ingest, or without one): rows held for it go in. */
  scrapeEnded?(clusterId: number, node: string, source: KubeletSource): void;
}

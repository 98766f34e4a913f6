// The overview and the nodes table are computed from one snapshot of the database (cluster aggregates,
// every node with its latest sample and pod count), refreshed at most every `maxAgeMs` and shared by all
// requests in between: at 5,000 nodes / 150,000 pods one refresh scans the pod table and the recent node
// samples once, however many browsers are open. Stale-while-revalidate: a request that finds the snapshot
// older than maxAgeMs gets it refreshed first only when it is older than `hardMaxAgeMs`; otherwise it is
// answered at once and a refresh runs behind it. Only one refresh runs at a time.
import type pg from 'pg';
import { allNodes, overview, type ClusterOverviewRow, type NodeRow } from './queries.js';

export interface Snapshot {
  takenAt: number;
  clusters: ClusterOverviewRow[];
  nodes: NodeRow[];
}

export class SnapshotCache {
  private current: Snapshot | null = null;
  private inflight: Promise<Snapshot> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxAgeMs = 2000,
    private readonly hardMaxAgeMs = 10_000,
  ) {}

  async get(nowMs = Date.now()): Promise<Snapshot> {
    const s = this.current;
    if (s && nowMs - s.takenAt < this.maxAgeMs) return s;
    const refresh = this.refresh();
    if (s && nowMs - s.takenAt < this.hardMaxAgeMs) {
      refresh.catch(() => undefined); // the next request will see (and report) a persistent failure
      return s;
    }
    return refresh;
  }

  private refresh(): Promise<Snapshot> {
    if (this.inflight) return this.inflight;
    const started = Date.now();
    this.inflight = Promise.all([overview(this.pool), allNodes(this.pool)])
      .then(([clusters, nodes]) => (this.current = { takenAt: started, clusters, nodes }))
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}

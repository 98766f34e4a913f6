// What changes in the simulated cluster on its own: pod churn (a controller-owned pod dies and is
// replaced), nodes going NotReady and recovering, nodes joining and leaving. One timer per cluster drives
// it (never one per node), drawing from its own seeded stream so the same seed gives the same sequence.
import { createRng, type Rng } from './rand.js';
import type { World, NodeState } from './world.js';

export interface DynamicsOptions {
  /** A random deployment pod is deleted (and replaced) every this many ms; 0 = off. */
  podChurnIntervalMs: number;
  /** A node event (NotReady / recover / join / leave) every this many ms; 0 = off. */
  nodeEventIntervalMs: number;
  /** How long a node stays NotReady, ms. */
  notReadyDurationMs: number;
  /**
   * Periodic compaction, ms (0 = off): each run expires every resourceVersion older than the previous run,
   * as kube-apiserver's etcd compaction does every 5 minutes.
   */
  compactionIntervalMs: number;
}

export interface NodeJoiner {
  /** Adds a node (listener + object); resolves to it, or undefined when no address is left. */
  join(): Promise<NodeState | undefined>;
}

export class Dynamics {
  private rng: Rng;
  private timers: NodeJS.Timeout[] = [];
  private notReady = new Map<string, number>();
  private step = 0;

  constructor(private world: World, private options: DynamicsOptions, private joiner: NodeJoiner) {
    this.rng = createRng(world.options.seed ^ 0xd1a7);
  }

  start(): void {
    if (this.options.podChurnIntervalMs > 0) this.every(this.options.podChurnIntervalMs, () => this.churnOnePod());
    if (this.options.nodeEventIntervalMs > 0) this.every(this.options.nodeEventIntervalMs, () => void this.nodeEvent());
    if (this.options.compactionIntervalMs > 0) {
      let mark = this.world.store.resourceVersion;
      this.every(this.options.compactionIntervalMs, () => {
        this.world.store.compactTo(mark);
        mark = this.world.store.resourceVersion;
      });
    }
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }

  /**
   * Deletes one replicaset-owned pod outside kube-system (system pods are the stable ones on a real
   * cluster); the replicaset controller creates its replacement.
   */
  churnOnePod(): string | undefined {
    const owners = [...this.world.owners.values()].filter((o) => o.kind === 'ReplicaSet' && o.pods.size > 0 && o.obj.metadata.namespace !== 'kube-system');
    if (owners.length === 0) return undefined;
    const owner = owners[this.rng.int(0, owners.length)];
    const pods = [...owner.pods];
    const pod = pods[this.rng.int(0, pods.length)];
    this.world.removePod(pod);
    return `${pod.metadata.namespace}/${pod.metadata.name}`;
  }

  /** Cycles through: a node goes NotReady; NotReady nodes past their time recover; a node joins; a joined node leaves. */
  async nodeEvent(): Promise<void> {
    const now = Date.now();
    for (const [name, until] of this.notReady) {
      if (until <= now) {
        const n = this.world.nodes.get(name);
        if (n) this.world.setNodeReady(n, true);
        this.notReady.delete(name);
      }
    }
    const action = this.step++ % 3;
    const nodes = [...this.world.nodes.values()];
    if (action === 0 && nodes.length > 1) {
      const n = nodes[this.rng.int(1, nodes.length)];
      if (n.ready) {
        this.world.setNodeReady(n, false);
        this.notReady.set(n.name, now + this.options.notReadyDurationMs);
      }
    } else if (action === 1) {
      await this.joiner.join();
    } else {
      const joined = nodes.filter((n) => n.joined);
      if (joined.length > 0) this.world.removeNode(joined[this.rng.int(0, joined.length)].name);
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}

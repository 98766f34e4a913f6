// namespace/name → uid of a cluster's live pods: /metrics/resource names pods, the tables key them by uid.
// Entries follow the pod informer (set on add/update, removed on delete or when a relist finds the pod
// gone), so the index holds the live pods and nothing else however many pods come and go.
import type { InventoryChange } from '../inventory/informer.js';
import type { MetricPipeline } from '../metrics/pipeline.js';

export class PodIndex {
  private readonly uidByName = new Map<string, string>();
  private readonly nameByUid = new Map<string, string>();

  /** Records a live pod. A pod recreated under the same name (StatefulSet) takes the name over. */
  set(uid: string, namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const before = this.nameByUid.get(uid);
    if (before !== undefined && before !== key && this.uidByName.get(before) === uid) this.uidByName.delete(before);
    this.uidByName.set(key, uid);
    this.nameByUid.set(uid, key);
  }

  /** Forgets a deleted pod; its name stays mapped if a newer pod already took it over. */
  delete(uid: string): void {
    const key = this.nameByUid.get(uid);
    if (key === undefined) return;
    this.nameByUid.delete(uid);
    if (this.uidByName.get(key) === uid) this.uidByName.delete(key);
  }

  uidOf(namespace: string, name: string): string | undefined {
    return this.uidByName.get(`${namespace}/${name}`);
  }

  /** Entries held: pods by uid, names mapped (equal unless a recreated pod's predecessor is still live). */
  get size(): { uids: number; names: number } {
    return { uids: this.nameByUid.size, names: this.uidByName.size };
  }
}

/** What the pod informer's callbacks need: the index and the pipeline's per-pod state. */
export interface PodFollower {
  onChange(change: InventoryChange): void;
  onGone(uids: string[]): void;
}

/**
 * The pod informer's callbacks for one cluster: keep the index to the live pods, and drop the rate state
 * of each pod that is deleted (or found gone by a relist) — per-pod state must leave with its pod.
 */
export function followPods(index: PodIndex, pipeline: Pick<MetricPipeline, 'forgetPods'>, clusterId: number): PodFollower {
  const gone = (uids: string[]): void => {
    for (const uid of uids) index.delete(uid);
    pipeline.forgetPods(clusterId, uids);
  };
  return {
    onChange(c) {
      const m = c.obj.metadata;
      if (c.op === 'delete') gone([m.uid]);
      else index.set(m.uid, m.namespace ?? '', m.name);
    },
    onGone: gone,
  };
}

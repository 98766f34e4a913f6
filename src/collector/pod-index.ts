// namespace/name → uid of a cluster's live pods: /metrics/resource names pods, the tables key them by uid.
// Entries follow the pod informer (set on add/update, removed on delete or when a relist finds the pod
// gone), so the index holds the live pods and nothing else however many pods come and go.
//
// Memory: one map from a flat "namespace/name" string to the uid (the uid string is shared with the
// informer's map). The first version also kept uid → name for deletes, and its keys were concatenations
// (a cons string keeping the parsed name alive beside it). Together with the informer's uid →
// resourceVersion map, heap after a full GC for 150,000 pods parsed from JSON pages as the informer gets
// them: 323 bytes per pod before, 202 now (/tmp experiment in docs/ARCHITECTURE.md "Memory"). A delete
// event carries the pod's name; a relist's gone uids are found with one pass over the map (relists are
// rare).
import type { InventoryChange } from '../inventory/informer.js';
import type { MetricPipeline } from '../scrape/pipeline.js';

/**
 * "namespace/name" as one flat string. A template literal gives a cons string (a node pointing at both
 * parts, which keeps the parsed name alive next to it); a copy through a Buffer is one flat string.
 * Kubernetes names and namespaces are ASCII, so latin1 is exact.
 */
function flatKey(namespace: string, name: string): string {
  return Buffer.from(`${namespace}/${name}`, 'latin1').toString('latin1');
}

export class PodIndex {
  private readonly uidByName = new Map<string, string>();

  /** Records a live pod. A pod recreated under the same name (StatefulSet) takes the name over. */
  set(uid: string, namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (this.uidByName.get(key) !== uid) this.uidByName.set(flatKey(namespace, name), uid);
  }

  /** Forgets a deleted pod; its name stays mapped if a newer pod already took it over. */
  delete(uid: string, namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (this.uidByName.get(key) === uid) this.uidByName.delete(key);
  }

  /** Forgets pods known by uid only (a relist found them gone): one pass over the index. */
  deleteUids(uids: Iterable<string>): void {
    const gone = new Set(uids);
    if (gone.size === 0) return;
    for (const [key, uid] of this.uidByName) if (gone.has(uid)) this.uidByName.delete(key);
  }

  uidOf(namespace: string, name: string): string | undefined {
    return this.uidByName.get(`${namespace}/${name}`);
  }

  /**
   * Entries held: names mapped, one per live pod (the newest when a name was taken over). `uids` is the
   * same count (pods reachable by uid), kept for the callers that report both.
   */
  get size(): { uids: number; names: number } {
    return { uids: this.uidByName.size, names: this.uidByName.size };
  }
}

/** What the pod informer's callbacks need: the index and the pipeline's per-pod state. Function properties,
 * not methods: the informer calls them detached, so they must not use `this`. */
export interface PodFollower {
  onChange: (change: InventoryChange) => void;
  onGone: (uids: string[]) => void;
}

/**
 * The pod informer's callbacks for one cluster: keep the index to the live pods, and drop the rate state
 * of each pod that is deleted (or found gone by a relist) — per-pod state must leave with its pod.
 */
export function followPods(index: PodIndex, pipeline: Pick<MetricPipeline, 'forgetPods'>, clusterId: number): PodFollower {
  return {
    onChange: (c) => {
      const m = c.obj.metadata;
      if (c.op === 'delete') {
        index.delete(m.uid, m.namespace ?? '', m.name);
        pipeline.forgetPods(clusterId, [m.uid]);
      } else index.set(m.uid, m.namespace ?? '', m.name);
    },
    onGone: (uids) => {
      index.deleteUids(uids);
      pipeline.forgetPods(clusterId, uids);
    },
  };
}

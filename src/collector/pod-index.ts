// namespace/name → uid of a cluster's live pods: /metrics/resource names pods, the tables key them by uid.
// Entries follow the pod informer, or the database in a group member without the lease
// (inventory-follower.ts): set on add/update, removed on delete or when a relist or a table read finds the
// pod gone, so the index holds the live pods and nothing else however many pods come and go.
//
// Memory: one map from a flat "namespace/name" string to the uid (the uid string is shared with the
// informer's map). The first version also kept uid → name for deletes, and its keys were concatenations
// (a cons string keeping the parsed name alive beside it). Together with the informer's uid →
// resourceVersion map, heap after a full GC for 150,000 pods parsed from JSON pages as the informer gets
// them: 323 bytes per pod before, 202 now (/tmp experiment in docs/ARCHITECTURE.md "Memory"). A delete
// event carries the pod's name; a relist's gone uids are found with one pass over the map (relists are
// rare).
//
// Static pods (kubeadm's control plane, kube-proxy on some platforms) are run by the kubelet from files and
// reported in its stats under their config hash; the API server holds a mirror pod with another UID, whose
// `kubernetes.io/config.mirror` annotation carries that hash. The index maps the hash to the mirror pod's
// UID, so their samples are stored under the UID of the API object (the one the inventory tables key by).
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

/** The annotation a mirror pod carries: the static pod's config hash, the UID its kubelet reports. */
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export class PodIndex {
  private readonly uidByName = new Map<string, string>();
  /** Static pods: the kubelet's UID (config hash) → the mirror pod's API UID. Few entries (a few per node). */
  private readonly apiUidByKubeletUid = new Map<string, string>();

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
    for (const [hash, uid] of this.apiUidByKubeletUid) if (gone.has(uid)) this.apiUidByKubeletUid.delete(hash);
  }

  /** Records the mirror pod `uid` of the static pod the kubelet reports as `kubeletUid`. */
  setMirror(kubeletUid: string, uid: string): void {
    if (kubeletUid !== uid && this.apiUidByKubeletUid.get(kubeletUid) !== uid) this.apiUidByKubeletUid.set(kubeletUid, uid);
  }

  /** Forgets a deleted mirror pod (a newer mirror of the same static pod keeps its entry). */
  deleteMirror(kubeletUid: string, uid: string): void {
    if (this.apiUidByKubeletUid.get(kubeletUid) === uid) this.apiUidByKubeletUid.delete(kubeletUid);
  }

  /** The API UID of a pod the kubelet reports under `kubeletUid`: its mirror pod's for a static pod. */
  apiUidOf(kubeletUid: string): string | undefined {
    return this.apiUidByKubeletUid.get(kubeletUid);
  }

  /** Whether any static pod is known (callers skip the per-row lookups when none is). */
  get hasMirrors(): boolean {
    return this.apiUidByKubeletUid.size > 0;
  }

  /** The uids mapped now (a database follower compares them with the live pods it reads). */
  uids(): IterableIterator<string> {
    return this.uidByName.values();
  }

  uidOf(namespace: string, name: string): string | undefined {
    return this.uidByName.get(`${namespace}/${name}`);
  }

  /**
   * Entries held: names mapped, one per live pod (the newest when a name was taken over). `uids` is the
   * same count (pods reachable by uid), kept for the callers that report both.
   */
  get size(): { uids: number; names: number; mirrors: number } {
    return { uids: this.uidByName.size, names: this.uidByName.size, mirrors: this.apiUidByKubeletUid.size };
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
      const mirrorOf = m.annotations?.[MIRROR_ANNOTATION];
      if (c.op === 'delete') {
        index.delete(m.uid, m.namespace ?? '', m.name);
        if (mirrorOf) index.deleteMirror(mirrorOf, m.uid);
        pipeline.forgetPods(clusterId, [m.uid]);
      } else {
        index.set(m.uid, m.namespace ?? '', m.name);
        if (mirrorOf) index.setMirror(mirrorOf, m.uid);
      }
    },
    onGone: (uids) => {
      index.deleteUids(uids);
      pipeline.forgetPods(clusterId, uids);
    },
  };
}

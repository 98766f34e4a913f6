// Connects the informers to the store: each informer's batches become one transaction of upserts,
// deletes and change-log rows for its cluster; relists reconcile what vanished.
import type { InventoryChange, InventorySink } from '../inventory/informer.js';
import type { KindDef } from '../inventory/kind.js';
import { applyInventory, databaseNow, reconcile } from '../store/inventory-writer.js';
import type { Database } from './database.js';
import { resolveWorkloads } from '../inventory/workload-owners.js';

/** Kinds whose batches can change which workload a pod belongs to. */
const WORKLOAD_CHAIN = new Set(['pod', 'job', 'replicaset']);

export class StoreInventorySink {
  readonly counts = { batches: 0, upserted: 0, deleted: 0, logged: 0, reconciledDeleted: 0 };

  constructor(private readonly db: Database) {}

  forCluster(clusterId: number): InventorySink {
    const db = this.db;
    const counts = this.counts;
    return {
      async apply(kind: KindDef, changes: InventoryChange[]) {
        const started = Date.now();
        try {
          const r = await applyInventory(db.pool, kind, clusterId, changes);
          if (WORKLOAD_CHAIN.has(kind.name)) {
            const uids = changes.filter((c) => c.op === 'upsert').map((c) => c.obj.metadata.uid);
            if (uids.length) await resolveWorkloads(db.pool, clusterId, kind.name, uids);
          }
          counts.batches++;
          counts.upserted += r.upserted;
          counts.deleted += r.deleted;
          counts.logged += r.logged;
          db.noteWrite(true, Date.now() - started);
        } catch (e) {
          db.noteWrite(false, 0, (e as Error).message);
          throw e;
        }
      },
      now: () => databaseNow(db.pool),
      async reconcile(kind: KindDef, presentUids: string[], listStartedAt: Date) {
        const gone = await reconcile(db.pool, kind, clusterId, presentUids, listStartedAt);
        counts.reconciledDeleted += gone.length;
        return gone.length;
      },
    };
  }
}

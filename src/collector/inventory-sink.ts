// Connects the informers to the store: each informer's batches become one transaction of upserts,
// deletes and change-log rows for its cluster; relists reconcile what vanished. With a spool, a batch
// the database cannot take (it is away) goes to disk instead, and while spooled inventory waits every
// new batch queues behind it, so changes reach the tables in the order they happened.
import type { InventoryChange, InventorySink } from '../inventory/informer.js';
import type { KindDef } from '../inventory/kind.js';
import { applyInventory, databaseNow, hasLiveObjects, reconcile } from '../store/inventory-writer.js';
import { isBadDataError } from '../store/spool-replay.js';
import type { Spool } from '../store/spool.js';
import type { Database } from '../store/database.js';
import { resolveWorkloads } from '../inventory/workload-owners.js';
import type { WriteFence } from '../store/inventory-writer.js';
import { FencedError } from '../group/leases.js';
import { log } from '../log.js';

/**
 * In a collector group: the fence this member's writes of a cluster carry now, or null when it does not
 * hold the cluster's inventory lease (its informers only feed its scrape targets; nothing is written).
 */
export type InventoryGate = () => WriteFence | null;

/** Kinds whose batches can change which workload a pod belongs to. */
const WORKLOAD_CHAIN = new Set(['pod', 'job', 'replicaset']);

export class StoreInventorySink {
  readonly counts = { batches: 0, upserted: 0, deleted: 0, logged: 0, reconciledDeleted: 0, spooledBatches: 0, fencedBatches: 0 };

  constructor(
    private readonly db: Database,
    private readonly spool: Spool | null = null,
  ) {}

  /** Whether a batch must go to the spool now (the database is away, or older batches wait there). */
  private mustSpool(): boolean {
    return this.spool !== null && (this.spool.inventoryPending || this.db.state === 'unreachable');
  }

  forCluster(clusterId: number, gate?: InventoryGate): InventorySink {
    const db = this.db;
    const counts = this.counts;
    const spool = this.spool;
    const spoolOnFailure = (e: unknown): void => {
      db.noteWrite(false, 0, (e as Error).message);
      if (!spool || isBadDataError(e)) throw e;
    };
    /** A write refused by the lease's fence is dropped: the new holder relisted the cluster itself. */
    const fenced = (e: unknown): boolean => {
      if (!(e instanceof FencedError)) return false;
      counts.fencedBatches++;
      log('group').warn({ clusterId, err: e.message }, 'inventory write refused by the lease fence: dropped');
      return true;
    };
    // A kind whose table held nothing of this cluster when its first batch came is being filled by its
    // first list: until that list's reconcile, its pages are new objects and the writer need not read
    // stored fingerprints first (about 7 % of PostgreSQL's work in a 150,000-pod first sync).
    const firstFill = new Map<string, Promise<boolean>>();
    const assumeNew = (kind: KindDef): Promise<boolean> => {
      let p = firstFill.get(kind.name);
      if (!p) {
        p = hasLiveObjects(db.pool, kind, clusterId).then((live) => !live, () => false);
        firstFill.set(kind.name, p);
      }
      return p;
    };
    return {
      apply: async (kind: KindDef, changes: InventoryChange[]) => {
        const fence = gate?.();
        if (fence === null) return;
        if (this.mustSpool()) {
          spool!.append({ t: 'inventory', clusterId, kind: kind.name, changes });
          counts.spooledBatches++;
          return;
        }
        const started = Date.now();
        try {
          const r = await applyInventory(db.pool, kind, clusterId, changes, { assumeNew: await assumeNew(kind), fence });
          if (WORKLOAD_CHAIN.has(kind.name)) {
            await resolveWorkloads(db.pool, clusterId, kind.name, changes.filter((c) => c.op === 'upsert').map((c) => c.obj));
          }
          counts.batches++;
          counts.upserted += r.upserted;
          counts.deleted += r.deleted;
          counts.logged += r.logged;
          db.noteWrite(true, Date.now() - started);
        } catch (e) {
          if (fenced(e)) return;
          spoolOnFailure(e);
          spool!.append({ t: 'inventory', clusterId, kind: kind.name, changes });
          counts.spooledBatches++;
        }
      },
      // The database's clock when it answers (reconcile compares with its timestamps), ours when it is away.
      now: async () => {
        if (this.mustSpool()) return new Date();
        try {
          return await databaseNow(db.pool);
        } catch (e) {
          spoolOnFailure(e);
          return new Date();
        }
      },
      reconcile: async (kind: KindDef, presentUids: string[], listStartedAt: Date) => {
        // The first list is over: from now on batches are watch events and relists.
        firstFill.set(kind.name, Promise.resolve(false));
        const fence = gate?.();
        if (fence === null) return 0;
        const record = { t: 'reconcile' as const, clusterId, kind: kind.name, present: presentUids, listStartedAt: listStartedAt.toISOString() };
        if (this.mustSpool()) {
          spool!.append(record);
          return 0;
        }
        try {
          const gone = await reconcile(db.pool, kind, clusterId, presentUids, listStartedAt, fence);
          counts.reconciledDeleted += gone.length;
          return gone.length;
        } catch (e) {
          if (fenced(e)) return 0;
          spoolOnFailure(e);
          spool!.append(record);
          return 0;
        }
      },
    };
  }
}

// The store as one handle: the embedded server (started here when no URL is given), the shared pool, the
// raw partitions and the upkeep loop, opened together (migrated first) and closed together. Whether the
// database takes writes is tracked by DatabaseReachability, the status's row counts by table-row-counts.ts.
import type pg from 'pg';
import { log, maskDatabaseUrl, registerUrlSecrets } from '../log.js';
import { migrateAndLog, migrateWhenReachable } from './background-migration.js';
import { ensureCluster, type ClusterMeta } from './clusters.js';
import { DatabaseReachability, type DatabaseState } from './database-reachability.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.js';
import { StoreMaintenance, type RetentionMs } from './maintenance.js';
import { PartitionManager } from './partitions.js';
import { createPool } from './pool.js';
import { isBadDataError } from './spool-replay.js';
import { tableRowCounts } from './table-row-counts.js';

export type { DatabaseState } from './database-reachability.js';

export interface DatabaseStatus {
  state: DatabaseState;
  embedded: boolean;
  url: string;
  lastError: string | null;
  writeLatencyMs: number | null;
  rows: Record<string, number>;
  rowsEstimated: string[];
  /**
   * Hours owed a rollup (late rows, a replay) dropped unrecomputed since start, as past [retention] raw
   * (store/rollups.ts): their buckets keep what was there before the late rows came.
   */
  rollupHoursDropped: number;
  /** Indexes the daily upkeep rebuilt as bloated, and left as tight enough, since start (index-rebuild.ts). */
  indexRebuilds: { rebuilt: number; skipped: number };
}

export interface DatabaseOptions {
  /** An external database; empty = start the embedded server in dataDir on port. */
  url: string;
  dataDir: string;
  port: number;
  poolSize: number;
  /** Partitions ahead, rollups and retention (the collector); absent for short-lived uses (status, migrate). */
  maintenance?: { retentionMs: RetentionMs };
  /** An external database that does not answer at start does not fail the open (see open()). */
  tolerateUnreachable?: boolean;
  /** False: connect to a database another process owns and migrates (status, view beside a collector). */
  migrate?: boolean;
}

export class Database {
  /** Whether writes get through; the state and last error the status shows. */
  readonly reachability = new DatabaseReachability();
  /** Partitions ahead, rollups and retention; null for short-lived uses (status, migrate). */
  maintenance: StoreMaintenance | null = null;
  /** Raw partitions, shared by the writer, the spool replay and maintenance (null without maintenance). */
  partitions: PartitionManager | null = null;
  private readonly abort = new AbortController();
  private migrating: Promise<void> | null = null;

  private constructor(
    readonly url: string,
    readonly pool: pg.Pool,
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  /**
   * Opens the database: starts the embedded server when no URL is given, migrates, creates the pool.
   * With `tolerateUnreachable`, an external database that does not answer does not stop the start: the
   * Database begins `unreachable` (rows go to the spool) and migrates in the background once it answers
   * — so a worker restarted during an outage collects on.
   */
  static async open(o: DatabaseOptions): Promise<Database> {
    let embedded: EmbeddedPostgres | null = null;
    let url = o.url;
    registerUrlSecrets(url);
    if (!url) {
      log('store').info({ dataDir: o.dataDir, port: o.port }, 'starting embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir: o.dataDir, port: o.port });
      url = embedded.url;
    }
    const db = new Database(url, createPool(url, { max: o.poolSize }), embedded);
    const startMaintenance = () => {
      if (!o.maintenance) return;
      db.maintenance = new StoreMaintenance(db.pool, { partitions: db.partitions!, retentionMs: o.maintenance.retentionMs });
      db.maintenance.start();
    };
    // Hourly raw partitions: the compactor packs and drops them one hour at a time past the raw window.
    if (o.maintenance) db.partitions = new PartitionManager(db.pool, { widthMs: 3_600_000 });
    try {
      if (o.migrate === false) await db.pool.query('SELECT 1');
      else await migrateAndLog(db.url);
      db.reachability.state = 'connected';
      startMaintenance();
      return db;
    } catch (e) {
      if (o.tolerateUnreachable && !embedded && !isBadDataError(e)) {
        db.reachability.ready = false;
        db.noteWrite(false, 0, (e as Error).message);
        log('store').warn({ url: db.displayUrl, cause: (e as Error).message }, 'database unreachable at start: collecting into the spool, migrating when it answers');
        db.migrating = migrateWhenReachable(db.url, db.abort.signal, (err) => (db.reachability.lastError = err.message)).then((migrated) => {
          if (!migrated) return;
          db.reachability.ready = true;
          db.noteWrite(true, 0);
          startMaintenance();
        });
        return db;
      }
      await db.pool.end().catch(() => undefined);
      await embedded?.stop();
      throw e;
    }
  }

  get state(): DatabaseState {
    return this.reachability.state;
  }

  /** False while an external database that was away at start is still to be migrated. */
  get ready(): boolean {
    return this.reachability.ready;
  }

  /** Records the outcome of a write: the status shows connected/unreachable and the latency. */
  noteWrite(ok: boolean, latencyMs: number, error?: string, at?: number): void {
    this.reachability.noteWrite(ok, latencyMs, error, at);
  }

  get isEmbedded(): boolean {
    return this.embedded !== null;
  }

  /** The URL with its password masked, for logs and the status. */
  get displayUrl(): string {
    return maskDatabaseUrl(this.url);
  }

  ensureCluster(name: string, meta: ClusterMeta): Promise<number> {
    return ensureCluster(this.pool, name, meta);
  }

  async status(): Promise<DatabaseStatus> {
    const r = this.reachability;
    const base: DatabaseStatus = {
      state: r.state,
      embedded: this.isEmbedded,
      url: this.displayUrl,
      lastError: r.lastError,
      writeLatencyMs: r.writeLatencyMs,
      rows: {},
      rowsEstimated: [],
      rollupHoursDropped: this.maintenance?.rollups.droppedPendingHours ?? 0,
      indexRebuilds: { ...(this.maintenance?.indexRebuilds ?? { rebuilt: 0, skipped: 0 }) },
    };
    if (r.state === 'closed') return base;
    try {
      Object.assign(base, await tableRowCounts(this.pool));
      if (r.state !== 'connected') r.noteWrite(true, r.writeLatencyMs ?? 0);
      base.state = r.state;
    } catch (e) {
      r.noteWrite(false, 0, (e as Error).message);
      base.state = r.state;
      base.lastError = r.lastError;
    }
    return base;
  }

  async close(): Promise<void> {
    if (this.reachability.state === 'closed') return;
    this.reachability.state = 'closed';
    this.abort.abort();
    await this.migrating;
    await this.maintenance?.stop();
    await this.pool.end().catch(() => undefined);
    await this.embedded?.stop();
  }
}

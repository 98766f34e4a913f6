// The collector's view of its database: the embedded server (started here when no URL is configured),
// migrations, the shared pool, and what the status reports about it (state, write latency, row counts).
import { resolve } from 'node:path';
import type pg from 'pg';
import type { Config } from '../config/schema.js';
import { log } from '../log.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../store/embedded.js';
import { migrate } from '../store/migrate.js';
import { createPool } from '../store/pool.js';
import { ensureCluster, type ClusterMeta } from '../store/clusters.js';
import { SCHEMA } from '../store/schema.js';
import { StoreMaintenance } from '../store/maintenance.js';
import { PartitionManager } from '../store/partitions.js';
import { isBadDataError } from '../store/spool-replay.js';
import { Backoff, sleep } from '../util/backoff.js';

export type DatabaseState = 'connected' | 'unreachable' | 'starting' | 'closed';

export interface DatabaseStatus {
  state: DatabaseState;
  embedded: boolean;
  url: string;
  lastError: string | null;
  writeLatencyMs: number | null;
  rows: Record<string, number>;
  rowsEstimated: string[];
}

/** Above this estimate a table's count(*) costs too much for a status refresh: report the estimate. */
const EXACT_COUNT_MAX = 2_000_000;

export class Database {
  state: DatabaseState = 'starting';
  lastError: string | null = null;
  writeLatencyMs: number | null = null;
  /** Partitions ahead, rollups and retention; null for short-lived uses (status, migrate). */
  maintenance: StoreMaintenance | null = null;
  /** Raw partitions, shared by the writer, the spool replay and maintenance (null without maintenance). */
  partitions: PartitionManager | null = null;
  /** False while an external database that was away at start is still to be migrated. */
  ready = true;
  private readonly abort = new AbortController();
  private migrating: Promise<void> | null = null;

  private constructor(
    readonly url: string,
    readonly pool: pg.Pool,
    private readonly embedded: EmbeddedPostgres | null,
  ) {}

  /**
   * Opens the database: starts the embedded server when no URL is configured, migrates, creates the
   * pool. With `tolerateUnreachable`, an external database that does not answer does not stop the start:
   * the Database begins `unreachable` (rows go to the spool) and migrates in the background once it
   * answers — so a worker restarted during an outage collects on.
   */
  static async open(config: Config, urlOverride?: string, o: { maintenance?: boolean; tolerateUnreachable?: boolean } = {}): Promise<Database> {
    let embedded: EmbeddedPostgres | null = null;
    let url = urlOverride || config.database.url;
    if (!url) {
      const dataDir = resolve(config.database.data_dir);
      log('store').info({ dataDir, port: config.database.port }, 'starting embedded PostgreSQL');
      embedded = await startEmbeddedPostgres({ dataDir, port: config.database.port });
      url = embedded.url;
    }
    const db = new Database(url, createPool(url, { max: config.database.pool_size }), embedded);
    const startMaintenance = () => {
      if (!o.maintenance) return;
      db.maintenance = new StoreMaintenance(db.pool, { partitions: db.partitions!, retentionMs: { raw: config.retention.raw, rollup_1m: config.retention.rollup_1m, rollup_1h: config.retention.rollup_1h, inventory_deleted: config.retention.inventory_deleted } });
      db.maintenance.start();
    };
    if (o.maintenance) db.partitions = new PartitionManager(db.pool);
    try {
      await db.migrateNow();
      db.state = 'connected';
      startMaintenance();
      return db;
    } catch (e) {
      if (o.tolerateUnreachable && !embedded && !isBadDataError(e)) {
        db.ready = false;
        db.noteWrite(false, 0, (e as Error).message);
        log('store').warn({ url: db.displayUrl, cause: (e as Error).message }, 'database unreachable at start: collecting into the spool, migrating when it answers');
        db.migrating = db.migrateWhenReachable(startMaintenance);
        return db;
      }
      await db.pool.end().catch(() => undefined);
      await embedded?.stop();
      throw e;
    }
  }

  private async migrateNow(): Promise<void> {
    const m = await migrate(this.url);
    if (m.applied.length) log('store').info({ applied: m.applied }, 'database migrated');
  }

  private async migrateWhenReachable(then: () => void): Promise<void> {
    const backoff = new Backoff(1000, 15_000);
    while (!this.abort.signal.aborted) {
      await sleep(backoff.next(), this.abort.signal);
      if (this.abort.signal.aborted) return;
      try {
        await this.migrateNow();
        this.ready = true;
        this.noteWrite(true, 0);
        then();
        return;
      } catch (e) {
        this.lastError = (e as Error).message;
      }
    }
  }

  get isEmbedded(): boolean {
    return this.embedded !== null;
  }

  /** The URL with its password masked, for logs and the status. */
  get displayUrl(): string {
    return this.url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1****@');
  }

  ensureCluster(name: string, meta: ClusterMeta): Promise<number> {
    return ensureCluster(this.pool, name, meta);
  }

  /** Records the outcome of a write: the status shows connected/unreachable and the latency. */
  noteWrite(ok: boolean, latencyMs: number, error?: string): void {
    const prev = this.state;
    if (this.state === 'closed') return;
    if (ok && !this.ready) return; // answering, but not migrated yet: still not writable
    if (ok) {
      this.state = 'connected';
      this.writeLatencyMs = latencyMs;
      this.lastError = null;
      if (prev === 'unreachable') log('store').warn('database reachable again');
    } else {
      this.state = 'unreachable';
      this.lastError = error ?? 'write failed';
      if (prev !== 'unreachable') log('store').warn({ cause: this.lastError }, 'database unreachable');
    }
  }

  async status(): Promise<DatabaseStatus> {
    const base: DatabaseStatus = {
      state: this.state,
      embedded: this.isEmbedded,
      url: this.displayUrl,
      lastError: this.lastError,
      writeLatencyMs: this.writeLatencyMs,
      rows: {},
      rowsEstimated: [],
    };
    if (this.state === 'closed') return base;
    try {
      Object.assign(base, await tableRowCounts(this.pool));
      if (this.state !== 'connected') this.noteWrite(true, this.writeLatencyMs ?? 0);
      base.state = this.state;
    } catch (e) {
      this.noteWrite(false, 0, (e as Error).message);
      base.state = this.state;
      base.lastError = this.lastError;
    }
    return base;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.abort.abort();
    await this.migrating;
    await this.maintenance?.stop();
    await this.pool.end().catch(() => undefined);
    await this.embedded?.stop();
  }
}

/** Rows per table of the kubepulse schema: exact for small tables, planner estimates for huge ones. */
export async function tableRowCounts(pool: pg.Pool): Promise<{ rows: Record<string, number>; rowsEstimated: string[] }> {
  const est = await pool.query<{ table: string; estimate: string }>(
    `SELECT c.relname AS table,
            COALESCE((SELECT sum(GREATEST(p.reltuples, 0)) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid WHERE i.inhparent = c.oid), 0)
              + GREATEST(c.reltuples, 0) AS estimate
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations'
      ORDER BY c.relname`,
    [SCHEMA],
  );
  const rows: Record<string, number> = {};
  const rowsEstimated: string[] = [];
  for (const r of est.rows) {
    const e = Number(r.estimate);
    if (e > EXACT_COUNT_MAX) {
      rows[r.table] = Math.round(e);
      rowsEstimated.push(r.table);
    } else {
      const c = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}."${r.table.replace(/"/g, '""')}"`);
      rows[r.table] = Number(c.rows[0].n);
    }
  }
  return { rows, rowsEstimated };
}
